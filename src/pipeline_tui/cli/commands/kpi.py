"""`pipeline kpi` and `pipeline review`: the numbers, and the pipeline-meeting printout."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

import typer

from pipeline_tui.cli.commands.common import Fmt, FormatOpt, day, store
from pipeline_tui.cli.commands.reports import AsOfOpt, CurrencyOpt, OwnerOpt, amount, percent
from pipeline_tui.cli.render import Col, emit, say, to_json
from pipeline_tui.models import PipelineError

Getter = Callable[[dict[str, Any]], str]


def _num(value: Any, digits: int = 1) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


def _metric_rows(columns: list[dict[str, Any]]) -> list[tuple[str, Getter]]:
    """(label, cell) pairs for the KPI table; money rows per currency when they differ."""
    rows: list[tuple[str, Getter]] = [
        ("Won", lambda k: str(k["won"])),
        ("Lost", lambda k: str(k["lost"])),
        ("Win rate", lambda k: percent(k["win_rate"])),
        ("Sales cycle (days)", lambda k: _num(k["sales_cycle_days"])),
        ("Open deals", lambda k: str(k["open_deals"])),
        ("Stalled deals", lambda k: str(k["stalled_deals"])),
        ("Response time (median hours)", lambda k: _num(k["response_time_hours"])),
    ]
    codes: list[str] = []
    for k in columns:
        for m in k["by_currency"]:
            if m["currency"] not in codes:
                codes.append(m["currency"])
    single = [k["currency"] for k in columns if k["currency"]]
    if not codes and single:
        codes = single[:1]
    for key, label in (
        ("won_value", "Won value"),
        ("avg_deal_size", "Average deal size"),
        ("velocity_per_day", "Velocity per day"),
        ("open_value", "Open value"),
        ("weighted_value", "Weighted value"),
    ):
        for code in codes:
            rows.append((f"{label} ({code})", _money_getter(key, code)))
    return rows


def _money_getter(key: str, code: str) -> Getter:
    def get(k: dict[str, Any]) -> str:
        for m in k["by_currency"]:
            if m["currency"] == code:
                return amount(m[key], code)
        if k["currency"] == code:
            return amount(k[key], code)
        return "-"

    return get


def _count(field: str, key: str) -> Getter:
    return lambda k: str(k[field].get(key, 0))


def _columns(report: dict[str, Any]) -> tuple[list[dict[str, Any]], list[str]]:
    columns = [report]
    headers = ["Team" if not report["owner"] else report["owner"]]
    for k in report.get("by_owner", report.get("by_team", [])):
        columns.append(k)
        headers.append(k["owner"] or "(no owner)")
    return columns, headers


def _grid(
    labels: list[tuple[str, Getter]], columns: list[dict[str, Any]], headers: list[str]
) -> tuple[list[dict[str, Any]], list[Col]]:
    rows = [
        {"metric": label, **{f"c{i}": get(k) for i, k in enumerate(columns)}}
        for label, get in labels
    ]
    cols = [Col("metric", "")] + [Col(f"c{i}", h, right=True) for i, h in enumerate(headers)]
    return rows, cols


def kpi(
    from_: Annotated[str | None, typer.Option("--from", help="First day of the window.")] = None,
    to: Annotated[str | None, typer.Option("--to", help="Last day (default today).")] = None,
    since: Annotated[
        str | None, typer.Option(help="The window as a look-back: 90d, 12w, 6m, 1y (default 90d).")
    ] = None,
    owner: OwnerOpt = None,
    by: Annotated[
        str | None, typer.Option(help="'owner': a column per owner; 'team': per team.")
    ] = None,
    as_of: AsOfOpt = None,
    currency: CurrencyOpt = None,
    fmt: FormatOpt = Fmt.table,
) -> None:
    """KPIs: win rate, deal size, sales cycle, velocity, pipeline, activity, conversion."""
    from pipeline_tui.services.kpis import kpis
    from pipeline_tui.store.api import MIN_CYCLE_DAYS

    grouping = by.strip().lower() if by is not None else None
    if grouping not in (None, "owner", "team"):
        raise PipelineError(f"invalid --by {by!r}: kpi groups by owner or team")
    report = kpis(
        store(),
        first=day(from_),
        last=day(to),
        since=since,
        owner=owner,
        by_owner=grouping == "owner",
        by_team=grouping == "team",
        as_of=day(as_of),
        currency=currency,
    ).to_dict()
    if fmt == Fmt.json:
        say(to_json(report))
        return
    columns, headers = _columns(report)
    if fmt == Fmt.csv:
        flat = [{k: v for k, v in c.items() if not isinstance(v, (list, dict))} for c in columns]
        emit(flat, [], "csv")
        return
    title = f"KPIs, {report['from']} to {report['to']} (as of {report['as_of']})"
    if fmt == Fmt.md:
        say(f"# {title}\n")
        title = "Summary"
    rows, cols = _grid(_metric_rows(columns), columns, headers)
    emit(rows, cols, fmt.value, title=title)
    if report["sales_cycle_left_out"]:
        note = (
            f"The sales cycle leaves out {report['sales_cycle_left_out']} won deal(s) closed "
            "before they were created or with no created date; a cycle counts at least "
            f"{MIN_CYCLE_DAYS:g} day."
        )
        say(f"_{note}_" if fmt == Fmt.md else note)
    if report["conversion_left_out"]:
        note = (
            f"Stage conversion leaves out {report['conversion_left_out']} deal(s) imported "
            "without their stage history (pipeline import history adds it)."
        )
        say(f"_{note}_" if fmt == Fmt.md else note)
    kinds = sorted({kind for c in columns for kind in c["activities"]})
    rows, cols = _grid([(kind, _count("activities", kind)) for kind in kinds], columns, headers)
    emit(rows, cols, fmt.value, title="Activities done", empty="None.")
    conversion = [
        {
            **c,
            "stage": f"{c['pipeline']}: {c['stage']}" if "pipeline" in c else c["stage"],
            "shown": percent(c["rate"]),
        }
        for c in report["conversion"]
    ]
    emit(
        conversion,
        [
            Col("stage", "Stage"),
            Col("entered", "Entered", right=True),
            Col("advanced", "Advanced", right=True),
            Col("shown", "Rate", right=True),
        ],
        fmt.value,
        title="Stage conversion",
    )
    reasons = sorted({r for c in columns for r in c["lost_reasons"]}, key=str.casefold)
    reasons.sort(key=lambda r: -report["lost_reasons"].get(r, 0))
    rows, cols = _grid([(r, _count("lost_reasons", r)) for r in reasons], columns, headers)
    emit(rows, cols, fmt.value, title="Lost reasons", empty="None.")


REVIEW_COLS = [
    Col(
        "deal",
        "Deal",
        flex=True,
        show=lambda r: (
            f"#{r['deal_id']} {r['deal']}"
            if r.get("deal_id")
            else f"lead {r.get('lead_id')}: {r['deal']}"
        ),
    ),
    Col("owner", "Owner", flex=True, drop=1),
    Col(
        "value",
        "Value",
        right=True,
        show=lambda r: (
            "-" if r["value"] is None else f"{amount(r['value'], r['currency'])} {r['currency']}"
        ),
    ),
    Col("change", "Change", flex=True),
]


# Where a section's lines left out of the review can be read in full.
_MORE = {
    "stalled": "pipeline deal list --sort attention",
    "overdue_activities": "pipeline activity list --overdue",
}


def review(
    since: Annotated[str, typer.Option(help="The window: 7d, 2w, 1m ...")] = "7d",
    owner: OwnerOpt = None,
    by: Annotated[str | None, typer.Option(help="'team': each line's team, grouped.")] = None,
    as_of: AsOfOpt = None,
    limit: Annotated[int, typer.Option(help="At most N lines a section.")] = 25,
    fmt: FormatOpt = Fmt.table,
) -> None:
    """The pipeline-meeting printout: new, advanced, moved back, slipped, won, lost, stalled,
    overdue. --format md pastes into meeting notes."""
    from pipeline_tui.services.review import RANKED, SECTIONS
    from pipeline_tui.services.review import review as run

    if by is not None and by.strip().lower() != "team":
        raise PipelineError(f"invalid --by {by!r}: review groups by team only")
    result = run(store(), since, owner, day(as_of), limit, by_team=by is not None)
    data = result.to_dict()
    if fmt == Fmt.json:
        say(to_json(data))
        return
    if fmt == Fmt.csv:
        flat = [
            {"section": key, **{k: v for k, v in line.items() if not isinstance(v, list)}}
            for key, _ in SECTIONS
            for line in data[key]
        ]
        keys = ["section", "deal_id", "deal", "owner", "value", "currency", "change"]
        if result.by_team:
            keys.insert(4, "team")
        emit([{k: row.get(k) for k in keys} for row in flat], [Col(k, k) for k in keys], "csv")
        return
    heading = f"Pipeline review, {data['from']} to {data['to']}"
    if owner:
        heading += f" ({owner})"
    if fmt == Fmt.md:
        say(f"# {heading}\n")
    else:
        say(heading)
    for key, title in SECTIONS:
        lines = data[key]
        more = data["more"].get(key, 0)
        shown = len(lines)
        count = f"{shown} {RANKED[key]} of {shown + more}" if more else str(shown)
        cols = REVIEW_COLS
        if result.by_team:
            team = Col("team", "Team", flex=True, show=lambda r: r["team"] or "(no team)")
            cols = [team, *REVIEW_COLS]
        emit(lines, cols, fmt.value, title=f"{title} ({count})", empty="None.")
        if more:
            hint = _MORE.get(key, f"show them with --limit {shown + more}")
            note = f"... and {more:,} more: {hint}"
            say(f"_{note}_\n" if fmt == Fmt.md else note)
