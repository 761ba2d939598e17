"""`pipeline db copy`: every table of one pipeline database into another, ids kept.

One end is a server (this module loads psycopg); the other a file or another server. The
source is read from one snapshot (REPEATABLE READ on a server, one read transaction in a
file); the target is emptied and filled in one transaction under its write lock, foreign
keys checked at commit (the server's are DEFERRABLE, store/postgres/schema.py), so tables
go in any order and self-references (commands.undone_by) need no second pass. The event
log is copied like any table, so undo and `pipeline log` carry over. Afterwards each
sequence is set past its table's highest id, and both ends are counted for the caller.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from pipeline_tui.store.api import CopyCheck, Store, StoreError
from pipeline_tui.store.postgres.core import WRITE_LOCK
from pipeline_tui.store.postgres.driver import Error
from pipeline_tui.store.postgres.store import PgStore

# A target holding any of these is someone's data; a fresh database holds only defaults.
CONTENT = ("deals", "leads", "activities", "companies", "contacts", "notes", "commands")
_BATCH = 5000


class _End:
    """One database's raw connection, spoken to in its own dialect."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.pg = isinstance(store, PgStore)
        if self.pg:
            self.raw: Any = store._conn.raw  # type: ignore[attr-defined]
        else:
            self.raw = store._conn  # type: ignore[attr-defined]

    def q(self, sql: str) -> str:
        return sql.replace("?", "%s") if self.pg else sql

    def rows(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        return [tuple(r) for r in self.raw.execute(self.q(sql), params).fetchall()]

    def tables(self) -> list[str]:
        if self.pg:
            sql = (
                "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
                "AND tablename NOT IN ('pipeline_state', 'pipeline_migrations', 'team_members') "
                "ORDER BY 1"
            )  # the server's own bookkeeping, and its roles' rules (team.py)
        else:  # FTS tables follow their content by triggers; migrations are the file's own
            sql = ("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE "
                   "'sqlite%' AND name NOT LIKE '\\_%' ESCAPE '\\' AND name NOT LIKE "
                   "'fts\\_%' ESCAPE '\\' ORDER BY 1")  # fmt: skip
        return [r[0] for r in self.rows(sql)]

    def columns(self, table: str) -> list[str]:
        if self.pg:
            sql = ("SELECT column_name FROM information_schema.columns WHERE table_schema = "
                   "current_schema() AND table_name = ? ORDER BY ordinal_position")  # fmt: skip
            return [r[0] for r in self.rows(sql, (table,))]
        return [r[1] for r in self.rows(f"PRAGMA table_info({table})")]

    def stream(self, table: str, cols: list[str]) -> Iterator[list[tuple[Any, ...]]]:
        order = " ORDER BY id" if "id" in cols else ""
        sql = f"SELECT {', '.join(cols)} FROM {table}{order}"
        if not self.pg:
            cur = self.raw.execute(sql)
            while batch := cur.fetchmany(_BATCH):
                yield [tuple(r) for r in batch]
            return
        # A cursor on the server, so a million rows never sit in memory at once. Spelled
        # out: the store's connection dumps numbers its own way (compat.py), which psycopg's
        # named cursors' FETCH does not expect.
        self.raw.execute(f"DECLARE copy_{table} NO SCROLL CURSOR FOR {sql}")
        while batch := self.raw.execute(f"FETCH {_BATCH} FROM copy_{table}").fetchall():
            yield [tuple(r) for r in batch]
        self.raw.execute(f"CLOSE copy_{table}")

    def check(self, table: str, cols: list[str]) -> tuple[int, int | None, int | None]:
        """Rows, highest id, and the sum of every money column (``*_minor``)."""
        money = [c for c in cols if c.endswith("_minor")]
        parts = ["count(*)", "max(id)" if "id" in cols else "NULL"]
        parts.append(" + ".join(f"coalesce(sum({c}), 0)" for c in money) if money else "NULL")
        n, top, total = self.rows(f"SELECT {', '.join(parts)} FROM {table}")[0]
        return int(n), None if top is None else int(top), None if total is None else int(total)


@contextmanager
def _snapshot(end: _End) -> Iterator[None]:
    end.raw.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY" if end.pg else "BEGIN")
    try:
        yield
    finally:
        end.raw.execute("COMMIT")


def _empty(end: _End, tables: list[str]) -> bool:
    """Empty ``tables``; True when the server's team members were set aside (_keep_team)."""
    if end.pg:
        # A team's members (store/postgres/team.py) are the server's, not the file's, but
        # they refer to owners, and TRUNCATE refuses a referenced table unless the referring
        # one goes too: set them aside, and put them back once the owners are in again.
        team = bool(end.rows("SELECT to_regclass('team_members') IS NOT NULL")[0][0])
        if team:
            end.raw.execute("CREATE TEMP TABLE pipeline_team_kept ON COMMIT DROP AS "
                            "SELECT * FROM team_members")  # fmt: skip
        extra = ", team_members" if team else ""
        end.raw.execute(f"TRUNCATE {', '.join(tables)}{extra} RESTART IDENTITY")
        return team
    for table in tables:
        end.raw.execute(f"DELETE FROM {table}")
    end.raw.execute("DELETE FROM sqlite_sequence")  # refilled by the copied ids
    return False


def _keep_team(end: _End, source: str) -> None:
    """Put the team's members back; a member whose owner the copy does not hold would lose
    the limits of their role, so the whole copy is refused instead."""
    lost = end.rows("SELECT k.login, k.owner_id FROM pipeline_team_kept k "
                    "WHERE NOT EXISTS (SELECT 1 FROM owners o WHERE o.id = k.owner_id) "
                    "ORDER BY k.login LIMIT 1")  # fmt: skip
    if lost:
        raise StoreError(
            f"team member {lost[0][0]}'s owner (id {lost[0][1]}) is not in {source}; "
            "nothing was changed; remove the member first, or copy into an empty database"
        )
    end.raw.execute("INSERT INTO team_members SELECT * FROM pipeline_team_kept")


def _fill(end: _End, table: str, cols: list[str], batches: Iterator[list[tuple[Any, ...]]]) -> None:
    names = ", ".join(cols)
    if end.pg:
        with end.raw.cursor().copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for batch in batches:
                for row in batch:
                    copy.write_row(row)
        return
    insert = f"INSERT INTO {table} ({names}) VALUES ({', '.join('?' for _ in cols)})"
    for batch in batches:
        end.raw.executemany(insert, batch)


def _sequences(end: _End, tables: dict[str, list[str]]) -> None:
    """Each identity past its table's highest id (a file's sqlite_sequence did it itself)."""
    if not end.pg:
        return
    for table, cols in tables.items():
        if "id" in cols and end.rows("SELECT pg_get_serial_sequence(?, 'id')", (table,))[0][0]:
            end.raw.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"coalesce(max(id), 0) + 1, false) FROM {table}"
            )


