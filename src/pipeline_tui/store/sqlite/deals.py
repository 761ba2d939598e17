"""Queries over deals, their stage history and filters for lists."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from pipeline_tui.models import Deal, NotFoundError, StageChange
from pipeline_tui.store.records import LIVE, DealFilter, Source
from pipeline_tui.store.sqlite.core import Reader
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
    data["custom"] = json.loads(data["custom"]) if data["custom"] else {}
    return Deal(**data)


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


def list_deals(store: Reader, f: DealFilter, src: Source = LIVE) -> list[Deal]:
    """Deals matching ``f``, live or replayed at ``src``'s cut-off (see store/sqlite/asof.py)."""
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


def next_step_section(
    store: Reader, kind: str, day: str, owner_key: str | None, limit: int
) -> tuple[list[Deal], int]:
    """Open deals whose next step is overdue, due ``day`` or missing: the ``limit`` with the
    soonest due date (for missing ones, the soonest close date), and how many in all."""
    where = f"d.status = 'open' AND {_NEXT_STEP[kind]}"
    if owner_key is not None:
        where += " AND d.owner_id = (SELECT id FROM owners WHERE name_key = :owner)"
    order = "d.close_date IS NULL, d.close_date, d.id" if kind == "none" else "d.next_due, d.id"
    params = {"day": day, "owner": owner_key, "limit": limit}
    total = int(store.scalar(f"SELECT count(*) FROM deals d WHERE {where}", params))
    ids = [r[0] for r in store.all(
        f"SELECT d.id FROM deals d WHERE {where} ORDER BY {order} LIMIT :limit", params
    )]  # fmt: skip
    return [get_deal(store, i) for i in ids], total
