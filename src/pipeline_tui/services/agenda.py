"""The daily agenda and the one-screen summary: what needs attention now."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from pipeline_tui.models import Activity, Deal
from pipeline_tui.models.dates import today
from pipeline_tui.store.api import Store


@dataclass
class Agenda:
    day: date
    overdue: list[Activity] = field(default_factory=list)
    due_today: list[Activity] = field(default_factory=list)
    next_step_overdue: list[Deal] = field(default_factory=list)
    next_step_today: list[Deal] = field(default_factory=list)
    no_next_step: list[Deal] = field(default_factory=list)

    def sections(self) -> list[tuple[str, str, list[Any]]]:
        """(key, title, items) in reading order."""
        return [
            ("overdue_activities", "Overdue activities", self.overdue),
            ("activities_due_today", "Activities due today", self.due_today),
            ("next_step_overdue", "Deals with an overdue next step", self.next_step_overdue),
            ("next_step_due_today", "Deals with a next step due today", self.next_step_today),
            ("no_next_step", "Open deals with no next step", self.no_next_step),
        ]


def _owned(items: list[Any], owner: str | None) -> list[Any]:
    if owner is None:
        return items
    return [i for i in items if (i.owner or "").casefold() == owner.casefold()]


def agenda(store: Store, owner: str | None = None, day: date | None = None) -> Agenda:
    day = day or today()
    tomorrow = (day + timedelta(days=1)).isoformat()
    planned = store.activities.list_activities(planned_before=tomorrow)
    result = Agenda(day)
    result.overdue = _owned([a for a in planned if (a.due_at or "") < day.isoformat()], owner)
    result.due_today = _owned([a for a in planned if (a.due_at or "") >= day.isoformat()], owner)
    for deal in _owned(store.deals.deals_missing_or_due_next_step(day.isoformat()), owner):
        if not deal.next_step:
            result.no_next_step.append(deal)
        elif deal.next_due and deal.next_due < day.isoformat():
            result.next_step_overdue.append(deal)
        elif deal.next_due:
            result.next_step_today.append(deal)
    return result


@dataclass(frozen=True)
class StageSummary:
    stage: str
    deals: int
    totals: dict[str, int]
    weighted: dict[str, int]


def summary(store: Store, pipeline: str | None = None) -> list[StageSummary]:
    """Open deals per stage with per-currency totals, for the bare `pipeline` command."""
    p = store.stages.pipeline_by_name(pipeline)
    out = []
    for s in store.stages.stages(p.id):
        rows = store.stages.open_sums(s.id, s.probability)
        out.append(
            StageSummary(
                s.name,
                sum(r[1] for r in rows),
                {r[0]: int(r[2]) for r in rows},
                {r[0]: round(r[3]) for r in rows},
            )
        )
    return out
