"""`pipeline forecast [snapshot|snapshots|accuracy]`, `kpi`, `review` and `target set|list`."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from pipeline_tui.cli.commands.common import Fmt, FormatOpt, day, money, store
from pipeline_tui.cli.render import Col, emit, say, say_note, to_json
from pipeline_tui.models import PipelineError

forecast_app = typer.Typer(
    help="The forecast by period: won, commit, best case, pipeline, weighted, vs target.",
    invoke_without_command=True,
    no_args_is_help=False,
)
target_app = typer.Typer(help="Set and list targets (quotas) per period.", no_args_is_help=True)

AsOfOpt = Annotated[
    str | None,
    typer.Option("--as-of", help="Report the pipeline as it stood at the end of this day."),
]
OwnerOpt = Annotated[str | None, typer.Option("--owner", help="Only this owner's deals.")]
CurrencyOpt = Annotated[
    str | None,
    typer.Option("--currency", help="Convert every amount into this currency (rate.XXX)."),
]


def amount(value: Any, currency: str | None = None) -> str:
    """A major-unit amount for a table cell: thousands separated, the currency's decimals."""
    if value is None:
        return "-"
    from pipeline_tui.models.money import exponent

    return f"{value:,.{exponent(currency or 'USD')}f}"


def percent(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.1f}%"


def _money_col(key: str, header: str, drop: int = 0) -> Col:
    return Col(key, header, show=lambda r: amount(r[key], r["currency"]), right=True, drop=drop)


FORECAST_COLS = [
    Col("period", "Period"),
    Col("currency", "Cur"),
    _money_col("closed_won", "Won"),
    _money_col("commit", "Commit"),
    # In a narrow terminal these go first, in this order: the deal count, the open total (the
    # sum of the three categories), then the early categories, then coverage and attainment.
    _money_col("best_case", "Best case", drop=4),
    _money_col("pipeline", "Pipeline", drop=3),
    _money_col("open_total", "Open", drop=2),
    _money_col("weighted", "Weighted"),
    Col("deals", "Deals", right=True, drop=1),
    _money_col("target", "Target", drop=7),
    Col("attainment", "Attain.", show=lambda r: percent(r["attainment"]), right=True, drop=6),
    Col(
        "coverage",
        "Cover.",
        show=lambda r: "-" if r["coverage"] is None else f"{r['coverage']:.2f}x",
        right=True,
        drop=5,
    ),
]
UNDATED_NOTE = (
    "undated/overdue: open deals with no close date, or a close date already past "
    "that no period above shows."
)


@forecast_app.callback()
def forecast(
    ctx: typer.Context,
    period: Annotated[str, typer.Option(help="month, quarter or year.")] = "month",
    from_: Annotated[
        str | None, typer.Option("--from", help="A day in the first period (default today).")
    ] = None,
    periods: Annotated[int, typer.Option(help="How many periods.")] = 3,
    by: Annotated[
        str | None, typer.Option(help="One row per category, owner, team, stage or pipeline.")
    ] = None,
    owner: OwnerOpt = None,
    pipeline: Annotated[str | None, typer.Option(help="Only this pipeline's deals.")] = None,
    as_of: AsOfOpt = None,
    currency: CurrencyOpt = None,
    all_rows: Annotated[
        bool,
        typer.Option(
            "--all-rows", help="With --by category: also the categories with nothing in a period."
        ),
    ] = False,
    fmt: FormatOpt = Fmt.table,
) -> None:
    """The forecast by period (3 months from this one by default), or a sub-command."""
    if ctx.invoked_subcommand is not None:
        given = [k for k, v in ctx.params.items() if v != _DEFAULTS.get(k)]
        if given:
            raise PipelineError(
                f"'forecast {ctx.invoked_subcommand}' takes its options after its name"
            )
        return
    from pipeline_tui.services.forecast import UNDATED, ForecastQuery
    from pipeline_tui.services.forecast import forecast as run

    q = ForecastQuery(
        period=period,
        start=day(from_),
        periods=periods,
        by=by,
        owner=owner,
        pipeline=pipeline,
        as_of=day(as_of),
        currency=currency,
        all_rows=all_rows,
    )
    result = run(store(), q)
    rows = result.to_dicts()
    if fmt in (Fmt.json, Fmt.csv):
        emit(rows, FORECAST_COLS, fmt.value)
        return
    cols = list(FORECAST_COLS)
    if result.by:
        cols.insert(1, Col("group", result.by.capitalize(), flex=True))
    first, last = result.periods[0].label, result.periods[-1].label
    span = first if first == last else f"{first} to {last}"
    title = f"Forecast by {result.kind}, {span} (as of {result.day.isoformat()})"
    if owner or pipeline:
        title += " for " + ", ".join(x for x in (owner, pipeline) if x)
    emit(rows, cols, fmt.value, title=title)
    notes = [UNDATED_NOTE] if any(r["period"] == UNDATED and r["deals"] for r in rows) else []
    if result.closed_undated:
        notes.append(
            f"Won leaves out {result.closed_undated} won deal(s) imported with no close date: "
            "when they were won is unknown."
        )
    for note in notes:
        if fmt == Fmt.md:
            say(f"_{note}_")
        else:
            say_note(note)


