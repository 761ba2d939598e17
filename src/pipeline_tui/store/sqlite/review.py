"""What changed in a window, for the pipeline review: new, moved, slipped, closed, overdue.

Every section returns at most ``limit`` lines and counts the rest in SQL: a window of a
million-deal pipeline holds thousands of each (bench/scale_bench.py)."""

from __future__ import annotations

from datetime import date
from typing import Any

from pipeline_tui.store.records import DealSignals, Source
from pipeline_tui.store.report_records import KpiScope
from pipeline_tui.store.sqlite.core import IDS, Reader, id_list
from pipeline_tui.store.sqlite.kpis import not_stalled, positions
from pipeline_tui.store.sqlite.signals import open_deal_signals

_IDS = "(SELECT value FROM json_each(:ids))"  # core.IDS, as a named parameter
_DEAL = "d.id, d.title, d.owner, d.value_minor, d.currency, d.stage, d.status"


def _owner(owner_id: int | None, column: str = "d.owner_id") -> str:
    return f" AND {column} = :owner_id" if owner_id is not None else ""


def _params(src: Source, start: str, end: str, owner_id: int | None, **more: Any) -> dict[str, Any]:
    return {"start": start, "end": end, "owner_id": owner_id, "cut": src.cutoff, **more}


def new_deals(
    store: Reader, src: Source, start: str, end: str, owner_id: int | None, limit: int
) -> tuple[list[dict[str, Any]], int]:
    """The ``limit`` largest deals created in the window, and how many were created."""
    where = f"d.created_at >= :start AND d.created_at < :end{_owner(owner_id)}"
    params = _params(src, start, end, owner_id, limit=limit)
    total = int(store.scalar(f"SELECT count(*) FROM {src.deals} d WHERE {where}", params))
    # The first stage is looked up for the lines shown only, not for every new deal.
    sql = f"""
SELECT {_DEAL}, d.close_date, d.created_at,
  (SELECT st.name FROM {src.stage_changes} f JOIN {src.stages} st ON st.id = f.to_stage_id
   WHERE f.deal_id = d.id AND f.from_stage_id IS NULL
   ORDER BY f.changed_at, f.id LIMIT 1) AS first_stage
FROM (SELECT d.id FROM {src.deals} d WHERE {where}
      ORDER BY d.value_minor DESC, d.id LIMIT :limit) top
JOIN {src.deals_view} d ON d.id = top.id
ORDER BY d.value_minor DESC, d.id"""
    return [dict(r) for r in store.all(sql, params)], total


def stage_moves(
    store: Reader, src: Source, start: str, end: str, owner_id: int | None, limit: int
) -> tuple[list[dict[str, Any]], dict[bool, int]]:
    """Stage changes in the window (creations excluded), forward (to a later stage) or not:
    the ``limit`` on the largest deals of each direction, and how many of each."""
    to_pos, from_pos = (positions(store, src, f"sc.{c}") for c in ("to_stage_id", "from_stage_id"))
    forward = f"CASE WHEN {to_pos} > {from_pos} THEN 1 ELSE 0 END"  # 0/1 on PostgreSQL too
    # Each move's deal is read once (m); both directions rank and count from that. A window
    # function over m sorted every move and took twice as long (bench/scale_bench.py).
    ranked = """SELECT * FROM (
  SELECT m.*, (SELECT count(*) FROM m WHERE forward = {f}) AS n FROM m WHERE forward = {f}
  ORDER BY m.value_minor DESC, m.changed_at, m.id LIMIT :limit)"""
    sql = f"""
WITH m AS MATERIALIZED (
  SELECT sc.id, sc.deal_id, sc.from_stage_id, sc.to_stage_id, sc.changed_at,
    {forward} AS forward, d.value_minor
  FROM {src.stage_changes} sc JOIN {src.deals} d ON d.id = sc.deal_id
  WHERE sc.changed_at >= :start AND sc.changed_at < :end
    AND sc.from_stage_id IS NOT NULL{_owner(owner_id)}
), top AS ({ranked.format(f=1)} UNION ALL {ranked.format(f=0)})
SELECT {_DEAL}, f.name AS from_stage, t.name AS to_stage, top.changed_at, top.forward, top.n
FROM top
JOIN {src.deals_view} d ON d.id = top.deal_id
JOIN {src.stages} f ON f.id = top.from_stage_id
JOIN {src.stages} t ON t.id = top.to_stage_id
ORDER BY top.forward DESC, top.value_minor DESC, top.changed_at, top.id"""
    rows = [dict(r) for r in store.all(sql, _params(src, start, end, owner_id, limit=limit))]
    return rows, {bool(r["forward"]): r["n"] for r in rows}


