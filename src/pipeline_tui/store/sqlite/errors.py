"""SQLite's exceptions, turned into the store's own error types at the seam."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from pipeline_tui.store.api import Busy, Conflict, Corrupt, StoreError


def translate(exc: sqlite3.Error) -> StoreError:
    """The store error that says what happened, with SQLite's words kept in the message."""
    text = str(exc)
    if isinstance(exc, sqlite3.OperationalError) and ("locked" in text or "busy" in text):
        return Busy(f"the database is busy (another writer held it too long): {text}")
    if isinstance(exc, sqlite3.IntegrityError):
        return Conflict(f"database rule broken: {text}")
    if isinstance(exc, sqlite3.DatabaseError) and (
        "malformed" in text or "not a database" in text or "disk image" in text
    ):
        return Corrupt(f"the database file is damaged: {text}")
    return StoreError(f"database error: {text}")


@contextmanager
def translated() -> Iterator[None]:
    """Re-raise any SQLite error inside the block as a StoreError."""
    try:
        yield
    except sqlite3.Error as exc:
        raise translate(exc) from exc
