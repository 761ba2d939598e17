"""Paged lists of leads, companies, people and open plans for the TUI's lists.

Like the deals table's pages (paging.py): a count first, then pages of rows, each either
after the row just above it (a keyset page, whose cost does not grow with depth) or at an
offset (a jump far from anything loaded). Every order ends in the id, so it is total, and
each leads with an indexed key: idx_leads_list and idx_contacts_list (schema_changes.py:
M009), the companies' name_key, the open plans' idx_activities_open (M003). A key is never
NULL, so that the row-value comparisons (key, id) > (?, ?) hold for every row.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pipeline_tui.models import Activity, Lead
from pipeline_tui.models.keys import name_key
from pipeline_tui.store.page_records import RecordQuery
from pipeline_tui.store.sqlite import activities, companies, leads, people
from pipeline_tui.store.sqlite.core import IDS, Reader, id_list
from pipeline_tui.store.sqlite.text_search import any_like, containing


@dataclass(frozen=True)
class _Spec:
    table: str  # FROM, with its alias
    alias: str
    key: str  # the sort key before the id; never NULL
    descending: bool
    text: tuple[str, ...]  # the columns the text filter looks in
    joins: str = ""  # what the text columns need


_COMPANY = " LEFT JOIN companies co ON co.id = {a}.company_id"
SPECS = {
    "leads": _Spec(
        "leads l",
        "l",
        "coalesce(l.created_at, '')",
        True,
        ("l.name", "co.name", "l.email"),
        _COMPANY.format(a="l"),
    ),
    "companies": _Spec(
        "companies c",
        "c",
        "c.name_key",
        False,
        ("c.name", "c.domain", "c.industry", "c.city", "c.country"),
    ),
    "people": _Spec(
        "contacts p",
        "p",
        "lower(coalesce(p.name, p.email, ''))",
        False,
        ("p.name", "p.email", "p.more_emails", "p.phone", "p.title", "co.name"),
        _COMPANY.format(a="p"),
    ),
    # Unguided, the planner walks every activity not done through idx_activities_done and
    # reads each row for cancelled_at (see activities.planned_section).
    "planned": _Spec("activities a INDEXED BY idx_activities_open", "a", "a.due_at", False, ()),
}


def _spec(q: RecordQuery) -> _Spec:
    if q.kind not in SPECS:
        raise ValueError(f"unknown list {q.kind!r}")
    return SPECS[q.kind]


def _from_where(q: RecordQuery, params: dict[str, Any]) -> str:
    s = _spec(q)
    clauses = ["1 = 1"]
    if q.kind == "planned":
        clauses += ["a.done_at IS NULL", "a.cancelled_at IS NULL", "a.due_at < :end"]
        params["end"] = q.end
        if q.start is not None:
            clauses.append("a.due_at >= :start")
            params["start"] = q.start
    if q.statuses:
        names = []
        for i, status in enumerate(q.statuses):
            params[f"status{i}"] = status
            names.append(f":status{i}")
        clauses.append(f"{s.alias}.status IN ({', '.join(names)})")
    if q.owner:
        clauses.append(f"{s.alias}.owner_id = (SELECT id FROM owners WHERE name_key = :owner)")
        params["owner"] = name_key(q.owner)
    joins = ""
    if q.text and s.text:
        clauses.append(any_like(s.text, ":text"))
        params["text"] = containing(q.text)
        joins = s.joins
    return f" FROM {s.table}{joins} WHERE " + " AND ".join(clauses)


def count(store: Reader, q: RecordQuery) -> int:
    """How many rows the list has."""
    params: dict[str, Any] = {}
    return int(store.scalar(f"SELECT count(*){_from_where(q, params)}", params))


def page(store: Reader, q: RecordQuery, offset: int, limit: int,
         after: int | None = None) -> list[Any]:  # fmt: skip
    """Up to ``limit`` rows from ``offset`` in the list's order: Lead, company dicts (with
    open_deals), Person or Activity. ``after``, the id of the row just above ``offset``,
    makes it a keyset page; when that row has gone, the offset is used."""
    s = _spec(q)
    params: dict[str, Any] = {"limit": limit}
    sql = _from_where(q, params)
    key, me = s.key, f"{s.alias}.id"
    anchor = None
    if after is not None:
        anchor = store.one(f"SELECT {key}, {me}{sql} AND {me} = :after", {**params, "after": after})
    if anchor is not None:
        op = "<" if s.descending else ">"
        # The key alone as well: SQLite seeks an expression index on it, not on the row value.
        sql += f" AND {key} {op}= :k AND ({key}, {me}) {op} (:k, :i)"
        params["k"], params["i"] = anchor[0], anchor[1]
        tail = ""
    else:
        params["offset"] = offset
        tail = " OFFSET :offset"
    order = "DESC" if s.descending else "ASC"
    ids = [r[0] for r in store.all(
        f"SELECT {me}{sql} ORDER BY {key} {order}, {me} {order} LIMIT :limit{tail}", params
    )]  # fmt: skip
    return rows_by_ids(store, q.kind, ids)


def position(store: Reader, q: RecordQuery, record_id: int) -> int | None:
    """The 0-based row of a record in the list, or None if the list leaves it out."""
    s = _spec(q)
    params: dict[str, Any] = {"me": record_id}
    sql = _from_where(q, params)
    key, me = s.key, f"{s.alias}.id"
    found = store.one(f"SELECT {key}{sql} AND {me} = :me", params)
    if found is None:
        return None
    params["k"] = found[0]
    op = ">" if s.descending else "<"
    return int(store.scalar(f"SELECT count(*){sql} AND ({key}, {me}) {op} (:k, :me)", params))


def rows_by_ids(store: Reader, kind: str, ids: list[int]) -> list[Any]:
    """The records of one kind with these ids, in the given order (a page at most)."""
    if not ids:
        return []
    param = (id_list(ids),)
    if kind == "leads":
        sql = f"SELECT {leads._COLUMNS} FROM leads_view WHERE id IN {IDS}"
        found: dict[int, Any] = {r["id"]: Lead(**dict(r)) for r in store.all(sql, param)}
    elif kind == "planned":
        sql = f"SELECT {activities._COLUMNS} FROM activities_view WHERE id IN {IDS}"
        found = {r["id"]: Activity(**dict(r)) for r in store.all(sql, param)}
    elif kind == "people":
        found = {r["id"]: people._person(r)
                 for r in store.all(f"{people._SELECT} WHERE p.id IN {IDS}", param)}  # fmt: skip
    else:
        rows = store.all(f"{companies._SELECT} WHERE c.id IN {IDS}", param)
        open_deals: dict[int, int] = {r[0]: r[1] for r in store.all(
            f"SELECT company_id, count(*) FROM deals WHERE company_id IN {IDS} "
            "AND status = 'open' GROUP BY company_id", param
        )}  # fmt: skip
        found = {}
        for r in rows:
            item = companies._company(r).to_dict()
            item["open_deals"] = int(open_deals.get(r["id"], 0))
            found[r["id"]] = item
    return [found[i] for i in ids if i in found]
