"""Backups, restores and health checks, done through SQLite so that WAL content is never lost."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from pipeline_tui.filelock import release
from pipeline_tui.models.dates import iso_ts, utcnow
from pipeline_tui.models.errors import PipelineError
from pipeline_tui.store.report_records import Check
from pipeline_tui.store.sqlite.errors import translated
from pipeline_tui.store.sqlite.locking import hold_exclusive
from pipeline_tui.store.sqlite.schema import SCHEMA_VERSION

_REQUIRED = ("deals", "leads", "stages", "pipelines", "activities", "events", "commands")


def backup_to(db: Path, target: Path, *, overwrite: bool = False) -> Path:
    """A consistent copy while others write: VACUUM INTO a temp name, then an atomic rename.

    A backup killed half-way leaves no file at ``target`` (and, with ``overwrite``, the
    previous backup there untouched).
    """
    if target.exists() and not overwrite:
        raise PipelineError(f"{str(target)!r} already exists (--force overwrites it)")
    if target.exists() and not target.is_file():
        raise PipelineError(f"{str(target)!r} is not a file")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=15)
    try:
        conn.execute("VACUUM INTO ?", (str(partial),))
    finally:
        conn.close()
    os.chmod(partial, 0o600)
    # A backup is a database ready to use: WAL like the live one, and on disk before rename.
    copy = sqlite3.connect(partial)
    try:
        copy.execute("PRAGMA journal_mode = WAL")
    finally:
        copy.close()
    with open(partial, "rb") as f:
        os.fsync(f.fileno())
    os.replace(partial, target)
    return target


def check_file(path: Path) -> int:
    """Check that ``path`` is a healthy pipeline database; return its schema version."""
    if not path.is_file():
        raise PipelineError(f"no file at {str(path)!r}")
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            result = conn.execute("PRAGMA quick_check").fetchone()[0]
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise PipelineError(f"{str(path)!r} is not a usable database: {exc}") from None
    if result != "ok":
        raise PipelineError(f"{str(path)!r} is corrupt: {result}")
    missing = [t for t in _REQUIRED if t not in tables]
    if missing:
        raise PipelineError(f"{str(path)!r} is not a pipeline database (no {missing[0]} table)")
    if version > SCHEMA_VERSION:
        raise PipelineError(f"{str(path)!r} has schema v{version}, newer than this pipeline-tui")
    return version


def restore_from(db: Path, source: Path, keep: Path) -> None:
    """Replace the database's content with ``source`` after saving the current one to ``keep``.

    Refused while another process has the database open. The copy goes through SQLite's
    backup API, so the WAL and -shm files stay consistent with the new content.
    """
    check_file(source)
    fd = hold_exclusive(db) if db.exists() else None
    try:
        if db.exists():
            backup_to(db, keep)
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        dst = sqlite3.connect(db, timeout=15)
        try:
            # A database in WAL mode cannot take another page size, and a backup made
            # by another version may have one (store/sqlite/core.py, PAGE_SIZE): the copy
            # goes in with a rollback journal, which the exclusive hold above allows.
            dst.execute("PRAGMA journal_mode = DELETE")
            src.backup(dst)
            dst.execute("PRAGMA journal_mode = WAL")
            _start_undo_horizon(dst)
        finally:
            src.close()
            dst.close()
        os.chmod(db, 0o600)
    finally:
        release(fd)


def _start_undo_horizon(conn: sqlite3.Connection) -> None:
    """Commands journalled before a restore belong to another timeline: ``undo`` stops here.

    The restored file's journal ends where its backup was taken; undoing past that point
    would revert changes the user no longer sees (see store/sqlite/journal.py).
    """
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "database_info" not in tables:  # a file from before schema v2: nothing to mark
        return
    last = conn.execute("SELECT coalesce(max(id), 0) FROM commands").fetchone()[0]
    with conn:
        conn.executemany(
            "INSERT OR REPLACE INTO database_info (key, value) VALUES (?, ?)",
            [("undo_horizon", str(last)), ("restored_at", iso_ts(utcnow()))],
        )


class SqliteFile:
    """Backup, restore and doctor for one database file, open or not (see store/api.py)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def backup_to(self, target: Path, *, overwrite: bool = False) -> Path:
        with translated():
            return backup_to(self.path, target, overwrite=overwrite)

    def restore_from(self, source: Path, keep: Path) -> None:
        with translated():
            restore_from(self.path, source, keep)

    def diagnose(self) -> list[Check]:
        from pipeline_tui.store.sqlite.doctor import diagnose

        with translated():
            return diagnose(self.path)
