"""Backends under contract: one factory per backend, and the `store` fixtures built on them.

The test modules see only ``Backend`` and the ``Store`` protocol from store/api.py. Anything
that must reach below the interface (shrinking the busy timeout, faking a newer schema,
making a file that is not a database) lives in that backend's factory, here and only here.
To run the suite on another backend, write its factory and add it to ``BACKENDS``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from pipeline_tui.store.api import Store, open_store

ACTOR = "Contract Tester"


@dataclass(frozen=True)
class Backend:
    """One fresh database of one backend, and the backend-specific ways to mistreat it."""

    name: str
    target: str  # what open_store is given: a file path, later a server URL
    # Open a new connection to ``target``; busy_timeout_ms shortens the wait for a writer.
    open: Callable[..., Store]
    # Mark the database as written by a newer pipeline-tui (call with no store open).
    make_schema_newer: Callable[[], None]
    # A target that exists but holds no database at all (random bytes, say).
    not_a_database: Callable[[], str]
    # A target that is a working database of the backend's kind, but someone else's.
    foreign_database: Callable[[], str]
    busy_timeout_settable: bool = True


# -- SQLite ----------------------------------------------------------------------------------


@contextmanager
def sqlite_backend(tmp_path: Path) -> Iterator[Backend]:
    """A database file in the test's tmp_path; no cleanup needed beyond pytest's own."""
    import sqlite3

    from pipeline_tui.store.sqlite import core
    from pipeline_tui.store.sqlite.schema import SCHEMA_VERSION

    path = tmp_path / "contract.db"

    def open_(*, busy_timeout_ms: int | None = None) -> Store:
        if busy_timeout_ms is None:
            return open_store(path, actor=ACTOR)
        # SqliteStore reads the module constant when it connects; it has no per-store knob.
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(core, "BUSY_TIMEOUT_MS", busy_timeout_ms)
            return open_store(path, actor=ACTOR)

    def make_schema_newer() -> None:
        conn = sqlite3.connect(path)
        try:
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
        finally:
            conn.close()

    def not_a_database() -> str:
        junk = tmp_path / "junk.db"
        junk.write_bytes(os.urandom(8192))
        return str(junk)

    def foreign_database() -> str:
        other = tmp_path / "someone-elses.db"
        conn = sqlite3.connect(other)
        try:
            conn.execute("CREATE TABLE recipes (id INTEGER PRIMARY KEY, name TEXT)")
            conn.execute("INSERT INTO recipes (name) VALUES ('bread')")
            conn.commit()
        finally:
            conn.close()
        return str(other)

    yield Backend("sqlite", str(path), open_, make_schema_newer, not_a_database, foreign_database)


# A "postgres" entry will go here: a factory that creates a scratch database and drops it.
BACKENDS: dict[str, Callable[[Path], AbstractContextManager[Backend]]] = {
    "sqlite": sqlite_backend,
}


@pytest.fixture(params=sorted(BACKENDS))
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    with BACKENDS[request.param](tmp_path) as b:
        yield b


@pytest.fixture
def store(backend: Backend) -> Iterator[Store]:
    """A fresh, migrated and seeded database, opened through open_store."""
    s = backend.open()
    yield s
    s.close()


@pytest.fixture
def second_store(backend: Backend, store: Store) -> Iterator[Store]:
    """A second connection to the same database as ``store`` (another process, in effect)."""
    s = backend.open()
    yield s
    s.close()
