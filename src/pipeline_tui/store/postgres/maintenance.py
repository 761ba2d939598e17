"""Backup, restore and doctor on a server: backups are SQLite files, as a file's are.

A backup is `db copy` of one REPEATABLE READ snapshot into a new file (written under a
temporary name, renamed when whole), so a team's backups open, `doctor` and `restore` like
anyone's. Restore copies such a file back over the server's content after saving the
current content the same way, and, as store/sqlite/maintenance.py does, starts an undo
horizon: commands from before the restore cannot be undone. It is refused while another
pipeline client is connected (they would keep writing into what is being replaced): every
client's connection holds the open lock shared (store/postgres/core.py), and restore must
get it exclusively, which also keeps new clients out until it is done. This process's own
other connections give their shares back for the while: they are not another client.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from pipeline_tui.models.dates import iso_ts, utcnow
from pipeline_tui.models.errors import PipelineError
from pipeline_tui.store.api import Check, StoreError, open_store
from pipeline_tui.store.postgres.copy import copy_between
from pipeline_tui.store.postgres.core import OPEN_LOCK, open_databases
from pipeline_tui.store.postgres.store import PgStore
from pipeline_tui.store.postgres.target import masked

_ORPHAN_CHECKS = (
    "deals without a stage", "deals in a stage of another pipeline",
    "open deals in a removed stage", "stage history of missing deals or stages",
    "amount and close-date history of missing deals", "activities on missing deals or leads",
    "events without a command", "status and close time agree",
)  # fmt: skip
_MONEY = {
    "amounts stored as whole minor units": (
        # BIGINT holds whole numbers only; what is left to check is sign and currency.
        "SELECT count(*) FROM deals WHERE value_minor < 0 OR length(currency) != 3 "
        "OR currency != upper(currency)",
        "deal(s) have a negative amount or a bad currency",
    ),
    "view totals match the table": (
        "SELECT count(*) FROM "
        "(SELECT currency, sum(value_minor) AS t FROM deals GROUP BY currency) a LEFT JOIN "
        "(SELECT currency, sum(value_minor) AS t FROM deals_view GROUP BY currency) b "
        "USING (currency) WHERE a.t IS DISTINCT FROM b.t",
        "currenc(y/ies) whose total differs between deals and deals_view",
    ),
}


class PgMaintenance:
    """Backup, restore and doctor for one pipeline database on a server."""

    def __init__(self, target: str) -> None:
        self.target = target

    def _open(self) -> PgStore:
        store = open_store(self.target)
        assert isinstance(store, PgStore)
        return store

    def backup_to(self, target: Path, *, overwrite: bool = False) -> Path:
        if target.exists() and not overwrite:
            raise PipelineError(f"{str(target)!r} already exists (--force overwrites it)")
        if target.exists() and not target.is_file():
            raise PipelineError(f"{str(target)!r} is not a file")
        source = self._open()
        try:
            return _backup(source, target)
        finally:
            source.close()

    def restore_from(self, source: Path, keep: Path) -> None:
        from pipeline_tui.store.sqlite.maintenance import check_file

        check_file(source)
        store = self._open()
        try:
            with _alone(store):
                _backup(store, keep)
                with tempfile.TemporaryDirectory() as folder:
                    # Opening migrates a backup from an older version: do it to a copy.
                    work = Path(folder) / "restore.db"
                    shutil.copyfile(source, work)
                    backup = open_store(work)
                    try:
                        copy_between(backup, store, force=True)
                    finally:
                        backup.close()
                with store.tx("restore") as tx:  # the undo horizon, as a file's restore sets
                    last = store.scalar("SELECT coalesce(max(id), 0) FROM commands")
                    now = iso_ts(utcnow())
                    for key, value in (("undo_horizon", str(last)), ("restored_at", now)):
                        tx.raw("DELETE FROM database_info WHERE key = ?", (key,))
                        tx.raw("INSERT INTO database_info (key, value) VALUES (?, ?)", (key, value))
        finally:
            store.close()

    def diagnose(self) -> list[Check]:
        try:
            store = self._open()
        except StoreError as exc:
            return [Check("database", False, str(exc))]
        try:
            return [Check("database", True, masked(self.target)), *_checks(store)]
        finally:
            store.close()


@contextmanager
def _alone(store: PgStore) -> Iterator[None]:
    """Hold the open lock exclusively, or refuse in one line: another client is connected."""
    mine = [db for db in open_databases() if db is not store and db.same_database(store)]
    for db in mine:
        db.share_open_lock(False)
    try:
        if not store.scalar(f"SELECT pg_try_advisory_lock({OPEN_LOCK})"):
            others = store.scalar(  # only for the message: the lock has decided
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
                "AND database = (SELECT oid FROM pg_database WHERE datname = "
                f"current_database()) AND classid = 0 AND objid = {OPEN_LOCK} AND objsubid = 1 "
                "AND pid != pg_backend_pid()"
            )
            raise PipelineError(
                f"{masked(store.target)} is open in {others or 'another'} other pipeline "
                "client(s): close them before restoring"
            )
        try:
            yield
        finally:
            store.scalar(f"SELECT pg_advisory_unlock({OPEN_LOCK})")
    finally:
        for db in mine:
            db.share_open_lock(True)


def _backup(source: PgStore, target: Path) -> Path:
    """`db copy` of ``source`` into a new file at ``target``, renamed there when whole."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    for leftover in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
        leftover.unlink(missing_ok=True)
    copy = open_store(partial)
    try:
        checks = copy_between(source, copy, force=True)
    finally:
        copy.close()
    bad = [c.table for c in checks if not c.ok]
    if bad:
        partial.unlink(missing_ok=True)
        raise StoreError(f"backup incomplete: {', '.join(bad)} differ from the server")
    os.chmod(partial, 0o600)
    with open(partial, "rb") as f:
        os.fsync(f.fileno())
    os.replace(partial, target)
    return target


