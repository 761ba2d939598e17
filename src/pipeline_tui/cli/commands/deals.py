"""`pipeline deal ...`: add, list, show, edit, move, won, lost, reopen."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from pipeline_tui.cli.commands import fixes
from pipeline_tui.cli.commands.common import (
    Fmt,
    FormatOpt,
    confirm,
    day,
    day_or_none,
    moment,
    money,
    store,
)
from pipeline_tui.cli.commands.people import deal_app, deal_sections
from pipeline_tui.cli.render import Col, emit, emit_record
from pipeline_tui.models import Deal, PipelineError
from pipeline_tui.models.money import format_money
from pipeline_tui.store.api import DealFilter

app = typer.Typer(help="Add, list and work deals.", no_args_is_help=True)


app.add_typer(deal_app, name="person")  # `deal person add|remove` (cli/commands/people.py)

DealId = Annotated[int, typer.Argument(help="Deal id.", show_default=False, metavar="ID")]
AtOpt = Annotated[str | None, typer.Option("--at", help="When it happened (not in the future).")]


def _due_state(row: dict[str, Any]) -> str:
    from pipeline_tui.models.dates import today

    step = row.get("next_step") or ""
    due = row.get("next_due")
    if not step:
        return "(no next step)"
    if not due:
        return step
    mark = (
        "OVERDUE "
        if due < today().isoformat()
        else ("today " if due == today().isoformat() else "")
    )
    return f"{step} ({mark}{due})"


def _money(row: dict[str, Any], key: str = "value") -> str:
    from pipeline_tui.models.money import to_minor

    if row[key] is None:  # unknown (an import's empty amount), not 0
        return format_money(None, row["currency"])
    return format_money(to_minor(row[key], row["currency"]), row["currency"])


LIST_COLS = [
    Col("id", "ID", right=True),
    Col("title", "Title", flex=True),
    # Narrow terminals drop the owner first (a rep's own list is theirs), then the company,
    # the next step and the stage; id, title, value and close date always stay.
    Col("company", "Company", flex=True, drop=2),
    Col("owner", "Owner", flex=True, drop=1),
    Col("stage", "Stage", drop=4),
    Col("value", "Value", show=_money, right=True),
    Col("close_date", "Close", wrap=False),
    Col("next_step", "Next step", flex=True, show=_due_state, drop=3),
]
STATUS_COL = Col("status", "Status")
CLOSED_COLS = [
    *LIST_COLS[:6],
    Col("closed_at", "Closed", show=lambda r: (r["closed_at"] or "")[:10]),
    Col("lost_reason", "Lost reason", flex=True),
]


def deal_line(deal: Deal, verb: str) -> str:
    return (
        f"{verb} deal {deal.id}: {deal.title} ({deal.stage}, {deal.status}, "
        f"{format_money(deal.value_minor, deal.currency)})"
    )


@app.command("add")
def add(
    title: Annotated[str, typer.Argument(help="What is being sold, e.g. 'Annual plan, 40 seats'.")],
    value: Annotated[str, typer.Option("--value", "-v", help="12500, 12,500.50, 12.5k, $12,500")],
    currency: Annotated[str | None, typer.Option(help="ISO code; default from config.")] = None,
    company: Annotated[str | None, typer.Option(help="Company name (created if new).")] = None,
    contact: Annotated[str | None, typer.Option(help="'Name <email>', a name or an email.")] = None,
    owner: Annotated[str | None, typer.Option(help="Owner; default from config.")] = None,
    pipeline: Annotated[str | None, typer.Option(help="Pipeline; default pipeline.")] = None,
    stage: Annotated[str | None, typer.Option(help="Stage; default the first.")] = None,
    probability: Annotated[int | None, typer.Option(help="Override the stage's %.")] = None,
    close: Annotated[str | None, typer.Option("--close", help="Expected close date.")] = None,
    next_step: Annotated[
        str | None, typer.Option(help="The next thing to do (planned as a task).")
    ] = None,
    next_due: Annotated[
        str | None, typer.Option("--next-due", "--due", help="When it is due (default today).")
    ] = None,
    created: Annotated[
        str | None, typer.Option("--created", help="When the deal was created (backdating).")
    ] = None,
    fmt: FormatOpt = Fmt.table,
) -> None:
    """Add a deal."""
    from pipeline_tui.services.deals import DealInput, add_deal
    from pipeline_tui.services.owners import known_owner

    close_date, due = day(close), day(next_due)
    st = store()
    owner = known_owner(st, owner)
    minor, cur = money(st, value, currency)
    deal = add_deal(
        st,
        DealInput(
            title=title,
            value_minor=minor,
            currency=cur,
            company=company,
            contact=contact,
            owner=owner,
            pipeline=pipeline,
            stage=stage,
            probability=probability,
            close_date=close_date,
            next_step=next_step,
            next_due=due,
        ),
        at=moment(created, "--created"),
    )
    confirm(deal, "Created", fmt, deal_line)


@app.command("list")
def list_(
    status: Annotated[str, typer.Option(help="open, won, lost or all.")] = "open",
    stage: Annotated[str | None, typer.Option(help="Only this stage.")] = None,
    owner: Annotated[str | None, typer.Option(help="Only this owner.")] = None,
    pipeline: Annotated[str | None, typer.Option(help="Only this pipeline.")] = None,
    search: Annotated[
        str | None, typer.Option("--search", "-s", help="Text in title, company or contact.")
    ] = None,
    limit: Annotated[int | None, typer.Option(help="At most N deals.")] = None,
    no_next_step: Annotated[
        bool, typer.Option("--no-next-step", help="Only deals with no next step.")
    ] = False,
    sort: Annotated[
        str, typer.Option(help="close (soonest first) or attention (most urgent first).")
    ] = "close",
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="The deals as they stood at the end of this day.")
    ] = None,
    fmt: FormatOpt = Fmt.table,
) -> None:
    """List deals (open ones by default), soonest close date first."""

    status = status.strip().lower()
    if status not in ("open", "won", "lost", "all"):
        raise PipelineError(f"invalid status {status!r}: use open, won, lost or all")
    if limit is not None and limit < 1:
        raise PipelineError(f"invalid limit {limit}: use 1 or more")
    from pipeline_tui.services.owners import known_owner

    st = store()
    owner = known_owner(st, owner)
    f = DealFilter(
        status=None if status == "all" else status,
        stage=stage,
        owner=owner,
        pipeline=pipeline,
        search=search,
        limit=limit,
        no_next_step=no_next_step,
    )
    cols = list(
        {"all": [*LIST_COLS, STATUS_COL], "won": CLOSED_COLS[:-1], "lost": CLOSED_COLS}.get(
            status, LIST_COLS
        )
    )
    if as_of is None and sort == "close":
        deals = [d.to_dict() for d in st.deals.list_deals(f)]
        total = (
            st.deals.count_deals(DealFilter(**{**f.__dict__, "limit": None}))
            if fmt
            in (
                Fmt.table,
                Fmt.md,
            )
            else len(deals)
        )
    else:
        from pipeline_tui.services.asof import list_deals_at

        found = list_deals_at(st, f, as_of=day(as_of), sort=sort)
        deals, total = [d.to_dict() for d in found.deals], found.total
        if found.scores is not None:
            for d in deals:
                d["attention"] = found.scores[d["id"]].score
            cols.insert(1, Col("attention", "Attn", right=True))
    title = None
    if fmt in (Fmt.table, Fmt.md):
        title = f"{status.capitalize()} deals ({len(deals)} of {total})"
        if as_of is not None:
            title += f" as of {day(as_of)}"
    emit(deals, cols, fmt.value, title=title, empty="No deals match.")


def _when(stamp: str | None) -> str:
    return stamp[:16].replace("T", " ") if stamp else ""


# What the table form of `deal show` lists; JSON carries every field.
SHOW_FIELDS = [
    ("title", "Title"),
    ("status", "Status"),
    ("stage", "Stage"),
    ("pipeline", "Pipeline"),
    ("value_shown", "Value"),
    ("probability_shown", "Probability"),
    ("weighted_shown", "Weighted"),
    ("close_date", "Close date"),
    ("company", "Company"),
    ("contact", "Contact"),
    ("owner", "Owner"),
    ("next_shown", "Next step"),
    ("lost_reason", "Lost reason"),
    ("created_shown", "Created"),
    ("closed_shown", "Closed"),
    ("stage_entered_shown", "In stage since"),
    ("lead_id", "From lead"),
    ("custom_shown", "Custom fields"),
]


def _activity_when(a: dict[str, Any]) -> str:
    if a["cancelled_at"]:
        return f"cancelled {a['cancelled_at'][:10]}"
    return _when(a["done_at"]) or f"due {a['due_at']}"


def _next_shown(nxt: dict[str, Any] | None) -> str | None:
    """The next step as `deal show` prints it: the planned activity, with its id."""
    if nxt is None:
        return None
    where = f"activity {nxt['id']}: {nxt['kind']}, due {nxt['due_at']}, {nxt['owner']}"
    return f"{nxt['subject']} ({where})"


@app.command("show")
def show(deal_id: DealId, fmt: FormatOpt = Fmt.table) -> None:
    """Show one deal with its stage history, activity timeline and attention score."""
    from pipeline_tui.services.deal_detail import deal_detail

    record = deal_detail(store(), deal_id).to_dict()
    if fmt in (Fmt.json, Fmt.csv):
        emit_record(record, [], fmt.value)
        return
    shown = dict(record)
    prob = f"{record['probability']} %"
    if record["probability_override"] is not None:
        prob += " (override)"
    shown.update(
        value_shown=_money(record),
        weighted_shown=_money(record, "weighted_value"),
        probability_shown=prob,
        created_shown=_when(record["created_at"]),
        closed_shown=_when(record["closed_at"]),
        stage_entered_shown=_when(record["stage_entered_at"]),
        custom_shown=record["custom"] or None,
        next_shown=_next_shown(record["next_activity"]),
    )
    fields = [(k, label) for k, label in SHOW_FIELDS if shown.get(k) not in (None, "")]
    history_cols = [
        Col("at", "When", show=lambda h: _when(h["at"])),
        Col("from", "From"),
        Col("to", "To"),
        Col("by", "By", flex=True),
    ]
    activity_cols = [
        Col("when", "When", show=_activity_when),
        Col("kind", "Kind", show=lambda a: a["kind"] + (" (lead)" if a["from_lead"] else "")),
        Col("subject", "Subject", flex=True),
        Col("outcome", "Outcome", flex=True),
        Col("notes", "Notes", wrap=True),
    ]
    sections: list[tuple[str, list[dict[str, Any]], list[Col]]] = [
        ("Stage history", record["stage_history"], history_cols),
        ("Activities", record["activities"], activity_cols),
    ]
    sections += deal_sections(record)
    if "attention" in record:
        att = record["attention"]
        fields.append(("attention_score", "Attention"))
        shown["attention_score"] = att["score"]
        sections.append(
            (
                f"Attention {att['score']}: the sum of weight x factor per term",
                att["terms"],
                [
                    Col("term", "Term"),
                    Col("detail", "Why", flex=True),
                    Col("weight", "Weight", right=True),
                    Col("factor", "Factor", right=True),
                    Col("points", "Points", right=True),
                ],
            )
        )
    emit_record(shown, fields, fmt.value, title=f"Deal {deal_id}", sections=sections)


@app.command("edit")
def edit(
    deal_id: DealId,
    title: Annotated[str | None, typer.Option(help="New title.")] = None,
    value: Annotated[str | None, typer.Option("--value", "-v", help="New value.")] = None,
    currency: Annotated[str | None, typer.Option(help="New currency.")] = None,
    company: Annotated[str | None, typer.Option(help="Company ('' clears).")] = None,
    contact: Annotated[str | None, typer.Option(help="Contact ('' clears).")] = None,
    owner: Annotated[str | None, typer.Option(help="New owner.")] = None,
    probability: Annotated[
        str | None, typer.Option(help="0-100, or 'auto' for the stage's.")
    ] = None,
    category: Annotated[
        str | None, typer.Option(help="pipeline, best_case, commit, omitted, or 'auto'.")
    ] = None,
    close: Annotated[
        str | None, typer.Option("--close", help="Close date ('none' clears).")
    ] = None,
    next_step: Annotated[
        str | None,
        typer.Option(help="Next step: plans it, or renames the planned one ('' cancels)."),
    ] = None,
    next_due: Annotated[
        str | None, typer.Option("--next-due", "--due", help="When the next step is due.")
    ] = None,
    fmt: FormatOpt = Fmt.table,
) -> None:
    """Change fields of a deal."""
    from pipeline_tui.services.deals import edit_deal

    fields: dict[str, Any] = {}
    if close is not None:
        parsed = day_or_none(close)
        fields["close_date"] = None if parsed == "clear" else parsed
    if next_due is not None:
        parsed = day_or_none(next_due)
        fields["next_due"] = None if parsed == "clear" else parsed
    if probability is not None:
        if probability.strip().lower() == "auto":
            fields["probability"] = None
        else:
            try:
                fields["probability"] = int(probability)
            except ValueError:
                raise PipelineError(
                    f"invalid probability {probability!r}: use 0-100 or auto"
                ) from None
    if category is not None:
        fields["category"] = None if category.strip().lower() == "auto" else category
    for key, val in (
        ("title", title),
        ("company", company),
        ("contact", contact),
        ("next_step", next_step),
    ):
        if val is not None:
            fields[key] = val
    if not fields and value is None and currency is None and owner is None:
        raise PipelineError("nothing to change: give at least one option (see --help)")
    st = store()
    # The amount is read in the deal's currency (or the currency in the deal's amount):
    # read and write in one transaction, so no other writer changes either in between.
    with st.tx(f"edit deal {deal_id}"):
        if value is not None or currency is not None:
            deal = st.deals.get_deal(deal_id)
            text = value if value is not None else str(deal.value)
            minor, cur = money(st, text, currency, fallback=deal.currency)
            fields.update(value_minor=minor, currency=cur)
        if owner is not None:
            from pipeline_tui.services.owners import known_owner

            fields["owner"] = known_owner(st, owner)
        deal = edit_deal(st, deal_id, **fields)
    confirm(deal, "Updated", fmt, deal_line)


@app.command("move")
def move(
    deal_id: DealId,
    stage: Annotated[str, typer.Argument(help="Target stage name.")],
    at: AtOpt = None,
    fmt: FormatOpt = Fmt.table,
) -> None:
    """Move a deal to another stage of its pipeline."""
    from pipeline_tui.services.deals import move_deal

    when = moment(at)
    confirm(move_deal(store(), deal_id, stage, at=when), "Moved", fmt, deal_line)


@app.command("won")
def won(deal_id: DealId, at: AtOpt = None, fmt: FormatOpt = Fmt.table) -> None:
    """Mark a deal won."""
    from pipeline_tui.services.deals import win_deal

    when = moment(at)
    confirm(win_deal(store(), deal_id, at=when), "Won", fmt, deal_line)


@app.command("lost")
def lost(
    deal_id: DealId,
    reason: Annotated[str | None, typer.Option("--reason", "-r", help="Why (required).")] = None,
    at: AtOpt = None,
    fmt: FormatOpt = Fmt.table,
) -> None:
    """Mark a deal lost, with the reason."""
    from pipeline_tui.services.deals import lose_deal

    if reason is None or not reason.strip():
        raise PipelineError("deal lost needs --reason, e.g. --reason 'Chose a competitor'")
    when = moment(at)
    confirm(lose_deal(store(), deal_id, reason, at=when), "Lost", fmt, deal_line)


@app.command("reopen")
def reopen(deal_id: DealId, at: AtOpt = None, fmt: FormatOpt = Fmt.table) -> None:
    """Reopen a won or lost deal."""
    from pipeline_tui.services.deals import reopen_deal

    confirm(reopen_deal(store(), deal_id, at=moment(at)), "Reopened", fmt, deal_line)


app.command("delete")(fixes.deal_delete)
