"""Undo and the event log, over the store's journal."""

from __future__ import annotations

from dataclasses import dataclass

from pipeline_tui.models import ConflictError, Event
from pipeline_tui.store.api import Store


@dataclass(frozen=True)
class UndoResult:
    command_id: int
    command: str
    summary: str
    changes: int


def undo(store: Store) -> UndoResult:
    """Revert the most recent command that has not been undone, as a whole."""
    with store.tx("undo", kind="undo") as tx:
        last = store.journal.last_undoable()
        if last is None:
            restored = store.journal.restored_at()
            if restored is not None:
                raise ConflictError(
                    f"nothing to undo since the restore at {restored}: commands from "
                    "before a restore cannot be undone"
                )
            raise ConflictError("nothing to undo")
        tx.summary = f"undo {last['summary']}"
        changes = tx.revert_command(last["id"])
    return UndoResult(last["id"], last["command"], last["summary"], changes)


def recent(store: Store, limit: int = 20) -> list[Event]:
    return store.journal.recent_events(limit)
