"""Pipelines and their stages."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


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


# The pipeline a new database starts with: name, probability, category, stalled after
# (days) and definition of each stage.
DEFAULT_STAGES = [
    ("Lead In", 10, "pipeline", 14, "A named contact with a plausible need; no call held yet."),
    ("Qualified", 25, "pipeline", 21, "Need, budget, authority and timeline confirmed on a call."),
    ("Demo", 40, "pipeline", 21, "Product shown to the buyer; success criteria agreed."),
    ("Proposal", 60, "best_case", 14, "Written proposal with price sent to the decision maker."),
    ("Negotiation", 80, "commit", 10, "Terms under discussion; verbal yes from the buyer."),
]
DEFAULT_PIPELINE = "Sales"
