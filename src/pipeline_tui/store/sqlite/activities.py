"""Queries over activities: timelines, the planned and the overdue."""

from __future__ import annotations

from typing import Any

from pipeline_tui.models import Activity, NotFoundError
from pipeline_tui.store.sqlite.core import Reader

_COLUMNS = (
    "id, kind, subject, deal_id, lead_id, owner, done_at, due_at, outcome, notes, "
    "created_at, regarding"
)


def get_activity(store: Reader, activity_id: int) -> Activity:
    row = store.one(f"SELECT {_COLUMNS} FROM activities_view WHERE id = ?", (activity_id,))
    if row is None:
        raise NotFoundError(f"no activity with id {activity_id}")
    return Activity(**dict(row))


def for_deal(store: Reader, deal_id: int) -> list[Activity]:
    rows = store.all(
        f"SELECT {_COLUMNS} FROM activities_view WHERE deal_id = ? "
        "ORDER BY coalesce(done_at, due_at), id",
        (deal_id,),
    )
    return [Activity(**dict(r)) for r in rows]


def for_lead(store: Reader, lead_id: int) -> list[Activity]:
    rows = store.all(
        f"SELECT {_COLUMNS} FROM activities_view WHERE lead_id = ? "
        "ORDER BY coalesce(done_at, due_at), id",
        (lead_id,),
    )
    return [Activity(**dict(r)) for r in rows]


def list_activities(
    store: Reader,
    *,
    planned_before: str | None = None,
    state: str | None = None,
    owner: str | None = None,
    limit: int | None = None,
) -> list[Activity]:
    """Activities newest first; planned_before (an ISO timestamp) selects open plans due before."""
    clauses: list[str] = []
    params: list[Any] = []
    if planned_before is not None:
        clauses.append("done_at IS NULL AND due_at < ?")
        params.append(planned_before)
    if state == "planned":
        clauses.append("done_at IS NULL")
    elif state == "done":
        clauses.append("done_at IS NOT NULL")
    if owner:
        clauses.append("lower(owner) = lower(?)")
        params.append(owner)
    where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
    order = (
        " ORDER BY due_at, id"
        if state == "planned" or planned_before
        else " ORDER BY coalesce(done_at, due_at) DESC, id DESC"
    )
    sql = f"SELECT {_COLUMNS} FROM activities_view{where}{order}"
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    return [Activity(**dict(r)) for r in store.all(sql, tuple(params))]


def planned_section(
    store: Reader, start: str | None, end: str, owner_key: str | None, limit: int
) -> tuple[list[Activity], int]:
    """Open plans due in [start, end) (from any time when start is None), soonest first:
    at most ``limit`` of them, and how many there are in all."""
    clauses = ["a.done_at IS NULL", "a.due_at < :end"]
    if start is not None:
        clauses.append("a.due_at >= :start")
    if owner_key is not None:
        clauses.append("a.owner_id = (SELECT id FROM owners WHERE name_key = :owner)")
    where = " AND ".join(clauses)
    params = {"start": start, "end": end, "owner": owner_key, "limit": limit}
    total = int(store.scalar(f"SELECT count(*) FROM activities a WHERE {where}", params))
    ids = [r[0] for r in store.all(
        f"SELECT a.id FROM activities a WHERE {where} ORDER BY a.due_at, a.id LIMIT :limit", params
    )]  # fmt: skip
    return [get_activity(store, i) for i in ids], total
