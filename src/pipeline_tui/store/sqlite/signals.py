"""Per-deal facts behind 'stalled' and the attention score, fetched in one query."""

from __future__ import annotations

from pipeline_tui.store.records import DealSignals
from pipeline_tui.store.sqlite.core import IDS, Reader, id_list

_SQL = """
SELECT d.id, d.value_minor, d.currency, d.close_date, d.next_step, d.next_due,
  (SELECT max(sc.changed_at) FROM stage_changes sc WHERE sc.deal_id = d.id) AS stage_entered_at,
  s.stalled_after_days,
  (SELECT max(a.done_at) FROM activities a WHERE a.deal_id = d.id) AS last_activity_at,
  d.created_at
FROM deals d JOIN stages s ON s.id = d.stage_id
WHERE d.status = 'open'
"""


def open_deal_signals(store: Reader, deal_ids: list[int] | None = None) -> list[DealSignals]:
    """Signals for open deals: all of them, or only ``deal_ids``."""
    if deal_ids is None:
        rows = store.all(_SQL + " ORDER BY d.id")
    else:
        if not deal_ids:
            return []
        rows = store.all(_SQL + f" AND d.id IN {IDS} ORDER BY d.id", (id_list(deal_ids),))
    return [DealSignals(*r) for r in rows]