_DEFAULTS: dict[str, Any] = {
    "period": "month",
    "from_": None,
    "periods": 3,
    "by": None,
    "owner": None,
    "pipeline": None,
    "as_of": None,
    "currency": None,
    "all_rows": False,
    "fmt": Fmt.table,
}


@forecast_app.command("snapshot")
def snapshot(
    note: Annotated[str | None, typer.Option(help="A note kept with the snapshot.")] = None,
    fmt: FormatOpt = Fmt.table,
) -> None:
    """Save the forecast of the next 6 months and 2 quarters as it is now."""
    from pipeline_tui.services.snapshots import take_snapshot

    snap = take_snapshot(store(), note)
    if fmt == Fmt.json:
        say(to_json(snap.to_dict()))
    else:
        say(
            f"Saved forecast snapshot {snap.id} at {snap.taken_at}: months "
            f"{snap.periods('month')}, quarters {snap.periods('quarter')}"
        )


@forecast_app.command("snapshots")
def snapshots(fmt: FormatOpt = Fmt.table) -> None:
    """List the stored forecast snapshots."""
    from pipeline_tui.services.snapshots import list_snapshots

    snaps = list_snapshots(store())
    if fmt == Fmt.json:
        say(to_json([s.to_dict(rows=True) for s in snaps]))
        return
    rows = [s.to_dict() for s in snaps]
    cols = [
        Col("id", "ID", right=True),
        Col("taken_at", "Taken"),
        Col("months", "Months"),
        Col("quarters", "Quarters"),
        Col("note", "Note", flex=True),
    ]
    emit(rows, cols, fmt.value, title="Forecast snapshots", empty="No snapshots yet.")


@forecast_app.command("accuracy")
def accuracy(
    period: Annotated[str, typer.Option(help="month or quarter.")] = "month",
    from_: Annotated[
        str | None,
        typer.Option("--from", help="A day in the first period (default: the last finished ones)."),
    ] = None,
    periods: Annotated[int, typer.Option(help="How many periods (1 to 36).")] = 6,
    fmt: FormatOpt = Fmt.table,
) -> None:
    """Each finished period: its forecast (from the snapshots taken before it began, or else
    replayed from the deals' history) against what actually closed."""
    from pipeline_tui.services.accuracy import accuracy as run

    result = run(store(), period, day(from_), periods)
    rows = [r.to_dict() for r in result.rows]
    cols = [
        Col("period", "Period"),
        Col(
            "source",
            "Source",
            show=lambda r: f"snapshot {r['snapshot_id']}" if r["snapshot_id"] else r["source"],
        ),
        Col("taken_at", "As of", show=lambda r: r["taken_at"][:10], drop=3),
        Col("currency", "Cur"),
        _money_col("actual", "Actual won"),
        _money_col("weighted_forecast", "Weighted fc."),
        Col(
            "weighted_accuracy", "Acc.", show=lambda r: percent(r["weighted_accuracy"]), right=True
        ),
        # A narrow terminal loses the commit accuracy first, then the commit forecast: never
        # an accuracy without the forecast it scores.
        _money_col("commit_forecast", "Commit fc.", drop=2),
        Col(
            "commit_accuracy",
            "Acc.",
            show=lambda r: percent(r["commit_accuracy"]),
            right=True,
            drop=1,
        ),
    ]
    if fmt in (Fmt.json, Fmt.csv):
        emit(rows, cols, fmt.value)
        return
    if not rows and result.periods:
        first, last = result.periods[0].label, result.periods[-1].label
        span = first if first == last else f"{first} to {last}"
        empty = f"No forecast to compare for {span}: no snapshot taken before, and no history."
    else:
        empty = "No finished period in that range."
    emit(rows, cols, fmt.value, title=f"Forecast accuracy by {result.kind}", empty=empty)
    notes = []
    if any(r["source"] == "history" for r in rows):
        notes.append(
            "history: the forecast replayed from the deals' history as it stood the day "
            "before the period began (no snapshot was taken before it)."
        )
    if result.left_out:
        notes.append(
            f"The replayed periods leave out {result.left_out} deal(s) imported without their "
            "stage history, from the forecast and from what was won "
            "(pipeline import history adds it)."
        )
    if result.closed_undated:
        notes.append(
            f"Actual won leaves out {result.closed_undated} won deal(s) imported with no close "
            "date: when they were won is unknown."
        )
    if result.not_replayed:
        known = (result.first_known or "")[:10]
        notes.append(
            f"Not replayed: {', '.join(result.not_replayed)}, before the first deal of known "
            f"history ({known})." if known else
            f"Not replayed: {', '.join(result.not_replayed)}: no deal has a known history."
        )  # fmt: skip
    for note in notes:
        if fmt == Fmt.md:
            say(f"_{note}_")
        else:
            say_note(note)


