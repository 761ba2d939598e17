"""Deal rules: add, edit, move through stages, win, lose and reopen."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import partial
from typing import Any

from pipeline_tui.models import ConflictError, Deal, ForecastCategory, NotFoundError, PipelineError
from pipeline_tui.models.dates import iso_ts, not_future, utcnow
from pipeline_tui.models.money import check_currency, format_money
from pipeline_tui.models.outcomes import outcome_of
from pipeline_tui.services.activities import check_not_before
from pipeline_tui.services.common import (
    acting_owner_id,
    check_probability,
    clean_text,
    currency_or_default,
    default_owner,
)
from pipeline_tui.services.next_step import UNSET, set_next_step
from pipeline_tui.services.stale import check_stale, shown
from pipeline_tui.store.api import Store, WriteTx


@dataclass
class DealInput:
    """What a user supplies for a new deal; None means 'use the default'."""

    title: str
    value_minor: int = 0
    currency: str | None = None
    company: str | None = None
    contact: str | None = None
    owner: str | None = None
    pipeline: str | None = None
    stage: str | None = None
    probability: int | None = None
    category: str | None = None
    close_date: date | None = None
    next_step: str | None = None
    next_due: date | None = None
    lead_id: int | None = None
    custom: dict[str, Any] = field(default_factory=dict)


def resolve_stage(store: Store, pipeline_id: int, name: str) -> int:
    if outcome_of(name):
        raise PipelineError(f"{name!r} is an outcome, not a stage: use 'deal won' or 'deal lost'")
    found = store.stages.find_stage(pipeline_id, name)
    if found is None:
        names = ", ".join(s.name for s in store.stages.stages(pipeline_id))
        raise NotFoundError(f"no stage named {name!r} (stages: {names})")
    return found.id


def check_category(category: str | None) -> str | None:
    if category is None:
        return None
    try:
        return ForecastCategory(category.strip().lower().replace(" ", "_")).value
    except ValueError:
        choices = ", ".join(c.value for c in ForecastCategory)
        raise PipelineError(f"invalid category {category!r}: use {choices} or auto") from None


def _moment(at: datetime | None, tx: WriteTx) -> str:
    return iso_ts(at) if at else tx.now


def add_deal(store: Store, d: DealInput, *, at: datetime | None = None) -> Deal:
    title = clean_text(d.title, "title", required=True)
    check_probability(d.probability)
    if d.next_due and not d.next_step:
        raise PipelineError("--next-due needs --next-step")
    if d.value_minor < 0:
        raise PipelineError("deal value must not be negative")
    currency = currency_or_default(store, d.currency)
    pipeline = store.stages.pipeline_by_name(d.pipeline)
    if d.stage:
        stage_id = resolve_stage(store, pipeline.id, d.stage)
    else:
        first = store.stages.stages(pipeline.id)
        if not first:
            raise PipelineError(f"pipeline {pipeline.name!r} has no stages")
        stage_id = first[0].id
    if at is not None:
        not_future(at, "--created", iso_ts(at))
    with store.tx(f"add deal {title!r}") as tx:
        created = _moment(at, tx)
        company = clean_text(d.company, "company")
        company_id = tx.ensure_company(company) if company else None
        contact = clean_text(d.contact, "contact")
        contact_id = tx.ensure_contact(contact, company_id) if contact else None
        owner_id = tx.ensure_owner(d.owner or default_owner(store))
        deal_id = tx.insert(
            "deals",
            {
                "title": title,
                "company_id": company_id,
                "contact_id": contact_id,
                "owner_id": owner_id,
                "pipeline_id": pipeline.id,
                "stage_id": stage_id,
                "status": "open",
                "value_minor": d.value_minor,
                "currency": currency,
                "probability": d.probability,
                "category": check_category(d.category),
                "close_date": d.close_date.isoformat() if d.close_date else None,
                "lead_id": d.lead_id,
                "custom": json.dumps(d.custom) if d.custom else None,
                "created_at": created,
                "updated_at": created,
            },
        )
        tx.insert(
            "stage_changes",
            {
                "deal_id": deal_id,
                "from_stage_id": None,
                "to_stage_id": stage_id,
                "changed_at": created,
                "owner_id": owner_id,
            },
        )
        if clean_text(d.next_step, "next step"):
            # The next step is the deal's first planned activity (schema.M003).
            set_next_step(
                store, tx, store.deals.get_deal(deal_id), d.next_step, d.next_due or UNSET
            )
    return store.deals.get_deal(deal_id)


def editable_fields(deal: Deal) -> dict[str, Any]:
    """A deal's editable fields, named and valued as edit_deal takes them."""
    return {
        "title": deal.title,
        "value_minor": deal.value_minor,
        "currency": deal.currency,
        "company": deal.company,
        "contact": deal.contact,
        "owner": deal.owner,
        "probability": deal.probability_override,
        "category": deal.category,
        "close_date": deal.close_date,
        "next_step": deal.next_step,
        "next_due": deal.next_due,
    }


