"""Backup, restore and doctor: naming and pruning backup files around the store's tools."""

from __future__ import annotations

from pathlib import Path

from pipeline_tui.models.dates import utcnow
from pipeline_tui.models.errors import PipelineError
from pipeline_tui.store.api import Check, maintenance

SUFFIX = ".backup.db"


def _stamp() -> str:
    return utcnow().strftime("%Y%m%dT%H%M%SZ")


def default_backup_path(db: Path) -> Path:
    """``<name>-<UTC time><n>.backup.db``: sorts by age, unique within a second too."""
    stamp = _stamp()
    path = db.with_name(f"{db.stem}-{stamp}{SUFFIX}")
    n = 1
    while path.exists():
        path = db.with_name(f"{db.stem}-{stamp}.{n:02d}{SUFFIX}")
        n += 1
    return path


def backups(db: Path) -> list[Path]:
    """Timestamped backups of ``db`` in its folder, oldest first."""
    return sorted(
        db.parent.glob(f"{db.stem}-*{SUFFIX}"), key=lambda p: (p.stat().st_mtime_ns, p.name)
    )


# A server's backups are files too; without a path they go in the current folder by this name.
SERVER_BASE = "pipeline-server"


def _base(db: Path | str) -> Path:
    """The path backup names derive from: the file, or for a server SERVER_BASE here."""
    return db if isinstance(db, Path) else Path.cwd() / SERVER_BASE


def backup(
    db: Path | str,
    target: Path | None = None,
    keep: int | None = None,
    *,
    overwrite: bool = False,
) -> tuple[Path, list[Path]]:
    """Back up ``db`` (a file, or a server as a SQLite file); with ``keep``, prune all but
    the newest ``keep`` timestamped backups."""
    if isinstance(db, Path) and not db.exists():
        raise PipelineError(f"no database at {str(db)!r}")
    if keep is not None and keep < 1:
        raise PipelineError(f"invalid --keep {keep}: keep at least 1")
    made = maintenance(db).backup_to(target or default_backup_path(_base(db)), overwrite=overwrite)
    pruned: list[Path] = []
    if keep is not None:
        old = backups(_base(db))
        pruned = old[: max(0, len(old) - keep)]
        for path in pruned:
            path.unlink()
    return made, pruned


def restore(db: Path | str, source: Path) -> Path:
    """Restore ``source`` over ``db``; returns where the previous database was saved."""
    if isinstance(db, Path) and source.resolve() == db.resolve():
        raise PipelineError("cannot restore a database over itself")
    base = _base(db)
    keep = base.with_name(f"{base.stem}-before-restore-{_stamp()}{SUFFIX}")
    maintenance(db).restore_from(source, keep)
    return keep


def doctor(db: Path | str) -> list[Check]:
    return maintenance(db).diagnose()
