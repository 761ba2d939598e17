"""Imports on a server: the workers' spools loaded with COPY, then SQLite's session as written.

The sniffing, parsing and spooling are the file path's own (services/imports/). Each spool's
rows and names go by COPY into a schema ``spoolN`` made inside the import's transaction, so
``{S}.rows`` reads as on SQLite's attached files and a rollback (or a dry run) leaves
nothing; the session's SQL (store/sqlite/import_session.py) then runs translated by
dialect.py, all or nothing, journalled and undoable as on a file.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from pipeline_tui.store.import_plan import ImportPlan
from pipeline_tui.store.postgres.errors import translated
from pipeline_tui.store.sqlite.core import Database, Tx
from pipeline_tui.store.sqlite.import_bulk import REBUILD_MIN_ROWS, REBUILD_SHARE
from pipeline_tui.store.sqlite.import_session import SqliteImportSession

_INTEGER = ("INTEGER", "INT", "BIGINT")


@contextmanager
def open_pg_import_session(
    store: Any, summary: str, *, plan: ImportPlan | None, dry_run: bool, kind: str
) -> Iterator[PgImportSession]:
    """Load the plan's spools, prepare, and yield the session inside one transaction."""
    if plan is None:  # an undo: nothing to load
        with store.tx(summary, kind=kind) as tx:
            yield PgImportSession(store, tx, None, [])
        return
    if dry_run:
        conn = store._conn
        with store._lock, translated():
            conn.raw.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
            try:
                session = PgImportSession(store, None, plan, _load(conn.raw, plan))
                session.prepare()
                yield session
            finally:
                conn.raw.execute("ROLLBACK")
        return
    with store.tx(summary, kind=kind) as tx:
        _skip_reference_checks(store._conn.raw)
        schemas = _load(store._conn.raw, plan)
        session = PgImportSession(store, tx, plan, schemas)
        session.prepare()
        yield session
        for name in schemas:  # gone at commit; no other session ever saw them
            store._conn.raw.execute(f"DROP SCHEMA {name} CASCADE")


def _skip_reference_checks(raw: Any) -> None:
    """As SQLite's session turns foreign keys off (every id it writes comes from a join on
    the row it names), so here for this transaction, when the server lets us: replica mode
    is a superuser's. Others keep the per-row checks, which are most of an import's time."""
    found = raw.execute("SELECT current_setting('is_superuser')").fetchone()
    if found is not None and found[0] == "on":
        raw.execute("SET LOCAL session_replication_role = replica")


def _load(raw: Any, plan: ImportPlan) -> list[str]:
    """Each spool file into schema spoolN (rows, names), by COPY; the schemas' names."""
    names = []
    for i, path in enumerate(plan.spools):
        schema = f"spool{i}"
        raw.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        raw.execute(f"CREATE SCHEMA {schema}")
        spool = sqlite3.connect(path)
        try:
            info = spool.execute("PRAGMA table_info(rows)").fetchall()
            cols = [str(r[1]) for r in info]
            typed = [
                f"{c} BIGINT" if str(t).upper() in _INTEGER else f"{c} TEXT"
                for c, t in ((r[1], r[2]) for r in info)
            ]
            raw.execute(f"CREATE TABLE {schema}.rows ({', '.join(typed)}, PRIMARY KEY (line))")
            raw.execute(f"CREATE TABLE {schema}.names (kind TEXT, key TEXT, name TEXT, "
                        "PRIMARY KEY (kind, key))")  # fmt: skip
            for table, wanted in (("rows", cols), ("names", ["kind", "key", "name"])):
                cursor = spool.execute(f"SELECT {', '.join(wanted)} FROM {table}")
                with raw.cursor().copy(
                    f"COPY {schema}.{table} ({', '.join(wanted)}) FROM STDIN"
                ) as copy:
                    while batch := cursor.fetchmany(10_000):
                        for row in batch:
                            copy.write_row(row)
            raw.execute(f"CREATE INDEX ON {schema}.rows (ident) WHERE ident IS NOT NULL")
            raw.execute(f"ANALYZE {schema}.rows")
        finally:
            spool.close()
        names.append(schema)
    return names


class PgImportSession(SqliteImportSession):
    """SQLite's import session over COPY-loaded spools; only what differs is here."""

    def __init__(
        self, store: Database, tx: Tx | None, plan: ImportPlan | None, spools: list[str]
    ) -> None:
        super().__init__(store, tx, plan, spools)
        self.conn = _SessionConnection(store._conn, self)  # type: ignore[assignment]

    @contextmanager
    def _bulk_upkeep(self) -> Iterator[None]:
        """No FTS5 tables on the server (search reads the tables, postgres/search.py); the
        random-key indexes of a large import are made again at its end, as on a file."""
        adding = self.count_new() if self.sql.bulk_indexes else 0
        raw = self.store._conn.raw  # type: ignore[attr-defined]  # a server connection
        with rebuilt_indexes(raw, self.sql.bulk_indexes, adding):
            yield


@contextmanager
def rebuilt_indexes(raw: Any, indexes: tuple[str, ...], adding: int) -> Iterator[None]:
    """Drop ``indexes`` for the block and make them again after it, under the file's rule
    (store/sqlite/import_bulk.py: the import adds at least half the rows its table will
    hold). A million leads kept five random-key indexes row by row for half the import's
    time; one sort each is a fraction of that. The drop locks the table against readers
    until the import commits, which the rule keeps to imports into a table that was
    mostly empty (moving a team in); unique indexes stay, ON CONFLICT needs them."""
    dropped: list[str] = []
    if adding >= REBUILD_MIN_ROWS:
        for name in indexes:
            row = raw.execute(
                "SELECT i.tablename, i.indexdef, x.indisunique FROM pg_indexes i "
                "JOIN pg_class c ON c.relname = i.indexname "
                "JOIN pg_index x ON x.indexrelid = c.oid "
                "WHERE i.schemaname = current_schema() AND i.indexname = %s "
                "AND c.relnamespace = to_regnamespace(current_schema())",
                (name,),
            ).fetchone()
            if row is None or row[2]:
                continue
            have = int(raw.execute(f"SELECT count(*) FROM {row[0]}").fetchone()[0])
            if adding >= REBUILD_SHARE * (have + adding):
                raw.execute(f"DROP INDEX {name}")
                dropped.append(str(row[1]))
    yield
    if dropped:
        raw.execute("SET LOCAL maintenance_work_mem = '256MB'")
    for definition in dropped:
        raw.execute(definition)


_IMP_NEW = re.compile(r"^CREATE TEMP TABLE imp_new \(id INTEGER PRIMARY KEY, (.*)\)$")


class _SessionConnection:
    """The store's connection as the session sees it: the one statement SQLite writes with
    untyped columns (imp_new, the matched rows' new values) is made typed as its table."""

    def __init__(self, conn: Any, session: PgImportSession) -> None:
        self._conn = conn
        self._session = session

    def execute(self, sql: str, params: Any = ()) -> Any:
        found = _IMP_NEW.match(sql)
        if found:
            table = self._session.sql.table
            self._conn.execute(
                f"CREATE TEMP TABLE imp_new AS SELECT id, {found.group(1)} FROM {table} "
                "WITH NO DATA"
            )
            return self._conn.execute("ALTER TABLE pg_temp.imp_new ADD PRIMARY KEY (id)")
        return self._conn.execute(sql, params)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._conn, name)
