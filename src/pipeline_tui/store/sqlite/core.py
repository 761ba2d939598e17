"""Opening the database (pragmas, permissions, migrations) and the write transaction."""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any, Protocol

from pipeline_tui.filelock import release
from pipeline_tui.models.dates import iso_ts, utcnow
from pipeline_tui.models.errors import NotFoundError
from pipeline_tui.store.api import Corrupt, SchemaTooNew, StoreError
from pipeline_tui.store.sqlite.errors import translate, translated
from pipeline_tui.store.sqlite.locking import hold_shared
from pipeline_tui.store.sqlite.next_step import DERIVED, refresh
from pipeline_tui.store.sqlite.schema import SCHEMA_VERSION

BUSY_TIMEOUT_MS = 15_000
PAGE_SIZE = 16_384  # bytes, for new databases (_pragmas)
# Tables whose rows carry updated_at; Tx.update stamps it so undo can restore it exactly.
_STAMPED = {"leads", "deals", "activities", "targets", "companies", "contacts", "notes"}
# Activity fields that decide which planned activity is a deal's next step.
_NEXT_STEP_INPUTS = {"deal_id", "subject", "due_at", "done_at", "cancelled_at"}
Params = tuple[Any, ...] | dict[str, Any]
# A list of ids bound as one JSON parameter: one variable per row would fail past SQLite's
# limit ("too many SQL variables") on a big database.
IDS = "(SELECT value FROM json_each(?))"


def id_list(ids: list[int]) -> str:
    """The parameter for IDS."""
    return json.dumps([int(i) for i in ids])


class Reader(Protocol):
    """What a query function needs: the store itself, or one of its query families."""

    def one(self, sql: str, params: Params = ()) -> sqlite3.Row | None: ...
    def all(self, sql: str, params: Params = ()) -> list[sqlite3.Row]: ...
    def scalar(self, sql: str, params: Params = ()) -> Any: ...
    def cursor(self) -> sqlite3.Cursor: ...


