"""KPI aggregates in SQL, each grouped by owner or not at all (one row, group NULL)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from pipeline_tui.store.records import MIN_CYCLE_DAYS, Source
from pipeline_tui.store.report_records import KpiScope
from pipeline_tui.store.sqlite.core import Reader


def closed_sql(src: Source, k: KpiScope) -> str:
    return f"""
SELECT {k.group("d")}, d.currency, d.status, count(*), coalesce(sum(d.value_minor), 0),
  sum(CASE WHEN d.status = 'won' AND d.closed_at >= d.created_at
      THEN max(julianday(d.closed_at) - julianday(d.created_at), {MIN_CYCLE_DAYS}) END),
  sum(d.status = 'won' AND d.closed_at >= d.created_at),
  sum(d.status = 'won' AND (d.closed_at < d.created_at OR d.created_at IS NULL)),
  count(d.value_minor)
FROM {src.deals} d
WHERE d.status IN ('won', 'lost') AND d.closed_at >= :start AND d.closed_at < :end{k.owner("d")}
{k.by("2", "3")}"""


def closed(store: Reader, src: Source, k: KpiScope) -> list[tuple[Any, ...]]:
    """(group, currency, status, deals, value, cycle days, deals in the cycle, deals left out
    of it, deals with an amount) per status. A won deal's cycle is created to won, at least
    MIN_CYCLE_DAYS; a deal closed before it was created (a data error), or whose creation is
    unknown (imported without a date), is left out of the cycle and counted. An unknown
    amount is left out of the value and of the average."""
    return [tuple(r) for r in store.all(closed_sql(src, k), k.params(src))]


def open_sql(src: Source, k: KpiScope) -> str:
    return f"""
SELECT {k.group("d")}, d.currency, count(*), coalesce(sum(d.value_minor), 0),
  coalesce(sum(d.value_minor * coalesce(d.probability, s.probability)), 0)
FROM {src.deals} d JOIN {src.stages} s ON s.id = d.stage_id
WHERE d.status = 'open'{k.owner("d")}
{k.by("2")}"""


def open_deals(store: Reader, src: Source, k: KpiScope) -> list[tuple[Any, ...]]:
    """(group, currency, deals, value, value x probability) over open deals."""
    return [tuple(r) for r in store.all(open_sql(src, k), k.params(src))]


def fresh_sql(src: Source, k: KpiScope) -> str:
    # Stalled (README.md, Concepts; decided deal by deal by services/attention.stalled_reasons):
    # no next step, or one overdue, or longer in the stage than its threshold, the stage
    # entered at the deal's last stage change (its creation if it has none). Counting the
    # open deals that are NOT stalled is cheaper: such a deal entered its stage recently, so
    # it is among the few deals with a stage change (or a creation) since :recent.
    return f"""
SELECT {k.group("d")}, count(*)
FROM (SELECT sc.deal_id AS id FROM {src.stage_changes} sc WHERE sc.changed_at >= :recent
      UNION SELECT n.id FROM {src.deals} n WHERE n.created_at >= :recent) r
JOIN {src.deals} d ON d.id = r.id
JOIN {src.stages} s ON s.id = d.stage_id
WHERE d.status = 'open'{k.owner("d")}
  AND d.next_step IS NOT NULL AND d.next_step <> ''
  AND (d.next_due IS NULL OR d.next_due >= :day)
  AND coalesce((SELECT max(sc.changed_at) FROM {src.stage_changes} sc
                WHERE sc.deal_id = d.id), d.created_at)
      >= date(:day, '-' || s.stalled_after_days || ' days')
{k.by()}"""


def not_stalled(store: Reader, src: Source, k: KpiScope) -> dict[Any, int]:
    """Open deals that are not stalled, by group: stalled = open deals minus these."""
    longest = store.scalar(f"SELECT max(stalled_after_days) FROM {src.stages}") or 0
    recent = (k.day - timedelta(days=int(longest))).isoformat()
    rows = store.all(fresh_sql(src, k), {**k.params(src), "recent": recent})
    return {r[0]: r[1] for r in rows}


def response_hours(store: Reader, src: Source, k: KpiScope) -> dict[Any, tuple[float, int]]:
    """Median hours from a lead's creation (in the window) to its first done activity,
    and how many leads it is the median of."""
    # As of a past day, an activity logged later (even backdated) did not exist yet.
    known = " AND coalesce(a.created_at, :cut) <= :cut" if src.replayed else ""
    # The window is a range of idx_leads_list, whose key is coalesce(created_at, '').
    sql = f"""
WITH firsts AS (
  SELECT grp, (julianday(first_at) - julianday(created_at)) * 24 AS h
  FROM (
    SELECT {k.group("l")} AS grp, l.created_at,
      (SELECT min(a.done_at) FROM activities a
       WHERE a.lead_id = l.id AND a.done_at IS NOT NULL AND a.done_at <= :cut{known}) AS first_at
    FROM leads l
    WHERE coalesce(l.created_at, '') >= :start AND coalesce(l.created_at, '') < :end
      AND l.created_at <= :cut{k.owner("l")}
  )
  WHERE first_at IS NOT NULL
), ranked AS (
  SELECT grp, h, row_number() OVER (PARTITION BY grp ORDER BY h) AS rn,
    count(*) OVER (PARTITION BY grp) AS n
  FROM firsts
)
SELECT grp, avg(h), max(n) FROM ranked WHERE rn IN ((n + 1) / 2, (n + 2) / 2) GROUP BY grp"""
    return {r[0]: (r[1], r[2]) for r in store.all(sql, k.params(src))}


def activities(store: Reader, src: Source, k: KpiScope) -> list[tuple[Any, str, int]]:
    """(group, kind, count) of activities done in the window."""
    # As of a past day, an activity logged later (even backdated) did not exist yet.
    known = " AND coalesce(a.created_at, :cut) <= :cut" if src.replayed else ""
    sql = f"""
