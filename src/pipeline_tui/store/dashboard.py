"""Aggregates behind the TUI's KPI screen, until services.forecast and services.kpis land.

Amounts are returned per currency: callers convert or show them side by side, never sum
them silently. Periods are half-open ISO ranges [start, end).
"""

from __future__ import annotations

from typing import Any

from pipeline_tui.store.core import Store
from pipeline_tui.store.lookup import name_key

_OWNER = " AND d.owner_id = (SELECT id FROM owners WHERE name_key = :owner)"


def _params(owner: str | None, **extra: Any) -> tuple[str, dict[str, Any]]:
    params = dict(extra)
    if owner:
        params["owner"] = name_key(owner)
        return _OWNER, params
    return "", params


def _rows(store: Store, sql: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
    cur = store.conn.cursor()
    cur.row_factory = None
    try:
        return [tuple(r) for r in cur.execute(sql, params).fetchall()]
    finally:
        cur.close()


def closed_summary(
    store: Store, start: str, end: str, owner: str | None
) -> list[tuple[str, str, int, int, float | None]]:
    """(status, currency, deals, value, mean days from created to closed) of deals closed
    in the period."""
    where, params = _params(owner, start=start, end=end)
    return _rows(
        store,
        "SELECT d.status, d.currency, count(*), sum(d.value_minor), "
        "avg(julianday(d.closed_at) - julianday(d.created_at)) FROM deals d "
        "WHERE d.status IN ('won', 'lost') "
        f"AND d.closed_at >= :start AND d.closed_at < :end{where} "
        "GROUP BY d.status, d.currency",
        params,
    )


def open_summary(
    store: Store, owner: str | None, start: str | None = None, end: str | None = None
) -> list[tuple[str, int, int, int]]:
    """(currency, deals, value, weighted value) of open deals, all of them or those whose
    expected close date falls in [start, end)."""
    where, params = _params(owner, start=start, end=end)
    if start is not None:
        where += " AND d.close_date >= :start AND d.close_date < :end"
    rows = _rows(
        store,
        "SELECT d.currency, count(*), sum(d.value_minor), "
        "sum(d.value_minor * coalesce(d.probability, s.probability)) "
        f"FROM deals d JOIN stages s ON s.id = d.stage_id WHERE d.status = 'open'{where} "
        "GROUP BY d.currency ORDER BY count(*) DESC",
        params,
    )
    return [(c, n, int(v), round(w / 100)) for c, n, v, w in rows]


def forecast_rows(
    store: Store, start: str, end: str, owner: str | None
) -> list[tuple[str, str, str, int]]:
    """(month, category, currency, value): open deals by expected close month and forecast
    category, and deals won by the month they closed, for months in [start, end)."""
    where, params = _params(owner, start=start, end=end)
    return _rows(
        store,
        "SELECT substr(d.close_date, 1, 7), coalesce(d.category, s.forecast_category), "
        "d.currency, sum(d.value_minor) FROM deals d JOIN stages s ON s.id = d.stage_id "
        f"WHERE d.status = 'open' AND d.close_date >= :start AND d.close_date < :end{where} "
        "GROUP BY 1, 2, 3 "
        "UNION ALL SELECT substr(d.closed_at, 1, 7), 'closed_won', d.currency, sum(d.value_minor) "
        "FROM deals d WHERE d.status = 'won' "
        f"AND d.closed_at >= :start AND d.closed_at < :end{where} "
        "GROUP BY 1, 2, 3",
        params,
    )


def stage_conversion(
    store: Store, pipeline_id: int, owner: str | None
) -> list[tuple[str, int, int]]:
    """(stage, deals that entered it, of those the ones that later reached a later stage
    or were won), in stage order."""
    where, params = _params(owner, pipeline=pipeline_id)
    return _rows(
        store,
        "SELECT s.name, count(DISTINCT sc.deal_id), count(DISTINCT CASE WHEN d.status = 'won' "
        "OR EXISTS (SELECT 1 FROM stage_changes later JOIN stages ls ON ls.id = later.to_stage_id "
        "WHERE later.deal_id = sc.deal_id AND ls.position > s.position) THEN sc.deal_id END) "
        "FROM stages s JOIN stage_changes sc ON sc.to_stage_id = s.id "
        "JOIN deals d ON d.id = sc.deal_id "
        f"WHERE s.pipeline_id = :pipeline AND s.archived = 0{where} "
        "GROUP BY s.id ORDER BY s.position",
        params,
    )


def owner_summary(store: Store, start: str, end: str) -> list[tuple[Any, ...]]:
    """Per owner and currency: (owner, currency, open deals, open value, weighted, won in
    period, won value in period, lost in period)."""
    return _rows(
        store,
        "SELECT o.name, d.currency, "
        "sum(d.status = 'open'), sum(CASE WHEN d.status = 'open' THEN d.value_minor END), "
        "sum(CASE WHEN d.status = 'open' THEN d.value_minor * "
        "coalesce(d.probability, s.probability) END), "
        "sum(d.status = 'won' AND d.closed_at >= :start AND d.closed_at < :end), "
        "sum(CASE WHEN d.status = 'won' AND d.closed_at >= :start AND d.closed_at < :end "
        "THEN d.value_minor END), "
        "sum(d.status = 'lost' AND d.closed_at >= :start AND d.closed_at < :end) "
        "FROM deals d JOIN stages s ON s.id = d.stage_id JOIN owners o ON o.id = d.owner_id "
        "GROUP BY o.id, d.currency ORDER BY o.name_key, d.currency",
        {"start": start, "end": end},
    )


def targets(store: Store, periods: list[str], owner: str | None) -> dict[str, int]:
    """Target per currency for an owner (or the team, owner None) over any of ``periods``."""
    marks = ", ".join(f":p{i}" for i in range(len(periods)))
    params: dict[str, Any] = {f"p{i}": p for i, p in enumerate(periods)}
    if owner:
        scope = "owner_id = (SELECT id FROM owners WHERE name_key = :owner)"
        params["owner"] = name_key(owner)
    else:
        scope = "owner_id IS NULL"
    rows = _rows(
        store,
        f"SELECT currency, sum(amount_minor) FROM targets WHERE {scope} AND period IN ({marks}) "
        "GROUP BY currency",
        params,
    )
    return {c: int(v) for c, v in rows}
