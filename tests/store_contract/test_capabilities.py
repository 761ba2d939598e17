"""The store's shape: its capabilities, location and every query family the protocol names."""

from __future__ import annotations

import inspect
from dataclasses import fields

import pytest

from pipeline_tui.store import api
from pipeline_tui.store.api import Capabilities, Store
from tests.store_contract.conftest import ACTOR

CHANGE_WATCHES = {"data_version", "notify"}  # the ways api.Capabilities names
# Each query family the Store protocol exposes, and the protocol it must satisfy.
FAMILIES: dict[str, type] = {
    "deals": api.DealReads,
    "leads": api.LeadReads,
    "activities": api.ActivityReads,
    "stages": api.StageReads,
    "directory": api.Directory,
    "settings": api.SettingReads,
    "targets": api.TargetReads,
    "journal": api.JournalReads,
    "pages": api.DealPages,
    "reports": api.ReportReads,
    "kpis": api.KpiReads,
    "review": api.ReviewReads,
    "exports": api.ExportReads,
    "imports": api.ImportReads,
    "companies": api.CompanyReads,
    "people": api.PersonReads,
    "notes": api.NoteReads,
    "search": api.SearchReads,
}
TX_METHODS = [
    "row",
    "insert",
    "update",
    "delete",
    "ensure_owner",
    "ensure_company",
    "ensure_contact",
    "put_setting",
    "put_target",
    "add_snapshot",
    "revert_command",
]


def _methods(protocol: type) -> list[str]:
    return [
        name
        for name, member in vars(protocol).items()
        if not name.startswith("_") and inspect.isfunction(member)
    ]


def test_capabilities_are_typed_flags(store: Store) -> None:
    caps = store.capabilities
    assert isinstance(caps, Capabilities)
    assert [f.name for f in fields(caps)] == ["file_backup", "file_checks", "change_watch"]
    assert isinstance(caps.file_backup, bool)
    assert isinstance(caps.file_checks, bool)
    assert isinstance(caps.change_watch, str) and caps.change_watch in CHANGE_WATCHES
    with pytest.raises(AttributeError):  # frozen: a face cannot talk a store into more
        caps.file_backup = not caps.file_backup  # type: ignore[misc]


def test_location_and_actor(store: Store) -> None:
    assert isinstance(store.location, str) and store.location
    assert store.actor == ACTOR


def test_the_family_table_covers_the_protocol() -> None:
    properties = [n for n, m in vars(Store).items() if isinstance(m, property)]
    assert sorted(set(properties) - {"location"}) == sorted(FAMILIES)


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_every_query_family_has_its_methods(store: Store, family: str) -> None:
    protocol = FAMILIES[family]
    methods = _methods(protocol)
    assert methods, f"{protocol.__name__} names no methods"
    obj = getattr(store, family)
    missing = [m for m in methods if not callable(getattr(obj, m, None))]
    assert missing == [], f"store.{family} lacks {missing}"
    for name in methods:
        wanted = list(inspect.signature(getattr(protocol, name)).parameters)[1:]
        got = list(inspect.signature(getattr(obj, name)).parameters)
        if got[:1] in (["self"], ["store"]):  # a plain function bound as a method
            got = got[1:]
        assert got == wanted, f"store.{family}.{name} takes {got}, the protocol {wanted}"


def test_a_write_tx_has_its_methods(store: Store) -> None:
    assert sorted(_methods(api.WriteTx)) == sorted(TX_METHODS)
    with pytest.raises(LookupError), store.tx("look", kind="undo") as tx:
        missing = [m for m in TX_METHODS if not callable(getattr(tx, m, None))]
        assert missing == []
        assert isinstance(tx.now, str) and tx.summary == "look"
        assert isinstance(tx.command_id, int)
        raise LookupError("roll back the command that asking for command_id may record")
