"""What changed in a window, for the pipeline review: new, moved, slipped, closed, overdue."""

from __future__ import annotations

from typing import Any

from pipeline_tui.store.records import DealSignals, Source
from pipeline_tui.store.sqlite.core import IDS, Reader, id_list
from pipeline_tui.store.sqlite.signals import open_deal_signals

_DEAL = "d.id, d.title, d.owner, d.value_minor, d.currency, d.stage, d.status"


def _owner(owner_id: int | None, column: str = "d.owner_id") -> str:
    return f" AND {column} = :owner_id" if owner_id is not None else ""


def _params(src: Source, start: str, end: str, owner_id: int | None, **more: Any) -> dict[str, Any]:
    return {"start": start, "end": end, "owner_id": owner_id, "cut": src.cutoff, **more}


def new_deals(
    store: Reader, src: Source, start: str, end: str, owner_id: int | None
) -> list[dict[str, Any]]:
    sql = f"""
SELECT {_DEAL}, d.close_date, d.created_at,
  (SELECT st.name FROM {src.stage_changes} f JOIN {src.stages} st ON st.id = f.to_stage_id
   WHERE f.deal_id = d.id AND f.from_stage_id IS NULL
   ORDER BY f.changed_at, f.id LIMIT 1) AS first_stage
FROM {src.deals_view} d
WHERE d.created_at >= :start AND d.created_at < :end{_owner(owner_id)}
ORDER BY d.created_at, d.id"""
    return [dict(r) for r in store.all(sql, _params(src, start, end, owner_id))]


def stage_moves(
    store: Reader, src: Source, start: str, end: str, owner_id: int | None
) -> list[dict[str, Any]]:
    """Every stage change in the window (creations excluded), with both positions."""
    sql = f"""
SELECT {_DEAL}, f.name AS from_stage, t.name AS to_stage, f.position AS from_pos,
  t.position AS to_pos, sc.changed_at
FROM {src.stage_changes} sc
JOIN {src.deals_view} d ON d.id = sc.deal_id
JOIN {src.stages} f ON f.id = sc.from_stage_id
JOIN {src.stages} t ON t.id = sc.to_stage_id
WHERE sc.changed_at >= :start AND sc.changed_at < :end{_owner(owner_id)}
ORDER BY sc.changed_at, sc.id"""
    return [dict(r) for r in store.all(sql, _params(src, start, end, owner_id))]


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
    sql = (
        f"SELECT deal_id, count(*) FROM ({_CLOSE_CHANGES.replace(':cut', '?')} "
        f"UNION ALL {_HISTORY_CLOSE.replace(':cut', '?')}) "
        f"WHERE old IS NOT NULL AND new > old AND deal_id IN {IDS} GROUP BY deal_id"
    )
    return {r[0]: r[1] for r in store.all(sql, (src.cutoff, src.cutoff, id_list(deal_ids)))}


def deals_by_id(store: Reader, src: Source, deal_ids: list[int]) -> dict[int, dict[str, Any]]:
    if not deal_ids:
        return {}
    sql = f"SELECT {_DEAL}, d.owner_id FROM {src.deals_view} d WHERE d.id IN {IDS}"
    return {r["id"]: dict(r) for r in store.all(sql, (id_list(deal_ids),))}


def closed_deals(
    store: Reader, src: Source, start: str, end: str, owner_id: int | None
) -> list[dict[str, Any]]:
    sql = f"""
SELECT {_DEAL}, d.closed_at, d.lost_reason FROM {src.deals_view} d
WHERE d.status IN ('won', 'lost') AND d.closed_at >= :start AND d.closed_at < :end
  {_owner(owner_id)}
ORDER BY d.closed_at, d.id"""
    return [dict(r) for r in store.all(sql, _params(src, start, end, owner_id))]


def stalled_deals(
    store: Reader, src: Source, day: str, owner_id: int | None, limit: int
) -> tuple[dict[int, dict[str, Any]], int]:
    """Open deals that are stalled (README.md, Concepts): no next step, one overdue, or
    longer in the stage than its threshold. The ``limit`` largest, and how many in all: a
    review of a big pipeline must not score every open deal in Python."""
    stalled = (
        f"FROM {src.deals} d JOIN {src.stages} s ON s.id = d.stage_id "
        f"WHERE d.status = 'open'{_owner(owner_id)} AND (d.next_step IS NULL "
        "OR d.next_step = '' OR d.next_due < :day OR coalesce((SELECT max(sc.changed_at) "
        f"FROM {src.stage_changes} sc WHERE sc.deal_id = d.id), d.created_at) "
        "< date(:day, '-' || s.stalled_after_days || ' days'))"
    )
    params = {"day": day, "owner_id": owner_id, "limit": limit}
    total = int(store.scalar(f"SELECT count(*) {stalled}", params))
    ids = [r[0] for r in store.all(
        f"SELECT d.id {stalled} ORDER BY d.value_minor DESC, d.id LIMIT :limit", params
    )]  # fmt: skip
    return deals_by_id(store, src, ids), total


def open_deals(store: Reader, src: Source, owner_id: int | None) -> dict[int, dict[str, Any]]:
    sql = f"SELECT {_DEAL} FROM {src.deals_view} d WHERE d.status = 'open'{_owner(owner_id)}"
    return {r["id"]: dict(r) for r in store.all(sql, {"owner_id": owner_id})}


def overdue_activities(
    store: Reader, src: Source, day: str, owner_id: int | None
) -> list[dict[str, Any]]:
    """Activities planned (not done) at the cut-off, due before ``day``."""
    planned = (
        "coalesce(a.created_at, :cut) <= :cut AND (a.done_at IS NULL OR a.done_at > :cut)"
        if src.replayed
        else "a.done_at IS NULL"
    )
    sql = f"""
SELECT a.id, a.kind, a.subject, a.due_at, a.deal_id, a.lead_id, o.name AS owner,
  coalesce(d.title, l.name) AS regarding, d.value_minor, d.currency
FROM activities a
LEFT JOIN owners o ON o.id = a.owner_id
LEFT JOIN {src.deals} d ON d.id = a.deal_id
LEFT JOIN leads l ON l.id = a.lead_id
WHERE {planned} AND a.due_at < :day{_owner(owner_id, "a.owner_id")}
ORDER BY a.due_at, a.id"""
    return [dict(r) for r in store.all(sql, {"cut": src.cutoff, "day": day, "owner_id": owner_id})]


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
