"""Backup, restore and doctor on a server: backups are SQLite files, as a file's are.

A backup is `db copy` of one REPEATABLE READ snapshot into a new file (written under a
temporary name, renamed when whole), so a team's backups open, `doctor` and `restore` like
anyone's. Restore copies such a file back over the server's content after saving the
current content the same way, and, as store/sqlite/maintenance.py does, starts an undo
horizon: commands from before the restore cannot be undone. It is refused while another
pipeline client is connected (they would keep writing into what is being replaced).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from pipeline_tui.models.dates import iso_ts, utcnow
from pipeline_tui.models.errors import PipelineError
from pipeline_tui.store.api import Check, StoreError, open_store
from pipeline_tui.store.postgres.copy import copy_between
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
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.partial")
        for leftover in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
            leftover.unlink(missing_ok=True)
        source = self._open()
        try:
            copy = open_store(partial)
            try:
                checks = copy_between(source, copy, force=True)
            finally:
                copy.close()
        finally:
            source.close()
        bad = [c.table for c in checks if not c.ok]
        if bad:
            partial.unlink(missing_ok=True)
            raise StoreError(f"backup incomplete: {', '.join(bad)} differ from the server")
        os.chmod(partial, 0o600)
        with open(partial, "rb") as f:
            os.fsync(f.fileno())
        os.replace(partial, target)
        return target

    def restore_from(self, source: Path, keep: Path) -> None:
        from pipeline_tui.store.sqlite.maintenance import check_file

        check_file(source)
        store = self._open()
        try:
            others = store.scalar(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid != pg_backend_pid() AND application_name = 'pipeline-tui'"
            )
            if others:
                raise PipelineError(
                    f"{masked(self.target)} is open in {others} other pipeline session(s): "
                    "close them before restoring"
                )
            self.backup_to(keep)
            with tempfile.TemporaryDirectory() as folder:
                # Opening migrates a backup from an older version: do it to a copy.
                work = Path(folder) / "restore.db"
                shutil.copyfile(source, work)
                backup = open_store(work)
                try:
                    copy_between(backup, store, force=True)
                finally:
                    backup.close()
            with store.tx("restore") as tx:  # the undo horizon, as a file's restore sets it
                last = store.scalar("SELECT coalesce(max(id), 0) FROM commands")
                for key, value in (("undo_horizon", str(last)), ("restored_at", iso_ts(utcnow()))):
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
