"""Service tests: the rules for leads, deals, activities, stages, settings and undo."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from pipeline_tui.models import ConflictError, NotFoundError, PipelineError
from pipeline_tui.services import activities, deals, journal, leads, settings, stages
from pipeline_tui.services.agenda import agenda, summary
from pipeline_tui.services.attention import attention
from pipeline_tui.services.deals import DealInput
from pipeline_tui.store.api import DealFilter
from pipeline_tui.store.sqlite import SqliteStore as Store
from pipeline_tui.store.sqlite.activities import for_deal
from pipeline_tui.store.sqlite.deals import get_deal, list_deals, stage_history
from pipeline_tui.store.sqlite.leads import get_lead

pytestmark = pytest.mark.both_backends


def counts(store: Store) -> dict[str, int]:
    tables = [
        "deals",
        "leads",
        "activities",
        "stage_changes",
        "companies",
        "contacts",
        "owners",
        "stages",
        "events",
        "commands",
        "settings",
    ]
    return {t: store.scalar(f"SELECT count(*) FROM {t}") for t in tables}


def test_add_deal_defaults_and_dedup(store: Store) -> None:
    d1 = deals.add_deal(
        store,
        DealInput("Pilot", 1_250_000, company="ACME  Corp", contact="Jane Doe <Jane@Acme.com>"),
    )
    d2 = deals.add_deal(
        store, DealInput("Renewal", 500, company="acme corp", contact="jane@acme.com")
    )
    assert (d1.stage, d1.status, d1.currency, d1.owner) == ("Lead In", "open", "USD", "Test Owner")
    assert d1.probability == 10 and d1.weighted_minor == 125_000
    assert d2.company == "ACME  Corp" and d2.contact == "Jane Doe"
    assert store.scalar("SELECT count(*) FROM companies") == 1
    assert store.scalar("SELECT count(*) FROM contacts") == 1
    assert [c.to_stage for c in stage_history(store, d1.id)] == ["Lead In"]


def test_deal_validation_writes_nothing(store: Store) -> None:
    before = counts(store)
    for bad in (
        DealInput(" ", 1),
        DealInput("x", 1, probability=101),
        DealInput("x", 1, stage="Nope"),
        DealInput("x", 1, next_due=date.today()),
        DealInput("x", 1, currency="dollars"),
        DealInput("x\x00y", 1),
        DealInput("x", 1, stage="Closed Won"),
    ):
        with pytest.raises(PipelineError):
            deals.add_deal(store, bad)
    assert counts(store) == before


def test_move_win_lose_reopen(store: Store) -> None:
    d = deals.add_deal(store, DealInput("Pilot", 100_00))
    assert deals.move_deal(store, d.id, "demo").stage == "Demo"
    assert deals.step_deal(store, d.id, +1).stage == "Proposal"
    assert deals.step_deal(store, d.id, -1).stage == "Demo"
    with pytest.raises(ConflictError, match="already in Demo"):
        deals.move_deal(store, d.id, "Demo")
    won = deals.win_deal(store, d.id)
    assert won.status == "won" and won.closed_at and won.probability == 100
    with pytest.raises(ConflictError, match="is won; reopen it first"):
        deals.move_deal(store, d.id, "Proposal")
    with pytest.raises(ConflictError):
        deals.lose_deal(store, d.id, "Price")
    assert deals.reopen_deal(store, d.id).status == "open"
    with pytest.raises(PipelineError, match="lost reason"):
        deals.lose_deal(store, d.id, "  ")
    lost = deals.lose_deal(store, d.id, "Chose a competitor")
    assert lost.lost_reason == "Chose a competitor" and lost.probability == 0
    assert [c.to_stage for c in stage_history(store, d.id)] == [
        "Lead In",
        "Demo",
        "Proposal",
        "Demo",
    ]


def test_backdated_moves_and_wins(store: Store) -> None:
    created = datetime.now(UTC) - timedelta(days=10)
    d = deals.add_deal(store, DealInput("Old", 1), at=created)
    deals.move_deal(store, d.id, "Qualified", at=created + timedelta(days=2))
    with pytest.raises(PipelineError, match="before the deal entered"):
        deals.move_deal(store, d.id, "Demo", at=created + timedelta(days=1))
    won = deals.win_deal(store, d.id, at=created + timedelta(days=5))
    assert won.closed_at == (created + timedelta(days=5)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert get_deal(store, d.id).stage_entered_at.startswith(
        (created + timedelta(days=2)).date().isoformat()
    )


def test_edit_deal_fields_and_clearing(store: Store) -> None:
    d = deals.add_deal(store, DealInput("Pilot", 100, company="A", next_step="Call"))
    e = deals.edit_deal(
        store,
        d.id,
        title="Pilot 2",
        value_minor=500,
        probability=55,
        category="commit",
        close_date=date(2027, 1, 5),
        company=None,
    )
    assert (e.title, e.value_minor, e.probability, e.category, e.close_date, e.company) == (
        "Pilot 2",
        500,
        55,
        "commit",
        "2027-01-05",
        None,
    )
    back = deals.edit_deal(store, d.id, probability=None, category=None)
    assert back.probability == 10 and back.category is None
    with pytest.raises(PipelineError, match="invalid category"):
        deals.edit_deal(store, d.id, category="maybe")


def test_qualify_lead_creates_linked_deal(store: Store) -> None:
    lead = leads.add_lead(
        store, "Jane Doe", company="Acme", email="jane@acme.com", source="website"
    )
    deal = leads.qualify_lead(
        store, lead.id, 5_000_00, stage="Qualified", close_date=date(2027, 1, 1)
    )
    assert get_lead(store, lead.id).status == "qualified"
    assert (deal.company, deal.contact, deal.stage, deal.lead_id) == (
        "Acme",
        "Jane Doe",
        "Qualified",
        lead.id,
    )
    assert deal.title == "Acme - Jane Doe"
    with pytest.raises(ConflictError, match="already qualified"):
        leads.qualify_lead(store, lead.id, 1)
    assert store.scalar("SELECT count(*) FROM commands WHERE summary LIKE 'qualify%'") == 1


def test_lead_rules(store: Store) -> None:
    with pytest.raises(PipelineError, match="invalid email"):
        leads.add_lead(store, "X", email="not-an-email")
    lead = leads.add_lead(store, "X")
    assert leads.edit_lead(store, lead.id, status="working", phone="+1 555").status == "working"
    with pytest.raises(PipelineError, match="invalid lead status"):
        leads.edit_lead(store, lead.id, status="qualified")
    with pytest.raises(PipelineError, match="reason"):
        leads.disqualify_lead(store, lead.id, None)
    dq = leads.disqualify_lead(store, lead.id, "No budget")
    assert (dq.status, dq.disqualify_reason) == ("disqualified", "No budget")


def test_activities_log_plan_complete(store: Store) -> None:
    d = deals.add_deal(store, DealInput("Pilot", 1))
    done = activities.log_activity(store, "Call", "Discovery", deal_id=d.id, notes="pain: x")
    plan = activities.plan_activity(
        store, "demo", "Show it", date.today() - timedelta(days=1), deal_id=d.id
    )
    assert done.state == "done" and plan.state == "planned"
    with pytest.raises(PipelineError, match="invalid activity kind"):
        activities.log_activity(store, "lunch", "x", deal_id=d.id)
    with pytest.raises(PipelineError, match="exactly one"):
        activities.log_activity(store, "call", "x")
    with pytest.raises(NotFoundError, match="no deal with id 99"):
        activities.log_activity(store, "call", "x", deal_id=99)
    with pytest.raises(PipelineError, match="in the future"):
        activities.log_activity(
            store, "call", "x", deal_id=d.id, at=datetime.now(UTC) + timedelta(days=2)
        )
    assert agenda(store).overdue[0].id == plan.id
    completed = activities.complete_activity(store, plan.id, outcome="Went well")
    assert completed.done_at and completed.outcome == "Went well"
    with pytest.raises(ConflictError, match="already done"):
        activities.complete_activity(store, plan.id)
    assert [a.subject for a in for_deal(store, d.id)] == ["Discovery", "Show it"]


def test_agenda_groups(store: Store) -> None:
    today = date.today()
    overdue = deals.add_deal(
        store, DealInput("Late", 1, next_step="Call", next_due=today - timedelta(days=2))
    )
    due = deals.add_deal(store, DealInput("Due", 1, next_step="Call", next_due=today))
    none = deals.add_deal(store, DealInput("None", 1))
    deals.add_deal(
        store, DealInput("Fine", 1, next_step="Call", next_due=today + timedelta(days=3))
    )
    a = agenda(store)
    # A deal's next step is a planned activity: listed once, as that activity (issue 11).
    assert [x.deal_id for x in a.overdue] == [overdue.id]
    assert [x.deal_id for x in a.due_today] == [due.id]
    assert [d.id for d in a.no_next_step] == [none.id]
    assert [key for key, _title, _items in a.sections()] == [
        "overdue_activities",
        "activities_due_today",
        "no_next_step",
    ]
    assert agenda(store, owner="Nobody").no_next_step == []


def test_stage_management(store: Store) -> None:
    s = stages.add_stage(
        store,
        "Security Review",
        70,
        category="best_case",
        definition="InfoSec sign-off",
        stalled_after=7,
        after="Proposal",
    )
    assert s.position == 5
    names = [x.name for x in store.stages.stages(1)]
    assert names == ["Lead In", "Qualified", "Demo", "Proposal", "Security Review", "Negotiation"]
    stages.move_stage(store, "Security Review", 1)
    assert store.stages.stages(1)[0].name == "Security Review"
    edited = stages.edit_stage(store, "security review", name="InfoSec", probability=65)
    assert (edited.name, edited.probability) == ("InfoSec", 65)
    d = deals.add_deal(store, DealInput("Pilot", 1, stage="InfoSec"))
    with pytest.raises(ConflictError, match="holds 1 deal"):
        stages.remove_stage(store, "InfoSec")
    assert stages.remove_stage(store, "InfoSec", to="Demo") == 1
    assert get_deal(store, d.id).stage == "Demo"
    assert [c.to_stage for c in stage_history(store, d.id)] == ["InfoSec", "Demo"]
    assert [x.position for x in store.stages.stages(1)] == [1, 2, 3, 4, 5]
    with pytest.raises(ConflictError, match="already has a stage"):
        stages.add_stage(store, "demo", 10)
    with pytest.raises(PipelineError, match="outcome"):
        stages.add_stage(store, "Won", 100)


def test_second_pipeline(store: Store) -> None:
    p = stages.add_pipeline(store, "B2C")
    assert len(store.stages.stages(p.id)) == 5
    d = deals.add_deal(store, DealInput("Shop order", 1, pipeline="b2c", stage="Demo"))
    assert d.pipeline == "B2C"
    assert [x.title for x in list_deals(store, DealFilter(pipeline="B2C"))] == ["Shop order"]
    with pytest.raises(ConflictError):
        stages.add_pipeline(store, "b2c")


def test_undo_reverts_commands_in_order(store: Store) -> None:
    lead = leads.add_lead(store, "Jane", email="j@x.com")
    deal = leads.qualify_lead(store, lead.id, 100)
    deals.move_deal(store, deal.id, "Demo")
    deals.move_deal(store, deal.id, "Proposal")
    after_moves = counts(store)
    activities.log_activity(store, "call", "Discovery", deal_id=deal.id)
    deals.win_deal(store, deal.id)
    assert journal.undo(store).summary == f"win deal {deal.id}"
    assert get_deal(store, deal.id).status == "open"
    assert journal.undo(store).summary.startswith("log call")
    assert for_deal(store, deal.id) == []
    assert journal.undo(store).summary.startswith("move deal")
    assert get_deal(store, deal.id).stage == "Demo"
    c = counts(store)
    assert c["stage_changes"] == after_moves["stage_changes"] - 1
    journal.undo(store)
    journal.undo(store)
    assert get_lead(store, lead.id).status == "new"
    journal.undo(store)
    assert store.scalar("SELECT count(*) FROM leads") == 0
    with pytest.raises(ConflictError, match="nothing to undo"):
        journal.undo(store)


def test_undo_restores_exact_rows(store: Store) -> None:
    d = deals.add_deal(store, DealInput("Pilot", 100, next_step="Call"))
    before = dict(store.one("SELECT * FROM deals WHERE id = ?", (d.id,)))
    deals.edit_deal(store, d.id, title="Changed", value_minor=999, next_step=None)
    journal.undo(store)
    assert dict(store.one("SELECT * FROM deals WHERE id = ?", (d.id,))) == before


def test_settings(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    assert settings.get_value(store, "currency") == "USD"
    settings.set_value(store, "currency", "eur")
    assert deals.add_deal(store, DealInput("x", 1)).currency == "EUR"
    assert settings.set_value(store, "rate.eur", "1.08") == ("rate.EUR", "1.08")
    with pytest.raises(PipelineError, match="unknown setting"):
        settings.set_value(store, "colour", "red")
    with pytest.raises(PipelineError, match="invalid rate"):
        settings.set_value(store, "rate.GBP", "-1")
    monkeypatch.delenv("PIPELINE_OWNER")
    settings.set_value(store, "owner", "Ana Ruiz")
    assert deals.add_deal(store, DealInput("y", 1)).owner == "Ana Ruiz"
    monkeypatch.setenv("PIPELINE_OWNER", "Env Owner")
    assert settings.get_value(store, "owner") == "Env Owner"


def test_demo_loads_a_current_realistic_pipeline(demo_store: Store) -> None:
    all_deals = list_deals(demo_store, DealFilter(status=None))
    assert len(all_deals) == 60
    assert {d.owner for d in all_deals} == {"Ana Ruiz", "Ben Okafor", "Chloé Martin"}
    assert {d.status for d in all_deals} == {"open", "won", "lost"}
    assert {d.stage for d in all_deals if d.status == "open"} == {
        "Lead In",
        "Qualified",
        "Demo",
        "Proposal",
        "Negotiation",
    }
    assert all(d.lost_reason for d in all_deals if d.status == "lost")
    assert agenda(demo_store).overdue
    assert any(a.stalled for a in attention(demo_store).values())
    assert demo_store.scalar("SELECT count(*) FROM commands") == 1
    rows = summary(demo_store)
    assert sum(r.deals for r in rows) == sum(1 for d in all_deals if d.status == "open")


def test_attention_explains_terms(store: Store) -> None:
    today = date.today()
    late = deals.add_deal(
        store,
        DealInput(
            "Late",
            10_000_00,
            next_step="Call",
            next_due=today - timedelta(days=1),
            close_date=today - timedelta(days=3),
        ),
    )
    calm = deals.add_deal(
        store,
        DealInput(
            "Calm",
            100,
            next_step="Call",
            next_due=today + timedelta(days=5),
            close_date=today + timedelta(days=90),
        ),
    )
    scores = attention(store)
    assert scores[late.id].score > scores[calm.id].score
    terms = {t.name: t for t in scores[late.id].terms}
    assert terms["overdue"].points == 8.0 and terms["close"].points == 3.0
    assert scores[late.id].stalled_reasons == (
        f"next step overdue since {(today - timedelta(days=1)).isoformat()}",
    )
    assert not scores[calm.id].stalled
    settings.set_value(store, "attention.overdue", "1")
    assert {t.name: t for t in attention(store)[late.id].terms}["overdue"].points == 1.0
