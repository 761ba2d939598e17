"""Forecast aggregates in SQL: open deals by close-date period and category, deals won."""

from __future__ import annotations

from datetime import date
from typing import Any

from pipeline_tui.store.records import Source
from pipeline_tui.store.report_records import OpenSum, Scope, WonSum
from pipeline_tui.store.sqlite.core import Reader

CATEGORY = "coalesce(d.category, s.forecast_category)"

# The period label of a date or timestamp column, computed in SQL (portable functions only).
_PERIOD = {
    "month": "substr({c}, 1, 7)",
    "quarter": "substr({c}, 1, 4) || '-Q' || ((CAST(substr({c}, 6, 2) AS INTEGER) + 2) / 3)",
    "year": "substr({c}, 1, 4)",
}
_GROUP = {
    None: "NULL",
    "owner": "d.owner_id",
    "team": "(SELECT t.team FROM owners t WHERE t.id = d.owner_id)",  # schema m006
    "stage": "d.stage_id",
    "pipeline": "d.pipeline_id",
}


def period_sql(kind: str, column: str) -> str:
    return _PERIOD[kind].format(c=column)


def _group(by: str | None, won: bool = False) -> str:
    if by == "category":
        return "'closed_won'" if won else CATEGORY
    return _GROUP[by]


def _keys(by: str | None, *rest: str) -> str:
    """GROUP BY keys: the group (column 2) only when there is one; a constant key costs
    SQLite's sorter time for nothing."""
    cols = list(rest)
    if by is not None:
        cols.insert(1 if rest and rest[0] == "1" else 0, "2")
    return ", ".join(cols)


# The columns a group needs from each deal, beyond those every forecast row needs.
_GROUP_COLS = {None: "", "owner": ", owner_id", "team": ", owner_id", "stage": "",
               "pipeline": ", pipeline_id", "category": ""}  # fmt: skip


def open_sql(src: Source, kind: str, by: str | None, scope: Scope) -> str:
    """Open, not omitted, deals closing in [start, end), by period/group/currency/category."""
    # Summed by day, stage and probability first, straight off the covering
    # idx_deals_forecast, then by period with the stage's category and probability: a
    # million deals' forecast joined 300,000 rows to their stage one by one (195 ms on
    # PostgreSQL, against 120 ms). Probabilities are whole percents, so the weighted sum
    # is exact either way.
    cols = f"close_date, currency, category, stage_id, probability{_GROUP_COLS[by]}"
    return f"""
SELECT {period_sql(kind, "d.close_date")} AS period, {_group(by)} AS grp, d.currency,
  {CATEGORY} AS cat, sum(d.n), coalesce(sum(d.v), 0),
  coalesce(sum(d.v * coalesce(d.probability, s.probability)), 0)
FROM (SELECT {cols}, count(*) AS n, sum(value_minor) AS v FROM {src.deals} d
      WHERE d.status = 'open' AND d.close_date >= :start AND d.close_date < :end{scope.sql()}
      GROUP BY {cols}) d
JOIN {src.stages} s ON s.id = d.stage_id
WHERE {CATEGORY} <> 'omitted'
GROUP BY {_keys(by, "1", "3", "4")}"""


def open_by_period(
    store: Reader, src: Source, kind: str, start: date, end: date, by: str | None, scope: Scope
) -> list[OpenSum]:
    params = {"start": start.isoformat(), "end": end.isoformat(), **scope.params()}
    rows = store.all(open_sql(src, kind, by, scope), params)
    return [OpenSum(*r) for r in rows]


def open_undated(
    store: Reader, src: Source, day: date, start: date, end: date, by: str | None, scope: Scope
) -> list[OpenSum]:
    """Open deals with no close date, or one before ``day`` that no period in [start, end)
    shows: the deals a forecast would otherwise lose silently."""
    # One branch per range of close dates, each a range of the covering idx_deals_forecast:
    # written as one OR, PostgreSQL read the rows themselves (a bitmap heap scan), 260 ms
    # for 100,000 overdue deals of a million, against 145 ms for the three ranges. As in
    # open_sql, they are summed by stage and probability before meeting their stage.
    cols = f"currency, category, stage_id, probability{_GROUP_COLS[by]}"
    read = "currency, category, stage_id, probability, value_minor, owner_id, pipeline_id"
    read += ", history_unknown" if scope.known_history else ""
    ranges = ("close_date IS NULL", "close_date < :before",
              "close_date >= :end AND close_date < :day")  # fmt: skip
    union = " UNION ALL ".join(
        f"SELECT {read} FROM {src.deals} WHERE status = 'open' AND {r}" for r in ranges
    )
    sql = f"""
SELECT NULL, {_group(by)} AS grp, d.currency, {CATEGORY} AS cat, sum(d.n),
  coalesce(sum(d.v), 0), coalesce(sum(d.v * coalesce(d.probability, s.probability)), 0)
FROM (SELECT {cols}, count(*) AS n, sum(value_minor) AS v FROM ({union}) d
      WHERE 1 = 1{scope.sql()} GROUP BY {cols}) d
JOIN {src.stages} s ON s.id = d.stage_id
WHERE {CATEGORY} <> 'omitted'
GROUP BY {_keys(by, "3", "4")}"""
    params = {
        "before": min(day, start).isoformat(),
        "end": end.isoformat(),
        "day": day.isoformat(),
        **scope.params(),
    }
    return [OpenSum(*r) for r in store.all(sql, params)]


