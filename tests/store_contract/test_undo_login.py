"""Undo's view of the journal: the newest command of one login, and one command by id."""

from __future__ import annotations

from pipeline_tui.store.api import Store
from tests.store_contract.helpers import deal_values


def test_commands_record_the_login_and_undo_finds_its_own(store: Store) -> None:
    with store.tx("add Zed") as tx:
        tx.insert("deals", deal_values(store, "Zed"))
    last = store.journal.last_undoable(store.login)
    assert last is not None and last["summary"] == "add Zed"
    found = store.journal.command(last["id"])
    assert found is not None
    assert found["login"] == store.login  # None on a file, session_user on a server
    assert found["kind"] == "change" and found["undone_by"] is None
    assert found["has_events"] and not found["before_restore"]
    assert store.journal.command(last["id"] + 1000) is None
    assert store.journal.last_undoable("somebody-else") is None
    [event] = [e for e in store.journal.recent_events(5) if e.command_id == last["id"]]
    assert event.login == store.login
