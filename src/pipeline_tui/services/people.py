"""People rules: add, edit, merge and delete people, their roles on deals, a person in full."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pipeline_tui.models import ConflictError, Deal, NotFoundError, PipelineError
from pipeline_tui.models.contacts import (
    ROLES,
    DealPerson,
    Person,
    TimelineItem,
    role_key,
    role_label,
)
from pipeline_tui.models.keys import email_key
from pipeline_tui.services.common import clean_text
from pipeline_tui.services.contact_writes import (
    custom_json,
    field_change,
    insert_record,
    move_notes,
    required_name,
)
from pipeline_tui.services.stale import check_stale
from pipeline_tui.store.api import Store, WriteTx

TEXT_FIELDS = ("title", "notes", "external_id")


def resolve_person(store: Store, ref: str) -> int:
    """A person named by id, by email, or by a name only one person has."""
    text = ref.strip()
    if text.isdigit():
        return store.people.get_person(int(text)).id
    if "@" in text:
        found = store.people.person_with_email(text)
        if found is None:
            raise NotFoundError(f"no person with email {ref!r}")
        return found
    ids = store.people.people_named(text) if text else []
    if not ids:
        raise NotFoundError(f"no person named {ref!r}")
    if len(ids) > 1:
        listed = ", ".join(str(i) for i in ids[:10])
        raise PipelineError(f"{len(ids)} people are named {ref!r} (ids {listed}): use the id")
    return ids[0]


def check_email(value: str) -> str:
    email = (clean_text(value, "email", required=True) or "").strip()
    if "@" not in email or " " in email:
        raise PipelineError(f"invalid email {value!r}")
    return email


def _emails(store: Store, emails: Sequence[str], person_id: int | None) -> list[str]:
    """Checked, without repeats, none belonging to another person."""
    out: list[str] = []
    for raw in emails:
        email = check_email(raw)
        if email_key(email) in {email_key(e) for e in out}:
            continue
        other = store.people.person_with_email(email)
        if other is not None and other != person_id:
            raise ConflictError(f"email {email!r} belongs to person {other}")
        out.append(email)
    return out


def _phones(phones: Sequence[str]) -> list[str]:
    out = [(clean_text(p, "phone") or "").strip() for p in phones]
    return [p for i, p in enumerate(out) if p and p not in out[:i]]


def _contact_columns(emails: list[str], phones: list[str]) -> dict[str, Any]:
    return {
        "email": emails[0] if emails else None,
        "email_key": email_key(emails[0]) if emails else None,
        "more_emails": json.dumps(emails[1:]) if len(emails) > 1 else None,
        "phone": phones[0] if phones else None,
        "more_phones": json.dumps(phones[1:]) if len(phones) > 1 else None,
    }


def _company_id(tx: WriteTx, company: str | None) -> int | None:
    name = clean_text(company, "company")
    return tx.ensure_company(name.strip()) if name else None


def add_person(
    store: Store,
    name: str,
    *,
    emails: Sequence[str] = (),
    phones: Sequence[str] = (),
    company: str | None = None,
    owner: str | None = None,
    custom: dict[str, str | None] | None = None,
    **fields: str | None,
) -> Person:
    clean = required_name(name)
    unknown = set(fields) - set(TEXT_FIELDS)
    if unknown:
        raise PipelineError(f"unknown person field {sorted(unknown)[0]!r}")
    checked = _emails(store, emails, None)
    with store.tx(f"add person {clean!r}") as tx:
        row: dict[str, Any] = {"name": clean, **_contact_columns(checked, _phones(phones))}
        row.update((k, clean_text(v, k.replace("_", " "))) for k, v in fields.items())
        row["company_id"] = _company_id(tx, company)
        person_id = insert_record(store, tx, "contacts", row, owner, custom)
    return store.people.get_person(person_id)


def editable_fields(person: Person) -> dict[str, Any]:
    """A person's editable fields, named and valued as edit_person takes them."""
    return {
        "name": person.name,
        "emails": person.emails,
        "phones": person.phones,
        "title": person.title,
        "company": person.company,
        "owner": person.owner,
        "notes": person.notes,
        "external_id": person.external_id,
        "custom": person.custom,
    }


def edit_person(
    store: Store, person_id: int, *, expected: dict[str, Any] | None = None, **fields: Any
) -> Person:
    """Change the fields given (None clears one; ``emails``/``phones`` replace the lists),
    refusing if ``expected`` is stale. Only fields whose value differs are written."""
    changes: dict[str, Any] = {}
    with store.tx(f"edit person {person_id}") as tx:
        person = store.people.get_person(person_id)
        emails, phones = person.emails, person.phones
        for key, value in fields.items():
            if key == "name":
                changes["name"] = required_name(value)
            elif key == "emails":
                emails = _emails(store, value or [], person_id)
            elif key == "phones":
                phones = _phones(value or [])
            elif key == "company":
                changes["company_id"] = _company_id(tx, value)
            elif change := field_change(store, tx, key, value, TEXT_FIELDS, person.custom):
                changes.update(change)
            else:
                raise PipelineError(f"unknown person field {key!r}")
        if "emails" in fields or "phones" in fields:
            changes.update(_contact_columns(emails, phones))
        if expected:
            check_stale(f"person {person_id}", editable_fields(person), expected, fields)
        if changes:
            tx.update("contacts", person_id, changes)
    return store.people.get_person(person_id)


