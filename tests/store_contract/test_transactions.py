"""A write transaction is all or nothing, and a nested one joins the outer command."""

from __future__ import annotations

from datetime import date

import pytest

from pipeline_tui.models import PipelineError
from pipeline_tui.services import deals, journal
from pipeline_tui.services.deals import DealInput
from pipeline_tui.store.api import Store
from tests.store_contract.helpers import deal_values, events, insert_deal, row


class Boom(Exception):
    """Raised by a test inside a transaction."""


def test_an_exception_leaves_no_rows_and_no_events(store: Store) -> None:
    kept = insert_deal(store, "Kept", value_minor=5)
    kept_row = row(store, "deals", kept)
    journal_before = events(store)
    error = Boom("halfway")
    with pytest.raises(Boom) as raised, store.tx("half a command") as tx:
        new = tx.insert("deals", deal_values(store, "New"))
        tx.update("deals", kept, {"value_minor": 6})
        tx.ensure_owner("Nobody Yet")
        assert tx.command_id > 0
        raise error
    assert raised.value is error  # the caller's own exception, not a wrapped one
    assert row(store, "deals", new) is None
    assert row(store, "deals", kept) == kept_row
    assert "Nobody Yet" not in store.directory.owner_names()
    assert store.deals.deal_count() == 1
    assert events(store) == journal_before
    last = store.journal.last_undoable()
    assert last is not None and last["summary"] == "insert Kept"


def test_an_interrupt_rolls_back_too(store: Store) -> None:
    with pytest.raises(KeyboardInterrupt), store.tx("interrupted") as tx:
        tx.insert("deals", deal_values(store, "Ctrl-C"))
        raise KeyboardInterrupt
    assert store.deals.deal_count() == 0
    assert events(store) == []


def test_a_refused_service_command_leaves_nothing(store: Store) -> None:
    """edit_deal creates the new owner inside its transaction, then finds the edit invalid."""
    deal = deals.add_deal(store, DealInput("Pilot", 1))
    before = row(store, "deals", deal.id)
    journal_before = events(store)
    with pytest.raises(PipelineError, match="needs a next step"):
        deals.edit_deal(store, deal.id, owner="Brand New Owner", next_due=date(2026, 1, 5))
    assert "Brand New Owner" not in store.directory.owner_names()
    assert row(store, "deals", deal.id) == before
    assert events(store) == journal_before


def test_the_store_works_after_a_rollback(store: Store) -> None:
    with pytest.raises(Boom), store.tx("fails") as tx:
        tx.insert("deals", deal_values(store, "Lost"))
        raise Boom
    deal_id = insert_deal(store, "Saved")
    assert row(store, "deals", deal_id) is not None
    assert [e.entity_id for e in events(store)] == [deal_id]


def test_nested_tx_joins_the_outer_command(store: Store) -> None:
    with store.tx("outer") as outer:
        a = outer.insert("deals", deal_values(store, "A"))
        with store.tx("inner") as inner:
            b = inner.insert("deals", deal_values(store, "B"))
            assert inner.command_id == outer.command_id
        command_id = outer.command_id
    journal_after = events(store)
    assert [(e.entity_id, e.command_id) for e in journal_after] == [
        (a, command_id),
        (b, command_id),
    ]
    assert {e.command for e in journal_after} == {"outer"}
    result = journal.undo(store)  # one command, so one undo takes back both
    assert result.changes == 2
    assert store.deals.deal_count() == 0


def test_an_exception_in_a_nested_tx_rolls_back_the_outer_one(store: Store) -> None:
    with pytest.raises(Boom), store.tx("outer") as outer:
        outer.insert("deals", deal_values(store, "A"))
        with store.tx("inner") as inner:
            inner.insert("deals", deal_values(store, "B"))
            raise Boom
    assert store.deals.deal_count() == 0
    assert events(store) == []


def test_services_nested_in_one_tx_commit_as_one_command(store: Store) -> None:
    with store.tx("bulk add"):
        for title in ("One", "Two", "Three"):
            deals.add_deal(store, DealInput(title, 1))
    assert len({e.command_id for e in events(store)}) == 1
    journal.undo(store)
    assert store.deals.deal_count() == 0


def test_other_connections_see_nothing_until_commit(store: Store, second_store: Store) -> None:
    with store.tx("slow command") as tx:
        deal_id = tx.insert("deals", deal_values(store, "Pending"))
        assert second_store.deals.deal_count() == 0
        assert second_store.journal.recent_events(10) == []
    assert second_store.deals.deal_count() == 1
    assert second_store.deals.get_deal(deal_id).title == "Pending"
