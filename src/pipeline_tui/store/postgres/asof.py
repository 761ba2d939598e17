"""The ``--as-of`` replay on the server: store/sqlite/asof.py's statements, with typed values.

The replay rule and its SQL are SQLite's (store/sqlite/asof.py), run through the dialect
translation (store/postgres/dialect.py: ``temp.`` is pg_temp, ``main.`` the current schema,
json_extract and json_type are functions from store/postgres/schema.py). What differs is
answered here: the columns and their types come from information_schema, a value read out
of the journal's JSON or deal_history's text is cast to its column's type (PostgreSQL does
not store a number in a text column's place), an undated activity sorts first as SQLite
sorts NULL, deals_view's definition comes from pg_get_viewdef, and the whole replay reads
one snapshot, so a colleague's commit cannot land between two of its statements.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from pipeline_tui.store.postgres.errors import translated
from pipeline_tui.store.records import Source
from pipeline_tui.store.sqlite import asof as lite
from pipeline_tui.store.sqlite.core import Reader

_COLUMNS = (
    "SELECT column_name, data_type FROM information_schema.columns "
    "WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position"
)
# pg_get_viewdef writes each table once, with its alias, after FROM or JOIN and any number
# of opening parentheses: ``FROM (((deals d JOIN stages s ON ...``.
_VIEW_SWAPS = (
    (re.compile(r"(?<![\w.])deals d\b"), "pg_temp.asof_deals d"),
    (re.compile(r"(?<![\w.])stages s\b"), "pg_temp.asof_stages s"),
    (re.compile(r"(?<![\w.])stage_changes sc\b"), "pg_temp.asof_stage_changes sc"),
)


class PgDialect(lite.Dialect):
    def columns(self, store: Reader, table: str) -> dict[str, str]:
        return {str(r[0]): str(r[1]) for r in store.all(_COLUMNS, (table,))}

    def typed(self, expr: str, sql_type: str) -> str:
        return f"CAST({expr} AS {sql_type})"

    def make_view(self, store: Any) -> None:
        sql = str(store.scalar("SELECT pg_get_viewdef('deals_view')")).rstrip().rstrip(";")
        for pattern, new in _VIEW_SWAPS:
            sql, n = pattern.subn(new, sql)
            if n != 1:
                raise RuntimeError(f"deals_view no longer reads {new.split()[-1]!r} once")
        # The server's own text (``::text`` casts, parenthesised joins): sent as it is, not
        # through the translation of SQLite's text that every other statement takes.
        with translated():
            store._db._conn.raw.execute(f"CREATE TEMP VIEW asof_deals_view AS {sql}")

    def nulls_first(self, expr: str) -> str:
        return f"{expr} NULLS FIRST"  # the server's default puts NULL last


PG = PgDialect()


@contextmanager
def _snapshot(db: Any) -> Iterator[None]:
    """One REPEATABLE READ transaction around the replay's statements (when none is open),
    holding the connection's lock so no other thread's write joins it."""
    conn = db._conn
    with db._lock:
        if conn.in_transaction:
            yield
            return
        conn.raw.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
        try:
            yield
        except BaseException:
            conn.raw.execute("ROLLBACK")
            raise
        conn.raw.execute("COMMIT")


def replay(store: Any, cut: str) -> Source:
    """store/sqlite/asof.py's replay at ``cut`` on the server: the same temp tables and view."""
    with _snapshot(store._db):
        return lite.build(store, cut, PG)
