"""Load the demo pipeline shipped in data/demo.json, with dates relative to today."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from importlib import resources
from typing import Any

from pipeline_tui.models.dates import utcnow
from pipeline_tui.models.money import to_minor
from pipeline_tui.models.period import period_containing
from pipeline_tui.services import activities, deals, leads, settings, targets
from pipeline_tui.services.common import default_currency
from pipeline_tui.services.targets import list_targets
from pipeline_tui.store.api import Store


def _load() -> dict[str, Any]:
    text = resources.files("pipeline_tui").joinpath("data/demo.json").read_text("utf-8")
    return json.loads(text)


def _at(day: date, days_ago: int, hour: int) -> datetime:
    """A past moment on the given day; never later than now, so backdating rules hold."""
    moment = datetime.combine(day - timedelta(days=days_ago), time(hour), tzinfo=UTC)
    return min(moment, utcnow() - timedelta(minutes=1))


def _activities(
    store: Store,
    day: date,
    items: list[dict[str, Any]],
    owner: str,
    *,
    deal_id: int | None = None,
    lead_id: int | None = None,
) -> None:
    for a in items:
        if "due_in_days" in a:
            activities.plan_activity(
                store,
                a["kind"],
                a["subject"],
                day + timedelta(days=a["due_in_days"]),
                deal_id=deal_id,
                lead_id=lead_id,
                notes=a.get("notes"),
                owner=owner,
            )
        else:
            activities.log_activity(
                store,
                a["kind"],
                a["subject"],
                deal_id=deal_id,
                lead_id=lead_id,
                notes=a.get("notes"),
                outcome=a.get("outcome"),
                owner=owner,
                at=_at(day, a["days_ago"], 11),
            )


def _deal(store: Store, day: date, d: dict[str, Any]) -> int:
    store.actor = d["owner"]
    history = d["history"]
    deal = deals.add_deal(
        store,
        deals.DealInput(
            title=d["title"],
            value_minor=to_minor(d["value"], d["currency"]),
            currency=d["currency"],
            company=d.get("company"),
            contact=d.get("contact"),
            owner=d["owner"],
            stage=history[0][0],
            probability=d.get("probability"),
            close_date=day + timedelta(days=d["close_in_days"]),
        ),
        at=_at(day, d["created_days_ago"], 9),
    )
    for stage, days_ago in history[1:]:
        deals.move_deal(store, deal.id, stage, at=_at(day, days_ago, 13))
    # A deal's next step is its first planned activity: the demo plans each one once.
    _activities(store, day, d.get("activities", []), d["owner"], deal_id=deal.id)
    if d["status"] == "won":
        deals.win_deal(store, deal.id, at=_at(day, d["closed_days_ago"], 17))
    elif d["status"] == "lost":
        deals.lose_deal(store, deal.id, d["lost_reason"], at=_at(day, d["closed_days_ago"], 17))
    return deal.id


def _companies(
    store: Store, day: date, items: list[dict[str, Any]], deal_of: dict[str, int]
) -> None:
    """Company details, the buying committee of each one's deal, and notes on both."""
    from pipeline_tui.services import companies, notes, people

    for c in items:
        store.actor = c["owner"]
        company_id = companies.resolve_company(store, c["name"])
        fields = ("domain", "industry", "size", "city", "country", "owner")
        companies.edit_company(store, company_id, **{k: c[k] for k in fields})
        deal_id = deal_of[c["name"]]
        contact = store.deals.get_deal(deal_id).contact
        for p in store.people.deal_people([deal_id]):
            if contact and p.role == "contact":
                people.add_to_deal(store, deal_id, p.person_id, c["contact_role"])
        for p in c["people"]:
            person = people.add_person(
                store, p["name"], emails=[p["email"]], phones=[p["phone"]] if "phone" in p else [],
                company=c["name"], owner=c["owner"], title=p["title"],
            )  # fmt: skip
            people.add_to_deal(store, deal_id, person.id, p["role"])
        for n in c["notes"]:
            notes.add_note(store, n["text"], company_id=company_id, at=_at(day, n["days_ago"], 15))
        for n in c["deal_notes"]:
            notes.add_note(store, n["text"], deal_id=deal_id, at=_at(day, n["days_ago"], 15))


def _targets_and_rates(store: Store, day: date) -> None:
    """Team targets for this month and quarter, and rates for the demo's other currencies,
    so that attainment, coverage and one-currency totals have something to show. A rate or
    a target the user already set is kept; rates assume USD, the demo's main currency."""
    if default_currency(store) == "USD":
        for key, value in (("rate.EUR", "1.08"), ("rate.GBP", "1.27")):
            if store.settings.get_setting(key) is None:
                settings.set_value(store, key, value)
    have = {(x.period, x.owner) for x in list_targets(store)}
    for kind, amount in (("month", 250_000_00), ("quarter", 750_000_00)):
        label = period_containing(day, kind).label
        if (label, None) not in have:
            targets.set_target(store, amount, "USD", label)


def load_demo(store: Store, day: date | None = None) -> tuple[int, int]:
    """Load the demo in one command (one transaction, one undo). Returns (deals, leads)."""
    data = _load()
    day = day or date.today()
    actor = store.actor
    try:
        with store.tx("load demo pipeline"):
            deal_of = {d["company"]: _deal(store, day, d) for d in data["deals"]}
            for lead_data in data["leads"]:
                store.actor = lead_data["owner"]
                lead = leads.add_lead(
                    store,
                    lead_data["name"],
                    company=lead_data.get("company"),
                    email=lead_data.get("email"),
                    phone=lead_data.get("phone"),
                    source=lead_data.get("source"),
                    owner=lead_data["owner"],
                    notes=lead_data.get("notes"),
                    at=_at(day, lead_data["created_days_ago"], 9),
                )
                _activities(
                    store, day, lead_data.get("activities", []), lead_data["owner"], lead_id=lead.id
                )
                if lead_data["status"] == "working":
                    leads.edit_lead(store, lead.id, status="working")
                elif lead_data["status"] == "disqualified":
                    leads.disqualify_lead(store, lead.id, lead_data["disqualify_reason"])
            store.actor = actor
            _companies(store, day, data.get("companies", []), deal_of)
            _targets_and_rates(store, day)
    finally:
        store.actor = actor
    return len(data["deals"]), len(data["leads"])
