"""The plain records the store's queries take and return, shared by every backend."""

from __future__ import annotations

from dataclasses import dataclass

NONE_PLANNED = "9999-12-31"  # sentinel: no next step and no planned activity
UNDATED = "9999-12-30"  # sentinel: a next step without a due date
# The orders a DealQuery may ask for (store/sqlite/paging.py maps each to its SQL).
DEAL_SORTS = ("title", "company", "owner", "stage", "value", "close", "next", "status")


@dataclass
class DealFilter:
    status: str | None = "open"  # None means all
    no_next_step: bool = False
    stage: str | None = None
    owner: str | None = None
    pipeline: str | None = None
    search: str | None = None
    limit: int | None = None


@dataclass(frozen=True)
class ActivityFilter:
    """Which activities `activity list` shows; planned ones (or due_before) come soonest
    first, the rest newest first. ``after`` is the last id of the previous page (keyset)."""

    deal_id: int | None = None
    lead_id: int | None = None
    owner: str | None = None
    status: str | None = None  # planned, done or cancelled; None means all
    due_before: str | None = None  # planned and due before this ISO date
    limit: int | None = None
    after: int | None = None


@dataclass(frozen=True)
class DealSignals:
    id: int
    value_minor: int | None
    currency: str
    close_date: str | None
    next_step: str | None
    next_due: str | None
    stage_entered_at: str | None
    stalled_after_days: int
    last_activity_at: str | None
    created_at: str | None


NO_CUT = "9999-12-31T23:59:59Z"


@dataclass(frozen=True)
class Source:
    """Where a report reads deals, stages and stage history: live tables or a replay."""

    deals: str = "deals"
    stages: str = "stages"
    stage_changes: str = "stage_changes"
    deals_view: str = "deals_view"
    cutoff: str = NO_CUT

    @property
    def replayed(self) -> bool:
        return self.cutoff != NO_CUT


LIVE = Source()


# A deal won on the day it was created took a day, not minutes: shorter cycles would turn
# sales velocity (value per day of cycle) into nonsense like millions a day.
MIN_CYCLE_DAYS = 1.0


# -- the import ------------------------------------------------------------------------------
