"""Queries over deals, their stage history and filters for lists."""

from __future__ import annotations

import sqlite3
from typing import Any

from pipeline_tui.models import Deal, NotFoundError, StageChange
from pipeline_tui.models.custom_fields import custom_fields
from pipeline_tui.store.records import LIVE, DealFilter, Source
from pipeline_tui.store.sqlite.core import IDS, Reader, id_list
from pipeline_tui.store.sqlite.text_search import any_like, containing

_COLUMNS = (
    "id, title, company, contact, owner, pipeline, stage, status, value_minor, currency, "
    "probability, close_date, next_step, next_due, created_at, closed_at, lost_reason, "
    "updated_at, stage_id, pipeline_id, probability_override, category_override, lead_id, "
    "stage_entered_at, custom"
)


def _deal(row: sqlite3.Row) -> Deal:
    data = dict(row)
    data["category"] = data.pop("category_override")
    data["custom"] = custom_fields(data["custom"])
    return Deal(**data)


def deals_in_order(store: Reader, ids: list[int]) -> list[Deal]:
    """The deals ``ids``, in that order, read in one query: on a server every query is a
    round trip (bench/pg_bench.py's `today` read its sections' deals one by one)."""
    if not ids:
        return []
    rows = store.all(f"SELECT {_COLUMNS} FROM deals_view WHERE id IN {IDS}", (id_list(ids),))
    by_id = {r["id"]: r for r in rows}
    return [_deal(by_id[i]) for i in ids if i in by_id]  # one deleted meanwhile is left out


def get_deal(store: Reader, deal_id: int) -> Deal:
    row = store.one(f"SELECT {_COLUMNS} FROM deals_view WHERE id = ?", (deal_id,))
    if row is None:
        raise NotFoundError(f"no deal with id {deal_id}")
    return _deal(row)


def _where(f: DealFilter) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    if f.status:
        clauses.append("status = ?")
        params.append(f.status)
    if f.stage:
        clauses.append("lower(stage) = lower(?)")
        params.append(f.stage)
    if f.owner:
        clauses.append("lower(owner) = lower(?)")
        params.append(f.owner)
    if f.pipeline:
        clauses.append("lower(pipeline) = lower(?)")
        params.append(f.pipeline)
    if f.no_next_step:
        clauses.append("(next_step IS NULL OR next_step = '')")
    if f.search:
        clauses.append(any_like(("title", "company", "contact")))
        params += [containing(f.search)] * 3
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def _table_where(f: DealFilter) -> tuple[str, list[Any]] | None:
    """``f`` as conditions on the deals table itself, or None when it needs the view's joins
    (a text search). Filtering the table lets SQLite walk an index and count without
    joining five tables per deal: 1.5 s down to milliseconds on a million deals."""
    if f.search:
        return None
    clauses: list[str] = []
    params: list[Any] = []
    if f.status:
        clauses.append("d.status = ?")
        params.append(f.status)
    for column, table, value in (
        ("stage_id", "stages", f.stage),
        ("owner_id", "owners", f.owner),
        ("pipeline_id", "pipelines", f.pipeline),
    ):
        if value:
            clauses.append(f"d.{column} IN (SELECT id FROM {table} WHERE lower(name) = lower(?))")
            params.append(value)
    if f.no_next_step:
        clauses.append("(d.next_step IS NULL OR d.next_step = '')")
    return " AND ".join(clauses) or "1", params


def _ids_in_order(store: Reader, where: str, params: list[Any], f: DealFilter) -> list[int]:
    limit = "" if f.limit is None else f" LIMIT {int(f.limit)}"
    if f.status in ("won", "lost"):
        sql = f"SELECT d.id FROM deals d WHERE {where} ORDER BY d.closed_at DESC, d.id DESC{limit}"
        return [r[0] for r in store.all(sql, tuple(params))]
    # Dated deals first, by close date, then undated ones: two index walks rather than one
    # sort of every matching deal.
    dated = f"SELECT d.id FROM deals d WHERE {where} AND d.close_date IS NOT NULL"
    undated = f"SELECT d.id FROM deals d WHERE {where} AND d.close_date IS NULL"
    sql = (
        f"SELECT id FROM (SELECT * FROM ({dated} ORDER BY d.close_date, d.id{limit})) "
        f"UNION ALL SELECT id FROM (SELECT * FROM ({undated} ORDER BY d.id{limit})){limit}"
    )
    return [r[0] for r in store.all(sql, (*params, *params))]


def list_deals(store: Reader, f: DealFilter, src: Source = LIVE) -> list[Deal]:
    """Deals matching ``f``, live or replayed at ``src``'s cut-off (see store/sqlite/asof.py)."""
    fast = None if src.replayed else _table_where(f)
    if fast is not None:
        return deals_in_order(store, _ids_in_order(store, fast[0], fast[1], f))
    where, params = _where(f)
    order = " ORDER BY close_date IS NULL, close_date, id"
    if f.status in ("won", "lost"):
        order = " ORDER BY closed_at DESC, id DESC"
    limit = ""
    if f.limit is not None:
        limit = " LIMIT ?"
        params.append(f.limit)
    rows = store.all(f"SELECT {_COLUMNS} FROM {src.deals_view}{where}{order}{limit}", tuple(params))
    return [_deal(r) for r in rows]


