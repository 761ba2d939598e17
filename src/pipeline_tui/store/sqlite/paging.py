"""Keyset-paged deal lists and per-stage aggregates for the TUI's deals table and board.

Everything here returns plain tuples or small dataclasses and reads with a tuple row
factory: at 100,000 deals the cost of ``sqlite3.Row`` objects is measurable.
"""

from __future__ import annotations

from typing import Any

from pipeline_tui.models.keys import name_key
from pipeline_tui.store.page_records import DealQuery, DealRow, StageTotals
from pipeline_tui.store.records import DEAL_SORTS, NONE_PLANNED, UNDATED
from pipeline_tui.store.sqlite.core import Reader
from pipeline_tui.store.sqlite.text_search import ESCAPE, any_like, containing, literal

# Sort keys are never NULL, so that row-value keyset comparisons (key, id) > (?, ?) hold.
SORT_KEYS: dict[str, str] = {
    "title": "lower(d.title)",
    "company": "coalesce(lower(co.name), '')",
    "owner": "coalesce(lower(o.name), '')",
    "stage": "s.position",
    "value": "coalesce(d.value_minor, -1)",  # an unknown amount sorts below every known one
    "close": f"coalesce(d.close_date, '{NONE_PLANNED}')",
    "next": f"CASE WHEN d.next_step IS NULL THEN '{NONE_PLANNED}' "
    f"ELSE coalesce(d.next_due, '{UNDATED}') END",
    "status": "d.status",
}
assert tuple(SORT_KEYS) == DEAL_SORTS, "every sort the interface names has its SQL"

# The deal's next activity date. deals.next_step/next_due are the store's cache of the
# deal's earliest open planned activity (store/sqlite/next_step.py keeps them in step in
# every write), so no query here has to visit the activities table.
NEXT_ACTIVITY = (
    f"CASE WHEN d.next_step IS NULL THEN '{NONE_PLANNED}' "
    f"ELSE coalesce(d.next_due, '{UNDATED}') END"
)
# Board order: overdue (0), due today (1), none planned (2), future (3).
RANK = (
    f"CASE WHEN nx = '{NONE_PLANNED}' THEN 2 WHEN nx < :today THEN 0 "
    "WHEN nx = :today THEN 1 ELSE 3 END"
)

_JOINS = (
    " JOIN stages s ON s.id = d.stage_id"
    " LEFT JOIN companies co ON co.id = d.company_id"
    " LEFT JOIN owners o ON o.id = d.owner_id"
)


def _from(*exprs: str) -> str:
    """FROM with only the joins the given SQL fragments use: a count over 100,000 deals
    costs 2 ms on deals alone and 60 ms through the joins."""
    used = " ".join(exprs)
    sql = " FROM deals d"
    if "s." in used:
        sql += " JOIN stages s ON s.id = d.stage_id"
    if "co." in used:
        sql += " LEFT JOIN companies co ON co.id = d.company_id"
    if "o." in used.replace("co.", ""):
        sql += " LEFT JOIN owners o ON o.id = d.owner_id"
    return sql


def _tuples(store: Reader, sql: str, params: dict[str, Any] | tuple[Any, ...]) -> list[Any]:
    cur = store.cursor()
    cur.row_factory = None  # plain tuples: several times cheaper than sqlite3.Row
    try:
        return cur.execute(sql, params).fetchall()
    finally:
        cur.close()


def _where(q: DealQuery, params: dict[str, Any]) -> str:
    clauses = ["1 = 1"]
    if q.status:
        clauses.append("d.status = :status")
        params["status"] = q.status
    if q.owner:
        clauses.append("d.owner_id = (SELECT id FROM owners WHERE name_key = :owner)")
        params["owner"] = name_key(q.owner)
    if q.stage_id is not None:
        clauses.append("d.stage_id = :stage_id")
        params["stage_id"] = q.stage_id
    if q.pipeline_id is not None:
        clauses.append("d.pipeline_id = :pipeline_id")
        params["pipeline_id"] = q.pipeline_id
    if q.text:
        clauses.append(any_like(("d.title", "co.name", "o.name"), ":text"))
        params["text"] = containing(q.text)
    return " WHERE " + " AND ".join(clauses)


def _key(q: DealQuery) -> str:
    if q.sort not in SORT_KEYS:
        raise ValueError(f"unknown sort {q.sort!r}")
    return SORT_KEYS[q.sort]


_ROW_SQL = (
    "SELECT d.id, d.title, co.name, o.name, s.name, d.stage_id, d.status, d.value_minor, "
    "d.currency, CASE d.status WHEN 'won' THEN 100 WHEN 'lost' THEN 0 "
    "ELSE coalesce(d.probability, s.probability) END, d.close_date, d.next_step, d.next_due, "
    f"{NEXT_ACTIVITY}, p.k"
)