_CLOSE_CHANGES = """
SELECT e.entity_id AS deal_id, json_extract(e.before, '$.close_date') AS old,
  json_extract(e.after, '$.close_date') AS new, c.at
FROM commands c JOIN events e ON e.command_id = c.id
WHERE c.kind = 'change' AND c.undone_by IS NULL AND c.at <= :cut
  AND e.entity = 'deals' AND e.action = 'update'
  AND json_type(e.after, '$.close_date') IS NOT NULL
  AND json_type(e.after, '$.status') IS NULL"""
# A win, a loss or a reopen sets the close date in the same change as the status: that is
# the deal closing (or its expected date coming back), never a slipped close date.
# An imported history's close-date changes (deal_history) are close-date edits too, by the
# same rule: one made at the moment the status changed is the deal closing or reopening.
_HISTORY_CLOSE = """
SELECT h.deal_id, h.before AS old, h.after AS new, h.changed_at AS at
FROM deal_history h
WHERE h.field = 'close_date' AND h.before IS NOT NULL AND h.changed_at <= :cut
  AND NOT EXISTS (SELECT 1 FROM deal_history s WHERE s.deal_id = h.deal_id
    AND s.field = 'status' AND s.changed_at = h.changed_at AND s.before IS NOT NULL)"""


def close_date_changes(store: Reader, src: Source, start: str, end: str) -> list[dict[str, Any]]:
    """Close-date edits made in the window, oldest first (undone ones never happened)."""
    sql = (
        f"SELECT deal_id, old, new, at FROM ({_CLOSE_CHANGES.replace('c.at', 'c.at', 1)}"
        " AND c.at >= :start AND c.at < :end"
        f" UNION ALL {_HISTORY_CLOSE} AND h.changed_at >= :start AND h.changed_at < :end)"
        " ORDER BY at"
    )
    return [dict(r) for r in store.all(sql, _params(src, start, end, None))]


def pushes(store: Reader, src: Source, deal_ids: list[int]) -> dict[int, int]:
    """How many times each deal's close date was moved later, over all its history."""
    if not deal_ids:
        return {}
    # Reached through the deals' own events (idx_events_entity), not by reading every
    # command in the journal.
    sql = (
        f"SELECT deal_id, count(*) FROM ({_CLOSE_CHANGES} AND e.entity_id IN {_IDS} "
        f"UNION ALL {_HISTORY_CLOSE} AND h.deal_id IN {_IDS}) "
        "WHERE old IS NOT NULL AND new > old GROUP BY deal_id"
    )
    params = {"cut": src.cutoff, "ids": id_list(deal_ids)}
    return {r[0]: r[1] for r in store.all(sql, params)}


def deals_by_id(store: Reader, src: Source, deal_ids: list[int]) -> dict[int, dict[str, Any]]:
    if not deal_ids:
        return {}
    sql = f"SELECT {_DEAL}, d.owner_id FROM {src.deals_view} d WHERE d.id IN {IDS}"
    return {r["id"]: dict(r) for r in store.all(sql, (id_list(deal_ids),))}


def closed_deals(
    store: Reader, src: Source, start: str, end: str, owner_id: int | None, limit: int
) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """Deals won or lost in the window: the ``limit`` largest of each, and how many of each
    (ranked on idx_deals_closed's pages alone)."""
    sql = f"""
WITH c AS (
  SELECT d.id, d.status,
    row_number() OVER (PARTITION BY d.status ORDER BY d.value_minor DESC, d.id) AS rn,
    count(*) OVER (PARTITION BY d.status) AS n
  FROM {src.deals} d
  WHERE d.status IN ('won', 'lost') AND d.closed_at >= :start AND d.closed_at < :end
    {_owner(owner_id)}
)
SELECT {_DEAL}, d.closed_at, d.lost_reason, c.n FROM c JOIN {src.deals_view} d ON d.id = c.id
WHERE c.rn <= :limit
ORDER BY c.status DESC, c.rn"""
    rows = [dict(r) for r in store.all(sql, _params(src, start, end, owner_id, limit=limit))]
    return rows, {r["status"]: r["n"] for r in rows}


