"""The forecast: per period, won and open deals by category, weighted, against targets."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pipeline_tui.models import PipelineError
from pipeline_tui.models.money import check_currency, to_major
from pipeline_tui.models.period import Period, check_kind, series
from pipeline_tui.services.asof import check_as_of, source
from pipeline_tui.services.common import default_currency
from pipeline_tui.services.currency import Convert, converter
from pipeline_tui.services.targets import TEAM, TargetBook, owner_id_of
from pipeline_tui.store.api import OpenSum, Scope, Store, WonSum

UNDATED = "undated/overdue"
GROUPINGS = ("category", "owner", "team", "stage", "pipeline")
OPEN_CATEGORIES = ("commit", "best_case", "pipeline")
MAX_PERIODS = 120


def ratio(num: int, den: int | None) -> float | None:
    return None if not den or den <= 0 else round(num / den, 4)


@dataclass
class ForecastRow:
    """One period (or the undated/overdue line), group and currency. Amounts in minor units."""

    period: str
    group: str | None
    currency: str
    closed_won: int = 0
    commit: int = 0
    best_case: int = 0
    pipeline: int = 0
    weighted_x100: int = 0
    deals: int = 0
    target: int | None = None

    @property
    def open_total(self) -> int:
        return self.commit + self.best_case + self.pipeline

    @property
    def empty(self) -> bool:
        """Nothing won, nothing open and no target: a row that says only zeros."""
        return not (self.closed_won or self.open_total or self.deals or self.target)

    @property
    def weighted(self) -> int:
        return (self.weighted_x100 + 50) // 100

    @property
    def attainment(self) -> float | None:
        return ratio(self.closed_won, self.target)

    @property
    def coverage(self) -> float | None:
        """Open pipeline over what is still to win; None without a target or once met."""
        if self.target is None:
            return None
        return ratio(self.open_total, self.target - self.closed_won)

    def to_dict(self, grouped: bool = False) -> dict[str, Any]:
        c = self.currency
        out: dict[str, Any] = {"period": self.period}
        if grouped:
            out["group"] = self.group
        out.update(
            currency=c,
            closed_won=to_major(self.closed_won, c),
            commit=to_major(self.commit, c),
            best_case=to_major(self.best_case, c),
            pipeline=to_major(self.pipeline, c),
            open_total=to_major(self.open_total, c),
            weighted=to_major(self.weighted, c),
            deals=self.deals,
            target=None if self.target is None else to_major(self.target, c),
            attainment=self.attainment,
            coverage=self.coverage,
        )
        return out


@dataclass
class ForecastQuery:
    period: str = "month"
    start: date | None = None
    periods: int = 3
    by: str | None = None
    owner: str | None = None
    pipeline: str | None = None
    as_of: date | None = None
    currency: str | None = None
    all_rows: bool = False  # with --by category: also the categories with nothing


@dataclass
class Forecast:
    kind: str
    periods: list[Period]
    day: date
    by: str | None
    rows: list[ForecastRow] = field(default_factory=list)
    closed_undated: int = 0  # won deals of unknown close time: in no period

    def to_dicts(self) -> list[dict[str, Any]]:
        return [row.to_dict(self.by is not None) for row in self.rows]


def _check(q: ForecastQuery) -> tuple[str, str | None]:
    kind = check_kind(q.period)
    by = q.by.strip().lower() if q.by else None
    if by is not None and by not in GROUPINGS:
        raise PipelineError(f"invalid --by {q.by!r}: use {', '.join(GROUPINGS)}")
    if not 1 <= q.periods <= MAX_PERIODS:
        raise PipelineError(f"invalid --periods {q.periods}: use 1 to {MAX_PERIODS}")
    return kind, by


class _Grid:
    """Accumulates aggregates into rows keyed by (period, group id, currency)."""

    def __init__(self, convert: Convert | None, into: str | None) -> None:
        self.cells: dict[tuple[str, Any, str], ForecastRow] = {}
        self.convert = convert
        self.into = into
        self.seen: dict[Any, set[str]] = defaultdict(set)

    def cell(self, period: str, group: Any, currency: str) -> tuple[ForecastRow, Any]:
        cur = self.into or currency
        key = (period, group, cur)
        if key not in self.cells:
            self.cells[key] = ForecastRow(period, None, cur)
        self.seen[group].add(cur)
        conv = self.convert
        return self.cells[key], (lambda v: conv(v, currency)) if conv else (lambda v: v)

    def add_open(self, s: OpenSum, label: str) -> None:
        row, cv = self.cell(label, s.group, s.currency)
        setattr(row, s.category, getattr(row, s.category) + cv(s.total_minor))
        # Conversion is linear, so hundredths of minor units convert like minor units.
        row.weighted_x100 += cv(s.weighted_x100)
        row.deals += s.deals

    def add_won(self, s: WonSum) -> None:
        row, cv = self.cell(s.period, s.group, s.currency)
        row.closed_won += cv(s.total_minor)


def forecast(store: Store, q: ForecastQuery) -> Forecast:
    kind, by = _check(q)
    day = check_as_of(q.as_of)
    into = check_currency(q.currency) if q.currency else None
    convert = converter(store, into) if into else None
    scope = Scope(
        owner_id_of(store, q.owner) if q.owner else None,
        store.stages.pipeline_by_name(q.pipeline).id if q.pipeline else None,
    )
    periods = series(kind, q.start or day, q.periods)
    start, end = periods[0].start, periods[-1].end
    src = source(store, q.as_of)

    grid = _Grid(convert, into)
    for s in store.reports.open_by_period(src, kind, start, end, by, scope):
        grid.add_open(s, s.period or "")
    for s in store.reports.open_undated(src, day, start, end, by, scope):
        grid.add_open(s, UNDATED)
    for w in store.reports.won_by_period(src, kind, start, end, by, scope):
        grid.add_won(w)

    book = TargetBook.load(store) if by in (None, "owner") and scope.pipeline_id is None else None
    names = store.reports.names(by)
    groups = set(grid.seen)
    if by is None:
        groups.add(None)
    elif by == "category":
        groups.update(names)
    elif by == "team":  # every team, like every owner: a team's empty month is news
        groups.update(g for g in names if g is not None)
    elif by == "stage":
        groups.update(store.reports.active_stage_ids(scope.pipeline_id))
    elif by == "pipeline" and scope.pipeline_id is not None:
        groups.add(scope.pipeline_id)
    if book is not None and by == "owner":
        groups.update(o for o in book.owners if scope.owner_id in (None, o))

    fallback = into or default_currency(store)

    def order(codes: set[str]) -> list[str]:
        return sorted(codes, key=lambda c: (c != fallback, c))

    result = Forecast(kind, periods, day, by)
    result.closed_undated = store.reports.closed_undated(src, scope).get("won", 0)
    ordered_groups = sorted(groups, key=lambda g: _sort_key(g, names))
    for p in [*periods, None]:
        label = p.label if p else UNDATED
        for group in ordered_groups:
            owner = _target_owner(by, group, scope)
            targeted = p is not None and book is not None and owner is not _NO_TARGET
            codes = {c for (pl, g, c) in grid.cells if pl == label and g == group}
            if targeted and into is None:
                assert p is not None and book is not None
                codes.update(book.currencies_of(owner, p))
            # Every period and group gets a row, in the group's main currency if it is empty.
            for cur in order(codes) or order(grid.seen.get(group) or {fallback})[:1]:
                row = grid.cells.get((label, group, cur)) or ForecastRow(label, None, cur)
                if by is not None:
                    row.group = names.get(group, ("(none)", ()))[0]
                if targeted:
                    assert p is not None and book is not None
                    row.target = (
                        book.converted(owner, p, convert) if convert else book.get(owner, p, cur)
                    )
                # A category with nothing in a period is noise; an owner or a stage with
                # nothing is news (a rep's empty month, a stage that emptied), so it stays.
                if by != "category" or q.all_rows or not row.empty:
                    result.rows.append(row)
    return result


_NO_TARGET = object()


def _target_owner(by: str | None, group: Any, scope: Scope) -> Any:
    """Whose target a row is measured against: an owner id, TEAM, or _NO_TARGET."""
    if by is None:
        return scope.owner_id if scope.owner_id is not None else TEAM
    if by == "owner" and group is not None:
        return group
    return _NO_TARGET


def _sort_key(group: Any, names: dict[Any, tuple[str, tuple[Any, ...]]]) -> tuple[Any, ...]:
    if group is None:
        return (1,)
    found = names.get(group)
    return (0, *found[1]) if found else (0, (9,), str(group))