def _rows(store: Reader, inner: str, params: dict[str, Any], order: str) -> list[DealRow]:
    """Details for the (id, k) rows an inner query selects, computed only for those rows."""
    sql = f"{_ROW_SQL} FROM ({inner}) p JOIN deals d ON d.id = p.id{_JOINS} ORDER BY {order}"
    return [DealRow(*r) for r in _tuples(store, sql, params)]


def count(store: Reader, q: DealQuery) -> int:
    params: dict[str, Any] = {}
    where = _where(q, params)
    return int(_tuples(store, f"SELECT count(*){_from(where)}{where}", params)[0][0])


def page_after(
    store: Reader,
    q: DealQuery,
    after: tuple[Any, int] | None,
    limit: int,
    *,
    backwards: bool = False,
) -> list[DealRow]:
    """Up to ``limit`` rows that follow the (sort key, id) ``after`` in the query's order
    (or precede it, with ``backwards``): a keyset page, whose cost does not grow with depth."""
    params: dict[str, Any] = {"limit": limit}
    key = _key(q)
    where = _where(q, params)
    forward = q.descending == backwards
    if after is not None:
        where += f" AND ({key}, d.id) {'<' if q.descending != backwards else '>'} (:k, :i)"
        params["k"], params["i"] = after
    direction = "ASC" if forward else "DESC"
    inner = (
        f"SELECT d.id, {key} AS k{_from(key, where)}{where} "
        f"ORDER BY k {direction}, d.id {direction} LIMIT :limit"
    )
    final = "ASC" if not q.descending else "DESC"
    return _rows(store, inner, params, f"p.k {final}, p.id {final}")


def page_at(store: Reader, q: DealQuery, offset: int, limit: int) -> list[DealRow]:
    """Rows at an absolute position: used only for a jump far from any loaded page,
    where no neighbouring key is known (sequential scrolling uses page_after)."""
    params: dict[str, Any] = {"limit": limit, "offset": offset}
    key = _key(q)
    direction = "DESC" if q.descending else "ASC"
    where = _where(q, params)
    inner = (
        f"SELECT d.id, {key} AS k{_from(key, where)}{where} "
        f"ORDER BY k {direction}, d.id {direction} LIMIT :limit OFFSET :offset"
    )
    return _rows(store, inner, params, f"p.k {direction}, p.id {direction}")


def position_of(store: Reader, q: DealQuery, deal_id: int) -> int | None:
    """The 0-based row of a deal in the query's order, or None if the query excludes it."""
    params: dict[str, Any] = {"deal": deal_id}
    key = _key(q)
    where = _where(q, params)
    joins = _from(key, where)
    found = _tuples(store, f"SELECT {key}{joins}{where} AND d.id = :deal", params)
    if not found:
        return None
    params["k"] = found[0][0]
    op = ">" if q.descending else "<"
    sql = f"SELECT count(*){joins}{where} AND ({key}, d.id) {op} (:k, :deal)"
    return int(_tuples(store, sql, params)[0][0])


def ordered_ids(store: Reader, q: DealQuery) -> list[int]:
    """Every matching id in the query's order: for orders SQL cannot compute (attention)."""
    params: dict[str, Any] = {}
    direction = "DESC" if q.descending else "ASC"
    where, key = _where(q, params), _key(q)
    sql = f"SELECT d.id{_from(key, where)}{where} ORDER BY {key} {direction}, d.id {direction}"
    return [r[0] for r in _tuples(store, sql, params)]


def rows_by_ids(store: Reader, ids: list[int]) -> list[DealRow]:
    """Rows for the given ids, in the given order (ids must be at most a page long).
    Their sort_key is the position in ``ids``, not a keyset key."""
    if not ids:
        return []
    values = ", ".join(f"({i}, {int(deal_id)})" for i, deal_id in enumerate(ids))
    inner = f"SELECT column2 AS id, column1 AS k FROM (VALUES {values})"
    return _rows(store, inner, {}, "p.k")


# -- board -------------------------------------------------------------------------------


def _board_sql(q: DealQuery, params: dict[str, Any], today: str, stage: str = "") -> str:
    """Open deals' (stage id, rank, close date, id) in board order: by next-activity state
    (overdue, today, none planned, future), then close date; ``stage`` narrows the WHERE."""
    params["today"] = today
    where = _where(q, params) + stage
    if q.status == "open":  # a literal, so that the planner may use idx_deals_board (M007)
        where = where.replace("d.status = :status", "d.status = 'open'")
    # next_due alone says it: the cache has a due date exactly when a plan is open (M003).
    return (
        f"SELECT stage_id, {RANK} AS rank, close, id FROM ("
        f"SELECT d.stage_id, d.id, coalesce(d.close_date, '{NONE_PLANNED}') AS close, "
        f"coalesce(d.next_due, '{NONE_PLANNED}') AS nx{_from(where)}{where}) "
        "ORDER BY stage_id, rank, close, id"
    )


