"""`pipeline activity ...`: log what was done, plan what is next, list and complete."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from pipeline_tui.cli.commands.common import Fmt, FormatOpt, confirm, day, moment, store
from pipeline_tui.cli.render import Col, emit, say, warn
from pipeline_tui.models import Activity, PipelineError
from pipeline_tui.store.api import Store

app = typer.Typer(help="Log calls, emails, meetings and demos; plan tasks.", no_args_is_help=True)

KindArg = Annotated[
    str,
    typer.Argument(help="call, email, meeting, demo, proposal, note or task.", show_default=False),
]
SubjectArg = Annotated[str, typer.Argument(help="Short subject line.", show_default=False)]
DealOpt = Annotated[int | None, typer.Option("--deal", help="Deal id.")]
LeadOpt = Annotated[int | None, typer.Option("--lead", help="Lead id.")]
ActivityId = Annotated[int, typer.Argument(help="Activity id.", show_default=False)]
OwnerOpt = Annotated[
    str | None, typer.Option(help="Who must do it (default: the deal's or lead's owner).")
]


def _when(a: dict[str, object]) -> str:
    if a["cancelled_at"]:
        return f"cancelled {str(a['cancelled_at'])[:10]}"
    if a["done_at"]:
        return str(a["done_at"])[:16].replace("T", " ")
    return f"due {a['due_at']}"


COLS = [
    Col("id", "ID", right=True),
    Col("when", "When", show=_when),
    Col("kind", "Kind"),
    Col("subject", "Subject", flex=True),
    Col(
        "regarding",
        "Regarding",
        flex=True,
        show=lambda a: (
            f"{'deal' if a['deal_id'] else 'lead'} "
            f"{a['deal_id'] or a['lead_id']}: {a['regarding'] or ''}"
        ),
    ),
    Col("owner", "Owner", flex=True, drop=1),
    Col(
        "outcome",
        "Outcome",
        flex=True,
        drop=2,
        show=lambda a: str(a["outcome"] or a["cancel_reason"] or ""),
    ),
]


def _activity_line(activity: Activity, verb: str) -> str:
    where = f"deal {activity.deal_id}" if activity.deal_id else f"lead {activity.lead_id}"
    when = {"planned": f"due {activity.due_at}", "done": activity.done_at}.get(
        activity.state, f"cancelled {activity.cancelled_at}"
    )
    return (
        f"{verb} activity {activity.id}: {activity.kind} '{activity.subject}' on {where} "
        f"({when}, {activity.owner or 'no owner'})"
    )


def _owner(st: Store, name: str | None) -> str | None:
    from pipeline_tui.services.owners import known_owner

    return known_owner(st, name)


@app.command("log")
def log(
    kind: KindArg,
    subject: SubjectArg,
    deal: DealOpt = None,
    lead: LeadOpt = None,
    notes: Annotated[str | None, typer.Option(help="Notes, e.g. discovery notes.")] = None,
    outcome: Annotated[str | None, typer.Option(help="What came of it.")] = None,
    at: Annotated[str | None, typer.Option(help="When (default now).")] = None,
    owner: OwnerOpt = None,
    fmt: FormatOpt = Fmt.table,
) -> None:
    """Log an activity that happened."""
    from pipeline_tui.services.activities import log_activity

    when = moment(at)
    st = store()
    confirm(
        log_activity(
            st,
            kind,
            subject,
            deal_id=deal,
            lead_id=lead,
            notes=notes,
            outcome=outcome,
            at=when,
            owner=_owner(st, owner),
        ),
        "Logged",
        fmt,
        _activity_line,
    )


@app.command("plan")
def plan(
    kind: KindArg,
    subject: SubjectArg,
    due: Annotated[str, typer.Option("--due", help="When it is due.")],
    deal: DealOpt = None,
    lead: LeadOpt = None,
    notes: Annotated[str | None, typer.Option(help="Notes.")] = None,
    owner: OwnerOpt = None,
    fmt: FormatOpt = Fmt.table,
) -> None:
    """Plan an activity; on a deal, the earliest one still to do is its next step."""
    from pipeline_tui.services.activities import plan

    due_day = day(due)
    assert due_day is not None
    st = store()
    confirm(
        plan(
            st,
            kind,
            subject,
            due_day,
            deal_id=deal,
            lead_id=lead,
            notes=notes,
            owner=_owner(st, owner),
        ),
        "Planned",
        fmt,
        _activity_line,
    )


def _after_close(st: Store, activity: Activity, verb: str, fmt: Fmt) -> None:
    """Confirm a completion or cancellation; then, if its open deal has nothing planned
    left, say so (on stderr under JSON, which must stay one document)."""
    from pipeline_tui.services.activities import next_step_hint

    confirm(activity, verb, fmt, _activity_line)
    hint = next_step_hint(st, activity)
    if hint:
        (warn if fmt == Fmt.json else say)(hint)


@app.command("done")
def done(
    activity_id: ActivityId,
    outcome: Annotated[str | None, typer.Option(help="What came of it.")] = None,
    at: Annotated[str | None, typer.Option(help="When it was done (default now).")] = None,
    notes: Annotated[str | None, typer.Option(help="Notes.")] = None,
    fmt: FormatOpt = Fmt.table,
) -> None:
    """Mark a planned activity done."""
    from pipeline_tui.services.activities import done as complete

    when = moment(at)
    st = store()
    _after_close(st, complete(st, activity_id, outcome, when, notes=notes), "Completed", fmt)


@app.command("cancel")
def cancel(
    activity_id: ActivityId,
    reason: Annotated[str | None, typer.Option("--reason", "-r", help="Why.")] = None,
    fmt: FormatOpt = Fmt.table,
) -> None:
    """Cancel a planned activity (it stays in the history, marked cancelled)."""
    from pipeline_tui.services.activities import cancel as cancel_activity

    st = store()
    _after_close(st, cancel_activity(st, activity_id, reason), "Cancelled", fmt)


@app.command("edit")
def edit(
    activity_id: ActivityId,
    subject: Annotated[str | None, typer.Option(help="New subject.")] = None,
    kind: Annotated[str | None, typer.Option("--type", "--kind", help="New kind.")] = None,
    due: Annotated[
        str | None, typer.Option("--due", help="Reschedule: a date, +2d, +1w, friday.")
    ] = None,
    notes: Annotated[str | None, typer.Option(help="Notes ('' clears).")] = None,
    deal: Annotated[int | None, typer.Option("--deal", help="Move it to this deal.")] = None,
    lead: Annotated[int | None, typer.Option("--lead", help="Move it to this lead.")] = None,
    owner: Annotated[str | None, typer.Option(help="Who must do it.")] = None,
    fmt: FormatOpt = Fmt.table,
) -> None:
    """Change an activity: reschedule, rename, move it, give it to someone else."""
    from pipeline_tui.services.activities import edit as edit_activity

    changes: dict[str, Any] = {}
    if due is not None:
        changes["due_at"] = day(due)
    for key, value in (
        ("subject", subject),
        ("kind", kind),
        ("notes", notes),
        ("deal_id", deal),
        ("lead_id", lead),
    ):
        if value is not None:
            changes[key] = value
    st = store()
    if owner is not None:
        from pipeline_tui.services.owners import known_owner

        changes["owner"] = known_owner(st, owner)
    confirm(edit_activity(st, activity_id, changes), "Updated", fmt, _activity_line)


@app.command("list")
def list_(
    deal: Annotated[int | None, typer.Option("--deal", help="Only this deal's.")] = None,
    lead: Annotated[int | None, typer.Option("--lead", help="Only this lead's.")] = None,
    owner: Annotated[str | None, typer.Option(help="Only this owner's.")] = None,
    status: Annotated[
        str | None,
        typer.Option("--status", "--state", help="planned, done, cancelled or all (default)."),
    ] = None,
    overdue: Annotated[bool, typer.Option("--overdue", help="Only overdue plans.")] = False,
    due_before: Annotated[str | None, typer.Option(help="Only plans due before DATE.")] = None,
    after: Annotated[
        int | None, typer.Option(help="The page after this activity id (keyset).")
    ] = None,
    limit: Annotated[int | None, typer.Option(help="At most N.")] = 50,
    fmt: FormatOpt = Fmt.table,
) -> None:
    """List activities: newest first, or planned ones by due date."""
    from pipeline_tui.models.dates import today
    from pipeline_tui.services.activities import list_activities
    from pipeline_tui.store.api import ActivityFilter

    before = None
    if overdue:
        before = today().isoformat()
    if due_before is not None:
        cutoff = day(due_before)
        assert cutoff is not None
        before = min(before, cutoff.isoformat()) if before else cutoff.isoformat()
    if before is not None and status not in (None, "planned", "all"):
        raise PipelineError(f"--overdue and --due-before list planned activities, not {status}")
    from pipeline_tui.services.owners import known_owner

    st = store()
    owner = known_owner(st, owner)
    f = ActivityFilter(
        deal_id=deal,
        lead_id=lead,
        owner=owner,
        status=None if status == "all" else status,
        due_before=before,
        limit=limit,
        after=after,
    )
    items = list_activities(st, f)
    title = "Overdue activities" if overdue else "Activities"
    emit([a.to_dict() for a in items], COLS, fmt.value, title=title, empty="No activities match.")
