"""WriteTx journals every insert, update and delete with before/after values."""

from __future__ import annotations

import re

import pytest

from pipeline_tui.models import NotFoundError
from pipeline_tui.store.api import Store
from tests.store_contract.conftest import ACTOR
from tests.store_contract.helpers import PAST, deal_values, events, insert_deal, row

ISO_TS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


def test_insert_writes_the_row_and_one_insert_event(store: Store) -> None:
    values = deal_values(store, "Pilot", value_minor=1234, close_date="2026-03-01")
    with store.tx("add pilot") as tx:
        deal_id = tx.insert("deals", values)
        command_id = tx.command_id
    stored = row(store, "deals", deal_id)
    assert stored is not None
    assert {k: stored[k] for k in values} == values
    [ev] = events(store)
    assert (ev.entity, ev.entity_id, ev.action) == ("deals", deal_id, "insert")
    assert ev.before is None
    assert ev.after == {"id": deal_id, **values}
    assert ev.command_id == command_id
    assert ev.command == "add pilot" and ev.owner == ACTOR and not ev.undone


def test_insert_without_journal_writes_no_event(store: Store) -> None:
    with store.tx("quiet") as tx:
        deal_id = tx.insert("deals", deal_values(store, "Quiet"), journal=False)
    assert row(store, "deals", deal_id) is not None
    assert events(store) == []


def test_update_journals_the_changed_fields_and_stamps_updated_at(store: Store) -> None:
    deal_id = insert_deal(store, "Pilot", value_minor=100, close_date="2027-01-31")
    with store.tx("edit pilot") as tx:
        old = tx.update(
            "deals", deal_id, {"title": "Pilot", "value_minor": 250, "close_date": None}
        )
        now = tx.now
    assert ISO_TS.match(now)
    assert now != PAST
    assert old["value_minor"] == 100 and old["close_date"] == "2027-01-31"  # the row as it was
    stored = row(store, "deals", deal_id)
    assert stored is not None
    assert (stored["title"], stored["value_minor"], stored["close_date"]) == ("Pilot", 250, None)
    assert stored["updated_at"] == now
    ev = events(store)[-1]
    assert (ev.entity, ev.entity_id, ev.action) == ("deals", deal_id, "update")
    # Only what changed: the unchanged title is in neither side.
    assert ev.before == {"value_minor": 100, "close_date": "2027-01-31", "updated_at": PAST}
    assert ev.after == {"value_minor": 250, "close_date": None, "updated_at": now}


def test_update_with_no_difference_writes_nothing(store: Store) -> None:
    deal_id = insert_deal(store, "Pilot", value_minor=100)
    before = row(store, "deals", deal_id)
    journal = events(store)
    with store.tx("no-op edit") as tx:
        returned = tx.update("deals", deal_id, {"title": "Pilot", "value_minor": 100})
    assert returned == before
    assert row(store, "deals", deal_id) == before  # updated_at not stamped either
    assert events(store) == journal
    last = store.journal.last_undoable()
    assert last is not None and last["summary"] == "insert Pilot"


def test_update_without_stamp_writes_exactly_the_changes(store: Store) -> None:
    deal_id = insert_deal(store, "Pilot")
    with store.tx("restore-like edit") as tx:
        tx.update("deals", deal_id, {"title": "Renamed"}, stamp=False)
    stored = row(store, "deals", deal_id)
    assert stored is not None
    assert stored["title"] == "Renamed" and stored["updated_at"] == PAST
    ev = events(store)[-1]
    assert ev.before == {"title": "Pilot"} and ev.after == {"title": "Renamed"}


def test_update_may_set_updated_at_itself(store: Store) -> None:
    deal_id = insert_deal(store, "Pilot")
    with store.tx("backdated edit") as tx:
        tx.update("deals", deal_id, {"title": "B", "updated_at": "2025-05-05T05:05:05Z"})
    stored = row(store, "deals", deal_id)
    assert stored is not None and stored["updated_at"] == "2025-05-05T05:05:05Z"


def test_delete_removes_the_row_and_journals_all_of_it(store: Store) -> None:
    deal_id = insert_deal(store, "Doomed", value_minor=42)
    before = row(store, "deals", deal_id)
    with store.tx("delete doomed") as tx:
        returned = tx.delete("deals", deal_id)
    assert returned == before
    assert row(store, "deals", deal_id) is None
    ev = events(store)[-1]
    assert (ev.entity, ev.entity_id, ev.action) == ("deals", deal_id, "delete")
    assert ev.before == before and ev.after is None


def test_one_command_per_tx_and_one_event_per_write(store: Store) -> None:
    with store.tx("three writes") as tx:
        a = tx.insert("deals", deal_values(store, "A"))
        b = tx.insert("deals", deal_values(store, "B"))
        tx.update("deals", a, {"value_minor": 7})
        command_id = tx.command_id
    journal = events(store)
    written = [(e.entity_id, e.action) for e in journal]
    assert written == [(a, "insert"), (b, "insert"), (a, "update")]
    assert {e.command_id for e in journal} == {command_id}
    assert store.journal.last_undoable() == {
        "id": command_id,
        "command": "three writes",
        "summary": "three writes",
        "at": tx.now,
    }


def test_recent_events_is_newest_first_and_limited(store: Store) -> None:
    ids = [insert_deal(store, f"D{i}") for i in range(5)]
    recent = store.journal.recent_events(3)
    assert [e.entity_id for e in recent] == ids[::-1][:3]


def test_missing_rows_are_not_found(store: Store) -> None:
    with store.tx("missing") as tx:
        with pytest.raises(NotFoundError):
            tx.row("deals", 999_999)
        with pytest.raises(NotFoundError):
            tx.update("deals", 999_999, {"title": "x"})
        with pytest.raises(NotFoundError):
            tx.delete("deals", 999_999)
    assert events(store) == []
