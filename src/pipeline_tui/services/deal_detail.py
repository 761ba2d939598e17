"""One deal in full, as `deal show` and the TUI's detail pane both show it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pipeline_tui.models import Activity, Deal, StageChange
from pipeline_tui.models.contacts import DealPerson, Note
from pipeline_tui.services.attention import Attention, attention
from pipeline_tui.store.api import Store


@dataclass(frozen=True)
class DealDetailData:
    """The deal, its stage history, its activity timeline (with the activities of the lead
    it was qualified from, see ``from_lead``) and, while open, its attention."""

    deal: Deal
    history: list[StageChange]
    activities: list[Activity]
    attention: Attention | None
    people: list[DealPerson] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    next_activity: Activity | None = None  # the next step (services/activities.py next_step)

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of `deal show` (field names are part of the CLI contract)."""
        deal = self.deal
        record = deal.to_dict()
        record.update(
            probability_override=deal.probability_override,
            category_override=deal.category,
            lead_id=deal.lead_id,
            stage_entered_at=deal.stage_entered_at,
            custom=deal.custom,
            next_activity=None if self.next_activity is None else self.next_activity.to_dict(),
        )
        if self.attention is not None:
            record["attention"] = {
                "score": self.attention.score,
                "stalled": list(self.attention.stalled_reasons),
                "terms": [
                    {
                        "term": t.name,
                        "weight": t.weight,
                        "factor": round(t.factor, 4),
                        "points": t.points,
                        "detail": t.detail,
                    }
                    for t in self.attention.terms
                ],
            }
        record.update(
            stage_history=[c.to_dict() for c in self.history],
            activities=[{**a.to_dict(), "from_lead": self.from_lead(a)} for a in self.activities],
            people=[p.to_dict() for p in self.people],
            notes=[n.to_dict() for n in self.notes],
        )
        return record

    def from_lead(self, activity: Activity) -> bool:
        """Whether an activity of the timeline is the lead's rather than the deal's."""
        return activity.deal_id != self.deal.id


def _timeline(store: Store, deal: Deal) -> list[Activity]:
    """The deal's activities and its lead's, in time order (an activity on both, once)."""
    own = store.activities.for_deal(deal.id)
    if deal.lead_id is None:
        return own
    seen = {a.id for a in own}
    lead = [a for a in store.activities.for_lead(deal.lead_id) if a.id not in seen]
    return sorted(own + lead, key=lambda a: (a.done_at or a.due_at or "", a.id))


def deal_detail(store: Store, deal_id: int) -> DealDetailData:
    """Everything shown of one deal; NotFoundError if there is no such deal."""
    deal = store.deals.get_deal(deal_id)
    found = attention(store, [deal_id]).get(deal_id) if deal.status == "open" else None
    return DealDetailData(
        deal,
        store.deals.stage_history(deal_id),
        _timeline(store, deal),
        found,
        store.people.deal_people([deal_id]),
        store.notes.for_deal(deal_id),
        store.activities.next_for_deal(deal_id),
    )