def edit_deal(
    store: Store, deal_id: int, *, expected: dict[str, Any] | None = None, **fields: Any
) -> Deal:
    """Change the fields given (None clears one), refusing if ``expected`` is stale."""
    fields = {k: v for k, v in fields.items() if v is not UNSET}
    changes: dict[str, Any] = {}
    with store.tx(f"edit deal {deal_id}") as tx:
        # Read inside the write transaction: no other writer can slip in before the write.
        deal = store.deals.get_deal(deal_id)
        for key, value in fields.items():
            if key == "title":
                changes["title"] = clean_text(value, "title", required=True)
            elif key == "value_minor":
                if value < 0:
                    raise PipelineError("deal value must not be negative")
                changes["value_minor"] = value
            elif key == "currency":
                changes["currency"] = check_currency(value)
            elif key == "company":
                changes["company_id"] = (
                    tx.ensure_company(value) if clean_text(value, "company") else None
                )
            elif key == "contact":
                company_id = changes.get("company_id", tx.row("deals", deal_id)["company_id"])
                changes["contact_id"] = (
                    tx.ensure_contact(value, company_id) if clean_text(value, "contact") else None
                )
            elif key == "owner":
                changes["owner_id"] = tx.ensure_owner(
                    clean_text(value, "owner", required=True) or ""
                )
            elif key == "probability":
                changes["probability"] = check_probability(value)
            elif key == "category":
                changes["category"] = check_category(value)
            elif key == "close_date":
                changes[key] = value.isoformat() if value else None
            elif key not in ("next_step", "next_due"):
                raise PipelineError(f"unknown deal field {key!r}")
        if expected:
            show = partial(_show, deal.currency, changes.get("currency"))
            check_stale(f"deal {deal_id}", editable_fields(deal), expected, fields, show)
        if changes:
            tx.update("deals", deal_id, changes)
        if "next_step" in fields or "next_due" in fields:
            # Written as the deal's next planned activity, never as free text on the deal.
            set_next_step(
                store,
                tx,
                store.deals.get_deal(deal_id),
                fields.get("next_step", UNSET),
                fields.get("next_due", UNSET),
            )
    return store.deals.get_deal(deal_id)


def _show(now_currency: str, my_currency: str | None, key: str, value: Any, mine: bool) -> str:
    """Amounts in a conflict message in their currency; the rest as stale.shown does."""
    if key == "value_minor" and isinstance(value, int):
        return format_money(value, (my_currency if mine else None) or now_currency)
    return shown(value)


def _require_open(deal: Deal) -> None:
    if deal.status != "open":
        raise ConflictError(f"deal {deal.id} is {deal.status}; reopen it first")


