"""A target (quota) for an owner, or for the whole team, over a month, quarter or year."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pipeline_tui.models.money import to_major


@dataclass(frozen=True)
class Target:
    id: int
    owner_id: int | None  # None: the team target
    owner: str | None
    period: str
    amount_minor: int
    currency: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "period": self.period,
            "owner": self.owner,
            "scope": "owner" if self.owner_id is not None else "team",
            "amount": to_major(self.amount_minor, self.currency),
            "currency": self.currency,
        }