def _create_private(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        return
    os.close(fd)


class Database:
    """One connection to one pipeline database, plus the current write transaction."""

    login: str | None = None  # one user per file: commands record no database login

    def __init__(
        self, path: str | Path, *, actor: str | None = None, argv: list[str] | None = None
    ) -> None:
        self.path = Path(path)
        self.actor = actor
        self.argv = argv or []
        in_memory = str(path) == ":memory:"
        if not in_memory and not self.path.exists():
            _create_private(self.path)
        self._flock = None if in_memory else hold_shared(self.path)
        try:
            self._conn = sqlite3.connect(
                str(self.path),
                timeout=BUSY_TIMEOUT_MS / 1000,
                isolation_level=None,
                check_same_thread=False,
            )
            self._conn.row_factory = sqlite3.Row
            self._pragmas()
        except sqlite3.DatabaseError as exc:
            release(self._flock)
            kind = type(translate(exc))
            raise (Corrupt if kind is Corrupt else StoreError)(
                f"cannot open database {str(self.path)!r}: {exc}"
            ) from None
        self._lock = threading.RLock()
        self._tx: Tx | None = None
        try:
            with translated():
                self._ensure_schema()
        except BaseException:
            self.close()
            raise

    def _pragmas(self) -> None:
        c = self._conn
        c.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        # Takes effect only on a new, empty file (before WAL is set): an existing database
        # keeps the page size it was made with. 16 KiB pages make a large import's B-trees
        # shallower and its writes fewer (bench/import_bench.py, 1,000,000 leads: about
        # 21 s against 23 s with 4 KiB pages in paired runs; everyday commands on a
        # million deals measured the same either way, bench/scale_bench.py).
        c.execute(f"PRAGMA page_size = {PAGE_SIZE}")
        if c.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            c.execute("PRAGMA journal_mode = WAL")
        c.execute("PRAGMA foreign_keys = ON")
        c.execute("PRAGMA synchronous = FULL")

    def schema_version(self) -> int:
        return int(self._conn.execute("PRAGMA user_version").fetchone()[0])

    def _ensure_schema(self) -> None:
        version = self.schema_version()
        if version == SCHEMA_VERSION:
            return
        if version > SCHEMA_VERSION:
            raise SchemaTooNew(
                f"database {str(self.path)!r} has schema v{version}, newer than this "
                f"pipeline-tui (v{SCHEMA_VERSION}): upgrade pipeline-tui"
            )
        if version == 0 and self.scalar(
            "SELECT count(*) FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"
        ):
            # Tables but no schema version: another program's database. Migrating would
            # write our tables into it.
            raise Corrupt(f"{str(self.path)!r} is not a pipeline database (it holds other tables)")
        from pipeline_tui.store.sqlite.schema import migrate

        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                # Another process may have migrated while we waited for the lock.
                current = self.schema_version()
                if current < SCHEMA_VERSION:
                    if current > 0:
                        self._conn.execute("ROLLBACK")
                        self.backup_before_migration(current)
                        self._conn.execute("BEGIN IMMEDIATE")
                    migrate(self._conn)
                    if current == 0:
                        from pipeline_tui.store.sqlite.seed import seed_defaults

                        seed_defaults(self._conn)
                self._conn.execute("COMMIT")
            except BaseException:
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
                raise

    def backup_before_migration(self, version: int) -> Path:
        """Copy the database consistently before a migration alters it."""
        stamp = utcnow().strftime("%Y%m%dT%H%M%SZ")
        target = self.path.with_name(f"{self.path.name}.v{version}-{stamp}.bak")
        self._conn.execute("VACUUM INTO ?", (str(target),))
        os.chmod(target, 0o600)
        return target

    def close(self) -> None:
        self._conn.close()
        release(self._flock)
        self._flock = None

    # -- reading -----------------------------------------------------------------------

    def one(self, sql: str, params: Params = ()) -> sqlite3.Row | None:
        with translated():
            return self._conn.execute(sql, params).fetchone()

    def all(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        with translated():
            return self._conn.execute(sql, params).fetchall()

    def scalar(self, sql: str, params: Params = ()) -> Any:
        with translated():
            row = self._conn.execute(sql, params).fetchone()
        return None if row is None else row[0]

    def cursor(self) -> sqlite3.Cursor:
        return self._conn.cursor()

    def data_version(self) -> int:
        """Changes when another connection commits: a cheap way to notice outside writes."""
        return int(self._conn.execute("PRAGMA data_version").fetchone()[0])

    # -- writing -----------------------------------------------------------------------

    def tx(self, summary: str, *, kind: str = "change") -> AbstractContextManager[Tx]:
        """One user-facing command: a BEGIN IMMEDIATE transaction and one journal entry.

        Nested calls join the outer transaction, so composite operations (a demo load, a
        qualify that creates a deal) commit and undo as one command.
        """
        return self._transaction(summary, kind)

    @contextmanager
    def _transaction(self, summary: str, kind: str) -> Iterator[Tx]:
        if self._tx is not None:
            yield self._tx
            return
        with self._lock, translated():
            self._conn.execute("BEGIN IMMEDIATE")
            tx = self.make_tx(summary, kind)
            self._tx = tx
            try:
                yield tx
                self._conn.execute("COMMIT")
            except BaseException:
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
                raise
            finally:
                self._tx = None

    def make_tx(self, summary: str, kind: str) -> Tx:
        return Tx(self, summary, kind)


class Tx:
    """Writes inside one transaction; every change is journalled with before/after values."""

    def __init__(self, store: Database, summary: str, kind: str) -> None:
        self.store = store
        self._conn = store._conn
        self.summary = summary
        self.kind = kind
        self.now = iso_ts(utcnow())
        self._command_id: int | None = None

    @property
    def command_id(self) -> int:
        if self._command_id is None:
            import shlex

            command = shlex.join(self.store.argv) if self.store.argv else self.summary
            cur = self._conn.execute(
                "INSERT INTO commands (command, summary, at, owner, kind) VALUES (?, ?, ?, ?, ?)",
                (command, self.summary, self.now, self.store.actor, self.kind),
            )
            self._command_id = int(cur.lastrowid or 0)
        return self._command_id

    def _event(
        self,
        entity: str,
        entity_id: int,
        action: str,
        before: dict[str, Any] | None,
        after: dict[str, Any] | None,
    ) -> None:
        self._conn.execute(
            "INSERT INTO events (command_id, entity, entity_id, action, before, after) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (
                self.command_id,
                entity,
                entity_id,
                action,
                None if before is None else json.dumps(before, ensure_ascii=False),
                None if after is None else json.dumps(after, ensure_ascii=False),
            ),
        )

    def row(self, table: str, row_id: int) -> dict[str, Any]:
        found = self._conn.execute(f"SELECT * FROM {table} WHERE id = ?", (row_id,)).fetchone()
        if found is None:
            raise NotFoundError(f"no {table[:-1]} with id {row_id}")
        return dict(found)

    def insert(self, table: str, values: dict[str, Any], *, journal: bool = True) -> int:
        cols = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        cur = self._conn.execute(
            f"INSERT INTO {table} ({cols}) VALUES ({marks})", tuple(values.values())
        )
        new_id = int(cur.lastrowid or 0)
        if table == "activities":
            refresh(self._conn, [values.get("deal_id")])
        elif table == "deals":  # a re-inserted deal (undo of a delete) carries an old cache
            refresh(self._conn, [new_id])
        if journal:
            self._event(table, new_id, "insert", None, {"id": new_id, **values})
        return new_id

    def update(
        self, table: str, row_id: int, changes: dict[str, Any], *, stamp: bool = True
    ) -> dict[str, Any]:
        """Apply the fields that differ; return the row as it was before.

        stamp=False writes exactly ``changes``; undo uses it to restore updated_at too.
        """
        if table == "deals" and not DERIVED.isdisjoint(changes):
            # Written only by next_step.refresh: a deal's next step is its planned activity.
            raise ValueError(f"deals.{sorted(set(DERIVED) & set(changes))[0]} is derived")
        before = self.row(table, row_id)
        diff = {k: v for k, v in changes.items() if before.get(k) != v}
        if not diff:
            return before
        if stamp and table in _STAMPED and "updated_at" not in diff:
            diff["updated_at"] = self.now
        sets = ", ".join(f"{k} = ?" for k in diff)
        self._conn.execute(f"UPDATE {table} SET {sets} WHERE id = ?", (*diff.values(), row_id))
        if table == "activities" and not _NEXT_STEP_INPUTS.isdisjoint(diff):
            refresh(self._conn, [before["deal_id"], diff.get("deal_id")])
        self._event(table, row_id, "update", {k: before[k] for k in diff}, diff)
        return before

    def delete(self, table: str, row_id: int) -> dict[str, Any]:
        before = self.row(table, row_id)
        self._conn.execute(f"DELETE FROM {table} WHERE id = ?", (row_id,))
        if table == "activities":
            refresh(self._conn, [before["deal_id"]])
        self._event(table, row_id, "delete", before, None)
        return before

    def raw(self, sql: str, params: tuple[Any, ...] = ()) -> sqlite3.Cursor:
        """Unjournalled SQL, for the journal's own bookkeeping."""
        return self._conn.execute(sql, params)
