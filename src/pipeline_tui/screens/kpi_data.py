"""The numbers behind the KPI screen, gathered in one worker call.

This is an adapter. ``services.forecast`` and ``services.kpis`` are being written on
another branch; until they land, the two functions marked SWITCH below compute the
numbers from ``store.dashboard``. At merge, replace their bodies with calls to:

- ``services.forecast.forecast(store, period: str, owner: str | None = None)`` where
  period is ``"2026-11"`` or ``"2026-Q4"``, returning per-month rows
  ``(month "YYYY-MM", category, currency, amount_minor)`` for the period's months and the
  target/closed-won/weighted/coverage figures of DESIGN.md §3;
- ``services.kpis.kpis(store, start: date, end: date, owner: str | None = None)``
  returning win rate (0..1 or None), average won deal size and sales cycle days over
  deals closed in [start, end), velocity per day, and the stage conversion list
  ``[(stage, entered, advanced)]``.

Everything else here (periods, currency conversion for display, tiles) stays.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from pipeline_tui.models import dates
from pipeline_tui.models.money import exponent, format_money
from pipeline_tui.services.common import default_currency
from pipeline_tui.store import Store
from pipeline_tui.store import dashboard as q
from pipeline_tui.store.settings import get_setting
from pipeline_tui.store.stages import pipeline_by_name

CATEGORIES = ("closed_won", "commit", "best_case", "pipeline")
CHART_MONTHS = 6


@dataclass(frozen=True)
class Period:
    """A calendar month or quarter: [start, end)."""

    kind: str  # "month" or "quarter"
    start: date
    end: date

    @property
    def label(self) -> str:
        if self.kind == "month":
            return self.start.strftime("%B %Y")
        return f"Q{(self.start.month - 1) // 3 + 1} {self.start.year}"

    @property
    def keys(self) -> list[str]:
        """How a target for this period may be written ('2026-11', '2026-Q4')."""
        if self.kind == "month":
            return [self.start.strftime("%Y-%m")]
        return [f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"]


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def period(kind: str, offset: int = 0, day: date | None = None) -> Period:
    """The month or quarter holding ``day`` (default today), moved by ``offset`` periods."""
    day = day or dates.today()
    if kind == "month":
        start = _add_months(date(day.year, day.month, 1), offset)
        return Period(kind, start, _add_months(start, 1))
    first = date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
    start = _add_months(first, 3 * offset)
    return Period("quarter", start, _add_months(start, 3))


@dataclass(frozen=True)
class Tile:
    key: str
    label: str
    value: str
    detail: str
    tone: str = "neutral"  # good, bad or neutral


@dataclass
class KpiReport:
    period: Period
    owner: str | None
    currency: str
    tiles: list[Tile]
    months: list[str]
    forecast: dict[str, list[float]]  # category -> value per month, in major units
    chart_note: str
    funnel: list[tuple[str, int, int]]
    owners: list[tuple[str, str, str, str, str, str]] = field(default_factory=list)


class Money:
    """Amounts per currency shown in the report currency where a rate is known."""

    def __init__(self, store: Store) -> None:
        self.currency = default_currency(store)
        self._store = store
        self._rates: dict[str, float | None] = {self.currency: 1.0}

    def rate(self, currency: str) -> float | None:
        if currency not in self._rates:
            value = get_setting(self._store, f"rate.{currency}")
            self._rates[currency] = float(value) if value else None
        return self._rates[currency]

    def convert(self, amounts: dict[str, int]) -> tuple[int, dict[str, int]]:
        """(total in the report currency's minor units, amounts that have no rate)."""
        total, left = 0.0, {}
        for cur, minor in amounts.items():
            rate = self.rate(cur)
            if rate is None:
                left[cur] = minor
            else:
                total += minor * rate
        return round(total), left

    def show(self, amounts: dict[str, int]) -> str:
        total, left = self.convert(amounts)
        parts = [format_money(total, self.currency)] if total or not left else []
        parts += [format_money(v, c) for c, v in left.items()]
        return " + ".join(parts)


def _ratio(a: float, b: float) -> float | None:
    return a / b if b else None


def _closed(store: Store, p: Period, owner: str | None, money: Money) -> dict[str, object]:
    """SWITCH to services.kpis: win rate, deal size, cycle, from deals closed in the period."""
    won: dict[str, int] = {}
    won_n = lost_n = 0
    cycle_sum = 0.0
    for status, cur, n, value, days in q.closed_summary(
        store, p.start.isoformat(), p.end.isoformat(), owner
    ):
        if status == "won":
            won[cur] = won.get(cur, 0) + int(value)
            won_n += n
            cycle_sum += (days or 0.0) * n
        else:
            lost_n += n
    won_total, _ = money.convert(won)
    return {
        "won": won,
        "won_n": won_n,
        "lost_n": lost_n,
        "win_rate": _ratio(won_n, won_n + lost_n),
        "avg_size": _ratio(won_total, won_n),
        "cycle": _ratio(cycle_sum, won_n),
    }


def _forecast(
    store: Store, p: Period, owner: str | None, money: Money
) -> tuple[list[str], dict[str, list[float]], str]:
    """SWITCH to services.forecast: value per month and forecast category."""
    months = [_add_months(p.start, i) for i in range(CHART_MONTHS)]
    labels = [m.strftime("%Y-%m") for m in months]
    series = {c: [0.0] * len(labels) for c in CATEGORIES}
    skipped: set[str] = set()
    end = _add_months(p.start, CHART_MONTHS).isoformat()
    for month, category, cur, value in q.forecast_rows(store, p.start.isoformat(), end, owner):
        rate = money.rate(cur)
        if rate is None:
            skipped.add(cur)
        elif category in series and month in labels:
            series[category][labels.index(month)] += value * rate / 10 ** exponent(cur)
    note = f"in {money.currency}"
    if skipped:
        note += f"; {', '.join(sorted(skipped))} not shown (no rate: pipeline config set rate.XXX)"
    return labels, series, note


def report(
    store: Store, kind: str, offset: int, owner: str | None, stalled: int | None
) -> KpiReport:
    """Every number of the KPI screen for one period and owner (None: the whole team)."""
    p = period(kind, offset)
    money = Money(store)
    closed = _closed(store, p, owner, money)
    won: dict[str, int] = closed["won"]  # type: ignore[assignment]
    won_total, _ = money.convert(won)
    target = q.targets(store, p.keys, owner)
    target_total, _ = money.convert(target)
    in_period = q.open_summary(store, owner, p.start.isoformat(), p.end.isoformat())
    open_all = q.open_summary(store, owner)
    period_value = money.convert({c: v for c, _n, v, _w in in_period})[0]
    weighted_period = {c: w for c, _n, _v, w in in_period}
    weighted_all = {c: w for c, _n, _v, w in open_all}
    open_n = sum(n for _c, n, _v, _w in open_all)
    win_rate = closed["win_rate"]
    avg_size, cycle = closed["avg_size"], closed["cycle"]
    tiles = [
        Tile(
            "won",
            f"Won · {p.label}",
            money.show(won) if won else format_money(0, money.currency),
            (
                f"{won_total / target_total:.0%} of target "
                f"{format_money(target_total, money.currency)}"
                if target_total
                else "no target set"
            ),
            "good" if target_total and won_total >= target_total else "neutral",
        ),
        Tile(
            "coverage",
            "Coverage",
            f"{period_value / (target_total - won_total):.1f}×"
            if target_total > won_total
            else "—",
            f"open closing in period {format_money(period_value, money.currency)}",
        ),
        Tile(
            "weighted",
            "Weighted pipeline",
            money.show(weighted_period) if weighted_period else format_money(0, money.currency),
            f"closing in period; all open {money.show(weighted_all) if weighted_all else '0'}",
        ),
        Tile(
            "win_rate",
            "Win rate",
            f"{win_rate:.0%}" if isinstance(win_rate, float) else "—",
            f"{closed['won_n']} won · {closed['lost_n']} lost in period",
        ),
        Tile(
            "cycle",
            "Sales cycle",
            f"{cycle:.0f} days" if isinstance(cycle, float) else "—",
            "created to won, deals won in period",
        ),
        Tile(
            "velocity",
            "Velocity",
            (
                format_money(round(open_n * win_rate * avg_size / max(cycle, 1.0)), money.currency)
                + "/day"
                if isinstance(win_rate, float)
                and isinstance(avg_size, float)
                and isinstance(cycle, float)
                else "—"
            ),
            f"{open_n} open × win rate × avg size / cycle",
        ),
        Tile(
            "stalled",
            "Stalled",
            "…" if stalled is None else str(stalled),
            f"of {open_n} open deals",
            "bad" if stalled else "neutral",
        ),
    ]
    months, series, note = _forecast(store, p, owner, money)
    pipeline = pipeline_by_name(store, None)
    return KpiReport(
        p,
        owner,
        money.currency,
        tiles,
        months,
        series,
        note,
        q.stage_conversion(store, pipeline.id, owner),
        _owner_rows(store, p, money),
    )


@dataclass
class _OwnerTotals:
    open: int = 0
    won: int = 0
    lost: int = 0
    value: dict[str, int] = field(default_factory=dict)
    weighted: dict[str, int] = field(default_factory=dict)
    won_value: dict[str, int] = field(default_factory=dict)


def _owner_rows(store: Store, p: Period, money: Money) -> list[tuple[str, str, str, str, str, str]]:
    acc: dict[str, _OwnerTotals] = {}
    for name, cur, n_open, v_open, w_open, n_won, v_won, n_lost in q.owner_summary(
        store, p.start.isoformat(), p.end.isoformat()
    ):
        a = acc.setdefault(name, _OwnerTotals())
        a.open += int(n_open or 0)
        a.won += int(n_won or 0)
        a.lost += int(n_lost or 0)
        for bucket, value in ((a.value, v_open), (a.weighted, (w_open or 0) / 100),
                              (a.won_value, v_won)):  # fmt: skip
            if value:
                bucket[cur] = bucket.get(cur, 0) + round(value)
    rows = []
    for name, a in acc.items():
        rate = _ratio(a.won, a.won + a.lost)
        rows.append(
            (
                name,
                str(a.open),
                money.show(a.value) if a.value else "—",
                money.show(a.weighted) if a.weighted else "—",
                money.show(a.won_value) if a.won_value else "—",
                f"{rate:.0%}" if rate is not None else "—",
            )
        )
    return rows


def stalled_count(store: Store, owner: str | None) -> int:
    """Open deals the attention service calls stalled, for an owner or the team."""
    from pipeline_tui.services.attention import attention
    from pipeline_tui.store.paging import DealQuery, ordered_ids

    if owner is None:
        return sum(1 for a in attention(store).values() if a.stalled)
    ids = ordered_ids(store, DealQuery(owner=owner))
    count = 0
    for start in range(0, len(ids), 10_000):
        count += sum(1 for a in attention(store, ids[start : start + 10_000]).values() if a.stalled)
    return count