def board_keys(store: Reader, q: DealQuery, today: str) -> dict[int, list[tuple[int, str, int]]]:
    """For each stage, its open deals' (rank, close date, id), in board order."""
    params: dict[str, Any] = {}
    out: dict[int, list[tuple[int, str, int]]] = {}
    for stage_id, rank, close, deal_id in _tuples(store, _board_sql(q, params, today), params):
        out.setdefault(stage_id, []).append((rank, close, deal_id))
    return out


def board_heads(
    store: Reader, q: DealQuery, today: str, limits: dict[int, int]
) -> dict[int, list[tuple[int, str, int]]]:
    """The first ``limits[stage id]`` keys of each of those stages, in board order: the
    start of what board_keys gives, for a first paint that cannot wait for every card."""
    # One top-N sort per stage over its range of idx_deals_board: at 100,000 deals the five
    # stages cost about 15 ms, where ordering all 70,000 open cards costs 130 ms.
    out: dict[int, list[tuple[int, str, int]]] = {}
    for stage_id, limit in limits.items():
        params: dict[str, Any] = {"stage": stage_id, "limit": limit}
        sql = _board_sql(q, params, today, " AND d.stage_id = :stage") + " LIMIT :limit"
        out[stage_id] = [(rank, close, i) for _s, rank, close, i in _tuples(store, sql, params)]
    return out


def board_key(store: Reader, deal_id: int, today: str) -> tuple[int, tuple[int, str, int]] | None:
    """(stage id, board key) of one open deal, to place it after a move without a reload."""
    sql = (
        f"SELECT stage_id, {RANK}, close, id FROM (SELECT d.stage_id, d.id, "
        f"coalesce(d.close_date, '{NONE_PLANNED}') AS close, {NEXT_ACTIVITY} AS nx "
        "FROM deals d WHERE d.id = :deal AND d.status = 'open')"
    )
    found = _tuples(store, sql, {"deal": deal_id, "today": today})
    if not found:
        return None
    stage_id, rank, close, did = found[0]
    return stage_id, (rank, close, did)


def stage_totals(store: Reader, q: DealQuery) -> dict[int, StageTotals]:
    """Count, value and weighted value per currency of every stage, over all matching deals
    (not just the cards drawn). Weighted values are rounded per stage and currency."""
    params: dict[str, Any] = {}
    where = _where(q, params)
    joins = _from("s.", where)
    if not q.text:  # then every column read is in idx_deals_forecast (M001): no table reads
        # The planner picks idx_deals_status_stage and reads 70,000 rows of the deals table
        # at 100,000 deals (75 ms of CPU); the covering index takes 40 ms.
        joins = joins.replace("FROM deals d", "FROM deals d INDEXED BY idx_deals_forecast")
    sql = (
        "SELECT d.stage_id, d.currency, count(*), coalesce(sum(d.value_minor), 0), "
        "coalesce(sum(d.value_minor * coalesce(d.probability, s.probability)), 0)"
        f"{joins}{where} "
        "GROUP BY d.stage_id, d.currency ORDER BY d.stage_id, d.currency"
    )
    out: dict[int, StageTotals] = {}
    for stage_id, currency, n, total, weighted in _tuples(store, sql, params):
        entry = out.setdefault(stage_id, StageTotals(0, {}, {}))
        entry.totals[currency] = int(total)
        entry.weighted[currency] = round(weighted / 100)
        out[stage_id] = StageTotals(entry.count + n, entry.totals, entry.weighted)
    return out


def owner_names(store: Reader) -> list[str]:
    """Owners that hold at least one deal, by name."""
    sql = (
        "SELECT o.name FROM owners o WHERE EXISTS (SELECT 1 FROM deals d WHERE d.owner_id = o.id) "
        "ORDER BY o.name_key"
    )
    return [r[0] for r in _tuples(store, sql, ())]


def deal_titles(store: Reader, pattern: str, limit: int) -> list[tuple[int, str, str | None, str]]:
    """(id, title, company, status) of deals whose title or company has ``pattern`` in order."""
    # The characters in order, anything between: the palette scores the hits afterwards.
    like = "%" + "%".join(literal(c) for c in pattern if not c.isspace()) + "%"
    sql = (
        "SELECT d.id, d.title, co.name, d.status FROM deals d "
        "LEFT JOIN companies co ON co.id = d.company_id "
        f"WHERE d.title LIKE ? {ESCAPE} OR co.name LIKE ? {ESCAPE} "
        "ORDER BY d.status != 'open', length(d.title), d.id LIMIT ?"
    )
    return [tuple(r) for r in _tuples(store, sql, (like, like, limit))]
