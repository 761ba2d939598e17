"""psycopg's exceptions, turned into the store's own error types at the seam."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from pipeline_tui.store.api import Busy, Conflict, Corrupt, StoreError
from pipeline_tui.store.postgres.driver import Error, IntegrityError
from pipeline_tui.store.postgres.driver import errors as pg


def first_line(exc: BaseException) -> str:
    """The server's message without its DETAIL/HINT lines: the faces print one line."""
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


def translate(exc: Error) -> StoreError:
    """The store error that says what happened, with the server's words kept."""
    text = first_line(exc)
    if isinstance(exc, pg.LockNotAvailable | pg.DeadlockDetected | pg.SerializationFailure):
        return Busy(f"the database is busy (another writer held it too long): {text}")
    if isinstance(exc, pg.InsufficientPrivilege):  # a role's grants or team.py's rules
        return StoreError(f"not allowed: {text}")
    if isinstance(exc, IntegrityError):
        return Conflict(f"database rule broken: {text}")
    if isinstance(exc, pg.DataCorrupted | pg.IndexCorrupted):
        return Corrupt(f"the database is damaged: {text}")
    return StoreError(f"database error: {text}")


@contextmanager
def translated() -> Iterator[None]:
    """Re-raise any psycopg error inside the block as a StoreError."""
    try:
        yield
    except Error as exc:
        raise translate(exc) from exc
