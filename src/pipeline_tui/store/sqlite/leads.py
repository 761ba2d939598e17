"""Queries over leads."""

from __future__ import annotations

from typing import Any

from pipeline_tui.models import Lead, NotFoundError
from pipeline_tui.store.sqlite.core import Reader
from pipeline_tui.store.sqlite.text_search import any_like, containing

_COLUMNS = (
    "id, name, company, email, phone, source, owner, status, created_at, notes, "
    "disqualify_reason, deal_id, updated_at"
)


def get_lead(store: Reader, lead_id: int) -> Lead:
    row = store.one(f"SELECT {_COLUMNS} FROM leads_view WHERE id = ?", (lead_id,))
    if row is None:
        raise NotFoundError(f"no lead with id {lead_id}")
    return Lead(**dict(row))


def list_leads(
    store: Reader,
    status: str | tuple[str, ...] | None,
    owner: str | None,
    search: str | None,
    limit: int | None,
) -> list[Lead]:
    """Leads newest first; ``status`` is one status or several (None: any)."""
    clauses: list[str] = []
    params: list[Any] = []
    if status:
        statuses = (status,) if isinstance(status, str) else status
        clauses.append(f"status IN ({', '.join('?' for _ in statuses)})")
        params.extend(statuses)
    if owner:
        clauses.append("lower(owner) = lower(?)")
        params.append(owner)
    if search:
        clauses.append(any_like(("name", "company", "email")))
        params += [containing(search)] * 3
    where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
    # idx_leads_list's key: newest first, unknown creation times last, as with NULLs.
    sql = (
        f"SELECT {_COLUMNS} FROM leads_view{where} ORDER BY coalesce(created_at, '') DESC, id DESC"
    )
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    return [Lead(**dict(r)) for r in store.all(sql, tuple(params))]


def lead_links(store: Reader, lead_id: int) -> dict[str, list[int]]:
    """The ids of a lead's activities and of the deals it was qualified into."""
    activities = store.all("SELECT id FROM activities WHERE lead_id = ? ORDER BY id", (lead_id,))
    deals = store.all("SELECT id FROM deals WHERE lead_id = ? ORDER BY id", (lead_id,))
    return {"activities": [int(r[0]) for r in activities], "deals": [int(r[0]) for r in deals]}


def lead_with_email(store: Reader, email: str, other_than: int | None = None) -> Lead | None:
    """The oldest lead whose email is ``email`` (trimmed, any case), other than one id."""
    # lower(email) is what idx_leads_email_key indexes (store/sqlite/schema.py, M001_IMPORTS).
    found = store.scalar(
        "SELECT id FROM leads WHERE lower(email) = lower(?) AND id <> ? ORDER BY id LIMIT 1",
        (email.strip(), other_than or 0),
    )
    return None if found is None else get_lead(store, int(found))
