"""Binding query functions to a store: the Family base and the error-translating wrapper."""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from pipeline_tui.store.sqlite.errors import translated

if TYPE_CHECKING:
    from pipeline_tui.store.sqlite.core import Database, Params

F = TypeVar("F", bound=Callable[..., Any])


def guarded(fn: F) -> F:
    """``fn`` with SQLite's exceptions turned into StoreError (see store/sqlite/errors.py)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with translated():
            return fn(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


class Family:
    """A query family: reads through the store it belongs to."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def one(self, sql: str, params: Params = ()) -> sqlite3.Row | None:
        return self._db.one(sql, params)

    def all(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        return self._db.all(sql, params)

    def scalar(self, sql: str, params: Params = ()) -> Any:
        return self._db.scalar(sql, params)

    def cursor(self) -> sqlite3.Cursor:
        return self._db.cursor()