def _unlink(tx: WriteTx, store: Store, person_id: int, target: int | None) -> dict[str, int]:
    """Point every row that names the person at ``target``, or (None) at nobody."""
    refs = store.people.references(person_id)
    for table in ("deals", "leads"):
        for row_id in refs[table]:
            tx.update(table, row_id, {"contact_id": target})
    move_notes(tx, refs["notes"], "person_id", target)
    for row_id in refs["deal_people"]:
        row = tx.row("deal_people", row_id)
        if target is None or store.people.role_on(row["deal_id"], target) is not None:
            tx.delete("deal_people", row_id)  # the target keeps their own role on that deal
        else:
            tx.update("deal_people", row_id, {"person_id": target})
    return {table: len(ids) for table, ids in refs.items()}


def merge_people(store: Store, source_id: int, target_id: int) -> tuple[Person, dict[str, int]]:
    """Move everything of ``source`` to ``target`` (its emails and phones join target's,
    target's empty fields take source's values) and delete source."""
    if source_id == target_id:
        raise PipelineError("cannot merge a person into themselves")
    source = store.people.get_person(source_id)
    target = store.people.get_person(target_id)
    with store.tx(f"merge person {source_id} into {target_id}") as tx:
        moved = _unlink(tx, store, source_id, target_id)
        row = tx.delete("contacts", source_id)
        fill: dict[str, Any] = {
            k: row[k] for k in (*TEXT_FIELDS, "company_id", "owner_id") if row[k]
        }
        current = tx.row("contacts", target_id)
        fill = {k: v for k, v in fill.items() if not current[k]}
        if not current["name"] and row["name"]:
            fill["name"] = row["name"]
        emails = target.emails + [
            e for e in source.emails if email_key(e) not in {email_key(x) for x in target.emails}
        ]
        phones = target.phones + [p for p in source.phones if p not in target.phones]
        fill.update(_contact_columns(emails, phones))
        custom = {**source.custom, **target.custom}
        fill["custom"] = custom_json(custom)
        tx.update("contacts", target_id, fill)
    return store.people.get_person(target_id), moved


def delete_person(store: Store, person_id: int) -> tuple[Person, dict[str, int]]:
    """Delete a person: their deals and leads stay without them; their notes go."""
    person = store.people.get_person(person_id)
    with store.tx(f"delete person {person_id}") as tx:
        counts = _unlink(tx, store, person_id, None)
        tx.delete("contacts", person_id)
    return person, counts


def check_role(text: str) -> str:
    key = role_key(text)
    if key is None:
        raise PipelineError(f"invalid role {text!r}: use {', '.join(ROLES.values())}")
    return key


def add_to_deal(store: Store, deal_id: int, person_id: int, role: str) -> DealPerson:
    """Put a person on a deal's buying committee, or change their role there."""
    key = check_role(role)
    deal = store.deals.get_deal(deal_id)
    person = store.people.get_person(person_id)
    with store.tx(f"deal {deal_id}: {person.label} as {role_label(key)}") as tx:
        found = store.people.role_on(deal_id, person_id)
        if found is None:
            tx.insert(
                "deal_people",
                {"deal_id": deal.id, "person_id": person_id, "role": key, "created_at": tx.now},
            )
        elif found[1] == key:
            raise ConflictError(f"{person.label} is already {role_label(key)} on deal {deal_id}")
        else:
            tx.update("deal_people", found[0], {"role": key})
    return next(r for r in store.people.deal_people([deal_id]) if r.person_id == person_id)


def add_new_to_deal(
    store: Store,
    deal_id: int,
    name: str,
    role: str,
    *,
    emails: Sequence[str] = (),
    company: str | None = None,
) -> DealPerson:
    """Create a person and put them on a deal's buying committee: one command, one undo."""
    key = check_role(role)
    store.deals.get_deal(deal_id)
    clean = required_name(name)
    with store.tx(f"deal {deal_id}: new person {clean!r} as {role_label(key)}"):
        person = add_person(store, clean, emails=emails, company=company)
        return add_to_deal(store, deal_id, person.id, key)


def remove_from_deal(store: Store, deal_id: int, person_id: int) -> Person:
    """Take a person off a deal: their role there, and the deal's contact if it is them."""
    deal_row_contact = None
    store.deals.get_deal(deal_id)
    person = store.people.get_person(person_id)
    with store.tx(f"deal {deal_id}: remove {person.label}") as tx:
        found = store.people.role_on(deal_id, person_id)
        deal_row_contact = tx.row("deals", deal_id)["contact_id"]
        if found is None and deal_row_contact != person_id:
            raise NotFoundError(f"{person.label} is not on deal {deal_id}")
        if found is not None:
            tx.delete("deal_people", found[0])
        if deal_row_contact == person_id:
            tx.update("deals", deal_id, {"contact_id": None})
    return person


@dataclass(frozen=True)
class PersonDetail:
    person: Person
    deals: list[tuple[Deal, str]]
    timeline: list[TimelineItem]

    def to_dict(self) -> dict[str, Any]:
        record = self.person.to_dict()
        record["deals"] = [{**d.to_dict(), "role": role_label(r)} for d, r in self.deals]
        record["timeline"] = [t.to_dict() for t in self.timeline]
        return record


def person_detail(store: Store, person_id: int, limit: int = 50) -> PersonDetail:
    person = store.people.get_person(person_id)
    roles = {r.deal_id: r.role for r in store.people.roles_of(person_id)}
    deals = store.people.deals_by_ids(list(roles))
    return PersonDetail(
        person, [(d, roles[d.id]) for d in deals], store.notes.timeline("person", person_id, limit)
    )
