"""Owners and stage histories (issue 13): the reads the side imports rely on, and their undo."""

# Driven through the services (services/imports/owners.py, stage_history.py) and read back
# through store/api.py alone, so that every backend keeps the same promises.

from __future__ import annotations

from pathlib import Path

from pipeline_tui.services import journal
from pipeline_tui.services.imports.owners import import_owners
from pipeline_tui.services.imports.run import ImportOptions, run_import
from pipeline_tui.services.imports.stage_history import HistoryOptions, import_history
from pipeline_tui.store.api import DealFilter, Store

USERS = "Id,FirstName,LastName,Email\nU1,Ana,Ruiz,ana@x.example\nU2,Bo,Chen,\n"
DEALS = "Id,Name,StageName,Amount,OwnerId,CreatedDate\nD1,Alpha,Demo,,U1,2026-01-02\n" \
        "D2,Bravo,Closed Won,300,U2,\n"  # fmt: skip
HISTORY = "OpportunityId,StageName,CreatedDate,Amount\nD1,Lead In,2026-01-01 10:00,100\n" \
          "D1,Demo,2026-01-05 10:00,200\nD2,Closed Won,2026-01-03 10:00,300\n"  # fmt: skip


def _file(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_owners_keep_their_ids_and_deals_resolve_them(store: Store, tmp_path: Path) -> None:
    import_owners(store, _file(tmp_path, "u.csv", USERS))
    index = {o["external_id"]: o["name"] for o in store.imports.owners_index()}
    assert index == {"U1": "Ana Ruiz", "U2": "Bo Chen"}
    run_import(store, ImportOptions("deals", _file(tmp_path, "d.csv", DEALS), zone="UTC"))
    deals = {d.title: d for d in store.deals.list_deals(DealFilter(status=None))}
    assert (deals["Alpha"].owner, deals["Bravo"].owner) == ("Ana Ruiz", "Bo Chen")
    assert deals["Alpha"].value_minor is None  # an empty amount stays unknown
    assert deals["Bravo"].created_at is None  # no date given: none invented
    found = store.imports.deals_by_external_ids(["D1", "D2", "nope"])
    assert sorted(found) == ["D1", "D2"] and found["D2"]["history_unknown"] == 1


def test_a_history_import_replaces_history_and_undo_restores_it(
    store: Store, tmp_path: Path
) -> None:
    run_import(store, ImportOptions("deals", _file(tmp_path, "d.csv", DEALS), zone="UTC"))
    d1 = store.imports.deals_by_external_ids(["D1"])["D1"]["id"]
    before = store.imports.history_row_ids([d1])
    assert len(before["stage_changes"]) == 1 and before["deal_history"] == []
    result = import_history(store, HistoryOptions(_file(tmp_path, "h.csv", HISTORY), zone="UTC"))
    assert (result.deals, result.stage_changes, result.changes["value_minor"]) == (2, 2, 1)
    history = [(c.from_stage, c.to_stage, c.changed_at) for c in store.deals.stage_history(d1)]
    assert ("Lead In", "Demo", "2026-01-05T10:00:00Z") in history
    after = store.imports.history_row_ids([d1])
    assert len(after["deal_history"]) == 3  # status, then the amount and its change
    assert store.deals.get_deal(d1).created_at == "2026-01-01T10:00:00Z"
    journal.undo(store)
    assert store.imports.history_row_ids([d1]) == before
    assert store.deals.get_deal(d1).created_at == "2026-01-02T12:00:00Z"
