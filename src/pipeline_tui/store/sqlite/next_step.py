"""A deal's next step: the cache of its earliest open planned activity (schema.M003).

deals.next_step, next_due and next_activity_id are never written by a service: the write
transaction (core.py: Tx) recomputes them here whenever one of the deal's activities is
written, undo included, so every reader and the agenda's partial indexes (schema.M002) see
the planned activity without a join. The cache is not journalled: it follows from the
activities, whose changes are.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from typing import Any

# The cached columns of deals, derived from activities.
DERIVED = frozenset({"next_step", "next_due", "next_activity_id"})
# An activity still to do: neither done nor cancelled.
OPEN = "done_at IS NULL AND cancelled_at IS NULL"
# The next activity of the deal the outer statement names as deals.id.
EARLIEST = (
    "SELECT a.id, a.subject, substr(a.due_at, 1, 10) FROM activities a "
    "WHERE a.deal_id = deals.id AND a.done_at IS NULL AND a.cancelled_at IS NULL "
    "ORDER BY a.due_at, a.id LIMIT 1"
)
_SET = f"UPDATE deals SET (next_activity_id, next_step, next_due) = ({EARLIEST})"


def refresh(conn: sqlite3.Connection, deal_ids: Iterable[Any]) -> None:
    """Recompute the cache of these deals (None and repeats are skipped)."""
    for deal_id in {int(d) for d in deal_ids if d is not None}:
        found = conn.execute(
            f"SELECT id, subject, substr(due_at, 1, 10) FROM activities WHERE deal_id = ? "
            f"AND {OPEN} ORDER BY due_at, id LIMIT 1",
            (deal_id,),
        ).fetchone()
        want = tuple(found) if found else (None, None, None)
        conn.execute(
            "UPDATE deals SET next_activity_id = ?, next_step = ?, next_due = ? WHERE id = ? "
            "AND (next_activity_id IS NOT ? OR next_step IS NOT ? OR next_due IS NOT ?)",
            (*want, deal_id, *want),
        )


def refresh_where(conn: sqlite3.Connection, where: str, params: Any = ()) -> int:
    """Recompute the cache of every deal matching ``where`` (SQL on deals) in one statement:
    for imports and their undo, which write many rows without going through Tx."""
    cur = conn.execute(f"{_SET} WHERE ({where})", params)
    return max(cur.rowcount, 0)


def stale_deals(conn: sqlite3.Connection) -> list[int]:
    """Deals whose cache differs from their activities (none, when the store is sound)."""
    rows = conn.execute(
        "SELECT d.id FROM deals d WHERE coalesce(d.next_activity_id, 0) IS NOT coalesce(("
        "SELECT a.id FROM activities a WHERE a.deal_id = d.id AND a.done_at IS NULL AND "
        "a.cancelled_at IS NULL ORDER BY a.due_at, a.id LIMIT 1), 0) OR (d.next_activity_id "
        "IS NOT NULL AND (d.next_step, d.next_due) IS NOT (SELECT a.subject, "
        "substr(a.due_at, 1, 10) FROM activities a WHERE a.id = d.next_activity_id)) OR "
        "(d.next_activity_id IS NULL AND (d.next_step IS NOT NULL OR d.next_due IS NOT NULL))"
    ).fetchall()
    return [r[0] for r in rows]


# A next step the file gave a deal becomes a planned task, unless the deal already plans
# that subject; without a date it is due today (as schema.M003 did).
_IMPORTED_STEPS = """
INSERT INTO activities (kind, subject, deal_id, owner_id, due_at, created_at, updated_at)
SELECT 'task', d.next_step, d.id, d.owner_id,
  coalesce(d.next_due, date('now', 'localtime')), :now, :now
FROM deals d
WHERE d.id IN ({touched}) AND trim(coalesce(d.next_step, '')) <> ''
  AND (d.next_activity_id IS NULL OR d.next_step IS NOT (
    SELECT a.subject FROM activities a WHERE a.id = d.next_activity_id))
  AND NOT EXISTS (
    SELECT 1 FROM activities a WHERE a.deal_id = d.id AND a.done_at IS NULL
      AND a.cancelled_at IS NULL AND lower(trim(a.subject)) = lower(trim(d.next_step)))
"""


def sync_imported(
    conn: sqlite3.Connection, table: str, before: dict[str, int], params: dict[str, Any]
) -> None:
    """After an import wrote ``table`` (deals or activities) without going through Tx: the
    next steps the file gave become planned tasks, and the cache of every deal the import
    touched is recomputed. The tasks are new rows, so the import's undo deletes them."""
    args = {"base": before.get(table, 0), "imp": params["imp"], "now": params["now"]}
    touched = (
        f"SELECT id FROM {table} WHERE id > :base UNION SELECT row_id FROM import_saved "
        f"WHERE import_id = :imp AND entity = '{table}'"
    )
    if table == "deals":
        conn.execute(_IMPORTED_STEPS.format(touched=touched), args)
        deals = touched
    else:
        deals = (
            f"SELECT deal_id FROM activities WHERE id IN ({touched}) UNION SELECT "
            "CAST(json_extract(before, '$.deal_id') AS INTEGER) FROM import_saved "
            "WHERE import_id = :imp AND entity = 'activities'"
        )
    refresh_where(conn, f"id IN ({deals})", args)


def deals_of_import(conn: sqlite3.Connection, import_id: int, ranges: dict[str, list[int]]) -> None:
    """Before an import is undone: note in temp.undo_deals every deal whose next step the
    undo may change, for refresh_where afterwards."""
    conn.execute("DROP TABLE IF EXISTS temp.undo_deals")
    conn.execute("CREATE TEMP TABLE undo_deals (id INTEGER PRIMARY KEY)")
    saved = "SELECT {col} FROM import_saved WHERE import_id = :imp AND entity = '{table}'"
    parts = [
        saved.format(col="row_id", table="deals"),
        "SELECT deal_id FROM activities WHERE id IN ("
        + saved.format(col="row_id", table="activities")
        + ")",
        saved.format(col="CAST(json_extract(before, '$.deal_id') AS INTEGER)", table="activities"),
    ]
    args: dict[str, Any] = {"imp": import_id}
    if "activities" in ranges:
        parts.append("SELECT deal_id FROM activities WHERE id BETWEEN :lo AND :hi")
        args.update(lo=ranges["activities"][0], hi=ranges["activities"][1])
    for part in parts:
        conn.execute(f"INSERT OR IGNORE INTO temp.undo_deals SELECT * FROM ({part}) AS u", args)
    conn.execute("DELETE FROM temp.undo_deals WHERE id IS NULL")
