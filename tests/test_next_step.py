"""Issue 11: a deal's next step is its earliest planned activity, through plan, done, cancel
and edit; the stalled rule, the attention score and the agenda read that one model."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from pipeline_tui.models import ConflictError, NotFoundError, PipelineError
from pipeline_tui.models.errors import StaleError
from pipeline_tui.services import activities, deals
from pipeline_tui.services.agenda import agenda
from pipeline_tui.services.attention import attention
from pipeline_tui.services.deals import DealInput
from pipeline_tui.store.api import ActivityFilter, Store

pytestmark = pytest.mark.both_backends

TODAY = date.today()


@pytest.fixture
def deal_id(store: Store) -> int:
    created = datetime.now(UTC) - timedelta(days=10)  # within the first stage's threshold
    return deals.add_deal(store, DealInput("Pilot", 100_00, owner="Ana"), at=created).id


def reasons(store: Store, deal_id: int) -> tuple[str, ...]:
    return attention(store, [deal_id])[deal_id].stalled_reasons


def terms(store: Store, deal_id: int) -> set[str]:
    return {t.name for t in attention(store, [deal_id])[deal_id].terms}


def test_plan_done_cancel_edit_drive_the_next_step(store: Store, deal_id: int) -> None:
    assert activities.next_step(store, deal_id) is None
    assert [d.id for d in agenda(store).no_next_step] == [deal_id]
    assert "no next step" in reasons(store, deal_id) and "no_next_step" in terms(store, deal_id)

    plan = activities.plan(store, "demo", "Demo", TODAY + timedelta(days=3), deal_id=deal_id)
    nxt = activities.next_step(store, deal_id)
    assert nxt is not None and (nxt.id, nxt.kind, nxt.owner) == (plan.id, "demo", "Ana")
    deal = store.deals.get_deal(deal_id)
    assert (deal.next_step, deal.next_due) == ("Demo", plan.due_at)
    assert agenda(store).no_next_step == []
    assert reasons(store, deal_id) == () and "no_next_step" not in terms(store, deal_id)

    # Rescheduled into the past: overdue, so stalled, and scored as overdue.
    activities.edit(store, plan.id, {"due_at": TODAY - timedelta(days=2)})
    assert reasons(store, deal_id) == (f"next step overdue since {TODAY - timedelta(days=2)}",)
    assert "overdue" in terms(store, deal_id)
    assert [a.id for a in agenda(store).overdue] == [plan.id]

    # An earlier plan becomes the next step; completing it hands over to the later one.
    sooner = activities.plan(store, "call", "Call", TODAY - timedelta(days=5), deal_id=deal_id)
    assert activities.next_step(store, deal_id).id == sooner.id  # type: ignore[union-attr]
    activities.done(store, sooner.id, "Spoke")
    assert activities.next_step(store, deal_id).id == plan.id  # type: ignore[union-attr]
    assert activities.next_step_hint(store, store.activities.get_activity(sooner.id)) is None

    cancelled = activities.cancel(store, plan.id, "Customer postponed")
    assert (cancelled.state, cancelled.cancel_reason) == ("cancelled", "Customer postponed")
    assert activities.next_step(store, deal_id) is None
    assert store.deals.get_deal(deal_id).next_step is None
    assert activities.next_step_hint(store, cancelled) == (
        f"deal {deal_id} has no next step; plan one with "
        f"`pipeline activity plan --deal {deal_id} ...`"
    )
    assert [d.id for d in agenda(store).no_next_step] == [deal_id]


def test_done_rules(store: Store, deal_id: int) -> None:
    plan = activities.plan(store, "call", "Call", TODAY, deal_id=deal_id)
    yesterday = datetime.now(UTC) - timedelta(days=1)
    done = activities.done(store, plan.id, "Booked a demo", yesterday)
    assert done.state == "done" and done.outcome == "Booked a demo"
    assert done.done_at is not None and done.done_at[:10] == yesterday.date().isoformat()
    with pytest.raises(ConflictError, match="already done"):
        activities.done(store, plan.id)
    with pytest.raises(ConflictError, match="already done"):
        activities.cancel(store, plan.id)
    other = activities.plan(store, "call", "Again", TODAY, deal_id=deal_id)
    with pytest.raises(PipelineError, match="in the future"):
        activities.done(store, other.id, at=datetime.now(UTC) + timedelta(days=2))
    with pytest.raises(PipelineError, match="before deal"):
        activities.done(store, other.id, at=datetime(2001, 1, 1, tzinfo=UTC))
    activities.cancel(store, other.id)
    with pytest.raises(ConflictError, match="already cancelled"):
        activities.done(store, other.id)
    with pytest.raises(NotFoundError):
        activities.done(store, 999)


def test_edit_rules(store: Store, deal_id: int) -> None:
    lead_id = store.leads.list_leads(None, None, None, None)
    plan = activities.plan(store, "call", "Call", TODAY, deal_id=deal_id, owner="Ben")
    seen = activities.editable_fields(plan)
    edited = activities.edit(store, plan.id, {"subject": "Call CFO", "kind": "Meeting"}, seen)
    assert (edited.subject, edited.kind, edited.owner) == ("Call CFO", "meeting", "Ben")
    # Stale: the caller saw "Call", someone renamed it since.
    with pytest.raises(StaleError, match="subject is now 'Call CFO'"):
        activities.edit(store, plan.id, {"notes": "x"}, seen)
    assert store.activities.get_activity(plan.id).notes is None  # nothing written
    with pytest.raises(PipelineError, match="nothing to change"):
        activities.edit(store, plan.id, {})
    with pytest.raises(PipelineError, match="invalid activity kind"):
        activities.edit(store, plan.id, {"kind": "lunch"})
    with pytest.raises(PipelineError, match="must not be empty"):
        activities.edit(store, plan.id, {"subject": "  "})
    with pytest.raises(NotFoundError, match="no deal with id 99"):
        activities.edit(store, plan.id, {"deal_id": 99})
    with pytest.raises(PipelineError, match="at most one"):
        activities.edit(store, plan.id, {"deal_id": deal_id, "lead_id": 1})
    assert lead_id == []
    logged = activities.log_activity(store, "note", "Logged", deal_id=deal_id)
    with pytest.raises(ConflictError, match="only a planned one is rescheduled"):
        activities.edit(store, logged.id, {"due_at": TODAY})


def test_owner_defaults_to_the_records_owner(store: Store, deal_id: int) -> None:
    plan = activities.plan(store, "call", "Call", TODAY, deal_id=deal_id)
    assert plan.owner == "Ana"
    from pipeline_tui.services.leads import add_lead

    lead = add_lead(store, "Rosa", owner="Ben")
    assert activities.log_activity(store, "email", "Hi", lead_id=lead.id).owner == "Ben"


def test_deal_edit_next_step_writes_the_activity(store: Store, deal_id: int) -> None:
    deals.edit_deal(store, deal_id, next_step="Send quote")
    nxt = activities.next_step(store, deal_id)
    assert nxt is not None and (nxt.subject, nxt.kind, nxt.due_at) == (
        "Send quote",
        "task",
        TODAY.isoformat(),
    )
    deals.edit_deal(store, deal_id, next_step="Send revised quote", next_due=date(2031, 1, 2))
    again = activities.next_step(store, deal_id)
    assert again is not None and again.id == nxt.id  # updated, not a second activity
    assert (again.subject, again.due_at) == ("Send revised quote", "2031-01-02")
    assert store.activities.open_count(deal_id) == 1
    with pytest.raises(PipelineError, match="needs a due date"):
        deals.edit_deal(store, deal_id, next_due=None)
    deals.edit_deal(store, deal_id, next_step="")
    assert store.activities.get_activity(nxt.id).state == "cancelled"
    with pytest.raises(PipelineError, match="needs a next step"):
        deals.edit_deal(store, deal_id, next_due=date(2031, 1, 2))
    made = deals.add_deal(store, DealInput("New", 1, next_step="Intro", next_due=date(2031, 1, 1)))
    planned = store.activities.list_activities(ActivityFilter(deal_id=made.id))
    assert [(a.subject, a.due_at, a.state) for a in planned] == [("Intro", "2031-01-01", "planned")]


def test_list_filters_and_keyset(store: Store, deal_id: int) -> None:
    ids = [
        activities.plan(store, "call", f"Plan {i}", TODAY + timedelta(days=i), deal_id=deal_id).id
        for i in range(-2, 3)
    ]
    activities.cancel(store, ids[4])
    activities.done(store, ids[3])

    def listed(**kw: object) -> list[int]:
        return [a.id for a in activities.list_activities(store, ActivityFilter(**kw))]  # type: ignore[arg-type]

    assert listed(status="planned") == ids[:3]
    assert listed(status="planned", limit=2) == ids[:2]
    assert listed(status="planned", after=ids[1]) == [ids[2]]
    assert listed(status="cancelled") == [ids[4]]
    assert listed(status="done") == [ids[3]]
    assert listed(due_before=TODAY.isoformat()) == ids[:2]
    assert set(listed(deal_id=deal_id)) == set(ids)
    page = listed(limit=2)
    assert page + listed(after=page[-1]) == listed()
    with pytest.raises(PipelineError, match="invalid status"):
        listed(status="maybe")
    with pytest.raises(NotFoundError):
        listed(deal_id=99)
