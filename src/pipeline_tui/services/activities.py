"""Activity rules: log what was done, plan what is next, complete, cancel, edit and list.

A deal's next step is its earliest planned activity that is neither done nor cancelled
(README.md, Concepts); the store keeps the deal's cached copy in step (schema.M003).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from pipeline_tui.models import Activity, ActivityKind, ConflictError, PipelineError
from pipeline_tui.models.dates import iso_ts, not_future
from pipeline_tui.services.common import clean_text, default_owner
from pipeline_tui.services.stale import check_stale
from pipeline_tui.store.api import ActivityFilter, Store, WriteTx

STATUSES = ("planned", "done", "cancelled", "all")
# What `activity edit` may change, named as edit() takes them.
EDITABLE = ("subject", "kind", "due_at", "notes", "deal_id", "lead_id", "owner")


def check_kind(kind: str) -> str:
    try:
        return ActivityKind(kind.strip().lower()).value
    except ValueError:
        kinds = ", ".join(k.value for k in ActivityKind)
        raise PipelineError(f"invalid activity kind {kind!r}: use {kinds}") from None


@dataclass(frozen=True)
class Target:
    """The deal or lead an activity is about."""

    where: str  # "deal 5" or "lead 3"
    created_at: str | None  # an imported deal's creation may be unknown
    owner: str | None


def _target(store: Store, deal_id: int | None, lead_id: int | None) -> Target:
    """Check that the activity is on exactly one existing deal or lead; name it, say when it
    was created (nothing can have happened to it before then) and who owns it."""
    if (deal_id is None) == (lead_id is None):
        raise PipelineError("give exactly one of --deal or --lead")
    if deal_id is not None:
        deal = store.deals.get_deal(deal_id)
        return Target(f"deal {deal_id}", deal.created_at, deal.owner)
    lead = store.leads.get_lead(lead_id or 0)
    return Target(f"lead {lead_id}", lead.created_at, lead.owner)


def check_not_before(when: str, created_at: str | None, what: str, record: str) -> None:
    """One rule for every dated action: never before the record it happened to existed
    (an imported deal's creation may be unknown: then nothing is known to be before it)."""
    if created_at is not None and when < created_at:
        raise PipelineError(
            f"{what} {when[:10]} is before {record} was created ({created_at[:10]})"
        )


def due_text(due: date | datetime) -> str:
    """How a due date is stored: a day, or a UTC timestamp when a time was given."""
    return iso_ts(due) if isinstance(due, datetime) else due.isoformat()


def insert_activity(
    tx: WriteTx,
    store: Store,
    kind: str,
    subject: str,
    target: Target,
    ids: tuple[int | None, int | None],
    owner: str | None,
    notes: str | None,
    *,
    done_at: str | None = None,
    due_at: str | None = None,
    outcome: str | None = None,
) -> int:
    """One activity row, done (done_at) or planned (due_at). Its owner, the person who must
    do it, is the one named, else the deal's or lead's owner, else the default owner."""
    return tx.insert(
        "activities",
        {
            "kind": kind,
            "subject": subject,
            "deal_id": ids[0],
            "lead_id": ids[1],
            "owner_id": tx.ensure_owner(owner or target.owner or default_owner(store)),
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
    target = _target(store, deal_id, lead_id)
    if at is not None:
        not_future(at, "--at", iso_ts(at))
        check_not_before(iso_ts(at), target.created_at, "--at", target.where)
    with store.tx(f"log {kind} on {target.where}") as tx:
        activity_id = insert_activity(
            tx,
            store,
            kind,
            subject,
            target,
            (deal_id, lead_id),
            owner,
            notes,
            done_at=iso_ts(at) if at else tx.now,
            outcome=clean_text(outcome, "outcome"),
        )
    return store.activities.get_activity(activity_id)


def plan(
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
    """Plan an activity; on a deal, the earliest one still to do is the deal's next step."""
    kind = check_kind(kind)
    subject = clean_text(subject, "subject", required=True) or ""
    target = _target(store, deal_id, lead_id)
    with store.tx(f"plan {kind} on {target.where}") as tx:
        activity_id = insert_activity(
            tx, store, kind, subject, target, (deal_id, lead_id), owner, notes,
            due_at=due_text(due),
        )  # fmt: skip
    return store.activities.get_activity(activity_id)


def _open(store: Store, activity_id: int, verb: str) -> Activity:
    """The activity, refused unless it is still planned. Read inside the write transaction,
    so that two completions (or a completion and a cancellation) cannot both pass."""
    activity = store.activities.get_activity(activity_id)
    if activity.state != "planned":
        raise ConflictError(f"activity {activity_id} is already {activity.state}; cannot {verb} it")
    return activity


def done(
    store: Store,
    activity_id: int,
    outcome: str | None = None,
    at: datetime | None = None,
    *,
    notes: str | None = None,
) -> Activity:
    """Mark a planned activity done, at ``at`` (default now) with its outcome."""
    outcome = clean_text(outcome, "outcome")
    if at is not None:
        not_future(at, "--at", iso_ts(at))
    with store.tx(f"complete activity {activity_id}") as tx:
        activity = _open(store, activity_id, "complete")
        when = iso_ts(at) if at else tx.now
        if at is not None:
            target = _target(store, activity.deal_id, activity.lead_id)
            check_not_before(when, target.created_at, "--at", target.where)
        changes: dict[str, Any] = {"done_at": when, "outcome": outcome}
        if notes is not None:
            changes["notes"] = clean_text(notes, "notes")
        tx.update("activities", activity_id, changes)
    return store.activities.get_activity(activity_id)


def cancel(store: Store, activity_id: int, reason: str | None = None) -> Activity:
    """Cancel a planned activity: it stays in the history, marked cancelled with why."""
    reason = clean_text(reason, "reason")
    with store.tx(f"cancel activity {activity_id}") as tx:
        _open(store, activity_id, "cancel")
        tx.update("activities", activity_id, {"cancelled_at": tx.now, "cancel_reason": reason})
    return store.activities.get_activity(activity_id)


def editable_fields(activity: Activity) -> dict[str, Any]:
    """An activity's editable fields, named and valued as edit() takes them."""
    return {
        "subject": activity.subject,
        "kind": activity.kind,
        "due_at": activity.due_at,
        "notes": activity.notes,
        "deal_id": activity.deal_id,
        "lead_id": activity.lead_id,
        "owner": activity.owner,
    }


def _changes(
    store: Store, tx: WriteTx, activity: Activity, wanted: Mapping[str, Any]
) -> dict[str, Any]:
    """The row changes that ``wanted`` (edit()'s fields) asks for, checked."""
    changes: dict[str, Any] = {}
    for key, value in wanted.items():
        if key == "subject":
            changes["subject"] = clean_text(value, "subject", required=True)
        elif key == "kind":
            changes["kind"] = check_kind(value)
        elif key == "notes":
            changes["notes"] = clean_text(value, "notes")
        elif key == "owner":
            changes["owner_id"] = tx.ensure_owner(clean_text(value, "owner", required=True) or "")
        elif key == "due_at":
            if activity.state != "planned":
                raise ConflictError(
                    f"activity {activity.id} is {activity.state}: only a planned one is rescheduled"
                )
            if value is None:
                raise PipelineError("a planned activity needs a due date")
            changes["due_at"] = due_text(value)
        elif key in ("deal_id", "lead_id"):
            if value is None:
                raise PipelineError(f"--{key[:4]} needs an id")
            other = "lead_id" if key == "deal_id" else "deal_id"
            ids = {key: int(value), other: None}
            _target(store, ids["deal_id"], ids["lead_id"])  # it must exist
            changes.update(ids)
        else:
            raise PipelineError(f"unknown activity field {key!r}")
    return changes


def edit(
    store: Store,
    activity_id: int,
    changes: Mapping[str, Any],
    seen: Mapping[str, Any] | None = None,
) -> Activity:
    """Change the fields in ``changes`` (see EDITABLE); refuse when a field in ``seen`` (the
    values the caller saw) changed since. Only the fields that differ are written."""
    if not changes:
        raise PipelineError("nothing to change: give at least one option (see --help)")
    if "deal_id" in changes and "lead_id" in changes:
        raise PipelineError("give at most one of --deal or --lead")
    with store.tx(f"edit activity {activity_id}") as tx:
        activity = store.activities.get_activity(activity_id)
        row = _changes(store, tx, activity, changes)
        if seen:
            check_stale(f"activity {activity_id}", editable_fields(activity), seen, changes)
        tx.update("activities", activity_id, row)
    return store.activities.get_activity(activity_id)


def list_activities(store: Store, f: ActivityFilter) -> list[Activity]:
    """The activities ``f`` selects (see store/records.py ActivityFilter)."""
    if f.status is not None and f.status not in STATUSES[:-1]:
        raise PipelineError(f"invalid status {f.status!r}: use {', '.join(STATUSES)}")
    if f.limit is not None and f.limit < 1:
        raise PipelineError(f"invalid limit {f.limit}: use 1 or more")
    if f.deal_id is not None:
        store.deals.get_deal(f.deal_id)
    if f.lead_id is not None:
        store.leads.get_lead(f.lead_id)
    return store.activities.list_activities(f)


def next_step(store: Store, deal_id: int) -> Activity | None:
    """The deal's next step: its earliest planned activity still to do, or None."""
    store.deals.get_deal(deal_id)
    return store.activities.next_for_deal(deal_id)


def next_step_hint(store: Store, activity: Activity) -> str | None:
    """After an activity was completed or cancelled: the line telling that its open deal
    now has nothing planned, and how to plan something."""
    if activity.deal_id is None or store.deals.get_deal(activity.deal_id).status != "open":
        return None
    if store.activities.open_count(activity.deal_id):
        return None
    n = activity.deal_id
    return f"deal {n} has no next step; plan one with `pipeline activity plan --deal {n} ...`"


# The names the CLI and the TUI have used since the first release.
plan_activity = plan


def complete_activity(
    store: Store, activity_id: int, outcome: str | None = None, notes: str | None = None
) -> Activity:
    return done(store, activity_id, outcome, notes=notes)
