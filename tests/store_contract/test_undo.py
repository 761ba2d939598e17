"""Undo reverts a whole command exactly, and refuses, writing nothing, when rows moved on."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from pipeline_tui.models import ConflictError, NotFoundError, PipelineError
from pipeline_tui.services import deals, journal
from pipeline_tui.services.deals import DealInput
from pipeline_tui.store.api import Store
from tests.store_contract.helpers import deal_values, events, insert_deal, row

LAST_YEAR = datetime(2025, 6, 1, 9, 30, tzinfo=UTC)


def test_undo_service_reverts_an_edit_then_an_add_exactly(store: Store) -> None:
    deal = deals.add_deal(
        store, DealInput("Pilot", 100_00, company="Acme", next_step="Call"), at=LAST_YEAR
    )
    added = row(store, "deals", deal.id)
    assert added is not None and added["updated_at"] == "2025-06-01T09:30:00Z"
    deals.edit_deal(store, deal.id, title="Changed", value_minor=999, next_step=None)
    edited = row(store, "deals", deal.id)
    assert edited is not None and edited["updated_at"] != added["updated_at"]

    # Clearing the next step cancelled its planned activity: two rows changed, both undone.
    assert edited["next_step"] is None and store.activities.open_count(deal.id) == 0
    result = journal.undo(store)
    assert result.summary == f"edit deal {deal.id}" and result.changes == 2
    assert row(store, "deals", deal.id) == added  # every column, updated_at included
    assert added["next_step"] == "Call" and store.activities.open_count(deal.id) == 1

    result = journal.undo(store)
    assert result.summary == "add deal 'Pilot'"
    assert row(store, "deals", deal.id) is None
    with pytest.raises(NotFoundError):
        store.deals.get_deal(deal.id)
    assert store.deals.deal_count() == 0
    assert store.journal.last_undoable() is None
    with pytest.raises(ConflictError, match="nothing to undo"):
        journal.undo(store)


def test_undo_marks_the_command_undone_and_is_not_itself_undoable(store: Store) -> None:
    first = insert_deal(store, "First")
    second = insert_deal(store, "Second")
    journal.undo(store)
    assert row(store, "deals", second) is None and row(store, "deals", first) is not None
    by_entity = {e.entity_id: e for e in events(store) if e.action == "insert"}
    assert by_entity[second].undone and not by_entity[first].undone
    last = store.journal.last_undoable()
    assert last is not None and last["summary"] == "insert First"


def test_revert_command_restores_inserts_updates_and_deletes(store: Store) -> None:
    kept = insert_deal(store, "Kept", value_minor=10)
    doomed = insert_deal(store, "Doomed", value_minor=20)
    kept_before = row(store, "deals", kept)
    doomed_before = row(store, "deals", doomed)
    with store.tx("three kinds") as tx:
        new = tx.insert("deals", deal_values(store, "New"))
        tx.update("deals", kept, {"title": "Kept, edited", "value_minor": 11})
        tx.delete("deals", doomed)
        command_id = tx.command_id
    with store.tx("undo three kinds", kind="undo") as tx:
        assert tx.revert_command(command_id) == 3
    assert row(store, "deals", new) is None
    assert row(store, "deals", kept) == kept_before
    assert row(store, "deals", doomed) == doomed_before  # back under its own id
    assert store.deals.deal_count() == 2
    last = store.journal.last_undoable()
    assert last is not None and last["summary"] == "insert Doomed"


def test_undo_of_an_unstamped_update_leaves_updated_at_as_it_was(store: Store) -> None:
    deal_id = insert_deal(store, "Pilot")
    before = row(store, "deals", deal_id)
    with store.tx("quiet rename") as tx:
        tx.update("deals", deal_id, {"title": "Renamed"}, stamp=False)
    journal.undo(store)
    assert row(store, "deals", deal_id) == before


def _journal_state(store: Store) -> tuple[object, ...]:
    return (
        [(e.id, e.undone) for e in events(store)],
        store.journal.last_undoable(),
        store.deals.deal_count(),
    )


def test_revert_of_an_older_command_is_refused_when_a_later_one_changed_the_row(
    store: Store,
) -> None:
    deal_id = insert_deal(store, "Pilot")
    with store.tx("rename 1") as tx:
        tx.update("deals", deal_id, {"title": "Renamed once"})
        older = tx.command_id
    with store.tx("rename 2") as tx:
        tx.update("deals", deal_id, {"title": "Renamed twice"})
    current = row(store, "deals", deal_id)
    state = _journal_state(store)
    with pytest.raises(ConflictError), store.tx("undo rename 1", kind="undo") as tx:
        tx.revert_command(older)
    assert row(store, "deals", deal_id) == current
    assert _journal_state(store) == state


def test_revert_of_an_insert_is_refused_when_the_row_is_gone(store: Store) -> None:
    with store.tx("add") as tx:
        deal_id = tx.insert("deals", deal_values(store, "Pilot"))
        added = tx.command_id
    with store.tx("remove") as tx:
        tx.delete("deals", deal_id)
    state = _journal_state(store)
    with pytest.raises(ConflictError), store.tx("undo add", kind="undo") as tx:
        tx.revert_command(added)
    assert row(store, "deals", deal_id) is None
    assert _journal_state(store) == state


def test_undo_service_refuses_a_conflict_and_writes_nothing(store: Store) -> None:
    """The last undoable command wrote two rows; a later non-undoable write (an `import undo`
    is one) changed the older. Undo reverts newest first, so it has already restored the
    other row when it meets the conflict: that restore must be rolled back too."""
    a = insert_deal(store, "A")
    b = insert_deal(store, "B")
    with store.tx("edit both") as tx:
        tx.update("deals", a, {"value_minor": 111})
        tx.update("deals", b, {"value_minor": 222})
    with store.tx("outside change", kind="undo") as tx:
        tx.update("deals", a, {"value_minor": 333})
    rows = (row(store, "deals", a), row(store, "deals", b))
    state = _journal_state(store)
    with pytest.raises(PipelineError) as raised:
        journal.undo(store)
    assert isinstance(raised.value, ConflictError)
    assert "\n" not in str(raised.value) and "changed since" in str(raised.value)
    assert (row(store, "deals", a), row(store, "deals", b)) == rows
    assert _journal_state(store) == state
    last = store.journal.last_undoable()
    assert last is not None and last["summary"] == "edit both"


def test_undoing_a_service_command_undoes_all_its_rows(store: Store) -> None:
    """A move writes a stage change and the deal; undo takes back both."""
    deal = deals.add_deal(store, DealInput("Pilot", 1), at=LAST_YEAR)
    before = row(store, "deals", deal.id)
    history = store.deals.stage_history(deal.id)
    deals.move_deal(store, deal.id, "Demo")
    assert len(store.deals.stage_history(deal.id)) == len(history) + 1
    result = journal.undo(store)
    assert result.changes >= 2
    assert row(store, "deals", deal.id) == before
    assert store.deals.stage_history(deal.id) == history
