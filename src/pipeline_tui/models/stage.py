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
