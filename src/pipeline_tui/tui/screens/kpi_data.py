"""The numbers behind the KPI screen, taken from the forecast and KPI services.

Every figure here comes from ``services.forecast.forecast`` or ``services.kpis.kpis``
with the period as the window, so the screen agrees with
``pipeline forecast --period P --from START --periods 1`` and
``pipeline kpi --from START --to END``. This module only chooses the calls and
formats the results.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from pipeline_tui.models import dates
from pipeline_tui.models.money import format_money, to_major, to_minor
from pipeline_tui.models.period import Period, period_containing
from pipeline_tui.services import kpis as kpi_service
from pipeline_tui.services.common import default_currency
from pipeline_tui.services.forecast import UNDATED, Forecast, ForecastQuery, ForecastRow, forecast
from pipeline_tui.store.api import Store
from pipeline_tui.tui.widgets.common import short_money

CATEGORIES = ("closed_won", "commit", "best_case", "pipeline")
CHART_PERIODS = {"month": 6, "quarter": 4}  # the chart's bars: by month, or by quarter
SHORT_LABELS = {"cycle": "Cycle"}  # for tiles too narrow for the whole label
Money = Callable[[int, str], str]


def period(kind: str, offset: int = 0, day: date | None = None) -> Period:
    """The month or quarter holding ``day`` (default today), moved by ``offset`` periods."""
    p = period_containing(day or dates.today(), kind)
    for _ in range(abs(offset)):
        p = p.next() if offset > 0 else period_containing(p.start - timedelta(days=1), kind)
    return p


def title(p: Period) -> str:
    if p.kind == "month":
        return p.start.strftime("%B %Y")
    return f"Q{(p.start.month + 2) // 3} {p.start.year}"


@dataclass(frozen=True)
class Tile:
    key: str
    label: str
    value: str
    detail: str
    tone: str = "neutral"  # good, bad or neutral
    value_short: str = ""  # amounts abbreviated (197.3k USD), for a narrow tile
    detail_short: str = ""

    @property
    def short_label(self) -> str:
        return SHORT_LABELS.get(self.key, self.label)


@dataclass
class KpiReport:
    period: Period
    owner: str | None
    currency: str | None  # None: amounts are shown per currency (a rate is missing)
    tiles: list[Tile]
    chart_periods: list[str]  # the chart's bars: months, or quarters in quarter mode
    forecast: dict[str, list[float]]  # category -> value per chart period, in major units
    chart_note: str
    funnel: list[tuple[str, int, int]]
    owners: list[tuple[str, str, str, str, str, str]] = field(default_factory=list)

    @property
    def title(self) -> str:
        return title(self.period)


def _money(parts: list[tuple[int, str]], fmt: Money = format_money) -> str:
    """``12,000.00 EUR + 500.00 USD``; zero in the first currency when empty."""
    shown = [fmt(minor, cur) for minor, cur in parts if minor]
    return " + ".join(shown) or (fmt(0, parts[0][1]) if parts else "0")


def _calls(
    store: Store, p: Period, owner: str | None, into: str | None
) -> tuple[Forecast, Forecast, kpi_service.KpiReport]:
    base = ForecastQuery(period=p.kind, start=p.start, periods=1, owner=owner, currency=into)
    now = forecast(store, base)
    chart = forecast(
        store,
        ForecastQuery(period=p.kind, start=p.start, periods=CHART_PERIODS[p.kind], owner=owner,
                      currency=into),
    )  # fmt: skip
    k = kpi_service.kpis(
        store, first=p.start, last=p.end - timedelta(days=1), owner=owner, by_owner=True,
        currency=into,
    )  # fmt: skip
    return now, chart, k


def _report_currency(store: Store) -> str | None:
    """The default currency when every currency in use has a rate, else None."""
    base = default_currency(store)
    rates = {
        k.removeprefix("rate.") for k in store.settings.all_settings() if k.startswith("rate.")
    }
    used = store.settings.currencies_in_use()
    return base if used <= rates | {base} else None


def report(store: Store, kind: str, offset: int, owner: str | None) -> KpiReport:
    """Every number of the KPI screen for one period and owner (None: the whole team).

    Amounts are converted into the default currency when every currency has a rate;
    otherwise they are shown per currency, as the CLI does without ``--currency``.
    """
    p = period(kind, offset)
    into = _report_currency(store)
    now, chart, k = _calls(store, p, owner, into)
    rows = [r for r in now.rows if r.period == p.label]
    series, labels, note = _chart(chart, into or default_currency(store))
    return KpiReport(
        p,
        owner,
        into,
        _both_tiles(rows, k),
        labels,
        series,
        note,
        _funnel(store, k.team.conversion),
        [_owner_row(o) for o in k.owners or []],
    )


def _funnel(store: Store, conversion: list[dict[str, Any]]) -> list[tuple[str, int, int]]:
    """The default pipeline's stages: the service lists every pipeline's when there are
    several, and one chart of two pipelines' stages would read as one funnel."""
    default = store.stages.pipeline_by_name(None).name
    return [
        (c["stage"], c["entered"], c["advanced"])
        for c in conversion
        if c.get("pipeline", default) == default
    ]


