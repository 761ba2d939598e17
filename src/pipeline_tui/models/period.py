"""Reporting periods (month, quarter, year), their labels and the windows users type."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from pipeline_tui.models.errors import PipelineError

KINDS = ("month", "quarter", "year")
_LABEL = re.compile(r"^(\d{4})(?:-(?:(\d{1,2})|[qQ]([1-4])))?$")
_SPAN = re.compile(r"^(\d{1,5})\s*([dwmy])$")


@dataclass(frozen=True, order=True)
class Period:
    """A calendar period: ``start`` inclusive, ``end`` exclusive."""

    start: date
    end: date
    kind: str

    @property
    def label(self) -> str:
        if self.kind == "month":
            return f"{self.start.year}-{self.start.month:02d}"
        if self.kind == "quarter":
            return f"{self.start.year}-Q{(self.start.month + 2) // 3}"
        return str(self.start.year)

    def next(self) -> Period:
        return period_containing(self.end, self.kind)

    def parts(self) -> list[Period]:
        """The periods one level down: a year's quarters, a quarter's months."""
        if self.kind == "month":
            return []
        sub = "quarter" if self.kind == "year" else "month"
        out = [period_containing(self.start, sub)]
        while out[-1].end < self.end:
            out.append(out[-1].next())
        return out

    def __str__(self) -> str:
        return self.label


def check_kind(kind: str) -> str:
    k = kind.strip().lower()
    if k not in KINDS:
        raise PipelineError(f"invalid period {kind!r}: use month, quarter or year")
    return k


def period_containing(day: date, kind: str) -> Period:
    if kind == "month":
        start = day.replace(day=1)
        end = date(start.year + start.month // 12, start.month % 12 + 1, 1)
    elif kind == "quarter":
        first = 3 * ((day.month - 1) // 3) + 1
        start = date(day.year, first, 1)
        end = date(day.year + (first + 3 > 12), (first + 2) % 12 + 1, 1)
    elif kind == "year":
        start, end = date(day.year, 1, 1), date(day.year + 1, 1, 1)
    else:
        raise PipelineError(f"invalid period {kind!r}: use month, quarter or year")
    return Period(start, end, kind)


def series(kind: str, first: date, count: int) -> list[Period]:
    """``count`` consecutive periods, the first being the one that contains ``first``."""
    out = [period_containing(first, kind)]
    while len(out) < count:
        out.append(out[-1].next())
    return out


def parse_period(text: str) -> Period:
    """``2027-01``, ``2027-Q1`` (or ``2027-q1``) or ``2027``."""
    m = _LABEL.match(text.strip())
    if not m:
        raise PipelineError(f"invalid period {text!r}: use 2027-01, 2027-Q1 or 2027")
    year = int(m.group(1))
    if year < 1900:
        raise PipelineError(f"invalid period {text!r}: year out of range")
    if m.group(2):
        month = int(m.group(2))
        if not 1 <= month <= 12:
            raise PipelineError(f"invalid period {text!r}: month must be 01 to 12")
        return period_containing(date(year, month, 1), "month")
    if m.group(3):
        return period_containing(date(year, 3 * int(m.group(3)) - 2, 1), "quarter")
    return period_containing(date(year, 1, 1), "year")


def parse_span(text: str) -> int:
    """A look-back such as ``7d``, ``6w``, ``3m`` or ``1y``, in days (a month is 30 days)."""
    m = _SPAN.match(text.strip().lower())
    if not m or int(m.group(1)) == 0:
        raise PipelineError(f"invalid span {text!r}: use a number of days like 7d, 6w, 3m or 1y")
    n = int(m.group(1))
    days = n * {"d": 1, "w": 7, "m": 30, "y": 365}[m.group(2)]
    if days > 36_500:
        raise PipelineError(f"invalid span {text!r}: at most 100 years")
    return days


@dataclass(frozen=True)
class Window:
    """A report window of whole days, ``first`` to ``last`` inclusive."""

    first: date
    last: date

    @property
    def start_ts(self) -> str:
        """Lower bound for timestamp columns (stored as ``YYYY-MM-DDTHH:MM:SSZ``)."""
        return self.first.isoformat()

    @property
    def end_ts(self) -> str:
        """Exclusive upper bound for timestamp columns: the day after ``last``."""
        return (self.last + timedelta(days=1)).isoformat()

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1


def window(
    first: date | None, last: date | None, since: str | None, day: date, default_since: str
) -> Window:
    """The window from ``--from/--to`` or ``--since``; it ends on ``day`` unless told.

    ``--since 7d`` is the last 7 days with ``day`` the seventh: a week, not eight days."""
    if since is not None and (first is not None or last is not None):
        raise PipelineError("use either --since or --from/--to, not both")
    if first is None:
        if last is not None:
            raise PipelineError("--to needs --from")
        return Window(day - timedelta(days=parse_span(since or default_since) - 1), day)
    last = last or day
    if last < first:
        raise PipelineError(f"--to {last} is before --from {first}")
    return Window(first, last)