@target_app.command("set")
def target_set(
    amount_text: Annotated[str, typer.Argument(metavar="AMOUNT", help="e.g. 250k or 250,000.")],
    period: Annotated[str, typer.Option(help="2027-01, 2027-Q1 or 2027.", show_default=False)],
    owner: Annotated[str | None, typer.Option(help="The owner; none means the team.")] = None,
    currency: Annotated[str | None, typer.Option(help="ISO code; default from config.")] = None,
    fmt: FormatOpt = Fmt.table,
) -> None:
    """Set the target of an owner, or of the team, for a month, quarter or year."""
    from pipeline_tui.services.targets import set_target

    st = store()
    minor, cur = money(st, amount_text, currency)
    target = set_target(st, minor, cur, period, owner)
    if fmt == Fmt.json:
        say(to_json(target.to_dict()))
    else:
        scope = target.owner or "team"
        say(f"Target {target.period} ({scope}): {amount(target.to_dict()['amount'], cur)} {cur}")


@target_app.command("list")
def target_list(
    period: Annotated[str | None, typer.Option(help="Only this period.")] = None,
    fmt: FormatOpt = Fmt.table,
) -> None:
    """List targets; a team target not set is shown as the sum of the owners'."""
    from pipeline_tui.models.money import to_major
    from pipeline_tui.services.targets import list_targets

    rows = [
        {
            "period": t.period,
            "owner": t.owner,
            "scope": "owner" if t.owner else "team",
            "amount": to_major(t.amount_minor, t.currency),
            "currency": t.currency,
            "source": t.source,
        }
        for t in list_targets(store(), period)
    ]
    cols = [
        Col("period", "Period"),
        Col("owner", "Owner", show=lambda r: r["owner"] or "(team)"),
        Col("amount", "Target", show=lambda r: amount(r["amount"], r["currency"]), right=True),
        Col("currency", "Cur"),
        Col("source", "Source"),
    ]
    emit(rows, cols, fmt.value, title="Targets", empty="No targets set.")


@target_app.command("remove")
def target_remove(
    period: Annotated[str, typer.Option(help="2027-01, 2027-Q1 or 2027.", show_default=False)],
    owner: Annotated[str | None, typer.Option(help="The owner; none means the team.")] = None,
    currency: Annotated[str | None, typer.Option(help="ISO code; default from config.")] = None,
) -> None:
    """Remove a target."""
    from pipeline_tui.models.money import check_currency
    from pipeline_tui.services.common import default_currency
    from pipeline_tui.services.targets import remove_target

    st = store()
    cur = check_currency(currency) if currency else default_currency(st)
    gone = remove_target(st, period, owner, cur)
    say(f"Removed target {gone.period} ({gone.owner or 'team'}, {cur})")
