"""A deal as users see it, and one step of its stage history."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pipeline_tui.models.money import to_major


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
    value_minor: int | None  # None: unknown (an import's empty amount), never taken as 0
    currency: str
    probability: int
    close_date: str | None
    next_step: str | None
    next_due: str | None
    created_at: str | None  # None: imported without a creation date
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
    def value(self) -> float | None:
        return None if self.value_minor is None else to_major(self.value_minor, self.currency)

    @property
    def weighted_minor(self) -> int | None:
        if self.value_minor is None:
            return None
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
            "weighted_value": None
            if self.weighted_minor is None
            else to_major(self.weighted_minor, self.currency),
            "close_date": self.close_date,
            "next_step": self.next_step,
            "next_due": self.next_due,
            "created_at": self.created_at,
            "closed_at": self.closed_at,
            "lost_reason": self.lost_reason,
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
