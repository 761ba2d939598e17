"""The plain records the store's queries take and return, shared by every backend."""

from __future__ import annotations

from dataclasses import dataclass, field
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
    no_next_step: bool = False
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


# -- the import ------------------------------------------------------------------------------

# The columns of a spool row per entity, after (line, err): the row builders
# (services/imports/rows.py) make tuples in this order, the import session reads them by name.
SPOOL_COLUMNS: dict[str, tuple[str, ...]] = {
    "leads": ("ident", "ext", "self_id", "name", "email", "phone", "ckey", "source", "okey",
              "status", "notes", "created_at", "disq", "custom"),
    "deals": ("ident", "ext", "self_id", "title", "title_auto", "tkey", "ckey", "contact",
              "contact_email", "cekey", "okey", "pkey", "skey", "status",
              "value_minor", "currency", "probability", "category", "close_date", "next_step",
              "next_due", "lost_reason", "created_at", "closed_at", "lead_ext", "lead_self",
              "custom"),
    "activities": ("ident", "ext", "self_id", "kind", "subject", "deal_ext", "deal_self",
                   "lead_ext", "lead_self", "lead_ekey", "okey", "done_at", "due_at",
                   "outcome", "notes", "created_at", "custom"),
}  # fmt: skip
# One CSV stage name resolved: (pipeline key, stage key, pipeline id, stage id or None,
# status or None, first stage id, stage name as shown in a preview).
StageMapRow = tuple[str, str, int, int | None, str | None, int, str]


@dataclass
class ImportPlan:
    """What the import service decided for one file; the import session carries it out."""

    entity: str
    spools: list[str]  # the workers' spool files, in file order
    custom_names: list[str]
    match: list[str]
    now: str
    owner_key: str
    owner_name: str
    currency: str
    pipeline_id: int
    first_stage_id: int
    actor_key: str | None = None
    custom_column: bool = False
    stage_map: list[StageMapRow] = field(default_factory=list)


@dataclass(frozen=True)
class ImportRecord:
    id: int
    entity: str
    source: str
    at: str
    rows: int
    created: int
    updated: int
    unchanged: int
    rejected: int
    extras: dict[str, int]
    undone: bool
    command_id: int | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "entity": self.entity,
            "source": self.source,
            "at": self.at,
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            **{f"created_{k}": v for k, v in self.extras.items()},
            "undone": self.undone,
        }
