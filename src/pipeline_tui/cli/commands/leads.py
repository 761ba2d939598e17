"""`pipeline lead ...`: add, list, show, edit, qualify, disqualify (delete, merge: fixes.py)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from pipeline_tui.cli.commands import fixes
from pipeline_tui.cli.commands.common import Fmt, FormatOpt, confirm, day, moment, money, store
from pipeline_tui.cli.commands.deals import deal_line
from pipeline_tui.cli.render import Col, emit, emit_record
from pipeline_tui.models import Lead, PipelineError

app = typer.Typer(help="Add, qualify and work leads.", no_args_is_help=True)
AllowDuplicate = Annotated[
    bool, typer.Option("--allow-duplicate", help="Allow an email another lead already has.")
]
LeadId = Annotated[int, typer.Argument(help="Lead id.", show_default=False, metavar="ID")]

LIST_COLS = [
    Col("id", "ID", right=True),
    Col("name", "Name", flex=True),
    Col("company", "Company", flex=True),
    Col("email", "Email", flex=True),
    Col("source", "Source", flex=True, drop=1),
    Col("owner", "Owner", flex=True, drop=2),
    Col("status", "Status"),
    Col("created_at", "Created", show=lambda r: (r["created_at"] or "—")[:10]),
]


def _lead_line(lead: Lead, verb: str) -> str:
    return f"{verb} lead {lead.id}: {lead.name} ({lead.status})"


@app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="The person's name.")],
    company: Annotated[str | None, typer.Option(help="Company name.")] = None,
    email: Annotated[str | None, typer.Option(help="Email address.")] = None,
    phone: Annotated[str | None, typer.Option(help="Phone number.")] = None,
    source: Annotated[str | None, typer.Option(help="website, referral, event, ...")] = None,
    owner: Annotated[str | None, typer.Option(help="Owner; default from config.")] = None,
    note: Annotated[str | None, typer.Option(help="A note.")] = None,
    created: Annotated[
        str | None, typer.Option("--created", help="When the lead came in (backdating).")
    ] = None,
    allow_duplicate: AllowDuplicate = False,
    fmt: FormatOpt = Fmt.table,
) -> None:
    """Add a lead (an email another lead has is refused without --allow-duplicate)."""
    from pipeline_tui.services.leads import add_lead
    from pipeline_tui.services.owners import known_owner

    st = store()
    owner = known_owner(st, owner)
    confirm(
        add_lead(
            st,
            name,
            company=company,
            email=email,
            phone=phone,
            source=source,
            owner=owner,
            notes=note,
            at=moment(created, "--created"),
            allow_duplicate=allow_duplicate,
        ),
        "Created",
        fmt,
        _lead_line,
    )


@app.command("list")
def list_(
    status: Annotated[
        str | None,
        typer.Option(
            help="open (new and working, the default), new, working, qualified, "
            "disqualified or all; any case."
        ),
    ] = None,
    owner: Annotated[str | None, typer.Option(help="Only this owner.")] = None,
    search: Annotated[str | None, typer.Option("--search", "-s", help="Text to find.")] = None,
    limit: Annotated[int | None, typer.Option(help="At most N leads.")] = None,
    fmt: FormatOpt = Fmt.table,
) -> None:
    """List leads (open ones: new and working, by default), newest first."""
    from pipeline_tui.services.leads import check_status
    from pipeline_tui.services.owners import known_owner

    st = store()
    leads = st.leads.list_leads(check_status(status), known_owner(st, owner), search, limit)
    emit(
        [lead.to_dict() for lead in leads],
        LIST_COLS,
        fmt.value,
        title=f"Leads ({len(leads)})",
        empty="No leads match.",
    )


@app.command("show")
def show(lead_id: LeadId, fmt: FormatOpt = Fmt.table) -> None:
    """Show one lead with its activities."""

    st = store()
    lead = st.leads.get_lead(lead_id)
    record: dict[str, Any] = lead.to_dict()
    record.update(
        disqualify_reason=lead.disqualify_reason,
        deal_id=lead.deal_id,
        activities=[a.to_dict() for a in st.activities.for_lead(lead_id)],
    )
    fields = [(k, k.replace("_", " ").capitalize()) for k in record if k != "activities"]
    cols = [
        Col("when", "When", show=lambda a: a["done_at"] or f"due {a['due_at']}"),
        Col("kind", "Kind"),
        Col("subject", "Subject"),
        Col("outcome", "Outcome"),
    ]
    emit_record(
        record,
        fields,
        fmt.value,
        title=f"Lead {lead_id}",
        sections=[("Activities", record["activities"], cols)],
    )


@app.command("edit")
def edit(
    lead_id: LeadId,
    name: Annotated[str | None, typer.Option(help="New name.")] = None,
    company: Annotated[str | None, typer.Option(help="Company ('' clears).")] = None,
    email: Annotated[str | None, typer.Option(help="Email ('' clears).")] = None,
    phone: Annotated[str | None, typer.Option(help="Phone ('' clears).")] = None,
    source: Annotated[str | None, typer.Option(help="Source ('' clears).")] = None,
    owner: Annotated[str | None, typer.Option(help="New owner.")] = None,
    note: Annotated[str | None, typer.Option(help="Notes ('' clears).")] = None,
    status: Annotated[str | None, typer.Option(help="new or working.")] = None,
    allow_duplicate: AllowDuplicate = False,
    fmt: FormatOpt = Fmt.table,
) -> None:
    """Change fields of a lead."""
    from pipeline_tui.services.leads import edit_lead

    given = {
        "name": name,
        "company": company,
        "email": email,
        "phone": phone,
        "source": source,
        "owner": owner,
        "notes": note,
        "status": status,
    }
    fields: dict[str, Any] = {k: v for k, v in given.items() if v is not None}
    if not fields:
        raise PipelineError("nothing to change: give at least one option (see --help)")
    from pipeline_tui.services.owners import known_owner

    st = store()
    with st.tx(f"edit lead {lead_id}"):  # the owner is looked up where it is written
        if "owner" in fields:
            fields["owner"] = known_owner(st, fields["owner"])
        lead = edit_lead(st, lead_id, allow_duplicate=allow_duplicate, **fields)
    confirm(lead, "Updated", fmt, _lead_line)


@app.command("qualify")
def qualify(
    lead_id: LeadId,
    value: Annotated[str, typer.Option("--value", "-v", help="Deal value.")],
    currency: Annotated[str | None, typer.Option(help="ISO code; default from config.")] = None,
    close: Annotated[str | None, typer.Option("--close", help="Expected close date.")] = None,
    stage: Annotated[str | None, typer.Option(help="Starting stage; default the first.")] = None,
    title: Annotated[str | None, typer.Option(help="Deal title; default from the lead.")] = None,
    pipeline: Annotated[str | None, typer.Option(help="Pipeline; default pipeline.")] = None,
    fmt: FormatOpt = Fmt.table,
) -> None:
    """Qualify a lead: create a deal linked to it and mark it qualified."""
    from pipeline_tui.services.leads import qualify_lead

    close_date = day(close)
    st = store()
    minor, cur = money(st, value, currency)
    deal = qualify_lead(
        st,
        lead_id,
        minor,
        currency=cur,
        close_date=close_date,
        stage=stage,
        title=title,
        pipeline=pipeline,
    )
    confirm(deal, f"Qualified lead {lead_id} into", fmt, deal_line)


@app.command("disqualify")
def disqualify(
    lead_id: LeadId,
    reason: Annotated[str | None, typer.Option("--reason", "-r", help="Why (required).")] = None,
    fmt: FormatOpt = Fmt.table,
) -> None:
    """Disqualify a lead, with the reason."""
    from pipeline_tui.services.leads import disqualify_lead

    if reason is None or not reason.strip():
        raise PipelineError("lead disqualify needs --reason")
    confirm(disqualify_lead(store(), lead_id, reason), "Disqualified", fmt, _lead_line)


app.command("delete")(fixes.lead_delete)
app.command("merge")(fixes.lead_merge)
