"""The server connection: schema check and migration, reads, and serialised write transactions.

Writes take one transaction-scoped advisory lock, so there is one writer at a time, as in
SQLite: the check-then-insert of ensure_owner, undo's checks and an import's contiguous ids
keep holding. A writer that cannot get the lock within the busy timeout fails as Busy.

Every connection also holds a session-level advisory lock, shared, for as long as it is
open: restore takes it exclusively (store/postgres/maintenance.py), so it is refused while
another client is connected, and a client cannot connect while a restore runs. Taking it
rides on the one statement a connection opens with (who we are, the schema version).
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

from pipeline_tui.models.dates import iso_ts, utcnow
from pipeline_tui.store.api import Corrupt, SchemaTooNew, StoreError
from pipeline_tui.store.postgres.compat import Connection, Cursor
from pipeline_tui.store.postgres.driver import Connection as RawConnection
from pipeline_tui.store.postgres.driver import Error, errors
from pipeline_tui.store.postgres.errors import first_line, translated
from pipeline_tui.store.postgres.target import mask_in, masked
from pipeline_tui.store.sqlite.core import Tx
from pipeline_tui.store.sqlite.schema import SCHEMA_VERSION

BUSY_TIMEOUT_MS = 15_000
# pg_advisory_xact_lock's key for "the pipeline's write lock": any constant, the same in
# every client of one database ("pipe" in ASCII).
WRITE_LOCK = 0x70697065
# pg_advisory_lock_shared's key for "a pipeline client is connected" ("open"). Advisory
# locks belong to one database, so one constant serves every database on a server.
OPEN_LOCK = 0x6F70656E
# Who we are, the open lock and the schema version: one round trip on connecting.
# The session's work_mem rides along too: the server's default (4 MB) sent a forecast of a
# million deals to sort 300,000 rows on disk, as it misjudges how many months they fall
# in; 64 MB lets it hash them in memory (325 -> 185 ms). Set here rather than as a startup
# option, which connection poolers such as PgBouncer refuse.
_WHO = (
    f"SELECT session_user, pg_try_advisory_lock_shared({OPEN_LOCK}), "
    "set_config('work_mem', '64MB', false)"
)
OPENING = f"{_WHO}, (SELECT value FROM pipeline_state WHERE key = 'schema_version')"
_OPEN: weakref.WeakSet[PgDatabase] = weakref.WeakSet()  # this process's open connections
CHANNEL = "pipeline_changes"  # NOTIFY channel: every commit names its command id
Params = tuple[Any, ...] | dict[str, Any]


def connect(target: str) -> Connection:
    """An autocommit connection to ``target``; a one-line StoreError, password masked."""
    try:
        raw = RawConnection.connect(target, autocommit=True, application_name="pipeline-tui")
    except Error as exc:
        raise StoreError(
            f"cannot connect to {masked(target)}: {mask_in(first_line(exc), target)}"
        ) from None
    return Connection(raw)


class PgDatabase:
    """One connection to one pipeline database on a server, plus the current write."""

    def __init__(self, target: str, *, actor: str | None = None, argv: list[str] | None = None):
        self.target = target
        self.actor = actor
        # The journal records the command line: never a password typed into --db.
        self.argv = [masked(a) for a in argv or []]
        self.busy_timeout_ms = BUSY_TIMEOUT_MS  # read once, as SQLite's connection does
        self._conn = connect(target)
        self._lock = threading.RLock()
        self._tx: Tx | None = None
        self.notify: int | None = None  # the command a commit announces (see _write_lock)
        try:
            self._open()
        except BaseException:
            self.close()
            raise
        _OPEN.add(self)

    def _open(self) -> None:
        raw = self._conn.raw
        try:
            try:
                login, shared, _, version = raw.execute(OPENING).fetchone() or (None, 0, 0, None)
                bookkept = True
            except errors.UndefinedTable:  # no pipeline_state: an empty database (or another's)
                login, shared, _ = raw.execute(_WHO).fetchone() or (None, 0, 0)
                version, bookkept = None, False
        except Error as exc:
            raise StoreError(f"cannot open {self.shown}: {first_line(exc)}") from None
        # Who the server says we are: commands record it (m010's column default) and undo
        # picks the newest of this login's commands.
        self.login: str | None = None if login is None else str(login)
        if not shared:
            raise StoreError(
                f"{self.shown} is being restored by another client: try again when it is done"
            )
        if bookkept and version is None:
            raise Corrupt(f"{self.shown} is damaged: its pipeline_state holds no schema version")
        self._ensure_schema(None if version is None else int(version))

    @property
    def shown(self) -> str:
        """The target as messages may show it: never with its password."""
        return masked(self.target)

    def schema_version(self) -> int | None:
        """The recorded version; None when the database has no pipeline bookkeeping."""
        if self.scalar("SELECT to_regclass('pipeline_state') IS NULL"):
            return None
        found = self.scalar("SELECT value FROM pipeline_state WHERE key = 'schema_version'")
        if found is None:
            raise Corrupt(f"{self.shown} is damaged: its pipeline_state holds no schema version")
        return int(found)

    def _ensure_schema(self, version: int | None) -> None:
        if version == SCHEMA_VERSION:
            return
        if version is not None and version > SCHEMA_VERSION:
            raise SchemaTooNew(
                f"database {self.shown} has schema v{version}, newer than this "
                f"pipeline-tui (v{SCHEMA_VERSION}): upgrade pipeline-tui"
            )
        if version is None and self.scalar(
            "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()"
        ):
            raise Corrupt(f"{self.shown} is not a pipeline database (it holds other tables)")
        from pipeline_tui.store.postgres.schema import migrate

        with self._write_lock():
            if self.schema_version() != SCHEMA_VERSION:  # another client may have migrated
                migrate(self._conn, iso_ts(utcnow()))
                if version is None:
                    from pipeline_tui.store.sqlite.seed import seed_defaults

                    seed_defaults(self._conn)  # type: ignore[arg-type]

    def close(self) -> None:
        _OPEN.discard(self)
        self._conn.close()  # ends the session, and with it the open lock

    def share_open_lock(self, held: bool) -> None:
        """Take (True) or give back (False) this connection's shared open lock."""
        verb = "pg_try_advisory_lock_shared" if held else "pg_advisory_unlock_shared"
        with self._lock, translated():
            self._conn.raw.execute(f"SELECT {verb}({OPEN_LOCK})")

    def same_database(self, other: PgDatabase) -> bool:
        """True when both connections reach the same database on the same server."""
        mine, theirs = self._conn.raw.info, other._conn.raw.info
        return (mine.host, mine.port, mine.dbname) == (theirs.host, theirs.port, theirs.dbname)

    # -- reading -----------------------------------------------------------------------

    def one(self, sql: str, params: Params = ()) -> Any:
        return self._conn.execute(sql, params).fetchone()

    def all(self, sql: str, params: Params = ()) -> list[Any]:
        return self._conn.execute(sql, params).fetchall()

    def scalar(self, sql: str, params: Params = ()) -> Any:
        row = self._conn.execute(sql, params).fetchone()
        return None if row is None else row[0]

    def cursor(self) -> Cursor:
        return self._conn.cursor()

    def change_count(self) -> int:
        """Moves with every commit that wrote, from any client (see _write_lock)."""
        return int(self.scalar("SELECT value FROM pipeline_state WHERE key = 'changes'"))

    # -- writing -----------------------------------------------------------------------

    @contextmanager
    def _write_lock(self) -> Iterator[None]:
        """BEGIN, wait for the write lock up to the busy timeout, COMMIT (or ROLLBACK)."""
        conn = self._conn
        with self._lock, translated():
            # One round trip each way: BEGIN and the lock together, the counter and COMMIT
            # together (simple-protocol statements, no parameters).
            try:
                conn.raw.execute(
                    f"BEGIN; SET LOCAL lock_timeout = {int(self.busy_timeout_ms)}; "
                    f"SELECT pg_advisory_xact_lock({WRITE_LOCK})"
                )
                conn.writes = 0
                self.notify = None
                yield
                end = "COMMIT"
                if conn.writes:
                    end = (
                        f"UPDATE pipeline_state SET value = value + 1 WHERE key = 'changes'; {end}"
                    )
                if self.notify is not None:  # listeners learn which command committed
                    end = f"SELECT pg_notify('{CHANNEL}', '{int(self.notify)}'); {end}"
                conn.raw.execute(end)
            except BaseException:
                if conn.in_transaction:
                    conn.raw.execute("ROLLBACK")
                raise

    def tx(self, summary: str, *, kind: str = "change") -> AbstractContextManager[Tx]:
        """One user-facing command: one serialised transaction and one journal entry.

        Nested calls join the outer transaction, as in store/sqlite/core.py.
        """
        return self._transaction(summary, kind)

    @contextmanager
    def _transaction(self, summary: str, kind: str) -> Iterator[Tx]:
        if self._tx is not None:
            yield self._tx
            return
        with self._write_lock():
            tx = self.make_tx(summary, kind)
            self._tx = tx
            try:
                yield tx
                self.notify = tx._command_id
            finally:
                self._tx = None

    def make_tx(self, summary: str, kind: str) -> Tx:
        return Tx(self, summary, kind)  # type: ignore[arg-type]


def open_databases() -> list[PgDatabase]:
    """This process's open connections (a restore gives back their shared open locks)."""
    return list(_OPEN)
