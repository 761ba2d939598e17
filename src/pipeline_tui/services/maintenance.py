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


def backup(
    db: Path, target: Path | None = None, keep: int | None = None, *, overwrite: bool = False
) -> tuple[Path, list[Path]]:
    """Back up ``db``; with ``keep``, prune all but the newest ``keep`` timestamped backups."""
    if not db.exists():
        raise PipelineError(f"no database at {str(db)!r}")
    if keep is not None and keep < 1:
        raise PipelineError(f"invalid --keep {keep}: keep at least 1")
    made = maintenance(db).backup_to(target or default_backup_path(db), overwrite=overwrite)
    pruned: list[Path] = []
    if keep is not None:
        old = backups(db)
        pruned = old[: max(0, len(old) - keep)]
        for path in pruned:
            path.unlink()
    return made, pruned


def restore(db: Path, source: Path) -> Path:
    """Restore ``source`` over ``db``; returns where the previous database was saved."""
    if source.resolve() == db.resolve():
        raise PipelineError("cannot restore a database over itself")
    keep = db.with_name(f"{db.stem}-before-restore-{_stamp()}{SUFFIX}")
    maintenance(db).restore_from(source, keep)
    return keep


def doctor(db: Path) -> list[Check]:
    return maintenance(db).diagnose()
