"""Key/value settings kept in the database, so every face of the app agrees on them."""

from __future__ import annotations

from pipeline_tui.store.sqlite.core import Reader, Tx


def get_setting(store: Reader, key: str) -> str | None:
    value = store.scalar("SELECT value FROM settings WHERE key = ?", (key,))
    return None if value is None else str(value)


def all_settings(store: Reader) -> dict[str, str]:
    return {r[0]: r[1] for r in store.all("SELECT key, value FROM settings ORDER BY key")}


def put_setting(tx: Tx, key: str, value: str) -> str | None:
    """Set a setting, journalled like any change; return the old value."""
    row = tx.store.one("SELECT id, value FROM settings WHERE key = ?", (key,))
    if row is None:
        tx.insert("settings", {"key": key, "value": value})
        return None
    tx.update("settings", row["id"], {"value": value})
    return str(row["value"])


def currencies_in_use(store: Reader) -> set[str]:
    """Every currency a deal or a target is in."""
    rows = store.all("SELECT currency FROM deals UNION SELECT currency FROM targets")
    return {r[0] for r in rows}
