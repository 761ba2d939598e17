"""Dates and timestamps: strict parsing of what users type, and UTC ISO-8601 storage."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta

from pipeline_tui.models.errors import PipelineError

_RELATIVE = re.compile(r"^([+-])(\d{1,4})([dwm])$")
_NUMERIC = re.compile(r"^(\d{1,4})[/.\-](\d{1,2})[/.\-](\d{1,4})$")
_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_ISO_TS = "%Y-%m-%dT%H:%M:%SZ"


def utcnow() -> datetime:
    """The current time in UTC, to the second."""
    return datetime.now(UTC).replace(microsecond=0)


def today() -> date:
    """Today's date (local calendar)."""
    return date.today()


def iso_ts(moment: datetime) -> str:
    """Storage form of a timestamp: ``2026-11-26T23:30:00Z``."""
    if moment.tzinfo is None:
        moment = moment.astimezone()
    return moment.astimezone(UTC).strftime(_ISO_TS)


def parse_ts(text: str) -> datetime:
    """Read a stored timestamp back."""
    return datetime.strptime(text, _ISO_TS).replace(tzinfo=UTC)


def _weekday(name: str, base: date, strictly_after: bool) -> date | None:
    for i, full in enumerate(_WEEKDAYS):
        if len(name) >= 3 and full.startswith(name):
            ahead = (i - base.weekday()) % 7
            if ahead == 0 and strictly_after:
                ahead = 7
            return base + timedelta(days=ahead)
    return None


def _numeric(text: str, m: re.Match[str]) -> date:
    a, b, c = (int(g) for g in m.groups())
    if len(m.group(1)) == 4:  # ISO-like Y-M-D with other separators
        y, mo, d = a, b, c
    else:
        if len(m.group(3)) != 4:
            raise PipelineError(f"invalid date {text!r}: write the year in full, or use YYYY-MM-DD")
        y = c
        if a > 12 and b <= 12:
            d, mo = a, b
        elif b > 12 and a <= 12:
            mo, d = a, b
        elif a == b:
            d = mo = a
        elif a <= 12 and b <= 12:
            raise PipelineError(
                f"ambiguous date {text!r}: day and month could swap; use YYYY-MM-DD"
            )
        else:
            raise PipelineError(f"invalid date {text!r}")
    try:
        return date(y, mo, d)
    except ValueError:
        raise PipelineError(f"invalid date {text!r}") from None


def parse_date(text: str, base: date | None = None, *, future: bool = False) -> date:
    """Parse what a user types: ISO, ``Dec 1``, ``1 Dec 2026``, ``today``, ``+3d``, ``next friday``.

    Anything ambiguous or invalid raises a PipelineError naming the value. A day and month
    without a year (``Jan 15``) is this year's, or next year's when ``future`` is set and this
    year's has passed: a close date typed in November for "Jan 15" means the coming January.
    """
    base = base or today()
    s = text.strip().lower()
    if not s:
        raise PipelineError("invalid date '': empty")
    if s == "today":
        return base
    if s == "tomorrow":
        return base + timedelta(days=1)
    if s == "yesterday":
        return base - timedelta(days=1)
    rel = _RELATIVE.match(s)
    if rel:
        sign = 1 if rel.group(1) == "+" else -1
        n = int(rel.group(2))
        unit = rel.group(3)
        try:
            if unit == "m":
                from dateutil.relativedelta import relativedelta

                return base + relativedelta(months=sign * n)
            return base + timedelta(days=sign * n * (7 if unit == "w" else 1))
        except (OverflowError, ValueError):
            raise PipelineError(f"invalid date {text!r}: out of range") from None
    words = s.split()
    if len(words) == 2 and words[0] in ("next", "this"):
        found = _weekday(words[1], base, strictly_after=words[0] == "next")
        if found:
            return found
    if len(words) == 1:
        found = _weekday(words[0], base, strictly_after=False)
        if found:
            return found
    try:
        return date.fromisoformat(s)
    except ValueError:
        pass
    num = _NUMERIC.match(s)
    if num:
        return _numeric(text, num)
    if not re.search(r"[a-z]", s):
        raise PipelineError(f"invalid date {text!r}")
    return _dateutil(text, base, future)


def _dateutil(text: str, base: date, future: bool) -> date:
    numbers = re.findall(r"\d+", text)
    if not any(len(n) <= 2 for n in numbers):
        # "December" or "Dec 2026" names no day; dateutil would silently use today's.
        raise PipelineError(f"invalid date {text!r}: give the day too, e.g. '1 Dec 2026'")
    from dateutil import parser

    try:
        parsed = parser.parse(text, default=datetime.combine(base, time()), fuzzy=False).date()
    except (ValueError, OverflowError):
        raise PipelineError(f"invalid date {text!r}") from None
    if future and not any(len(n) == 4 for n in numbers) and parsed < base:
        try:
            parsed = parsed.replace(year=parsed.year + 1)
        except ValueError:  # 29 February
            raise PipelineError(f"invalid date {text!r}: give the year") from None
    return parsed


def parse_moment(text: str, base: date | None = None) -> datetime:
    """A timestamp from user input: a date (noon UTC, or now for today) or ``YYYY-MM-DD HH:MM``."""
    s = text.strip()
    m = re.match(r"^(\d{4}-\d{2}-\d{2})[ T](\d{1,2}:\d{2}(?::\d{2})?)$", s)
    if m:
        try:
            local = datetime.fromisoformat(f"{m.group(1)}T{m.group(2)}")
        except ValueError:
            raise PipelineError(f"invalid date {text!r}") from None
        return local.astimezone(UTC).replace(microsecond=0)
    day = parse_date(s, base)
    if day == (base or today()):
        return utcnow()
    return datetime.combine(day, time(12, 0), tzinfo=UTC)


def not_future(moment: datetime, what: str, shown: str) -> datetime:
    """Refuse a backdating timestamp that lies in the future."""
    if moment > utcnow() + timedelta(seconds=5):
        raise PipelineError(f"{what} {shown!r} is in the future")
    return moment