def won_sql(src: Source, kind: str, by: str | None, scope: Scope) -> str:
    # The stage join is needed only to group by category, which is constant here.
    return f"""
SELECT {period_sql(kind, "d.closed_at")} AS period, {_group(by, won=True)} AS grp, d.currency,
  count(*), coalesce(sum(d.value_minor), 0)
FROM {src.deals} d
WHERE d.status = 'won' AND d.closed_at >= :start AND d.closed_at < :end{scope.sql()}
GROUP BY {_keys(by, "1", "3")}"""


def won_by_period(
    store: Reader, src: Source, kind: str, start: date, end: date, by: str | None, scope: Scope
) -> list[WonSum]:
    params = {"start": start.isoformat(), "end": end.isoformat(), **scope.params()}
    return [WonSum(*r) for r in store.all(won_sql(src, kind, by, scope), params)]


def closed_undated(store: Reader, src: Source, scope: Scope) -> dict[str, int]:
    """Closed deals of unknown close time (imported with no close date), by status: every
    report by period leaves them out, and says how many."""
    sql = (
        f"SELECT d.status, count(*) FROM {src.deals} d WHERE d.status IN ('won', 'lost') "
        f"AND d.closed_at IS NULL{scope.sql()} GROUP BY d.status"
    )
    return {r[0]: int(r[1]) for r in store.all(sql, scope.params())}


def first_known(store: Reader, scope: Scope) -> str | None:
    """When the first deal whose stage history is known was created: a replay of an
    earlier moment would show a pipeline the records cannot speak of."""
    sql = f"SELECT min(d.created_at) FROM deals d WHERE d.history_unknown = 0{scope.sql()}"
    value = store.scalar(sql, scope.params())
    return None if value is None else str(value)


def unknown_history(store: Reader, src: Source, start: date, end: date, scope: Scope) -> int:
    """Deals of unknown stage history a forecast accuracy of [start, end) leaves out: won in
    it (today's record), or open at ``src``'s cut-off with a close date in it."""
    sql = f"""
SELECT count(*) FROM deals d WHERE d.history_unknown = 1{scope.sql()} AND (
  (d.status = 'won' AND d.closed_at >= :start AND d.closed_at < :end)
  OR d.id IN (SELECT r.id FROM {src.deals} r WHERE r.status = 'open'
              AND r.close_date >= :start AND r.close_date < :end))"""
    params = {"start": start.isoformat(), "end": end.isoformat(), **scope.params()}
    return int(store.scalar(sql, params))


def names(store: Reader, by: str | None) -> dict[Any, tuple[str, tuple[Any, ...]]]:
    """Display name and sort key of every group id of a grouping."""
    if by == "owner":
        rows = store.all("SELECT id, name, name_key FROM owners")
        return {r[0]: (r[1], (0, r[2])) for r in rows}
    if by == "team":
        rows = store.all("SELECT DISTINCT team FROM owners WHERE team IS NOT NULL")
        teams: dict[Any, tuple[str, tuple[Any, ...]]] = {
            r[0]: (r[0], (0, r[0].casefold(), r[0])) for r in rows
        }
        return {**teams, None: ("(no team)", (1,))}
    if by == "stage":
        rows = store.all(
            "SELECT s.id, s.name, p.name, p.is_default, p.name_key, s.archived, s.position "
            "FROM stages s JOIN pipelines p ON p.id = s.pipeline_id"
        )
        multi = len({r[2] for r in rows}) > 1
        return {
            r[0]: (f"{r[2]}: {r[1]}" if multi else r[1], (-r[3], r[4], r[5], r[6], r[0]))
            for r in rows
        }
    if by == "pipeline":
        rows = store.all("SELECT id, name, is_default, name_key FROM pipelines")
        return {r[0]: (r[1], (-r[2], r[3])) for r in rows}
    if by == "category":
        order = ("closed_won", "commit", "best_case", "pipeline")
        return {c: (c, (i,)) for i, c in enumerate(order)}
    return {None: ("", ())}


def active_stage_ids(store: Reader, pipeline_id: int | None) -> list[int]:
    sql = "SELECT id FROM stages WHERE archived = 0"
    if pipeline_id is not None:
        return [r[0] for r in store.all(sql + " AND pipeline_id = ?", (pipeline_id,))]
    return [r[0] for r in store.all(sql)]
