"""Queries over people (the contacts table): one, a list, their deals and roles."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from pipeline_tui.models import Deal, NotFoundError
from pipeline_tui.models.contacts import CONTACT_ROLE, DealPerson, Person
from pipeline_tui.models.custom_fields import custom_fields
from pipeline_tui.models.keys import email_key, name_key
from pipeline_tui.store.sqlite.core import IDS, Reader, id_list
from pipeline_tui.store.sqlite.deals import _COLUMNS as DEAL_COLUMNS
from pipeline_tui.store.sqlite.deals import _deal
from pipeline_tui.store.sqlite.text_search import any_like, containing

_SELECT = (
    "SELECT p.id, p.name, p.email, p.more_emails, p.phone, p.more_phones, p.title, "
    "co.name AS company, p.company_id, o.name AS owner, p.notes, p.custom, p.external_id, "
    "p.created_at, p.updated_at FROM contacts p LEFT JOIN companies co ON co.id = p.company_id "
    "LEFT JOIN owners o ON o.id = p.owner_id"
)


def _person(row: sqlite3.Row) -> Person:
    data = dict(row)
    emails = [data.pop("email")] if data["email"] else []
    phones = [data.pop("phone")] if data["phone"] else []
    data.pop("email", None)
    data.pop("phone", None)
    emails += json.loads(data.pop("more_emails") or "[]")
    phones += json.loads(data.pop("more_phones") or "[]")
    data["custom"] = custom_fields(data["custom"])
    return Person(emails=emails, phones=phones, **data)


def get_person(store: Reader, person_id: int) -> Person:
    row = store.one(f"{_SELECT} WHERE p.id = ?", (person_id,))
    if row is None:
        raise NotFoundError(f"no person with id {person_id}")
    return _person(row)


def person_with_email(store: Reader, email: str) -> int | None:
    """The person whose first email is ``email`` (case aside), or None."""
    found = store.scalar("SELECT id FROM contacts WHERE email_key = ?", (email_key(email),))
    return None if found is None else int(found)


def people_named(store: Reader, name: str) -> list[int]:
    """The ids of the people called ``name`` (case and spacing aside)."""
    key = name_key(name)
    rows = store.all(
        # idx_contacts_list's key, which is lower(name) wherever there is a name.
        "SELECT id, name FROM contacts WHERE lower(coalesce(name, email, '')) = lower(?) "
        "AND name IS NOT NULL ORDER BY id",
        (" ".join(name.split()),),
    )
    return [int(r[0]) for r in rows if r[1] is not None and name_key(r[1]) == key]


def list_people(
    store: Reader,
    search: str | None,
    company_id: int | None,
    owner: str | None,
    limit: int | None,
) -> list[Person]:
    clauses: list[str] = []
    params: list[Any] = []
    if search:
        cols = ("p.name", "p.email", "p.more_emails", "p.phone", "p.title", "co.name")
        clauses.append(any_like(cols))
        params += [containing(search)] * len(cols)
    if company_id is not None:
        clauses.append("p.company_id = ?")
        params.append(company_id)
    if owner:
        clauses.append("p.owner_id = (SELECT id FROM owners WHERE name_key = ?)")
        params.append(name_key(owner))
    where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
    sql = f"{_SELECT}{where} ORDER BY lower(coalesce(p.name, p.email)), p.id"
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    return [_person(r) for r in store.all(sql, tuple(params))]


_ROLES = (
    "SELECT r.deal_id, p.id AS person_id, p.name, p.email, p.title, co.name AS company, r.role "
    "FROM deal_people r JOIN contacts p ON p.id = r.person_id "
    "LEFT JOIN companies co ON co.id = p.company_id WHERE {where} "
    "UNION ALL "
    f"SELECT d.id, p.id, p.name, p.email, p.title, co.name, '{CONTACT_ROLE}' "
    "FROM deals d JOIN contacts p ON p.id = d.contact_id "
    "LEFT JOIN companies co ON co.id = p.company_id WHERE {contact_where} AND NOT EXISTS "
    "(SELECT 1 FROM deal_people x WHERE x.deal_id = d.id AND x.person_id = d.contact_id)"
)


def deal_people(store: Reader, deal_ids: list[int]) -> list[DealPerson]:
    """The people on these deals with their roles; a deal's contact without a role too."""
    sql = _ROLES.format(where=f"r.deal_id IN {IDS}", contact_where=f"d.id IN {IDS}")
    rows = store.all(sql + " ORDER BY 1, 7, 3", (id_list(deal_ids), id_list(deal_ids)))
    return [DealPerson(*r) for r in rows]


def roles_of(store: Reader, person_id: int) -> list[DealPerson]:
    """The person's place on every deal they are on."""
    sql = _ROLES.format(where="r.person_id = ?", contact_where="d.contact_id = ?")
    return [DealPerson(*r) for r in store.all(sql + " ORDER BY 1", (person_id, person_id))]


def deals_by_ids(store: Reader, deal_ids: list[int]) -> list[Deal]:
    """These deals: open ones by close date, then closed ones, newest first."""
    rows = store.all(
        f"SELECT {DEAL_COLUMNS} FROM deals_view WHERE id IN {IDS} ORDER BY "
        "status <> 'open', CASE WHEN status = 'open' THEN coalesce(close_date, '9999') END, "
        "closed_at DESC, id",
        (id_list(deal_ids),),
    )
    return [_deal(r) for r in rows]


def role_on(store: Reader, deal_id: int, person_id: int) -> tuple[int, str] | None:
    """(row id, role) of the person's own role on the deal, or None."""
    row = store.one(
        "SELECT id, role FROM deal_people WHERE deal_id = ? AND person_id = ?",
        (deal_id, person_id),
    )
    return None if row is None else (int(row[0]), str(row[1]))


def references(store: Reader, person_id: int) -> dict[str, list[int]]:
    """The ids of the rows that point at the person, by table (deal_people by row)."""
    out: dict[str, list[int]] = {}
    for table, column in (
        ("deals", "contact_id"),
        ("leads", "contact_id"),
        ("notes", "person_id"),
        ("deal_people", "person_id"),
    ):
        sql = f"SELECT id FROM {table} WHERE {column} = ? ORDER BY id"
        out[table] = [int(r[0]) for r in store.all(sql, (person_id,))]
    return out
