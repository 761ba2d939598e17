"""Small pure helpers shared by the widgets: initials, short money, next-activity state."""

from __future__ import annotations

from pipeline_tui.models.money import exponent
from pipeline_tui.store.paging import NONE_PLANNED, UNDATED

OVERDUE, TODAY, NONE, FUTURE = "overdue", "today", "none", "future"


def initials(name: str | None) -> str:
    """'Ana Ruiz' -> 'AR'; at most three letters."""
    if not name:
        return "--"
    return "".join(part[0] for part in name.split() if part)[:3].upper()


def short_money(minor: int, currency: str) -> str:
    """Compact money for narrow cards: '12.5k USD', '1.2M EUR', '950 GBP'."""
    major = minor / 10 ** exponent(currency)
    for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(major) >= limit:
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
