"""Whole-database looks for tests on either backend: its tables, their rows, their counts.

Tests compare a database before and after a refused or undone command. They read it on a
connection of their own (sqlite3 for a file, psycopg for a server URL), never the store's,
so what they see is what was committed.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pipeline_tui.store.postgres.target import is_server

# The server's own bookkeeping (store/postgres/schema.py): its change counter moves on
# every command, as SQLite's file header does, and neither is the user's data.
PG_BOOKKEEPING = frozenset({"pipeline_state", "pipeline_migrations"})


def query(target: str | Path, sql: str) -> list[tuple[Any, ...]]:
    """The rows ``sql`` reads, on a connection of its own."""
    if is_server(target):
        import psycopg

        with psycopg.connect(str(target)) as conn:
            return [tuple(r) for r in conn.execute(sql)]  # type: ignore[arg-type]
    conn = sqlite3.connect(target)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def table_names(target: str | Path) -> list[str]:
    """The database's tables, SQLite's FTS shadow tables included (callers filter)."""
    if is_server(target):
        found = query(
            target,
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'",
        )
        return sorted(str(r[0]) for r in found if r[0] not in PG_BOOKKEEPING)
    return sorted(
        str(r[0]) for r in query(target, "SELECT name FROM sqlite_master WHERE type = 'table'")
    )


def rows(
    target: str | Path, tables: Iterable[str], order: str = "1"
) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of each of ``tables``, in a stable order."""
    return {t: query(target, f'SELECT * FROM "{t}" ORDER BY {order}') for t in tables}


def counts(target: str | Path) -> dict[str, int]:
    """Rows per table, for every table."""
    return {t: int(query(target, f'SELECT count(*) FROM "{t}"')[0][0]) for t in table_names(target)}