def is_empty(store: Store) -> bool:
    end = _End(store)
    return not any(end.rows(f"SELECT 1 FROM {t} LIMIT 1") for t in CONTENT)


def copy_between(source: Store, target: Store, *, force: bool = False) -> list[CopyCheck]:
    """Replace ``target``'s content with ``source``'s; the per-table counts of both ends."""
    src, dst = _End(source), _End(target)
    if not force and not is_empty(target):
        raise StoreError(
            f"{target.location} already holds pipeline data: --force replaces all of it"
        )
    try:
        with _snapshot(src):
            tables = {t: src.columns(t) for t in src.tables()}
            missing = [t for t in tables if t not in set(dst.tables())]
            if missing:
                raise StoreError(f"{target.location} has no {missing[0]} table")
            _write(src, dst, tables)
            before = {t: src.check(t, cols) for t, cols in tables.items()}
        after = {t: dst.check(t, cols) for t, cols in tables.items()}
    except (Error, sqlite3.Error) as exc:
        raise StoreError(f"copy failed, target unchanged: {str(exc).splitlines()[0]}") from None
    return [CopyCheck(t, *before[t], *after[t]) for t in tables]


def _write(src: _End, dst: _End, tables: dict[str, list[str]]) -> None:
    if dst.pg:
        dst.raw.execute(f"BEGIN; SELECT pg_advisory_xact_lock({WRITE_LOCK}); "
                        "SET CONSTRAINTS ALL DEFERRED")  # fmt: skip
    else:
        dst.raw.execute("BEGIN IMMEDIATE")
        dst.raw.execute("PRAGMA defer_foreign_keys = ON")
    try:
        team = _empty(dst, list(tables))
        for table, cols in tables.items():
            _fill(dst, table, cols, src.stream(table, cols))
        _sequences(dst, tables)
        if team:
            _keep_team(dst, src.store.location)
        if dst.pg:
            dst.raw.execute("UPDATE pipeline_state SET value = value + 1 WHERE key = 'changes'")
        dst.raw.execute("COMMIT")
    except BaseException:
        dst.raw.execute("ROLLBACK")
        raise
    if dst.pg:
        # Fresh tables have no statistics until autovacuum gets round to them, and until
        # then the planner guesses: the first `forecast --as-of` after copying 100,000 deals
        # took 136 s, later ones 3 s. The copy gathers them itself.
        for table in tables:
            dst.raw.execute(f"ANALYZE {table}")