def _both_tiles(rows: list[ForecastRow], k: kpi_service.KpiReport) -> list[Tile]:
    """The tiles with exact amounts, and the same abbreviated for narrow tiles."""
    short = _tiles(rows, k, short_money)
    return [
        Tile(t.key, t.label, t.value, t.detail, t.tone, s.value, s.detail)
        for t, s in zip(_tiles(rows, k, format_money), short, strict=True)
    ]


def _tiles(rows: list[ForecastRow], k: kpi_service.KpiReport, fmt: Money) -> list[Tile]:
    team = k.team
    won = [(r.closed_won, r.currency) for r in rows]
    targeted = [r for r in rows if r.target]
    attainment = "; ".join(
        f"{r.attainment:.0%} of target {fmt(r.target or 0, r.currency)}"
        for r in targeted
        if r.attainment is not None
    )
    met = bool(targeted) and all(r.closed_won >= (r.target or 0) for r in targeted)
    coverage = [f"{r.coverage:.1f}×" for r in rows if r.coverage is not None]
    money = list(team.money.values())
    rate, cycle = team.win_rate, team.sales_cycle_days
    per_day = [(m.velocity(team.exact_win_rate, team.cycle), m.currency) for m in money]
    velocity = [(v, c) for v, c in per_day if v is not None]
    open_n = sum(m.open_deals for m in money)
    exact = fmt is format_money  # velocity is a float a day, shown as the CLI shows it
    per_day_text = " + ".join(
        f"{v:,.2f} {c}" if exact else fmt(to_minor(v, c), c) for v, c in velocity
    )
    return [
        Tile("won", "Won", _money(won, fmt), attainment or "no target set",
             "good" if met else "neutral"),
        Tile("coverage", "Coverage", " · ".join(coverage) or "—",
             f"open closing in period {_money([(r.open_total, r.currency) for r in rows], fmt)}"),
        Tile("weighted", "Weighted", _money([(r.weighted, r.currency) for r in rows], fmt),
             "in period; all open " + _money([(m.weighted, m.currency) for m in money], fmt)),
        Tile("win_rate", "Win rate", "—" if rate is None else f"{rate:.0%}",
             f"{team.won} won · {team.lost} lost in period"),
        Tile("cycle", "Sales cycle", "—" if cycle is None else f"{cycle:.0f} days",
             "created to won, for deals won in period"),
        Tile("velocity", "Velocity", per_day_text or "—",
             f"a day: {open_n} open × win rate × size / cycle"),
        Tile("stalled", "Stalled", str(team.stalled_deals), f"of {open_n} open deals",
             "bad" if team.stalled_deals else "good"),
    ]  # fmt: skip


def _chart(chart: Forecast, currency: str) -> tuple[dict[str, list[float]], list[str], str]:
    """Value per chart period and category in ``currency``; other currencies are left out."""
    labels = [m.label for m in chart.periods]
    series = {c: [0.0] * len(labels) for c in CATEGORIES}
    skipped: set[str] = set()
    for row in chart.rows:
        if row.period == UNDATED or row.period not in labels:
            continue
        if row.currency != currency:
            if any(getattr(row, c) for c in CATEGORIES):
                skipped.add(row.currency)
            continue
        for c in CATEGORIES:
            series[c][labels.index(row.period)] += to_major(getattr(row, c), currency)
    note = f"in {currency}"
    if skipped:
        note += f"; {', '.join(sorted(skipped))} not shown (no rate: pipeline config set rate.XXX)"
    return series, labels, note


def _owner_row(o: kpi_service.Kpis) -> tuple[str, str, str, str, str, str]:
    money = list(o.money.values())

    def total(parts: list[tuple[int, str]]) -> str:
        return _money(parts) if any(v for v, _c in parts) else "—"

    return (
        o.owner or "(no owner)",
        str(sum(m.open_deals for m in money)),
        total([(m.open_value, m.currency) for m in money]),
        total([(m.weighted, m.currency) for m in money]),
        total([(m.won_value, m.currency) for m in money]),
        "—" if o.win_rate is None else f"{o.win_rate:.0%}",
    )
