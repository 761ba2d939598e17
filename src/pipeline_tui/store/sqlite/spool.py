"""Spool files: one import worker's parsed rows in a private SQLite file, read by the session."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from typing import Any

from pipeline_tui.store.import_plan import SPOOL_COLUMNS
from pipeline_tui.store.sqlite.errors import translated

# Free text: stored exactly as written, except that a blank cell is no value.
_TEXT = {"name", "phone", "source", "notes", "disq", "next_step", "lost_reason", "subject",
         "outcome", "contact"}  # fmt: skip
_INTEGERS = {"self_id", "title_auto", "value_minor", "probability", "lead_self", "deal_self"}
_REASON = {"x:": "external id", "s:": "id", "e:": "email", "t:": "title and company",
           "n:": "activity", "c:": "name"}  # fmt: skip


class Spool:
    """One worker's private SQLite file of parsed rows: no journal, no sync, no contention."""

    def __init__(self, path: str, entity: str, n_custom: int) -> None:
        with translated():
            self.conn = sqlite3.connect(path, isolation_level=None)
            c = self.conn
            c.execute("PRAGMA journal_mode = OFF")
            c.execute("PRAGMA synchronous = OFF")
            c.execute("PRAGMA locking_mode = EXCLUSIVE")
            c.execute("PRAGMA cache_size = -65536")
            cols = [*SPOOL_COLUMNS[entity], *(f"x{i}" for i in range(n_custom))]
            self.columns = ["line", "err", *cols]
            self.width = len(self.columns)
            typed = [f"{c} INTEGER" if c in _INTEGERS else c for c in cols]
            # The file may be reused (a range read again): start from empty tables.
            c.execute("DROP TABLE IF EXISTS rows")
            c.execute("DROP TABLE IF EXISTS names")
            c.execute(
                "CREATE TABLE rows (line INTEGER PRIMARY KEY, err TEXT, " + ", ".join(typed) + ")"
            )
            # Distinct company and owner names, first spelling first: the main process
            # creates the missing ones from here, set-based.
            c.execute(
                "CREATE TABLE names (kind TEXT, key TEXT, name TEXT, PRIMARY KEY (kind, key)) "
                "WITHOUT ROWID"
            )

    def write(self, rows: Iterable[tuple[Any, ...]]) -> None:
        """Rows carry '' for NULL: the sqlite3 module binds None three times slower. Free
        text keeps its spaces, but a cell of only whitespace is NULL too; SQLite decides
        that here faster than Python could per cell."""
        marks = ", ".join(
            "?1"
            if n == 1
            else f"iif(?{n} GLOB '*[^ \t\r\n]*', ?{n}, NULL)"
            if col in _TEXT or col.startswith("x")
            else f"nullif(?{n}, '')"
            for n, col in enumerate(self.columns, start=1)
        )
        with translated():
            self.conn.execute("BEGIN")
            self.conn.executemany(f"INSERT INTO rows VALUES ({marks})", rows)
            self.conn.execute("COMMIT")

    def finish(self, names: Iterable[tuple[str, str, str]]) -> None:
        """Store the names met; index the match keys; mark rows repeating an earlier key."""
        c = self.conn
        with translated():
            c.executemany("INSERT OR IGNORE INTO names VALUES (?, ?, ?)", names)
            c.execute("CREATE INDEX rows_ident ON rows(ident) WHERE ident IS NOT NULL")
            c.execute(
                "WITH d AS (SELECT ident, min(line) AS first FROM rows "
                "WHERE ident IS NOT NULL AND err IS NULL GROUP BY ident HAVING count(*) > 1) "
                "UPDATE rows SET err = 'same ' || " + reason_sql("rows.ident") + " || ' as line ' "
                "|| d.first FROM d WHERE rows.ident = d.ident AND rows.line > d.first "
                "AND rows.err IS NULL"
            )

    def counts(self) -> tuple[int, int]:
        """(rows, rows rejected so far)."""
        with translated():
            row = self.conn.execute("SELECT count(*), count(err) FROM rows").fetchone()
        return int(row[0]), int(row[1])

    def close(self) -> None:
        self.conn.close()


def reason_sql(expr: str) -> str:
    """SQL naming the key a spool row's ``ident`` holds, for 'same ... as line N' reasons."""
    cases = " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in _REASON.items())
    return f"(CASE substr({expr}, 1, 2) {cases} ELSE 'key' END)"
