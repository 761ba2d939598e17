"""Keyset-paged deal rows and per-stage totals for the TUI's table and board."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


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
    value_minor: int | None  # None: the amount is unknown (imported empty)
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


# The lists RecordQuery pages, each in its own order (store/sqlite/record_pages.py).
RECORD_KINDS = ("leads", "companies", "people", "planned")


@dataclass(frozen=True)
class RecordQuery:
    """What the leads, contacts or Today list shows; None means 'any'.

    Leads come newest first, companies and people by name, planned activities (open plans
    due in [start, end), from any time when start is None) soonest first."""

    kind: str  # one of RECORD_KINDS
    statuses: tuple[str, ...] | None = None  # leads only
    owner: str | None = None
    text: str | None = None
    start: str | None = None  # planned only
    end: str | None = None  # planned only
