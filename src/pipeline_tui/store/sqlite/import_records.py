"""Import records: what each import created and changed, listing them, and undoing one."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from pipeline_tui.models.errors import ConflictError, NotFoundError
from pipeline_tui.store.import_plan import ImportRecord
from pipeline_tui.store.sqlite.core import Reader, Tx

# Tables whose new rows an import may create, children first (the order undo deletes in).
TRACKED = ("stage_changes", "activities", "deals", "leads", "contacts", "companies", "owners",
           "stages")  # fmt: skip


def database_key(store: Reader) -> str:
    """This database's name in export keys (see schema.M001_IMPORTS)."""
    return str(store.scalar("SELECT value FROM database_info WHERE key = 'id'") or "local")


# -- import records ----------------------------------------------------------------------------


def sequences(tx: Tx) -> dict[str, int]:
    """The highest id of each tracked table; rows above it are this import's."""
    seq = {r[0]: int(r[1]) for r in tx.store.all("SELECT name, seq FROM sqlite_sequence")}
    return {t: seq.get(t, 0) for t in TRACKED}


def begin_import(tx: Tx, entity: str, source: str, options: dict[str, Any]) -> int:
    cur = tx.raw(
        "INSERT INTO imports (command_id, entity, source, at, options) VALUES (?, ?, ?, ?, ?)",
        (tx.command_id, entity, source, tx.now, json.dumps(options, ensure_ascii=False)),
    )
    return int(cur.lastrowid or 0)


def finish_import(
    tx: Tx, import_id: int, counts: dict[str, int], before: dict[str, int], extras: dict[str, int]
) -> None:
    """Record what the import created (id ranges) and its counts, and journal one summary
    event, so that `pipeline undo` and `pipeline log` see the import as one command."""
    after = sequences(tx)
    ranges = {t: [before[t] + 1, after[t]] for t in TRACKED if after[t] > before[t]}
    tx.raw(
        "UPDATE imports SET rows = ?, created = ?, updated = ?, unchanged = ?, rejected = ?, "
        "extras = ?, ranges = ? WHERE id = ?",
        (
            counts["rows"],
            counts["created"],
            counts["updated"],
            counts["unchanged"],
            counts["rejected"],
            json.dumps(extras),
            json.dumps(ranges),
            import_id,
        ),
    )
    summary = tx.store.one("SELECT * FROM imports WHERE id = ?", (import_id,))
    tx._event("imports", import_id, "insert", None, {"name": tx.summary, **dict(summary or {})})


def _record(row: sqlite3.Row) -> ImportRecord:
    return ImportRecord(
        id=row["id"],
        entity=row["entity"],
        source=row["source"],
        at=row["at"],
        rows=row["rows"],
        created=row["created"],
        updated=row["updated"],
        unchanged=row["unchanged"],
        rejected=row["rejected"],
        extras=json.loads(row["extras"] or "{}"),
        undone=row["undone_by"] is not None,
        command_id=row["command_id"],
    )


def list_imports(store: Reader, limit: int | None = None) -> list[ImportRecord]:
    sql = "SELECT * FROM imports ORDER BY id DESC" + (" LIMIT ?" if limit else "")
    return [_record(r) for r in store.all(sql, (limit,) if limit else ())]


def get_import(store: Reader, import_id: int) -> ImportRecord:
    row = store.one("SELECT * FROM imports WHERE id = ?", (import_id,))
    if row is None:
        raise NotFoundError(f"no import with id {import_id}")
    return _record(row)


# -- undo ----------------------------------------------------------------------------------------


def _columns(store: Reader, table: str) -> list[str]:
    return [r[1] for r in store.all(f"PRAGMA table_info({table})")]


_LATER = (
    "SELECT c.id, c.summary, e.entity_id FROM events e JOIN commands c ON c.id = e.command_id "
    "WHERE c.id > ? AND c.kind = 'change' AND c.undone_by IS NULL AND e.entity = ? AND "
)


