"""Reading rows and events back through the interface only, for the contract's assertions."""

from __future__ import annotations

from typing import Any

from pipeline_tui.models import Event, NotFoundError
from pipeline_tui.store.api import Store

# A fixed past moment, so that a write's fresh updated_at can never equal the old one.
PAST = "2024-01-02T03:04:05Z"
EVERYTHING = 1_000_000


def row(store: Store, table: str, row_id: int) -> dict[str, Any] | None:
    """The row as stored (every column), or None if there is none: read via WriteTx.row."""
    with store.tx("read back") as tx:
        try:
            return tx.row(table, row_id)
        except NotFoundError:
            return None


def events(store: Store) -> list[Event]:
    """Every journalled event, oldest first."""
    return store.journal.recent_events(EVERYTHING)[::-1]


def deal_values(store: Store, title: str, **overrides: Any) -> dict[str, Any]:
    """Columns for a minimal open deal in the default pipeline's first stage."""
    pipeline = store.stages.pipeline_by_name(None)
    stage = store.stages.stages(pipeline.id)[0]
    values: dict[str, Any] = {
        "title": title,
        "pipeline_id": pipeline.id,
        "stage_id": stage.id,
        "status": "open",
        "value_minor": 100,
        "currency": "USD",
        "created_at": PAST,
        "updated_at": PAST,
    }
    values.update(overrides)
    return values


def insert_deal(store: Store, title: str, **overrides: Any) -> int:
    """One deal, inserted directly as its own command; its id."""
    values = deal_values(store, title, **overrides)
    with store.tx(f"insert {title}") as tx:
        return tx.insert("deals", values)
