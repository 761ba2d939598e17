"""Company rules: add, edit, merge and delete companies, and a company in full."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pipeline_tui.models import ConflictError, Deal, NotFoundError, PipelineError
from pipeline_tui.models.contacts import Company, Person, TimelineItem, role_label
from pipeline_tui.models.keys import name_key
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

TEXT_FIELDS = ("domain", "industry", "size", "city", "country", "notes", "external_id")


def resolve_company(store: Store, ref: str) -> int:
    """A company named by its id or its name."""
    text = ref.strip()
    if text.isdigit():
        return store.companies.get_company(int(text)).id
    found = store.companies.company_named(text) if text else None
    if found is None:
        raise NotFoundError(f"no company named {ref!r}")
    return found


def add_company(
    store: Store,
    name: str,
    *,
    owner: str | None = None,
    custom: dict[str, str | None] | None = None,
    **fields: str | None,
) -> Company:
    """A new company; refused when one of that name (case and spacing aside) exists."""
    clean = required_name(name)
    existing = store.companies.company_named(clean)
    if existing is not None:
        raise ConflictError(f"company {clean!r} already exists (id {existing})")
    unknown = set(fields) - set(TEXT_FIELDS)
    if unknown:
        raise PipelineError(f"unknown company field {sorted(unknown)[0]!r}")
    values = {k: clean_text(v, k.replace("_", " ")) for k, v in fields.items()}
    with store.tx(f"add company {clean!r}") as tx:
        row: dict[str, Any] = {"name": clean, "name_key": name_key(clean)}
        row.update((k, v) for k, v in values.items() if v is not None)
        company_id = insert_record(store, tx, "companies", row, owner, custom)
    return store.companies.get_company(company_id)


def editable_fields(company: Company) -> dict[str, Any]:
    """A company's editable fields, named and valued as edit_company takes them."""
    return {
        "name": company.name,
        **{k: getattr(company, k) for k in TEXT_FIELDS},
        "owner": company.owner,
        "custom": company.custom,
    }


def edit_company(
    store: Store, company_id: int, *, expected: dict[str, Any] | None = None, **fields: Any
) -> Company:
    """Change the fields given (None clears one; ``custom`` maps keys to new values),
    refusing if ``expected`` is stale. Only fields whose value differs are written."""
    changes: dict[str, Any] = {}
    with store.tx(f"edit company {company_id}") as tx:
        company = store.companies.get_company(company_id)
        for key, value in fields.items():
            if key == "name":
                name = required_name(value)
                other = store.companies.company_named(name)
                if other is not None and other != company_id:
                    raise ConflictError(
                        f"company {name!r} already exists (id {other}): merge them with "
                        f"'pipeline company merge {company_id} {other}'"
                    )
                changes.update(name=name, name_key=name_key(name))
            elif change := field_change(store, tx, key, value, TEXT_FIELDS, company.custom):
                changes.update(change)
            else:
                raise PipelineError(f"unknown company field {key!r}")
        if expected:
            check_stale(f"company {company_id}", editable_fields(company), expected, fields)
        if changes:
            tx.update("companies", company_id, changes)
    return store.companies.get_company(company_id)


def _detach(tx: WriteTx, refs: dict[str, list[int]], target: int | None) -> dict[str, int]:
    """Point every referring row at ``target`` (None: at no company); notes on the company
    follow a merge and go with a delete."""
    for table in ("deals", "leads", "contacts"):
        for row_id in refs[table]:
            tx.update(table, row_id, {"company_id": target})
    move_notes(tx, refs["notes"], "company_id", target)
    return {table: len(ids) for table, ids in refs.items()}


