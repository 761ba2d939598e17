"""Pure domain models: dataclasses, enums, money and dates. No I/O, no UI."""

from pipeline_tui.models.entities import (
    Activity,
    ActivityKind,
    Deal,
    DealStatus,
    Event,
    ForecastCategory,
    Lead,
    LeadStatus,
    Pipeline,
    Stage,
    StageChange,
)
from pipeline_tui.models.errors import ConflictError, NotFoundError, PipelineError

__all__ = [
    "Activity",
    "ActivityKind",
    "ConflictError",
    "Deal",
    "DealStatus",
    "Event",
    "ForecastCategory",
    "Lead",
    "LeadStatus",
    "NotFoundError",
    "Pipeline",
    "PipelineError",
    "Stage",
    "StageChange",
]
