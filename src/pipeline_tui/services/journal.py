"""Undo and the event log, over the store's journal."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pipeline_tui.models import ConflictError, Event, NotFoundError
from pipeline_tui.store.api import Store


@dataclass(frozen=True)
class UndoResult:
    command_id: int
    command: str
    summary: str
    changes: int


def undo(store: Store, command_id: int | None = None) -> UndoResult:
    """Revert a command as a whole: the given one, or else the most recent one not undone.

    On a shared server (store.login set) the most recent is your own login's, never another
    member's; a given command may be anyone's, if undo's checks allow.
    """
    with store.tx("undo", kind="undo") as tx:
        last: dict[str, Any] | None
        if command_id is not None:
            last = _undoable(store, command_id)
        else:
            last = store.journal.last_undoable(store.login)
        if last is None:
            restored = store.journal.restored_at()
            if restored is not None:
                raise ConflictError(
                    f"nothing to undo since the restore at {restored}: commands from "
                    "before a restore cannot be undone"
                )
            if store.login is not None:
                raise ConflictError(
                    f"nothing to undo for login {store.login}: another member's commands are "
                    "theirs to undo (or 'pipeline undo --command ID')"
                )
            raise ConflictError("nothing to undo")
        tx.summary = f"undo {last['summary']}"
        changes = tx.revert_command(last["id"])
    return UndoResult(last["id"], last["command"], last["summary"], changes)


def _undoable(store: Store, command_id: int) -> dict[str, Any]:
    found = store.journal.command(command_id)
    if found is None:
        raise NotFoundError(f"no command with id {command_id}")
    if found["kind"] != "change":
        raise ConflictError(f"command {command_id} is an undo: undo cannot be undone")
    if found["undone_by"] is not None:
        raise ConflictError(
            f"command {command_id} was already undone (by command {found['undone_by']})"
        )
    if found["before_restore"]:
        raise ConflictError(f"command {command_id} is from before a restore: it cannot be undone")
    if not found["has_events"]:
        raise ConflictError(f"command {command_id} changed nothing: there is nothing to undo")
    return found


def recent(store: Store, limit: int = 20, user: str | None = None) -> list[Event]:
    return store.journal.recent_events(limit, user)
