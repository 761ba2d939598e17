"""`pipeline activity ...`: log what was done, plan what is next, list and complete."""

from __future__ import annotations

from typing import Annotated

import typer

from pipeline_tui.cli.commands.common import Fmt, FormatOpt, confirm, day, moment, store
from pipeline_tui.cli.render import Col, emit
from pipeline_tui.models import Activity, PipelineError

app = typer.Typer(help="Log calls, emails, meetings and demos; plan tasks.", no_args_is_help=True)

KindArg = Annotated[
    str,
    typer.Argument(help="call, email, meeting, demo, proposal, note or task.", show_default=False),
]
SubjectArg = Annotated[str, typer.Argument(help="Short subject line.", show_default=False)]
DealOpt = Annotated[int | None, typer.Option("--deal", help="Deal id.")]
LeadOpt = Annotated[int | None, typer.Option("--lead", help="Lead id.")]


def _when(a: dict[str, object]) -> str:
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
    Col("outcome", "Outcome", flex=True, drop=2),
]


def _activity_line(activity: Activity, verb: str) -> str:
    where = f"deal {activity.deal_id}" if activity.deal_id else f"lead {activity.lead_id}"
    when = f"due {activity.due_at}" if activity.state == "planned" else activity.done_at
    return (
        f"{verb} activity {activity.id}: {activity.kind} '{activity.subject}' on {where} ({when})"
    )


@app.command("log")
def log(
    kind: KindArg,
    subject: SubjectArg,
    deal: DealOpt = None,
    lead: LeadOpt = None,
    notes: Annotated[str | None, typer.Option(help="Notes, e.g. discovery notes.")] = None,
    outcome: Annotated[str | None, typer.Option(help="What came of it.")] = None,
    at: Annotated[str | None, typer.Option(help="When (default now).")] = None,
    fmt: FormatOpt = Fmt.table,
) -> None:
    """Log an activity that happened."""
    from pipeline_tui.services.activities import log_activity

    when = moment(at)
    confirm(
        log_activity(
            store(),
            kind,
            subject,
            deal_id=deal,
            lead_id=lead,
            notes=notes,
            outcome=outcome,
            at=when,
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
    fmt: FormatOpt = Fmt.table,
) -> None:
    """Plan an activity for later."""
    from pipeline_tui.services.activities import plan_activity

    due_day = day(due)
    assert due_day is not None
    confirm(
        plan_activity(store(), kind, subject, due_day, deal_id=deal, lead_id=lead, notes=notes),
        "Planned",
        fmt,
        _activity_line,
    )


@app.command("done")
def done(
    activity_id: Annotated[int, typer.Argument(help="Activity id.", show_default=False)],
    outcome: Annotated[str | None, typer.Option(help="What came of it.")] = None,
    notes: Annotated[str | None, typer.Option(help="Notes.")] = None,
    fmt: FormatOpt = Fmt.table,
) -> None:
    """Mark a planned activity done."""
    from pipeline_tui.services.activities import complete_activity

    confirm(
        complete_activity(store(), activity_id, outcome, notes), "Completed", fmt, _activity_line
    )


@app.command("list")
def list_(
    overdue: Annotated[bool, typer.Option("--overdue", help="Only overdue plans.")] = False,
    due_before: Annotated[str | None, typer.Option(help="Only plans due before DATE.")] = None,
    state: Annotated[str | None, typer.Option(help="planned or done.")] = None,
    owner: Annotated[str | None, typer.Option(help="Only this owner.")] = None,
    limit: Annotated[int | None, typer.Option(help="At most N.")] = 50,
    fmt: FormatOpt = Fmt.table,
) -> None:
    """List activities: newest first, or planned ones by due date."""
    from pipeline_tui.models.dates import today

    if state not in (None, "planned", "done"):
        raise PipelineError(f"invalid state {state!r}: use planned or done")
    before = None
    if overdue:
        before = today().isoformat()
    if due_before is not None:
        cutoff = day(due_before)
        assert cutoff is not None
        before = min(before, cutoff.isoformat()) if before else cutoff.isoformat()
    from pipeline_tui.services.owners import known_owner

    st = store()
    owner = known_owner(st, owner)
    items = st.activities.list_activities(
        planned_before=before, state=state, owner=owner, limit=limit
    )
    title = "Overdue activities" if overdue else "Activities"
    emit([a.to_dict() for a in items], COLS, fmt.value, title=title, empty="No activities match.")
