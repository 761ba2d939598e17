"""`deal add/edit --next-step`: the deal's next step written as its planned activity."""

from __future__ import annotations

from datetime import date
from typing import Any

from pipeline_tui.models import Deal, PipelineError
from pipeline_tui.models.dates import today
from pipeline_tui.services.activities import Target, due_text, insert_activity
from pipeline_tui.services.common import clean_text
from pipeline_tui.store.api import Store, WriteTx

UNSET: Any = object()
# Why a next step cleared with `deal edit --next-step ''` was cancelled.
CLEARED = "next step cleared"


def set_next_step(
    store: Store, tx: WriteTx, deal: Deal, subject: Any = UNSET, due: Any = UNSET
) -> None:
    """Inside ``tx``: give the deal's next activity this subject and due date, planning a
    task (due today unless ``due`` says) when it has none. A blank subject cancels it."""
    current = store.activities.next_for_deal(deal.id)
    if subject is not UNSET:
        subject = clean_text(subject, "next step")
        if subject is None:
            if current is not None:
                tx.update(
                    "activities",
                    current.id,
                    {"cancelled_at": tx.now, "cancel_reason": CLEARED},
                )
            return
    if due is not UNSET and due is None:
        raise PipelineError("a next step needs a due date (cancel it to clear it)")
    if current is None:
        if subject is UNSET:
            raise PipelineError("--next-due needs a next step")
        when: date = due if due is not UNSET else today()
        target = Target(f"deal {deal.id}", deal.created_at, deal.owner)
        insert_activity(
            tx, store, "task", subject, target, (deal.id, None), None, None,
            due_at=due_text(when),
        )  # fmt: skip
        return
    changes: dict[str, Any] = {}
    if subject is not UNSET:
        changes["subject"] = subject
    if due is not UNSET:
        changes["due_at"] = due_text(due)
    tx.update("activities", current.id, changes)