def _check_untouched(tx: Tx, imp: sqlite3.Row, ranges: dict[str, list[int]]) -> None:
    """Refuse when a later command or import changed rows this import wrote."""
    store, imp_id, after = tx.store, imp["id"], imp["command_id"]
    checks: list[tuple[str, str, tuple[Any, ...]]] = [
        (table, "e.entity_id BETWEEN ? AND ?", (lo, hi)) for table, (lo, hi) in ranges.items()
    ]
    for (table,) in store.all(
        "SELECT DISTINCT entity FROM import_saved WHERE import_id = ?", (imp_id,)
    ):
        checks.append(
            (
                table,
                "e.entity_id IN (SELECT row_id FROM import_saved WHERE import_id = ? "
                "AND entity = ?)",
                (imp_id, table),
            )
        )
    for table, where, params in checks:
        later = store.one(_LATER + where + " ORDER BY c.id LIMIT 1", (after, table, *params))
        if later is not None:
            raise ConflictError(
                f"cannot undo import {imp_id}: {table[:-1]} {later['entity_id']} was changed "
                f"since by command {later['id']} ({later['summary']}); undo that first"
            )
        other = store.one(
            "SELECT s.import_id FROM import_saved s JOIN imports i ON i.id = s.import_id "
            "WHERE s.import_id > ? AND i.undone_by IS NULL AND s.entity = ? AND "
            + where.replace("e.entity_id", "s.row_id")
            + " LIMIT 1",
            (imp_id, table, *params),
        )
        if other is not None:
            raise ConflictError(
                f"cannot undo import {imp_id}: import {other[0]} changed its rows since; "
                f"undo import {other[0]} first"
            )


def undo_import(tx: Tx, import_id: int) -> int:
    """Restore every row the import overwrote and delete every row it created; return how
    many rows changed. Runs inside the caller's transaction: all or nothing."""
    store = tx.store
    imp = store.one("SELECT * FROM imports WHERE id = ?", (import_id,))
    if imp is None:
        raise NotFoundError(f"no import with id {import_id}")
    if imp["undone_by"] is not None:
        raise ConflictError(f"import {import_id} was already undone")
    ranges: dict[str, list[int]] = json.loads(imp["ranges"] or "{}")
    _check_untouched(tx, imp, ranges)
    from pipeline_tui.store.sqlite.next_step import deals_of_import, refresh_where

    deals_of_import(tx.store._conn, import_id, ranges)
    changed = 0
    for (table,) in store.all(
        "SELECT DISTINCT entity FROM import_saved WHERE import_id = ?", (import_id,)
    ):
        cols = [c for c in _columns(store, table) if c != "id"]
        sets = ", ".join(f"{c} = json_extract(s.before, '$.{c}')" for c in cols)
        cur = tx.raw(
            f"UPDATE {table} SET {sets} FROM import_saved s WHERE s.import_id = ? "
            f"AND s.entity = ? AND s.row_id = {table}.id",
            (import_id, table),
        )
        changed += max(cur.rowcount, 0)
    for table in TRACKED:
        if table in ranges:
            lo, hi = ranges[table]
            try:
                cur = tx.raw(f"DELETE FROM {table} WHERE id BETWEEN ? AND ?", (lo, hi))
            except sqlite3.IntegrityError:
                raise ConflictError(
                    f"cannot undo import {import_id}: later changes refer to the "
                    f"{table} it created (undo those first)"
                ) from None
            changed += max(cur.rowcount, 0)
    # Deals' next steps follow their activities again (schema.M003).
    refresh_where(tx.store._conn, "id IN (SELECT id FROM temp.undo_deals)")
    tx.raw("UPDATE imports SET undone_by = ? WHERE id = ?", (tx.command_id, import_id))
    tx._event(
        "imports",
        import_id,
        "update",
        {"undone_by": None, "rows_changed": 0},
        {"undone_by": tx.command_id, "rows_changed": changed},
    )
    return changed
