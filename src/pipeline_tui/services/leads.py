"""Lead rules: add, edit, qualify into a deal, disqualify."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pipeline_tui.models import ConflictError, Deal, Lead, PipelineError
from pipeline_tui.models.dates import iso_ts, not_future
from pipeline_tui.services.common import clean_text, default_owner
from pipeline_tui.services.deals import UNSET, DealInput, add_deal
from pipeline_tui.services.stale import check_stale
from pipeline_tui.store.api import Store

_STATUSES = ("new", "working", "qualified", "disqualified")
# What `lead list` shows unless told otherwise: the leads still being worked.
OPEN_STATUSES = ("new", "working")


def _email(value: str | None) -> str | None:
    email = clean_text(value, "email")
    if email is not None and ("@" not in email or " " in email.strip()):
        raise PipelineError(f"invalid email {email!r}")
    return email.strip() if email else None


def _unique_email(store: Store, email: str | None, lead_id: int | None = None) -> None:
    """Refuse an email another lead already has (trimmed, in any case)."""
    if not email:
        return
    other = store.leads.lead_with_email(email, lead_id)
    if other is not None:
        verb = "add" if lead_id is None else "use it"
        raise ConflictError(
            f"lead {other.id} ({other.name}) already has {other.email}; "
            f"use --allow-duplicate to {verb} anyway"
        )


def add_lead(
    store: Store,
    name: str,
    *,
    company: str | None = None,
    email: str | None = None,
    phone: str | None = None,
    source: str | None = None,
    owner: str | None = None,
    notes: str | None = None,
    at: datetime | None = None,
    allow_duplicate: bool = False,
) -> Lead:
    """Add a lead; an email another lead has is refused unless ``allow_duplicate``."""
    name = clean_text(name, "name", required=True) or ""
    email = _email(email)
    company_name = clean_text(company, "company")
    if at is not None:
        not_future(at, "--created", iso_ts(at))
    with store.tx(f"add lead {name!r}") as tx:
        if not allow_duplicate:
            _unique_email(store, email)
        created = iso_ts(at) if at else tx.now
        company_id = tx.ensure_company(company_name) if company_name else None
        # The lead's person: found by email (or by name at the company), else made.
        person = f"{name} <{email}>" if email else name
        lead_id = tx.insert(
            "leads",
            {
                "name": name,
                "company_id": company_id,
                "contact_id": tx.ensure_contact(person, company_id, clean_text(phone, "phone")),
                "email": email,
                "phone": clean_text(phone, "phone"),
                "source": clean_text(source, "source"),
                "owner_id": tx.ensure_owner(owner or default_owner(store)),
                "status": "new",
                "notes": clean_text(notes, "note"),
                "created_at": created,
                "updated_at": created,
            },
        )
    return store.leads.get_lead(lead_id)


def editable_fields(lead: Lead) -> dict[str, Any]:
    """A lead's editable fields, named and valued as edit_lead takes them."""
    return {
        "name": lead.name,
        "company": lead.company,
        "email": lead.email,
        "phone": lead.phone,
        "source": lead.source,
        "owner": lead.owner,
        "notes": lead.notes,
        "status": lead.status,
    }


def edit_lead(
    store: Store,
    lead_id: int,
    *,
    expected: dict[str, Any] | None = None,
    allow_duplicate: bool = False,
    **fields: Any,
) -> Lead:
    """Change the fields given (None clears one), refusing if ``expected`` is stale, and
    an email another lead has unless ``allow_duplicate``."""
    fields = {k: v for k, v in fields.items() if v is not UNSET}
    changes: dict[str, Any] = {}
    with store.tx(f"edit lead {lead_id}") as tx:
        # Read inside the write transaction: no other writer can slip in before the write.
        lead = store.leads.get_lead(lead_id)
        for key, value in fields.items():
            if key == "name":
                changes["name"] = clean_text(value, "name", required=True)
            elif key == "company":
                changes["company_id"] = (
                    tx.ensure_company(value) if clean_text(value, "company") else None
                )
            elif key == "email":
                changes["email"] = _email(value)
                if (
                    not allow_duplicate
                    and (changes["email"] or "").lower() != (lead.email or "").strip().lower()
                ):
                    _unique_email(store, changes["email"], lead_id)
            elif key in ("phone", "source", "notes"):
                changes[key] = clean_text(value, key)
            elif key == "owner":
                changes["owner_id"] = tx.ensure_owner(
                    clean_text(value, "owner", required=True) or ""
                )
            elif key == "status":
                value = value.strip().lower() if isinstance(value, str) else value
                if value not in ("new", "working"):
                    raise PipelineError(
                        f"invalid lead status {value!r}: use new or working "
                        "(qualify and disqualify have their own commands)"
                    )
                changes["status"] = value
            else:
                raise PipelineError(f"unknown lead field {key!r}")
        if expected:
            check_stale(f"lead {lead_id}", editable_fields(lead), expected, fields)
        if changes:
            tx.update("leads", lead_id, changes)
    return store.leads.get_lead(lead_id)


def qualify_lead(
    store: Store,
    lead_id: int,
    value_minor: int,
    *,
    currency: str | None = None,
    close_date: date | None = None,
    stage: str | None = None,
    title: str | None = None,
    pipeline: str | None = None,
) -> Deal:
    lead = store.leads.get_lead(lead_id)
    if lead.status in ("qualified", "disqualified"):
        raise ConflictError(f"lead {lead_id} is already {lead.status}")
    contact = f"{lead.name} <{lead.email}>" if lead.email else lead.name
    deal_title = title or (f"{lead.company} - {lead.name}" if lead.company else lead.name)
    with store.tx(f"qualify lead {lead_id}") as tx:
        deal = add_deal(
            store,
            DealInput(
                title=deal_title,
                value_minor=value_minor,
                currency=currency,
                company=lead.company,
                contact=contact,
                owner=lead.owner,
                pipeline=pipeline,
                stage=stage,
                close_date=close_date,
                lead_id=lead_id,
            ),
        )
        tx.update("leads", lead_id, {"status": "qualified"})
        person_id = tx.row("leads", lead_id)["contact_id"]
        if person_id is not None:  # the lead's own person, whatever the text matched
            tx.update("deals", deal.id, {"contact_id": person_id})
    return store.deals.get_deal(deal.id)


def disqualify_lead(store: Store, lead_id: int, reason: str | None) -> Lead:
    reason = clean_text(reason, "reason", required=True)
    lead = store.leads.get_lead(lead_id)
    if lead.status in ("qualified", "disqualified"):
        raise ConflictError(f"lead {lead_id} is already {lead.status}")
    with store.tx(f"disqualify lead {lead_id}") as tx:
        tx.update("leads", lead_id, {"status": "disqualified", "disqualify_reason": reason})
    return store.leads.get_lead(lead_id)


def check_status(status: str | None) -> tuple[str, ...] | None:
    """The statuses a lead list shows: open ones (new, working) by default, every one for
    'all'; any case."""
    if status is None:
        return OPEN_STATUSES
    word = status.strip().lower()
    if word not in (*_STATUSES, "all", "open"):
        raise PipelineError(f"invalid status {status!r}: use open, {', '.join(_STATUSES)} or all")
    if word == "all":
        return None
    return OPEN_STATUSES if word == "open" else (word,)
