"""Queries over companies: one, a list, what refers to one, and its deals and people."""

from __future__ import annotations

import sqlite3
from typing import Any

from pipeline_tui.models import Deal, NotFoundError
from pipeline_tui.models.contacts import Company
from pipeline_tui.models.custom_fields import custom_fields
from pipeline_tui.models.keys import name_key
from pipeline_tui.store.sqlite.core import Reader
from pipeline_tui.store.sqlite.deals import _COLUMNS as DEAL_COLUMNS
from pipeline_tui.store.sqlite.deals import _deal
from pipeline_tui.store.sqlite.text_search import any_like, containing

_SELECT = (
    "SELECT c.id, c.name, c.domain, c.industry, c.size, c.city, c.country, o.name AS owner, "
    "c.notes, c.custom, c.external_id, c.created_at, c.updated_at "
    "FROM companies c LEFT JOIN owners o ON o.id = c.owner_id"
)


def _company(row: sqlite3.Row) -> Company:
    data = dict(row)
    data["custom"] = custom_fields(data["custom"])
    return Company(**data)


def get_company(store: Reader, company_id: int) -> Company:
    row = store.one(f"{_SELECT} WHERE c.id = ?", (company_id,))
    if row is None:
        raise NotFoundError(f"no company with id {company_id}")
    return _company(row)


def company_named(store: Reader, name: str) -> int | None:
    """The id of the company called ``name`` (case and spacing aside), or None."""
    found = store.scalar("SELECT id FROM companies WHERE name_key = ?", (name_key(name),))
    return None if found is None else int(found)


def list_companies(
    store: Reader, search: str | None, owner: str | None, limit: int | None
) -> list[dict[str, Any]]:
    """Companies by name, each with its count of open deals."""
    clauses: list[str] = []
    params: list[Any] = []
    if search:
        clauses.append(any_like(("c.name", "c.domain", "c.industry", "c.city", "c.country")))
        params += [containing(search)] * 5
    if owner:
        clauses.append("c.owner_id = (SELECT id FROM owners WHERE name_key = ?)")
        params.append(name_key(owner))
    where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
    sql = (
        f"SELECT * FROM ({_SELECT}{where} ORDER BY c.name_key, c.id"
        + (" LIMIT ?" if limit is not None else "")
        + ")"
    )
    if limit is not None:
        params.append(limit)
    out = []
    for row in store.all(sql, tuple(params)):
        item = _company(row).to_dict()
        item["open_deals"] = int(
            store.scalar(
                "SELECT count(*) FROM deals WHERE company_id = ? AND status = 'open'", (row["id"],)
            )
        )
        out.append(item)
    return out


def company_deals(store: Reader, company_id: int) -> list[Deal]:
    """Every deal of the company: open ones by close date, then closed ones, newest first."""
    rows = store.all(
        f"SELECT {DEAL_COLUMNS} FROM deals_view WHERE company_id = ? ORDER BY "
        "status <> 'open', CASE WHEN status = 'open' THEN coalesce(close_date, '9999') END, "
        "closed_at DESC, id",
        (company_id,),
    )
    return [_deal(r) for r in rows]


def references(store: Reader, company_id: int) -> dict[str, list[int]]:
    """The ids of the rows that point at the company, by table."""
    return {
        table: [
            int(r[0])
            for r in store.all(
                f"SELECT id FROM {table} WHERE company_id = ? ORDER BY id", (company_id,)
            )
        ]
        for table in ("deals", "leads", "contacts", "notes")
    }
