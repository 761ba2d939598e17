"""Domain records as plain dataclasses: what the store returns and the services reason about."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

from pipeline_tui.models.money import to_major


class DealStatus(StrEnum):
    OPEN = "open"
    WON = "won"
    LOST = "lost"


class LeadStatus(StrEnum):
    NEW = "new"
    WORKING = "working"
    QUALIFIED = "qualified"
    DISQUALIFIED = "disqualified"


class ActivityKind(StrEnum):
    CALL = "call"
    EMAIL = "email"
    MEETING = "meeting"
    DEMO = "demo"
    PROPOSAL = "proposal"
    NOTE = "note"
    TASK = "task"


class ForecastCategory(StrEnum):
    PIPELINE = "pipeline"
    BEST_CASE = "best_case"
    COMMIT = "commit"
    OMITTED = "omitted"


@dataclass(frozen=True)
class Stage:
    id: int
    pipeline_id: int
    name: str
    position: int
    probability: int
    forecast_category: str
    definition: str
    stalled_after_days: int
    pipeline: str = ""
    open_deals: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Pipeline:
    id: int
    name: str
    is_default: bool
    stages: int = 0
    open_deals: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Deal:
    """A deal as users see it: names, not ids, and effective probability."""

    id: int
    title: str
    company: str | None
    contact: str | None
    owner: str | None
    pipeline: str
    stage: str
    status: str
    value_minor: int
    currency: str
    probability: int
    close_date: str | None
    next_step: str | None
    next_due: str | None
    created_at: str
    closed_at: str | None
    lost_reason: str | None
    updated_at: str
    stage_id: int
    pipeline_id: int
    probability_override: int | None = None
    category: str | None = None
    lead_id: int | None = None
    stage_entered_at: str | None = None
    custom: dict[str, Any] = field(default_factory=dict)

    @property
    def value(self) -> float:
        return to_major(self.value_minor, self.currency)

    @property
    def weighted_minor(self) -> int:
        return round(self.value_minor * self.probability / 100)

    def to_dict(self) -> dict[str, Any]:
        """The public JSON shape (field names are part of the CLI contract)."""
        return {
            "id": self.id,
            "title": self.title,
            "company": self.company,
            "contact": self.contact,
            "owner": self.owner,
            "pipeline": self.pipeline,
            "stage": self.stage,
            "status": self.status,
            "value": self.value,
            "currency": self.currency,
            "probability": self.probability,
            "weighted_value": to_major(self.weighted_minor, self.currency),
            "close_date": self.close_date,
            "next_step": self.next_step,
            "next_due": self.next_due,
            "created_at": self.created_at,
            "closed_at": self.closed_at,
            "lost_reason": self.lost_reason,
        }


@dataclass(frozen=True)
class Lead:
    id: int
    name: str
    company: str | None
    email: str | None
    phone: str | None
    source: str | None
    owner: str | None
    status: str
    created_at: str
    notes: str | None
    disqualify_reason: str | None = None
    deal_id: int | None = None
    updated_at: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "company": self.company,
            "email": self.email,
            "phone": self.phone,
            "source": self.source,
            "owner": self.owner,
            "status": self.status,
            "created_at": self.created_at,
            "notes": self.notes,
        }


@dataclass(frozen=True)
class Activity:
    id: int
    kind: str
    subject: str
    deal_id: int | None
    lead_id: int | None
    owner: str | None
    done_at: str | None
    due_at: str | None
    outcome: str | None
    notes: str | None
    created_at: str
    regarding: str | None = None

    @property
    def state(self) -> str:
        return "done" if self.done_at else "planned"

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "subject": self.subject,
            "deal_id": self.deal_id,
            "lead_id": self.lead_id,
            "regarding": self.regarding,
            "owner": self.owner,
            "state": self.state,
            "done_at": self.done_at,
            "due_at": self.due_at,
            "outcome": self.outcome,
            "notes": self.notes,
            "created_at": self.created_at,
        }


@dataclass(frozen=True)
class StageChange:
    deal_id: int
    from_stage: str | None
    to_stage: str
    changed_at: str
    by: str | None

    def to_dict(self) -> dict[str, Any]:
        return {"from": self.from_stage, "to": self.to_stage, "at": self.changed_at, "by": self.by}


@dataclass(frozen=True)
class Event:
    id: int
    command_id: int
    at: str
    owner: str | None
    command: str
    entity: str
    entity_id: int
    action: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    undone: bool = False

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
