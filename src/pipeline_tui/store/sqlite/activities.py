"""Queries over activities: timelines, the planned and the overdue."""

from __future__ import annotations

from typing import Any

from pipeline_tui.models import Activity, NotFoundError
from pipeline_tui.store.records import ActivityFilter
from pipeline_tui.store.sqlite.core import IDS, Reader, id_list

_COLUMNS = (
    "id, kind, subject, deal_id, lead_id, owner, done_at, due_at, outcome, notes, "
    "created_at, regarding, cancelled_at, cancel_reason"
)
_STATUS = {
    "planned": "done_at IS NULL AND cancelled_at IS NULL",
    "done": "done_at IS NOT NULL",
    "cancelled": "cancelled_at IS NOT NULL",
}
_KEY = {"planned": "due_at", "done": "done_at", "cancelled": "cancelled_at"}


def get_activity(store: Reader, activity_id: int) -> Activity:
    row = store.one(f"SELECT {_COLUMNS} FROM activities_view WHERE id = ?", (activity_id,))
    if row is None:
        raise NotFoundError(f"no activity with id {activity_id}")
    return Activity(**dict(row))


def _in_order(store: Reader, ids: list[int]) -> list[Activity]:
    """The activities ``ids``, in that order, read in one query (one round trip on a server)."""
    if not ids:
        return []
    rows = store.all(f"SELECT {_COLUMNS} FROM activities_view WHERE id IN {IDS}", (id_list(ids),))
    by_id = {r["id"]: r for r in rows}
    return [Activity(**dict(by_id[i])) for i in ids if i in by_id]


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


def list_activities(store: Reader, f: ActivityFilter) -> list[Activity]:
    """Activities matching ``f``: planned ones soonest first, else newest first."""
    clauses: list[str] = []
    params: dict[str, Any] = {"deal": f.deal_id, "lead": f.lead_id, "owner": f.owner}
    if f.deal_id is not None:
        clauses.append("deal_id = :deal")
    if f.lead_id is not None:
        clauses.append("lead_id = :lead")
    if f.owner:
        clauses.append("lower(owner) = lower(:owner)")
    status = "planned" if f.due_before is not None else f.status
    if status in _STATUS:
        clauses.append(_STATUS[status])
    if f.due_before is not None:
        clauses.append("due_at < :before")
        params["before"] = f.due_before
    soonest = status == "planned"
    # Each status sorts on a column an index holds in that order (idx_activities_planned,
    # idx_activities_done, idx_activities_when in store/sqlite/schema_changes.py), so the
    # first page of a million activities is read from an index, not sorted whole.
    key = _KEY.get(status or "", "coalesce(done_at, cancelled_at, due_at)")
    if f.after is not None:
        # Keyset: the rows after the given one in this order, so pages never shift.
        clauses.append(
            f"({key}, id) {'>' if soonest else '<'} (SELECT {key}, id FROM activities_view "
            "WHERE id = :after)"
        )
        params["after"] = f.after
    where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
    order = f" ORDER BY {key}, id" if soonest else f" ORDER BY {key} DESC, id DESC"
    sql = f"SELECT {_COLUMNS} FROM activities_view{where}{order}"
    if f.limit is not None:
        sql += " LIMIT :limit"
        params["limit"] = f.limit
    return [Activity(**dict(r)) for r in store.all(sql, params)]


def planned_section(
    store: Reader, start: str | None, end: str, owner_key: str | None, limit: int
) -> tuple[list[Activity], int]:
    """Open plans due in [start, end) (from any time when start is None), soonest first:
    at most ``limit`` of them, and how many there are in all."""
    clauses = ["a.done_at IS NULL", "a.cancelled_at IS NULL", "a.due_at < :end"]
    if start is not None:
        clauses.append("a.due_at >= :start")
    if owner_key is not None:
        clauses.append("a.owner_id = (SELECT id FROM owners WHERE name_key = :owner)")
    where = " AND ".join(clauses)
    params = {"start": start, "end": end, "owner": owner_key, "limit": limit}
    # The open plans' own partial index (schema.M003): unguided, the planner walks every
    # activity not done through idx_activities_done, and reads each row for cancelled_at.
    table = "activities a INDEXED BY idx_activities_open"
    total = int(store.scalar(f"SELECT count(*) FROM {table} WHERE {where}", params))
    ids = [r[0] for r in store.all(
        f"SELECT a.id FROM {table} WHERE {where} ORDER BY a.due_at, a.id LIMIT :limit", params
    )]  # fmt: skip
    return _in_order(store, ids), total


def next_for_deal(store: Reader, deal_id: int) -> Activity | None:
    """The deal's next step: its earliest open planned activity (schema.M003)."""
    found = store.scalar("SELECT next_activity_id FROM deals WHERE id = ?", (deal_id,))
    return None if found is None else get_activity(store, int(found))


def open_count(store: Reader, deal_id: int) -> int:
    """How many planned activities of the deal are still to do."""
    return int(
        store.scalar(
            "SELECT count(*) FROM activities WHERE deal_id = ? AND done_at IS NULL "
            "AND cancelled_at IS NULL",
            (deal_id,),
        )
    )