def _run(name: str, fn: Callable[[], tuple[bool, str]]) -> Check:
    try:
        ok, detail = fn()
    except StoreError as exc:
        ok, detail = False, f"cannot check: {exc}"
    return Check(name, ok, detail)


def _checks(store: PgStore) -> list[Check]:
    from pipeline_tui.store.postgres.schema import SCHEMA_VERSION
    from pipeline_tui.store.sqlite.doctor import _MONEY as LITE_MONEY
    from pipeline_tui.store.sqlite.doctor import _ORPHANS

    def schema() -> tuple[bool, str]:
        version = store.schema_version()
        return version == SCHEMA_VERSION, f"schema v{version}, as the code expects"

    def sequences() -> tuple[bool, str]:
        behind = []
        for (table,) in store.all(
            "SELECT table_name FROM information_schema.columns WHERE table_schema = "
            "current_schema() AND column_name = 'id' AND is_identity = 'YES'"
        ):
            seq = store.scalar("SELECT pg_get_serial_sequence(?, 'id')", (table,))
            nxt = store.scalar(
                f"SELECT last_value + CASE WHEN is_called THEN 1 ELSE 0 END FROM {seq}"
            )
            top = store.scalar(f"SELECT coalesce(max(id), 0) FROM {table}")
            if nxt <= top:
                behind.append(f"{table} (next {nxt}, highest {top})")
        if behind:
            return False, "behind the highest id: " + "; ".join(behind)
        return True, "every id sequence is past its table's highest id"

    checks = [
        _run("schema version", schema),
        Check("foreign keys", True, "enforced by the server"),
        _run("id sequences", sequences),
    ]
    named = {**_ORPHANS, **LITE_MONEY, **_MONEY}
    for name in (*_ORPHAN_CHECKS[:-1], *_MONEY, _ORPHAN_CHECKS[-1]):
        sql, meaning = named[name]

        def count(sql: str = sql, meaning: str = meaning) -> tuple[bool, str]:
            bad = int(store.scalar(sql))
            return bad == 0, "none" if bad == 0 else f"{bad} {meaning}"

        checks.append(_run(name, count))
    return checks