def move_deal(store: Store, deal_id: int, stage: str, *, at: datetime | None = None) -> Deal:
    deal = store.deals.get_deal(deal_id)
    _require_open(deal)
    stage_id = resolve_stage(store, deal.pipeline_id, stage)
    if stage_id == deal.stage_id:
        raise ConflictError(f"deal {deal_id} is already in {deal.stage}")
    target = store.stages.stage_by_id(stage_id)
    with store.tx(f"move deal {deal_id} {deal.stage} -> {target.name}") as tx:
        when = _moment(at, tx)
        if deal.stage_entered_at and when < deal.stage_entered_at:
            raise PipelineError(f"--at {when[:10]} is before the deal entered {deal.stage}")
        tx.insert(
            "stage_changes",
            {
                "deal_id": deal_id,
                "from_stage_id": deal.stage_id,
                "to_stage_id": stage_id,
                "changed_at": when,
                "owner_id": acting_owner_id(store, tx),
            },
        )
        tx.update("deals", deal_id, {"stage_id": stage_id})
    return store.deals.get_deal(deal_id)


def step_deal(store: Store, deal_id: int, direction: int) -> Deal:
    """Move a deal to the next (+1) or previous (-1) stage of its pipeline."""
    deal = store.deals.get_deal(deal_id)
    ordered = store.stages.stages(deal.pipeline_id)
    index = next(i for i, s in enumerate(ordered) if s.id == deal.stage_id) + direction
    if not 0 <= index < len(ordered):
        edge = "last" if direction > 0 else "first"
        raise ConflictError(f"deal {deal_id} is already in the {edge} stage")
    return move_deal(store, deal_id, ordered[index].name)


def _closing(at: datetime | None, deal: Deal) -> str:
    when = iso_ts(at or utcnow())
    check_not_before(when, deal.created_at, "--at", f"deal {deal.id}")
    return when


def win_deal(store: Store, deal_id: int, *, at: datetime | None = None) -> Deal:
    deal = store.deals.get_deal(deal_id)
    _require_open(deal)
    closed = _closing(at, deal)
    with store.tx(f"win deal {deal_id}") as tx:
        # The expected close date becomes the actual one, as in other CRMs.
        tx.update(
            "deals", deal_id, {"status": "won", "closed_at": closed, "close_date": closed[:10]}
        )
    return store.deals.get_deal(deal_id)


def lose_deal(
    store: Store, deal_id: int, reason: str | None, *, at: datetime | None = None
) -> Deal:
    reason = clean_text(reason, "lost reason", required=True)
    deal = store.deals.get_deal(deal_id)
    _require_open(deal)
    closed = _closing(at, deal)
    with store.tx(f"lose deal {deal_id}") as tx:
        tx.update(
            "deals",
            deal_id,
            {
                "status": "lost",
                "closed_at": closed,
                "close_date": closed[:10],
                "lost_reason": reason,
            },
        )
    return store.deals.get_deal(deal_id)


def reopen_deal(store: Store, deal_id: int, *, at: datetime | None = None) -> Deal:
    """Reopen a won or lost deal; ``at`` backdates the reopening (not before it closed)."""
    deal = store.deals.get_deal(deal_id)
    if deal.status == "open":
        raise ConflictError(f"deal {deal_id} is already open")
    if at is not None:
        not_future(at, "--at", iso_ts(at))
        if deal.closed_at and iso_ts(at) < deal.closed_at:
            raise PipelineError(
                f"--at {iso_ts(at)[:10]} is before deal {deal_id} was closed "
                f"({deal.closed_at[:10]})"
            )

    changes: dict[str, Any] = {"status": "open", "closed_at": None, "lost_reason": None}
    expected = store.journal.value_before_close(deal_id, "close_date")
    if expected is not None:
        changes["close_date"] = expected  # the expected date the win or loss replaced
    with store.tx(f"reopen deal {deal_id}") as tx:
        if at is not None:
            # The command's time is when the change took effect: --as-of replays and the
            # log then place the reopening on the day it really happened.
            tx.now = iso_ts(at)
        tx.update("deals", deal_id, changes)
    return store.deals.get_deal(deal_id)