def count_deals(store: Reader, f: DealFilter, src: Source = LIVE) -> int:
    fast = None if src.replayed else _table_where(f)
    if fast is not None:
        return int(store.scalar(f"SELECT count(*) FROM deals d WHERE {fast[0]}", tuple(fast[1])))
    where, params = _where(f)
    return int(store.scalar(f"SELECT count(*) FROM {src.deals_view}{where}", tuple(params)))


def stage_history(store: Reader, deal_id: int) -> list[StageChange]:
    rows = store.all(
        "SELECT deal_id, from_stage, to_stage, changed_at, changed_by FROM stage_changes_view "
        "WHERE deal_id = ? ORDER BY changed_at, id",
        (deal_id,),
    )
    return [StageChange(r[0], r[1], r[2], r[3], r[4]) for r in rows]


def deals_missing_or_due_next_step(store: Reader, day: str) -> list[Deal]:
    rows = store.all(
        f"SELECT {_COLUMNS} FROM deals_view WHERE status = 'open' AND "
        "(next_step IS NULL OR next_step = '' OR next_due IS NULL OR next_due <= ?) "
        "ORDER BY next_due IS NULL, next_due, value_minor DESC, id",
        (day,),
    )
    return [_deal(r) for r in rows]


def deal_count(store: Reader) -> int:
    return int(store.scalar("SELECT count(*) FROM deals"))


# The three next-step sections of the agenda, as conditions on an open deal d.
_NEXT_STEP = {
    "overdue": "d.next_step IS NOT NULL AND d.next_step <> '' AND d.next_due < :day",
    "today": "d.next_step IS NOT NULL AND d.next_step <> '' AND d.next_due = :day",
    "none": "(d.next_step IS NULL OR d.next_step = '')",
}


_SECTION_INDEX = {
    "overdue": "idx_deals_next_due",
    "today": "idx_deals_next_due",
    "none": "idx_deals_no_next_step",
}


def next_step_section(
    store: Reader, kind: str, day: str, owner_key: str | None, limit: int
) -> tuple[list[Deal], int]:
    """Open deals whose next step is overdue, due ``day`` or missing: the ``limit`` with the
    soonest due date (for missing ones, the soonest close date), and how many in all."""
    where = f"d.status = 'open' AND {_NEXT_STEP[kind]}"
    # The section's own partial index (schema.M002_AGENDA); unguided, the planner walks every
    # open deal through the status index instead.
    deals = f"deals d INDEXED BY {_SECTION_INDEX[kind]}"
    if owner_key is not None:
        where += " AND d.owner_id = (SELECT id FROM owners WHERE name_key = :owner)"
    params = {"day": day, "owner": owner_key, "limit": limit}
    total = int(store.scalar(f"SELECT count(*) FROM {deals} WHERE {where}", params))
    if kind == "none":  # dated first, by close date, then undated: two index walks
        sql = (
            f"SELECT id FROM (SELECT * FROM (SELECT d.id FROM {deals} WHERE {where} AND "
            "d.close_date IS NOT NULL ORDER BY d.close_date, d.id LIMIT :limit)) UNION ALL "
            f"SELECT id FROM (SELECT * FROM (SELECT d.id FROM {deals} WHERE {where} AND "
            "d.close_date IS NULL ORDER BY d.id LIMIT :limit)) LIMIT :limit"
        )
    else:
        sql = f"SELECT d.id FROM {deals} WHERE {where} ORDER BY d.next_due, d.id LIMIT :limit"
    return deals_in_order(store, [r[0] for r in store.all(sql, params)]), total


def deal_links(store: Reader, deal_id: int) -> dict[str, list[int]]:
    """The ids of the rows that belong to a deal and go with it when it is deleted (its
    activities, notes, buying-committee roles and stage changes); "moves"
    are the stage changes other than the deal's entry into its first stage."""
    changes = store.all(
        "SELECT id, from_stage_id IS NOT NULL FROM stage_changes WHERE deal_id = ? ORDER BY id",
        (deal_id,),
    )
    activities = store.all("SELECT id FROM activities WHERE deal_id = ? ORDER BY id", (deal_id,))
    notes = store.all("SELECT id FROM notes WHERE deal_id = ? ORDER BY id", (deal_id,))
    people = store.all("SELECT id FROM deal_people WHERE deal_id = ? ORDER BY id", (deal_id,))
    return {
        "activities": [int(r[0]) for r in activities],
        "notes": [int(r[0]) for r in notes],
        "people": [int(r[0]) for r in people],
        "stage_changes": [int(r[0]) for r in changes],
        "moves": [int(r[0]) for r in changes if r[1]],
    }
