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
    store: Reader, status: str | None, owner: str | None, search: str | None, limit: int | None
) -> list[Lead]:
    clauses: list[str] = []
    params: list[Any] = []
    if status:
        clauses.append("status = ?")
        params.append(status)
    if owner:
        clauses.append("lower(owner) = lower(?)")
        params.append(owner)
    if search:
        clauses.append(any_like(("name", "company", "email")))
        params += [containing(search)] * 3
    where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
    sql = f"SELECT {_COLUMNS} FROM leads_view{where} ORDER BY created_at DESC, id DESC"
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    return [Lead(**dict(r)) for r in store.all(sql, tuple(params))]