SELECT {k.group("a")}, a.kind, count(*) FROM activities a
WHERE a.done_at >= :start AND a.done_at < :end AND a.done_at <= :cut{known}{k.owner("a")}
{k.by("2")}"""
    return [(r[0], r[1], r[2]) for r in store.all(sql, k.params(src))]


def positions(store: Reader, src: Source, column: str) -> str:
    """A stage id column as its stage's position: a CASE over the (few) stages, so that hot
    loops need no join."""
    rows = store.all(f"SELECT id, position FROM {src.stages} ORDER BY id")
    whens = " ".join(f"WHEN {int(i)} THEN {int(p)}" for i, p in rows)
    return f"(CASE {column} {whens} ELSE 0 END)" if rows else "0"


def conversion_sql(store: Reader, src: Source, k: KpiScope) -> str:
    # An entry into a stage within the window advanced if the deal was won, or later
    # entered a stage placed after it. Cheap cases first: a deal now in a later stage did
    # (its last change came after the entry). A deal that only ever moved forward since the
    # window began and is not in a later stage did not: the entry is its last change. Only
    # deals that moved back ("back") need their history searched, and only they can have
    # entered a stage twice, so only they pay for count(DISTINCT ...).
    entered = positions(store, src, "e.to_stage_id")
    now_in = positions(store, src, "d.stage_id")
    later = positions(store, src, "l.to_stage_id")
    left, went = positions(store, src, "b.from_stage_id"), positions(store, src, "b.to_stage_id")
    return f"""
WITH back AS MATERIALIZED (
  SELECT b.deal_id FROM {src.stage_changes} b
  WHERE b.changed_at >= :start AND b.from_stage_id IS NOT NULL AND {left} >= {went}
), x AS (
  SELECT {k.group("d")} AS grp, e.to_stage_id, e.deal_id,
    e.deal_id IN (SELECT deal_id FROM back) AS again,
    CASE
      WHEN d.status = 'won' OR {now_in} > {entered} THEN 1
      WHEN e.deal_id NOT IN (SELECT deal_id FROM back) THEN 0
      WHEN EXISTS (
        SELECT 1 FROM {src.stage_changes} l
        WHERE l.deal_id = e.deal_id AND l.changed_at >= e.changed_at
          AND (l.changed_at > e.changed_at OR l.id > e.id) AND {later} > {entered}) THEN 1
      ELSE 0 END AS advanced
  FROM {src.stage_changes} e JOIN {src.deals} d ON d.id = e.deal_id
  WHERE e.changed_at >= :start AND e.changed_at < :end AND d.history_unknown = 0{k.owner("d")}
)
SELECT {"grp" if k.by_owner else "NULL"}, to_stage_id,
  sum(NOT again) + count(DISTINCT CASE WHEN again THEN deal_id END),
  sum(CASE WHEN again THEN 0 ELSE advanced END)
    + count(DISTINCT CASE WHEN again AND advanced = 1 THEN deal_id END)
FROM x {k.by("2")}"""


def conversion(store: Reader, src: Source, k: KpiScope) -> list[tuple[Any, int, int, int]]:
    """(group, stage id, deals that entered it, of which advanced)."""
    sql = conversion_sql(store, src, k)
    return [(r[0], r[1], r[2], r[3]) for r in store.all(sql, k.params(src))]


def unknown_history(store: Reader, src: Source, k: KpiScope) -> dict[Any, int]:
    """Deals the conversion leaves out, by group: imported without their stage history
    (deals.history_unknown), open at the cut-off or created or closed in the window."""
    sql = f"""
SELECT {k.group("d")}, count(*) FROM {src.deals} d
WHERE d.history_unknown = 1{k.owner("d")} AND (d.status = 'open'
  OR (d.closed_at >= :start AND d.closed_at < :end)
  OR (d.created_at >= :start AND d.created_at < :end))
{k.by()}"""
    return {r[0]: r[1] for r in store.all(sql, k.params(src))}


def lost_reasons(store: Reader, src: Source, k: KpiScope) -> list[tuple[Any, str, int]]:
    """(group, reason, count), reasons compared case- and space-insensitively."""
    sql = f"""
SELECT {k.group("d")}, min(trim(coalesce(d.lost_reason, ''))), count(*)
FROM {src.deals} d
WHERE d.status = 'lost' AND d.closed_at >= :start AND d.closed_at < :end{k.owner("d")}
{k.by("lower(trim(coalesce(d.lost_reason, '')))")}
ORDER BY 3 DESC, 2"""
    return [(r[0], r[1], r[2]) for r in store.all(sql, k.params(src))]


def stage_order(store: Reader, src: Source) -> list[tuple[int, str, str, bool]]:
    """(stage id, stage, pipeline, archived) in board order, default pipeline first."""
    rows = store.all(
        f"SELECT s.id, s.name, p.name, s.archived FROM {src.stages} s "
        "JOIN pipelines p ON p.id = s.pipeline_id "
        "ORDER BY p.is_default DESC, p.name_key, s.archived, s.position, s.id"
    )
    return [(r[0], r[1], r[2], bool(r[3])) for r in rows]
