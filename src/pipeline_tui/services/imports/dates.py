"""Date and time columns: the evidence that decides a column's format, and its converters."""

from __future__ import annotations

import re
import time as _time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo

from pipeline_tui.models.errors import PipelineError
from pipeline_tui.services.imports.cells import BadValue, Spec

_TIME = re.compile(
    r"^(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?\s*([AaPp][Mm])?\s*"
    r"(Z|UTC|GMT|[+-]\d{2}:?\d{2})?$"
)
_TIME_AT = re.compile(r"(?<![\d.])\d{1,2}:\d{2}")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_YMD = re.compile(r"^(\d{4})[/.](\d{1,2})[/.](\d{1,2})$")
_NUM = re.compile(r"^(\d{1,2})([/.\-])(\d{1,2})\2(\d{4}|\d{2})$")
_NAMED_FORMATS = ("%d %b %Y", "%d %B %Y", "%b %d, %Y", "%B %d, %Y", "%d-%b-%Y", "%d-%b-%y",
                  "%b %d %Y", "%d. %B %Y", "%d %b, %Y")  # fmt: skip
_CACHE_MAX = 200_000


def _split(text: str) -> tuple[str, str]:
    """Date part and time part: '4/8/2025 17:19', '2024-01-22T16:14:25.000+0000' and
    'Feb 22, 2025 5:00 PM' all work."""
    d, sep, t = text.partition(" ")
    if not sep and "T" in text:
        d, _, t = text.partition("T")
    if d[:1].isdigit() and d[-1:].isdigit() and (not t or t[:1].isdigit()):
        return d, t.strip()
    found = _TIME_AT.search(text)  # month names: the time, if any, comes last
    if found is None:
        return text.strip(), ""
    return text[: found.start()].rstrip(" T,"), text[found.start() :]


def _year(text: str) -> int:
    y = int(text)
    return y if len(text) == 4 else (2000 + y if y < 69 else 1900 + y)


# -- deciding a date column -----------------------------------------------------------------


@dataclass
class DateEvidence:
    """What the values of one column say about its format."""

    iso: int = 0
    ymd: int = 0
    dmy_only: int = 0
    mdy_only: int = 0
    either: int = 0
    dotted: int = 0
    named: dict[str, int] | None = None
    other: int = 0
    seen: int = 0

    def add(self, text: str) -> None:
        value = text.strip()
        if not value:
            return
        self.seen += 1
        d, _ = _split(value)
        if _ISO.match(d):
            self.iso += 1
            return
        if _YMD.match(d):
            self.ymd += 1
            return
        m = _NUM.match(d)
        if m:
            a, b = int(m.group(1)), int(m.group(3))
            if m.group(2) == ".":
                self.dotted += 1
            if a > 12 and b <= 12:
                self.dmy_only += 1
            elif b > 12 and a <= 12:
                self.mdy_only += 1
            elif a <= 12 and b <= 12:
                self.either += 1
            else:
                self.other += 1
            return
        if any(c.isalpha() for c in d):
            self.named = self.named or {}
            for fmt in _NAMED_FORMATS:
                try:
                    datetime.strptime(d, fmt)
                except ValueError:
                    continue
                self.named[fmt] = self.named.get(fmt, 0) + 1
            return
        self.other += 1

    @property
    def undecided(self) -> bool:
        """Only day/month-swappable values so far: more rows may settle it."""
        numeric = self.dmy_only + self.mdy_only + self.either
        return (
            numeric > 0
            and self.dmy_only == 0
            and self.mdy_only == 0
            and self.dotted < numeric
            and numeric >= max(self.iso + self.ymd, 1)
        )

    def decide(self, column: str, dayfirst: bool | None) -> str:
        """The column's format: iso, dmy, mdy or a strptime format for month names."""
        numeric = self.dmy_only + self.mdy_only + self.either
        named = max(self.named.values()) if self.named else 0
        best = max(self.iso + self.ymd, numeric, named)
        if best == 0:
            return "iso"
        if self.iso + self.ymd == best:
            return "iso"
        if numeric == best:
            if dayfirst is not None:
                return "dmy" if dayfirst else "mdy"
            if self.dmy_only > self.mdy_only:
                return "dmy"
            if self.mdy_only > self.dmy_only:
                return "mdy"
            if self.dotted == numeric:  # 1.2.2024 is day-first wherever it is written
                return "dmy"
            raise PipelineError(
                f"column {column!r}: dates such as 03/04/2025 fit both day-first and "
                "month-first, and no value settles it; give --dayfirst or --monthfirst"
            )
        assert self.named is not None
        return max(self.named, key=lambda f: self.named[f] if self.named else 0)


# -- converting one date value ---------------------------------------------------------------


