"""Per-deal facts behind 'stalled' and the attention score, fetched in one query."""

from __future__ import annotations

from dataclasses import dataclass

from pipeline_tui.store.sqlite.core import Store

_SQL = """
SELECT d.id, d.value_minor, d.currency, d.close_date, d.next_step, d.next_due,
  (SELECT max(sc.changed_at) FROM stage_changes sc WHERE sc.deal_id = d.id) AS stage_entered_at,
  s.stalled_after_days,
  (SELECT max(a.done_at) FROM activities a WHERE a.deal_id = d.id) AS last_activity_at,
  d.created_at
FROM deals d JOIN stages s ON s.id = d.stage_id
WHERE d.status = 'open'
"""


@dataclass(frozen=True)
class DealSignals:
    id: int
    value_minor: int
    currency: str
    close_date: str | None
    next_step: str | None
    next_due: str | None
    stage_entered_at: str | None
    stalled_after_days: int
    last_activity_at: str | None
    created_at: str


def open_deal_signals(store: Store, deal_ids: list[int] | None = None) -> list[DealSignals]:
    """Signals for open deals: all of them, or only ``deal_ids``."""
    if deal_ids is None:
        rows = store.all(_SQL + " ORDER BY d.id")
    else:
        if not deal_ids:
            return []
        marks = ",".join("?" * len(deal_ids))
        rows = store.all(_SQL + f" AND d.id IN ({marks}) ORDER BY d.id", tuple(deal_ids))
    return [DealSignals(*r) for r in rows]
