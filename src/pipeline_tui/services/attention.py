"""Stalled deals and the attention score: which open deals need a rep's time first.

The score follows taskwarrior's urgency: a sum of terms, each a weight (a setting,
``attention.<term>``) times a factor between 0 and 1, so it can be explained term by term.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from pipeline_tui.models.dates import today
from pipeline_tui.models.money import to_major
from pipeline_tui.store.api import DealSignals, Store

DEFAULT_WEIGHTS = {
    "overdue": 8.0,  # next step overdue (half on the day it is due)
    "no_next_step": 5.0,  # nothing planned
    "stalled": 4.0,  # longer in the stage than its stall threshold
    "close": 3.0,  # close date past (1), within 7 days (0.75), within 30 days (0.3)
    "value": 2.0,  # log scale: 1 at a million in major units
    "inactive": 3.0,  # days since the last done activity, 1 at 30 days
}


@dataclass(frozen=True)
class Term:
    name: str
    factor: float
    weight: float
    detail: str

    @property
    def points(self) -> float:
        return round(self.factor * self.weight, 2)


@dataclass(frozen=True)
class Attention:
    deal_id: int
    terms: tuple[Term, ...]
    stalled_reasons: tuple[str, ...]

    @property
    def score(self) -> float:
        return round(sum(t.points for t in self.terms), 2)

    @property
    def stalled(self) -> bool:
        return bool(self.stalled_reasons)


def weights(store: Store) -> dict[str, float]:
    # One read of all settings, not one per weight: on a server each read is a round trip.
    stored = store.settings.all_settings()
    result = dict(DEFAULT_WEIGHTS)
    for key in result:
        value = stored.get(f"attention.{key}")
        if value is not None:
            result[key] = float(value)
    return result


def _day_of(stamp: str) -> date:
    """The UTC day of a stored timestamp; slicing beats strptime, which dominated scoring."""
    return date.fromisoformat(stamp[:10])


def days_in_stage(sig: DealSignals, day: date) -> int:
    entered = sig.stage_entered_at or sig.created_at
    if entered is None:  # imported without a date: its age is unknown, never guessed
        return 0
    return (day - _day_of(entered)).days


def stalled_reasons(sig: DealSignals, day: date) -> tuple[str, ...]:
    """Why a deal counts as stalled (README.md, Concepts); empty when it does not."""
    reasons = []
    in_stage = days_in_stage(sig, day)
    if in_stage > sig.stalled_after_days:
        reasons.append(f"{in_stage} days in stage (threshold {sig.stalled_after_days})")
    if not sig.next_step:
        reasons.append("no next step")
    elif sig.next_due and sig.next_due < day.isoformat():
        reasons.append(f"next step overdue since {sig.next_due}")
    return tuple(reasons)


def _close_factor(close: str | None, day: date) -> tuple[float, str]:
    if not close:
        return 0.0, "no close date"
    days = (date.fromisoformat(close) - day).days
    if days < 0:
        return 1.0, f"close date {-days} days past"
    if days <= 7:
        return 0.75, f"closes in {days} days"
    if days <= 30:
        return 0.3, f"closes in {days} days"
    return 0.0, f"closes in {days} days"


def assess(sig: DealSignals, w: dict[str, float], day: date) -> Attention:
    terms: list[Term] = []
    due = sig.next_due
    if sig.next_step and due and due < day.isoformat():
        terms.append(Term("overdue", 1.0, w["overdue"], f"next step due {due}"))
    elif sig.next_step and due == day.isoformat():
        terms.append(Term("overdue", 0.5, w["overdue"], "next step due today"))
    if not sig.next_step:
        terms.append(Term("no_next_step", 1.0, w["no_next_step"], "no next step"))
    in_stage = days_in_stage(sig, day)
    if in_stage > sig.stalled_after_days:
        detail = f"{in_stage} days in stage (threshold {sig.stalled_after_days})"
        terms.append(Term("stalled", 1.0, w["stalled"], detail))
    factor, detail = _close_factor(sig.close_date, day)
    if factor:
        terms.append(Term("close", factor, w["close"], detail))
    major = 0.0 if sig.value_minor is None else float(to_major(sig.value_minor, sig.currency))
    if major >= 1:
        terms.append(
            Term("value", min(1.0, math.log10(major) / 6), w["value"], f"value {major:,.0f}")
        )
    last = sig.last_activity_at or sig.created_at
    idle = 0 if last is None else (day - _day_of(last)).days
    if idle > 0:
        terms.append(
            Term("inactive", min(1.0, idle / 30), w["inactive"], f"{idle} days since activity")
        )
    return Attention(sig.id, tuple(terms), stalled_reasons(sig, day))


def attention(
    store: Store, deal_ids: list[int] | None = None, day: date | None = None
) -> dict[int, Attention]:
    """Attention (score, terms, stalled reasons) for open deals, by deal id."""
    day = day or today()
    w = weights(store)
    return {s.id: assess(s, w, day) for s in store.deals.open_deal_signals(deal_ids)}
