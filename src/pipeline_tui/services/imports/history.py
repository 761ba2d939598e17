"""Past imports: listing them, and undoing one as a whole."""

from __future__ import annotations

from pipeline_tui.store.api import ImportRecord, Store


def list_imports(store: Store) -> list[ImportRecord]:
    return store.imports.list_imports()


def undo_import(store: Store, import_id: int) -> tuple[ImportRecord, int]:
    """Revert import ``import_id``; its command is marked undone, so `pipeline undo` skips it."""
    store.imports.get_import(import_id)  # no such import: say so before anything is begun
    with store.import_session(f"undo import {import_id}", kind="undo") as session:
        changes = session.undo(import_id)
    return store.imports.get_import(import_id), changes