def merge_companies(store: Store, source_id: int, target_id: int) -> tuple[Company, dict[str, int]]:
    """Move everything of ``source`` to ``target``, fill target's empty fields from it, and
    delete source. Returns the target and how many rows of each kind moved."""
    if source_id == target_id:
        raise PipelineError("cannot merge a company into itself")
    source = store.companies.get_company(source_id)
    target = store.companies.get_company(target_id)
    with store.tx(f"merge company {source_id} into {target_id}") as tx:
        moved = _detach(tx, store.companies.references(source_id), target_id)
        row = tx.delete("companies", source_id)
        fill: dict[str, Any] = {
            k: row[k] for k in (*TEXT_FIELDS, "owner_id") if row[k] and not _value_of(target, k)
        }
        custom = {**source.custom, **target.custom}
        if custom != target.custom:
            fill["custom"] = custom_json(custom)
        if fill:
            tx.update("companies", target_id, fill)
    return store.companies.get_company(target_id), moved


def _value_of(company: Company, key: str) -> Any:
    return company.owner if key == "owner_id" else getattr(company, key)


def delete_company(store: Store, company_id: int) -> tuple[Company, dict[str, int]]:
    """Delete a company: its deals, leads and people stay, without a company; its notes go."""
    company = store.companies.get_company(company_id)
    with store.tx(f"delete company {company_id}") as tx:
        counts = _detach(tx, store.companies.references(company_id), None)
        tx.delete("companies", company_id)
    return company, counts


def totals(deals: list[Deal]) -> list[dict[str, Any]]:
    """Per currency: lifetime won value, open pipeline (and weighted), and deal counts."""
    out: dict[str, dict[str, Any]] = {}
    for d in deals:
        t = out.setdefault(
            d.currency,
            {"currency": d.currency, "won_minor": 0, "open_minor": 0, "weighted_minor": 0,
             "won": 0, "open": 0, "lost": 0},
        )  # fmt: skip
        t[d.status] += 1
        if d.status == "won":
            t["won_minor"] += d.value_minor
        elif d.status == "open":
            t["open_minor"] += d.value_minor
            t["weighted_minor"] += d.weighted_minor
    return [out[c] for c in sorted(out)]


@dataclass(frozen=True)
class CompanyDetail:
    company: Company
    deals: list[Deal]
    people: list[dict[str, Any]]
    timeline: list[TimelineItem]

    def to_dict(self) -> dict[str, Any]:
        from pipeline_tui.models.money import to_major

        record = self.company.to_dict()
        record["totals"] = [
            {
                "currency": t["currency"],
                "won_value": to_major(t["won_minor"], t["currency"]),
                "open_value": to_major(t["open_minor"], t["currency"]),
                "weighted_value": to_major(t["weighted_minor"], t["currency"]),
                "won_deals": t["won"],
                "open_deals": t["open"],
                "lost_deals": t["lost"],
            }
            for t in totals(self.deals)
        ]
        record["deals"] = [d.to_dict() for d in self.deals]
        record["people"] = self.people
        record["timeline"] = [t.to_dict() for t in self.timeline]
        return record


def people_with_roles(
    store: Store, people: list[Person], deal_ids: list[int]
) -> list[dict[str, Any]]:
    """The people, and anyone else on these deals, each with their roles ('champion on 12')."""
    roles: dict[int, list[str]] = {}
    names: dict[int, dict[str, Any]] = {}
    for p in people:
        names[p.id] = {"id": p.id, "name": p.label, "title": p.title,
                       "email": p.emails[0] if p.emails else None}  # fmt: skip
        roles[p.id] = []
    for r in store.people.deal_people(deal_ids) if deal_ids else []:
        if r.person_id not in names:
            names[r.person_id] = {"id": r.person_id, "name": r.name or r.email,
                                  "title": r.title, "email": r.email}  # fmt: skip
            roles[r.person_id] = []
        roles[r.person_id].append(f"{role_label(r.role)} on deal {r.deal_id}")
    return [{**names[i], "roles": roles[i]} for i in names]


def company_detail(store: Store, company_id: int, limit: int = 50) -> CompanyDetail:
    company = store.companies.get_company(company_id)
    deals = store.companies.company_deals(company_id)
    people = store.people.list_people(None, company_id, None, None)
    return CompanyDetail(
        company,
        deals,
        people_with_roles(store, people, [d.id for d in deals]),
        store.notes.timeline("company", company_id, limit),
    )
