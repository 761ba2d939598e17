"""Pure domain models: dataclasses, enums, money and dates. No I/O, no UI.

Names are loaded on first use, so a command pays only for the models it touches.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from pipeline_tui.models.errors import ConflictError, NotFoundError, PipelineError

_WHERE = {
    "Activity": "activity",
    "ActivityKind": "enums",
    "Deal": "deal",
    "DealStatus": "enums",
    "Event": "event",
    "ForecastCategory": "enums",
    "Lead": "lead",
    "LeadStatus": "enums",
    "Pipeline": "stage",
    "Stage": "stage",
    "StageChange": "deal",
}

if TYPE_CHECKING:
    from pipeline_tui.models.activity import Activity
    from pipeline_tui.models.deal import Deal, StageChange
    from pipeline_tui.models.enums import ActivityKind, DealStatus, ForecastCategory, LeadStatus
    from pipeline_tui.models.event import Event
    from pipeline_tui.models.lead import Lead
    from pipeline_tui.models.stage import Pipeline, Stage


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(import_module(f"pipeline_tui.models.{_WHERE[name]}"), name)
    raise AttributeError(name)


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
