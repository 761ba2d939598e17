"""A lead: someone who might buy, not yet qualified."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


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
    created_at: str | None  # None: imported from a file that gave no date
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
