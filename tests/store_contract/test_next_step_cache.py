"""A deal's cached next step always equals its earliest open planned activity (schema M003),
after every kind of activity write and after undo; undo stays exact around it."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from pipeline_tui.models import ConflictError, NotFoundError
from pipeline_tui.services import activities, deals, journal
from pipeline_tui.services.deals import DealInput
from pipeline_tui.store.api import ActivityFilter, Store
from tests.store_contract.helpers import events, insert_deal, row


def expected(store: Store, deal_id: int) -> tuple[Any, Any, Any]:
    """(activity id, subject, due day) of the deal's earliest open plan, from the activities."""
    planned = store.activities.list_activities(ActivityFilter(deal_id=deal_id, status="planned"))
    if not planned:
        return None, None, None
    first = planned[0]  # soonest due first, then lowest id
    return first.id, first.subject, (first.due_at or "")[:10]


def assert_cache(store: Store, *deal_ids: int) -> None:
    for deal_id in deal_ids:
        stored = row(store, "deals", deal_id)
        if stored is None:
            continue
        cached = (stored["next_activity_id"], stored["next_step"], stored["next_due"])
        assert cached == expected(store, deal_id), deal_id
        nxt = store.activities.next_for_deal(deal_id)
        assert (nxt.id if nxt else None) == cached[0]


@pytest.fixture
def two(store: Store) -> tuple[int, int]:
    return insert_deal(store, "One"), insert_deal(store, "Two")


def test_every_kind_of_write_keeps_the_cache(store: Store, two: tuple[int, int]) -> None:
    one, other = two
    assert_cache(store, one, other)
    late = activities.plan(store, "call", "Late call", date(2027, 3, 1), deal_id=one)
    assert_cache(store, one)
    early = activities.plan(store, "email", "Early mail", date(2027, 2, 1), deal_id=one)
    assert row(store, "deals", one)["next_step"] == "Early mail"  # type: ignore[index]
    activities.log_activity(store, "note", "Logged, not planned", deal_id=one)
    assert_cache(store, one)
    activities.edit(store, early.id, {"due_at": date(2027, 4, 1)})  # rescheduled past the call
    assert row(store, "deals", one)["next_activity_id"] == late.id  # type: ignore[index]
    activities.edit(store, late.id, {"subject": "Renamed call"})
    assert_cache(store, one)
    activities.edit(store, late.id, {"deal_id": other})  # re-assigned: both deals change
    assert_cache(store, one, other)
    activities.done(store, early.id, "ok")
    assert_cache(store, one, other)
    assert row(store, "deals", one)["next_step"] is None  # type: ignore[index]
    activities.cancel(store, late.id, "not needed")
    assert_cache(store, one, other)
    with store.tx("delete a plan") as tx:
        plan = activities.plan(store, "task", "Doomed", date(2027, 1, 1), deal_id=one)
        tx.delete("activities", plan.id)
    assert_cache(store, one, other)
    deals.edit_deal(store, one, next_step="Typed step", next_due=date(2027, 5, 5))
    assert row(store, "deals", one)["next_due"] == "2027-05-05"  # type: ignore[index]
    assert_cache(store, one)
    deals.edit_deal(store, one, next_due=date(2027, 5, 6))  # reschedules that activity
    assert_cache(store, one)
    deals.edit_deal(store, one, next_step="")
    assert_cache(store, one)
    assert store.activities.open_count(one) == 0

    # Undo every command, newest first: the cache follows at each step.
    while store.journal.last_undoable() is not None:
        journal.undo(store)
        assert_cache(store, one, other)
    assert row(store, "deals", one) is None


def test_undo_is_exact_and_not_tripped_by_the_cache(store: Store, two: tuple[int, int]) -> None:
    one, _other = two
    activities.plan(store, "call", "First", date(2027, 3, 1), deal_id=one)
    before = row(store, "deals", one)
    plan = activities.plan(store, "call", "Sooner", date(2027, 2, 1), deal_id=one)
    # A later command changed the deal's cache, not the deal: undoing the plan is allowed.
    deals.edit_deal(store, one, title="Renamed")
    journal.undo(store)
    journal.undo(store)
    assert row(store, "deals", one) == before  # every column, the cache included
    with pytest.raises(NotFoundError):
        store.activities.get_activity(plan.id)
    # The journal never holds the derived columns: they follow from the activities.
    for ev in events(store):
        if ev.entity == "deals" and ev.action == "update":
            assert not {"next_step", "next_due", "next_activity_id"} & set(ev.after or {})


def test_a_service_cannot_write_the_cache(store: Store, two: tuple[int, int]) -> None:
    one, _other = two
    with pytest.raises(ValueError, match="derived"), store.tx("free text") as tx:
        tx.update("deals", one, {"next_step": "typed"})
    assert row(store, "deals", one)["next_step"] is None  # type: ignore[index]


def test_undo_walks_back_through_activity_edits(store: Store) -> None:
    deal = deals.add_deal(store, DealInput("Pilot", 1, next_step="Call", next_due=date(2027, 1, 2)))
    nxt = store.activities.next_for_deal(deal.id)
    assert nxt is not None and nxt.subject == "Call"
    activities.edit(store, nxt.id, {"subject": "Call CFO"})
    activities.done(store, nxt.id, "done")
    journal.undo(store)  # the completion
    assert_cache(store, deal.id)
    assert row(store, "deals", deal.id)["next_step"] == "Call CFO"  # type: ignore[index]
    activities.edit(store, nxt.id, {"subject": "Someone else's"})
    journal.undo(store)  # that edit
    journal.undo(store)  # the first edit: the activity is as it left it, so allowed
    assert row(store, "deals", deal.id)["next_step"] == "Call"  # type: ignore[index]
    activities.edit(store, nxt.id, {"notes": "n"})
    with store.tx("sneak") as tx:
        tx.update("activities", nxt.id, {"notes": "other"})
    journal.undo(store)  # the sneak
    journal.undo(store)  # the notes edit
    with pytest.raises(ConflictError, match="nothing to undo"):
        while True:
            journal.undo(store)
    assert row(store, "deals", deal.id) is None
