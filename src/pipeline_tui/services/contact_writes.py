"""What company and person writes share: names, owner and custom columns, new rows, notes."""

from __future__ import annotations

import json
from typing import Any

from pipeline_tui.models import PipelineError
from pipeline_tui.services.common import clean_text
from pipeline_tui.services.owners import known_owner
from pipeline_tui.store.api import Store, WriteTx


def required_name(value: str | None) -> str:
    """A company's or person's name, checked and stripped; refused when empty."""
    return (clean_text(value, "name", required=True) or "").strip()


def merge_custom(current: dict[str, Any], changes: dict[str, str | None]) -> dict[str, Any]:
    """Custom fields after ``changes``: a value sets a key, None or '' removes it."""
    out = dict(current)
    for key, value in changes.items():
        if not key.strip():
            raise PipelineError("a custom field needs a name: use --field name=value")
        clean_text(key, "custom field name")
        if value is None or value == "":
            out.pop(key, None)
        else:
            out[key] = clean_text(value, f"custom field {key!r}")
    return out


def custom_json(custom: dict[str, Any]) -> str | None:
    return json.dumps(custom, ensure_ascii=False, sort_keys=True) if custom else None


def owner_id(store: Store, tx: WriteTx, owner: str | None) -> int | None:
    name = known_owner(store, clean_text(owner, "owner"))
    return tx.ensure_owner(name) if name else None


def insert_record(
    store: Store,
    tx: WriteTx,
    table: str,
    row: dict[str, Any],
    owner: str | None,
    custom: dict[str, str | None] | None,
) -> int:
    """Insert a company or person row with its owner, custom fields and timestamps."""
    row["owner_id"] = owner_id(store, tx, owner)
    row["custom"] = custom_json(merge_custom({}, custom or {}))
    row.update(created_at=tx.now, updated_at=tx.now)
    return tx.insert(table, row)


def field_change(
    store: Store,
    tx: WriteTx,
    key: str,
    value: Any,
    text_fields: tuple[str, ...],
    custom: dict[str, Any],
) -> dict[str, Any] | None:
    """The columns an edit of a text field, the owner or the custom fields (merged into
    ``custom``, the record's) writes; None for any other field."""
    if key in text_fields:
        return {key: clean_text(value, key.replace("_", " "))}
    if key == "owner":
        return {"owner_id": owner_id(store, tx, value)}
    if key == "custom":
        return {"custom": custom_json(merge_custom(custom, value))}
    return None


def move_notes(tx: WriteTx, note_ids: list[int], column: str, target: int | None) -> None:
    """The notes on a merged record follow it to ``target``; None (a delete) deletes them."""
    for note_id in note_ids:
        if target is None:
            tx.delete("notes", note_id)
        else:
            tx.update("notes", note_id, {column: target})
