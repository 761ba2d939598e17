"""Small pure helpers shared by the widgets: one-line text, initials, short money, activity."""

from __future__ import annotations

from pipeline_tui.models.money import exponent
from pipeline_tui.store.api import NONE_PLANNED, UNDATED

OVERDUE, TODAY, NONE, FUTURE = "overdue", "today", "none", "future"
_BREAKS = str.maketrans(dict.fromkeys("\t\n\r\v\f", " "))


def one_line(text: str) -> str:
    """User text for a one-line cell: line breaks and tabs read as spaces (the app's
    filter would drop them, gluing words). One character for one, so spans keep place."""
    return text.translate(_BREAKS)


def initials(name: str | None) -> str:
    """'Ana Ruiz' -> 'AR'; at most three letters."""
    if not name:
        return "--"
    return "".join(part[0] for part in name.split() if part)[:3].upper()


def short_money(minor: int | None, currency: str) -> str:
    """Compact money for narrow cards: '12.5k USD', '1.2M EUR', '950 GBP'; unknown: '—'."""
    if minor is None:
        return "—"
    major = minor / 10 ** exponent(currency)
    units = ((1e3, "k"), (1e6, "M"), (1e9, "B"), (1e12, "T"))
    for i in reversed(range(len(units))):
        limit, suffix = units[i]
        if abs(major) >= limit:
            if abs(round(major / limit, 1)) >= 1000 and i + 1 < len(units):
                limit, suffix = units[i + 1]  # 999,960 rounds up: '1M', not '1000k'
            text = f"{major / limit:.1f}".rstrip("0").rstrip(".")
            return f"{text}{suffix} {currency}"
    return f"{major:,.0f} {currency}"


def activity_state(next_activity: str | None, today: str) -> str:
    """overdue, today, none (nothing planned) or future, from the earliest planned date."""
    if not next_activity or next_activity == NONE_PLANNED:
        return NONE
    if next_activity == UNDATED:
        return FUTURE
    if next_activity < today:
        return OVERDUE
    if next_activity == today:
        return TODAY
    return FUTURE


def activity_label(state: str, next_activity: str | None) -> str:
    if state == OVERDUE:
        return f"overdue since {next_activity}"
    if state == TODAY:
        return "due today"
    if state == NONE:
        return "nothing planned"
    if next_activity == UNDATED:
        return "planned, no date"
    return f"next {next_activity}"