def stalled_deals(
    store: Reader, src: Source, day: str, owner_id: int | None, limit: int
) -> tuple[dict[int, dict[str, Any]], int]:
    """Open deals that are stalled (README.md, Concepts): no next step, one overdue, or
    longer in the stage than its threshold. The ``limit`` largest, and how many in all: a
    review of a big pipeline must not score every open deal in Python."""
    params = {"day": day, "owner_id": owner_id, "limit": limit}
    opened = int(
        store.scalar(f"SELECT count(*) FROM {src.deals} d WHERE d.status = 'open'"
                     f"{_owner(owner_id)}", params)
    )  # fmt: skip
    # Stalled = open minus not stalled, counted as the KPIs count it: among the few deals
    # that entered their stage recently (store/sqlite/kpis.py: fresh_sql).
    fresh = not_stalled(store, src, KpiScope("", "", date.fromisoformat(day), owner_id))
    total = opened - sum(fresh.values())
    # The largest stalled deals are among the largest open ones (most open deals are
    # stalled): rank the open deals on a covering index, test the largest few, and look
    # further only when too few of them are stalled.
    stalled = (
        "d.next_step IS NULL OR d.next_step = '' OR d.next_due < :day OR coalesce("
        f"(SELECT max(sc.changed_at) FROM {src.stage_changes} sc WHERE sc.deal_id = d.id), "
        "d.created_at) < date(:day, '-' || s.stalled_after_days || ' days')"
    )
    sql = f"""
WITH top AS MATERIALIZED (
  SELECT d.id FROM {src.deals} d WHERE d.status = 'open'{_owner(owner_id)}
  ORDER BY d.value_minor DESC, d.id LIMIT :chunk
)
SELECT d.id FROM top JOIN {src.deals} d ON d.id = top.id JOIN {src.stages} s ON s.id = d.stage_id
WHERE {stalled}
ORDER BY d.value_minor DESC, d.id LIMIT :limit"""
    chunk = max(4 * limit, 100)
    while True:
        ids = [r[0] for r in store.all(sql, {**params, "chunk": chunk})]
        if len(ids) >= limit or chunk >= opened:
            return deals_by_id(store, src, ids), total
        chunk *= 4


def open_deals(store: Reader, src: Source, owner_id: int | None) -> dict[int, dict[str, Any]]:
    sql = f"SELECT {_DEAL} FROM {src.deals_view} d WHERE d.status = 'open'{_owner(owner_id)}"
    return {r["id"]: dict(r) for r in store.all(sql, {"owner_id": owner_id})}


def overdue_activities(
    store: Reader, src: Source, day: str, owner_id: int | None, limit: int
) -> tuple[list[dict[str, Any]], int]:
    """Activities planned (not done) at the cut-off, due before ``day``: the ``limit`` most
    overdue, and how many in all (live, on idx_activities_planned)."""
    planned = (
        "coalesce(a.created_at, :cut) <= :cut AND (a.done_at IS NULL OR a.done_at > :cut) "
        "AND (a.cancelled_at IS NULL OR a.cancelled_at > :cut)"
        if src.replayed
        else "a.done_at IS NULL AND a.cancelled_at IS NULL"
    )
    where = f"{planned} AND a.due_at < :day{_owner(owner_id, 'a.owner_id')}"
    params = {"cut": src.cutoff, "day": day, "owner_id": owner_id, "limit": limit}
    total = int(store.scalar(f"SELECT count(*) FROM activities a WHERE {where}", params))
    sql = f"""
SELECT a.id, a.kind, a.subject, a.due_at, a.deal_id, a.lead_id, o.name AS owner,
  coalesce(d.title, l.name) AS regarding, d.value_minor, d.currency
FROM (SELECT a.id FROM activities a WHERE {where} ORDER BY a.due_at, a.id LIMIT :limit) top
JOIN activities a ON a.id = top.id
LEFT JOIN owners o ON o.id = a.owner_id
LEFT JOIN {src.deals} d ON d.id = a.deal_id
LEFT JOIN leads l ON l.id = a.lead_id
ORDER BY a.due_at, a.id"""
    return [dict(r) for r in store.all(sql, params)], total


def signals(store: Reader, src: Source, deal_ids: list[int] | None = None) -> list[DealSignals]:
    """The facts behind 'stalled' and attention for open deals, live or as of the cut-off."""
    if not src.replayed:
        return open_deal_signals(store, deal_ids)
    sql = f"""
SELECT d.id, d.value_minor, d.currency, d.close_date, d.next_step, d.next_due,
  (SELECT max(sc.changed_at) FROM {src.stage_changes} sc WHERE sc.deal_id = d.id),
  s.stalled_after_days,
  (SELECT max(a.done_at) FROM activities a
   WHERE a.deal_id = d.id AND a.done_at <= :cut AND coalesce(a.created_at, :cut) <= :cut),
  d.created_at
FROM {src.deals} d JOIN {src.stages} s ON s.id = d.stage_id
WHERE d.status = 'open'"""
    params: dict[str, Any] = {"cut": src.cutoff}
    if deal_ids is not None:
        if not deal_ids:
            return []
        sql += " AND d.id IN (SELECT value FROM json_each(:ids))"
        params["ids"] = id_list(deal_ids)
    return [DealSignals(*r) for r in store.all(sql + " ORDER BY d.id", params)]
