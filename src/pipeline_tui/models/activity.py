"""An activity: a call, email, meeting, demo, proposal, note or task."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


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
    created_at: str | None  # None: imported from a file that gave no date
    regarding: str | None = None
    cancelled_at: str | None = None
    cancel_reason: str | None = None

    @property
    def state(self) -> str:
        """planned (still to do), done or cancelled (kept in the history)."""
        if self.cancelled_at:
            return "cancelled"
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
            "cancelled_at": self.cancelled_at,
            "cancel_reason": self.cancel_reason,
        }
