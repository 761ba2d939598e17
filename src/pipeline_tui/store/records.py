"""The plain records the store's queries take and return, shared by every backend."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

NONE_PLANNED = "9999-12-31"  # sentinel: no next step and no planned activity
UNDATED = "9999-12-30"  # sentinel: a next step without a due date
# The orders a DealQuery may ask for (store/sqlite/paging.py maps each to its SQL).
DEAL_SORTS = ("title", "company", "owner", "stage", "value", "close", "next", "status")


@dataclass(frozen=True)
class DealQuery:
    """What the deals table or a board column shows; None means 'any'."""

    status: str | None = "open"
    owner: str | None = None
    stage_id: int | None = None
    pipeline_id: int | None = None
    text: str | None = None
    sort: str = "close"
    descending: bool = False


@dataclass(frozen=True)
class DealRow:
    """One line of the deals table, or one card of the board."""

    id: int
    title: str
    company: str | None
    owner: str | None
    stage: str
    stage_id: int
    status: str
    value_minor: int
    currency: str
    probability: int
    close_date: str | None
    next_step: str | None
    next_due: str | None
    next_activity: str
    sort_key: Any = None


@dataclass(frozen=True)
class StageTotals:
    """Open deals of one stage: count, value and weighted value per currency."""

    count: int
    totals: dict[str, int]
    weighted: dict[str, int]


@dataclass
class DealFilter:
    status: str | None = "open"  # None means all
    stage: str | None = None
    owner: str | None = None
    pipeline: str | None = None
    search: str | None = None
    limit: int | None = None


@dataclass(frozen=True)
class DealSignals:
    id: int
    value_minor: int
    currency: str
    close_date: str | None
    next_step: str | None
    next_due: str | None
    stage_entered_at: str | None
    stalled_after_days: int
    last_activity_at: str | None
    created_at: str


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


@dataclass(frozen=True)
class KpiScope:
    """The window (timestamps, ``end`` exclusive), the owner filter and the grouping."""

    start: str
    end: str
    day: date
    owner_id: int | None = None
    by_owner: bool = False

    def group(self, alias: str) -> str:
        return f"{alias}.owner_id" if self.by_owner else "NULL"

    def by(self, *rest: str) -> str:
        """GROUP BY the group (column 1) and ``rest``; a constant group is left out, which
        spares SQLite's sorter a column (measured 2x on a 150k-row count)."""
        cols = (["1"] if self.by_owner else []) + list(rest)
        return f"GROUP BY {', '.join(cols)}" if cols else ""

    def owner(self, alias: str) -> str:
        return f" AND {alias}.owner_id = :owner_id" if self.owner_id is not None else ""

    def params(self, src: Source) -> dict[str, Any]:
        return {
            "start": self.start,
            "end": self.end,
            "day": self.day.isoformat(),
            "owner_id": self.owner_id,
            "cut": src.cutoff,
        }


@dataclass(frozen=True)
class Scope:
    """Which deals a report covers: all, or one owner's, or one pipeline's."""

    owner_id: int | None = None
    pipeline_id: int | None = None

    def sql(self) -> str:
        out = ""
        if self.owner_id is not None:
            out += " AND d.owner_id = :owner_id"
        if self.pipeline_id is not None:
            out += " AND d.pipeline_id = :pipeline_id"
        return out

    def params(self) -> dict[str, Any]:
        return {"owner_id": self.owner_id, "pipeline_id": self.pipeline_id}


@dataclass(frozen=True)
class OpenSum:
    """Open deals of one period (None: undated or overdue), group, currency and category."""

    period: str | None
    group: Any
    currency: str
    category: str
    deals: int
    total_minor: int
    weighted_x100: int  # sum of value_minor x probability: divide by 100 once, at the end


@dataclass(frozen=True)
class WonSum:
    period: str
    group: Any
    currency: str
    deals: int
    total_minor: int


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
