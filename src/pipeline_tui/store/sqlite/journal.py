"""The event log: reading it, and applying the inverse of a command for undo."""

from __future__ import annotations

import json
from typing import Any

from pipeline_tui.models import ConflictError, Event
from pipeline_tui.store.sqlite.core import Reader, Tx
from pipeline_tui.store.sqlite.next_step import DERIVED


def recent_events(store: Reader, limit: int, user: str | None = None) -> list[Event]:
    """The newest events; ``user`` keeps those of one database login or owner name."""
    where = ""
    params: tuple[Any, ...] = (limit,)
    if user is not None:
        where, params = "WHERE c.login = ? OR lower(c.owner) = lower(?) ", (user, user, limit)
    rows = store.all(
        "SELECT e.id, e.command_id, c.at, c.owner, c.command, e.entity, e.entity_id, e.action, "
        "e.before, e.after, c.undone_by IS NOT NULL AS undone, c.login "
        f"FROM events e JOIN commands c ON c.id = e.command_id {where}"
        "ORDER BY e.id DESC LIMIT ?",
        params,
    )
    return [
        Event(
            r[0],
            r[1],
            r[2],
            r[3],
            r[4],
            r[5],
            r[6],
            r[7],
            json.loads(r[8]) if r[8] else None,
            json.loads(r[9]) if r[9] else None,
            bool(r[10]),
            r[11],
        )
        for r in rows
    ]


_HORIZON = (
    "coalesce((SELECT CAST(value AS INTEGER) FROM database_info WHERE key = 'undo_horizon'), 0)"
)


def last_undoable(store: Reader, login: str | None = None) -> dict[str, Any] | None:
    """The newest command not yet undone, after the last restore (see undo_horizon); with
    ``login``, the newest of that database login's (a shared server's "your last command")."""
    mine, params = ("AND login = ? ", (login,)) if login is not None else ("", ())
    row = store.one(
        "SELECT id, command, summary, at FROM commands "
        f"WHERE kind = 'change' AND undone_by IS NULL AND id > {_HORIZON} {mine}"
        "AND EXISTS (SELECT 1 FROM events e WHERE e.command_id = commands.id) "
        "ORDER BY id DESC LIMIT 1",
        params,
    )
    return None if row is None else dict(row)


def command(store: Reader, command_id: int) -> dict[str, Any] | None:
    """One journalled command, with what undo needs to know of it."""
    row = store.one(
        "SELECT id, command, summary, at, kind, undone_by, login, "
        f"id <= {_HORIZON} AS before_restore, "
        "EXISTS (SELECT 1 FROM events e WHERE e.command_id = commands.id) AS has_events "
        "FROM commands WHERE id = ?",
        (command_id,),
    )
    return None if row is None else dict(row)


def restored_at(store: Reader) -> str | None:
    """When this database was last restored from a backup: undo stops at that point."""
    found = store.scalar("SELECT value FROM database_info WHERE key = 'restored_at'")
    return None if found is None else str(found)


def _check_current(tx: Tx, table: str, row_id: int, expected: dict[str, Any]) -> dict[str, Any]:
    row = tx.store.one(f"SELECT * FROM {table} WHERE id = ?", (row_id,))
    if row is None:
        raise ConflictError(f"cannot undo: {table[:-1]} {row_id} no longer exists")
    current = dict(row)
    for key, value in expected.items():
        if current.get(key) != value:
            raise ConflictError(
                f"cannot undo: {table[:-1]} {row_id} changed since ({key} is now "
                f"{current.get(key)!r})"
            )
    return current


def revert_command(tx: Tx, command_id: int) -> int:
    """Apply the inverse of every event of a command, newest first; return how many."""
    rows = tx.store.all(
        "SELECT entity, entity_id, action, before, after FROM events "
        "WHERE command_id = ? ORDER BY id DESC",
        (command_id,),
    )
    changes = 0
    for entity, entity_id, action, before_json, after_json in rows:
        if entity == "imports":  # an import journals one summary event, not one per row
            from pipeline_tui.store.sqlite.import_records import undo_import

            changes += undo_import(tx, entity_id)
            continue
        changes += 1
        before = json.loads(before_json) if before_json else {}
        after = json.loads(after_json) if after_json else {}
        if action == "insert":
            _check_current(tx, entity, entity_id, {})
            tx.delete(entity, entity_id)
        elif action == "update":
            if entity == "deals":
                # A next step changed directly (journalled before schema v3): the cache now
                # follows the deal's activities, which this undo restores by their events.
                before = {k: v for k, v in before.items() if k not in DERIVED}
                after = {k: v for k, v in after.items() if k not in DERIVED}
            _check_current(tx, entity, entity_id, after)
            tx.update(entity, entity_id, before, stamp=False)
        elif action == "delete":
            tx.insert(entity, before)
    tx.raw("UPDATE commands SET undone_by = ? WHERE id = ?", (tx.command_id, command_id))
    return changes


def value_before_close(store: Reader, deal_id: int, key: str) -> Any:
    """A deal field as it was just before its latest win or loss (None if not recorded)."""
    rows = store.all(
        "SELECT e.before, e.after FROM events e JOIN commands c ON c.id = e.command_id "
        "WHERE e.entity = 'deals' AND e.entity_id = ? AND e.action = 'update' "
        "AND c.undone_by IS NULL ORDER BY e.id DESC LIMIT 50",
        (deal_id,),
    )
    for before, after in rows:
        new = json.loads(after) if after else {}
        if new.get("status") in ("won", "lost"):
            old = json.loads(before) if before else {}
            return old.get(key)
    return None