def _date_part(d: str, fmt: str) -> date:
    if fmt == "iso":
        m = _ISO.match(d) or _YMD.match(d)
        if not m:
            raise ValueError
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    if fmt in ("dmy", "mdy"):
        m = _NUM.match(d)
        if not m:
            raise ValueError
        a, b, y = int(m.group(1)), int(m.group(3)), _year(m.group(4))
        return date(y, b, a) if fmt == "dmy" else date(y, a, b)
    return datetime.strptime(d, fmt).date()


def _time_part(t: str) -> tuple[str, timedelta | None]:
    """('HH:MM:SS', UTC offset or None for a naive time)."""
    m = _TIME.match(t)
    if not m:
        raise ValueError
    h, mi, s = int(m.group(1)), int(m.group(2)), int(m.group(3) or 0)
    ampm = (m.group(4) or "").lower()
    if ampm:
        if not 1 <= h <= 12:
            raise ValueError
        h = h % 12 + (12 if ampm == "pm" else 0)
    if h > 23 or mi > 59 or s > 59:
        raise ValueError
    zone = m.group(5)
    offset: timedelta | None = None
    if zone in ("Z", "UTC", "GMT"):
        offset = timedelta(0)
    elif zone:
        z = zone.replace(":", "")
        sign = -1 if z[0] == "-" else 1
        offset = sign * timedelta(hours=int(z[1:3]), minutes=int(z[3:5]))
    return f"{h:02d}:{mi:02d}:{s:02d}", offset


def local_is_utc() -> bool:
    return _time.timezone == 0 and _time.altzone == 0


def make_date_converter(fmt: str, *, as_timestamp: bool, zone: str | None) -> Callable[[str], str]:
    """A converter for one column: 'value' -> ISO date, or UTC timestamp when as_timestamp.

    Naive times are read in ``zone`` (an IANA name), or in local time when zone is None.
    A bare date in a timestamp column means noon UTC of that day, as dates typed at the CLI do.
    Results are cached per distinct text, since real columns repeat values heavily.
    """
    tz: tzinfo | None = None
    naive_utc = False
    if zone is not None and zone.upper() == "UTC":
        naive_utc = True
    elif zone is not None:
        from zoneinfo import ZoneInfo

        tz = ZoneInfo(zone)
    else:
        naive_utc = local_is_utc()
    dates: dict[str, str] = {}
    # time text -> ('HH:MM:SS', offset or None, True when the text already is UTC)
    times: dict[str, tuple[str, timedelta | None, bool]] = {}

    def day(d: str) -> str:
        found = dates.get(d)
        if found is None:
            if len(dates) > _CACHE_MAX:
                dates.clear()
            try:
                found = dates[d] = _date_part(d, fmt).isoformat()
            except (ValueError, OverflowError):
                raise BadValue("not a date") from None
        return found

    def clock(t: str) -> tuple[str, timedelta | None, bool]:
        if len(times) > _CACHE_MAX:
            times.clear()
        try:
            hms, offset = _time_part(t)
        except ValueError:
            raise BadValue("not a time") from None
        found = times[t] = (hms, offset, offset == timedelta(0) or offset is None and naive_utc)
        return found

    def shifted(iso_day: str, hms: str, offset: timedelta | None) -> str:
        moment = datetime.fromisoformat(f"{iso_day}T{hms}")
        if offset is not None:
            moment = moment - offset
        else:
            aware = moment.replace(tzinfo=tz) if tz is not None else moment.astimezone()
            moment = aware.astimezone(UTC).replace(tzinfo=None)
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")

    def stamp(text: str) -> str:
        # The common shapes ('4/8/2025 17:19', ISO with a T) need no call beyond two dict
        # lookups: this runs once per row of a million-row file.
        d, sep, t = text.partition(" ")
        if not sep and "T" in text:
            d, _, t = text.partition("T")
        if not (d[:1].isdigit() and d[-1:].isdigit() and (not t or t[:1].isdigit())):
            d, t = _split(text)
        iso_day = dates.get(d) or day(d)
        if not t:
            return iso_day + "T12:00:00Z"
        hms, offset, utc = times.get(t) or clock(t.strip())
        if utc:
            return iso_day + "T" + hms + "Z"
        return shifted(iso_day, hms, offset)

    def only_day(text: str) -> str:
        d, t = _split(text)
        return day(d)

    return stamp if as_timestamp else only_day


def date_reader(spec: Spec, name: str, *, timestamp: bool) -> Callable[[str], str | None] | None:
    """The reader of date field ``name`` in the file's decided format; None if no column."""
    if name not in spec.fields:
        return None
    convert = make_date_converter(spec.formats[name], as_timestamp=timestamp, zone=spec.zone)
    column = name.replace("_", " ")

    def read(value: str) -> str | None:
        if not value.strip():
            return None
        try:
            return convert(value.strip())
        except BadValue as exc:
            raise BadValue(f"invalid {column} {value.strip()!r}: {exc}") from None

    return read
