"""Import records: listing them and undoing one as a whole."""

from __future__ import annotations

from pipeline_tui.store.sqlite import import_records as rec
from pipeline_tui.store.sqlite.core import Database as Store


def list_imports(store: Store) -> list[rec.ImportRecord]:
    return rec.list_imports(store)


def undo_import(store: Store, import_id: int) -> tuple[rec.ImportRecord, int]:
    """Revert import ``import_id``; its command is marked undone, so `pipeline undo` skips it."""
    record = rec.get_import(store, import_id)
    with store.tx(f"undo import {import_id}", kind="undo") as tx:
        changes = rec.undo_import(tx, import_id)
        if record.command_id is not None:
            tx.raw(
                "UPDATE commands SET undone_by = ? WHERE id = ?", (tx.command_id, record.command_id)
            )
    return rec.get_import(store, import_id), changes
