"""Activity rules: log what was done, plan what is next, mark plans done."""

from __future__ import annotations

from datetime import date, datetime

from pipeline_tui.models import Activity, ActivityKind, ConflictError, PipelineError
from pipeline_tui.models.dates import iso_ts, not_future
from pipeline_tui.services.common import clean_text, default_owner
from pipeline_tui.store.api import Store, WriteTx


def check_kind(kind: str) -> str:
    try:
        return ActivityKind(kind.strip().lower()).value
    except ValueError:
        kinds = ", ".join(k.value for k in ActivityKind)
        raise PipelineError(f"invalid activity kind {kind!r}: use {kinds}") from None


def _target(store: Store, deal_id: int | None, lead_id: int | None) -> tuple[str, str | None]:
    """Check that the activity is on exactly one existing deal or lead; name it, and say
    when that record was created (nothing can have happened to it before then)."""
    if (deal_id is None) == (lead_id is None):
        raise PipelineError("give exactly one of --deal or --lead")
    if deal_id is not None:
        return f"deal {deal_id}", store.deals.get_deal(deal_id).created_at
    return f"lead {lead_id}", store.leads.get_lead(lead_id or 0).created_at


def check_not_before(when: str, created_at: str | None, what: str, record: str) -> None:
    """One rule for every dated action: never before the record it happened to existed
    (an imported deal's creation may be unknown: then nothing is known to be before it)."""
    if created_at is not None and when < created_at:
        raise PipelineError(
            f"{what} {when[:10]} is before {record} was created ({created_at[:10]})"
        )


def _insert(
    tx: WriteTx,
    store: Store,
    kind: str,
    subject: str,
    deal_id: int | None,
    lead_id: int | None,
    owner: str | None,
    notes: str | None,
    *,
    done_at: str | None = None,
    due_at: str | None = None,
    outcome: str | None = None,
) -> int:
    """One activity row, done (done_at) or planned (due_at)."""
    return tx.insert(
        "activities",
        {
            "kind": kind,
            "subject": subject,
            "deal_id": deal_id,
            "lead_id": lead_id,
            "owner_id": tx.ensure_owner(owner or default_owner(store)),
            "done_at": done_at,
            "due_at": due_at,
            "outcome": outcome,
            "notes": clean_text(notes, "notes"),
            "created_at": tx.now,
            "updated_at": tx.now,
        },
    )


def log_activity(
    store: Store,
    kind: str,
    subject: str,
    *,
    deal_id: int | None = None,
    lead_id: int | None = None,
    notes: str | None = None,
    outcome: str | None = None,
    at: datetime | None = None,
    owner: str | None = None,
) -> Activity:
    kind = check_kind(kind)
    subject = clean_text(subject, "subject", required=True) or ""
    where, created_at = _target(store, deal_id, lead_id)
    if at is not None:
        not_future(at, "--at", iso_ts(at))
        check_not_before(iso_ts(at), created_at, "--at", where)
    with store.tx(f"log {kind} on {where}") as tx:
        activity_id = _insert(
            tx,
            store,
            kind,
            subject,
            deal_id,
            lead_id,
            owner,
            notes,
            done_at=iso_ts(at) if at else tx.now,
            outcome=clean_text(outcome, "outcome"),
        )
    return store.activities.get_activity(activity_id)


def plan_activity(
    store: Store,
    kind: str,
    subject: str,
    due: date | datetime,
    *,
    deal_id: int | None = None,
    lead_id: int | None = None,
    notes: str | None = None,
    owner: str | None = None,
) -> Activity:
    kind = check_kind(kind)
    subject = clean_text(subject, "subject", required=True) or ""
    where, _created = _target(store, deal_id, lead_id)
    due_at = iso_ts(due) if isinstance(due, datetime) else due.isoformat()
    with store.tx(f"plan {kind} on {where}") as tx:
        activity_id = _insert(
            tx, store, kind, subject, deal_id, lead_id, owner, notes, due_at=due_at
        )
    return store.activities.get_activity(activity_id)


def complete_activity(
    store: Store, activity_id: int, outcome: str | None = None, notes: str | None = None
) -> Activity:
    with store.tx(f"complete activity {activity_id}") as tx:
        # Checked inside the write transaction, so two completions cannot both pass it.
        if store.activities.get_activity(activity_id).done_at:
            raise ConflictError(f"activity {activity_id} is already done")
        changes = {"done_at": tx.now, "outcome": clean_text(outcome, "outcome")}
        if notes is not None:
            changes["notes"] = clean_text(notes, "notes")
        tx.update("activities", activity_id, changes)
    return store.activities.get_activity(activity_id)
