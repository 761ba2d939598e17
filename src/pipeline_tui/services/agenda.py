"""The daily agenda and the one-screen summary: what needs attention now."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from pipeline_tui.models import Activity, Deal, PipelineError
from pipeline_tui.models.dates import today
from pipeline_tui.models.keys import name_key
from pipeline_tui.services.attention import attention
from pipeline_tui.store.api import Store

# A screenful per section: the agenda is read in a terminal, and on a big database a
# section can hold most of the open deals. The rest is counted and named.
SECTION_LIMIT = 20
# Deals of a section are ranked by attention among this many times the limit, taken by
# due or close date: exact on any database whose sections are that small.
_CANDIDATES = 10
MORE = {
    "overdue_activities": "pipeline activity list --overdue",
    "activities_due_today": "pipeline activity list --status planned --due-before tomorrow",
    "no_next_step": "pipeline deal list --no-next-step",
}


@dataclass
class Agenda:
    """A deal's next step is its first planned activity (schema.M003), so a deal whose next
    step is overdue or due today is listed once, as that activity, with the deal it is on."""

    day: date
    overdue: list[Activity] = field(default_factory=list)
    due_today: list[Activity] = field(default_factory=list)
    no_next_step: list[Deal] = field(default_factory=list)
    totals: dict[str, int] = field(default_factory=dict)

    def sections(self) -> list[tuple[str, str, list[Any]]]:
        """(key, title, items) in reading order."""
        return [
            ("overdue_activities", "Overdue activities", self.overdue),
            ("activities_due_today", "Activities due today", self.due_today),
            ("no_next_step", "Open deals with no next step", self.no_next_step),
        ]

    def more(self, key: str, shown: int) -> int:
        """How many items of section ``key`` were left out."""
        return max(self.totals.get(key, shown) - shown, 0)


def _by_attention(store: Store, found: tuple[list[Deal], int], limit: int, day: date) -> list[Deal]:
    deals, _total = found
    if not deals:
        return []
    scores = attention(store, [d.id for d in deals], day)
    deals.sort(key=lambda d: (-scores[d.id].score if d.id in scores else 0.0, d.id))
    return deals[:limit]


def agenda(
    store: Store, owner: str | None = None, day: date | None = None, limit: int = SECTION_LIMIT
) -> Agenda:
    """Overdue and due-today plans (deals' next steps among them), and open deals with no
    next step: each section at most ``limit`` long (deals ranked by attention), with its
    full count."""
    if limit < 1:
        raise PipelineError(f"invalid limit {limit}: use 1 or more")
    day = day or today()
    key = name_key(owner) if owner else None
    iso, tomorrow = day.isoformat(), (day + timedelta(days=1)).isoformat()
    result = Agenda(day)
    result.overdue, result.totals["overdue_activities"] = store.activities.planned_section(
        None, iso, key, limit
    )
    result.due_today, result.totals["activities_due_today"] = store.activities.planned_section(
        iso, tomorrow, key, limit
    )
    found = store.deals.next_step_section("none", iso, key, limit * _CANDIDATES)
    result.totals["no_next_step"] = found[1]
    result.no_next_step = _by_attention(store, found, limit, day)
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
