"""`pipeline backup`, `restore` and `doctor`: keeping the one file that holds everything safe."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from pipeline_tui.cli.commands.common import STATE, Fmt, FormatOpt
from pipeline_tui.cli.render import Col, emit, say


def _db() -> Path | str:
    """The database: a file's path, or a server's target (kept whole, never a Path)."""
    from pipeline_tui.config import db_target

    return db_target(STATE.db)


def _shown(db: Path | str) -> str:
    from pipeline_tui.store.api import shown

    return str(db) if isinstance(db, Path) else shown(db)


def backup(
    path: Annotated[
        Path | None,
        typer.Argument(help="Where to write it (default: a timestamped file next to the db)."),
    ] = None,
    keep: Annotated[
        int | None, typer.Option("--keep", help="Keep only the newest N timestamped backups.")
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite PATH if it already exists.")
    ] = False,
) -> None:
    """Make a consistent copy of the database, even while others write to it."""
    from pipeline_tui.services.maintenance import backup as make_backup

    made, pruned = make_backup(_db(), path, keep, overwrite=force)
    say(
        f"Backed up {_shown(_db())} to {made}"
        + (f"; removed {len(pruned)} old backup(s)" if pruned else "")
    )


def restore(
    path: Annotated[Path, typer.Argument(help="The backup to restore.", show_default=False)],
) -> None:
    """Replace the database with a backup (the current one is kept as a backup first)."""
    from pipeline_tui.services.maintenance import restore as do_restore

    kept = do_restore(_db(), path)
    say(f"Restored {path} into {_shown(_db())}; the previous database was saved as {kept}")


def doctor(fmt: FormatOpt = Fmt.table) -> None:
    """Check the database: integrity, references, schema, WAL, permissions, orphans, money."""
    from pipeline_tui.services.maintenance import doctor as run_doctor

    checks = run_doctor(_db())
    rows = [{"check": c.name, "ok": c.ok, "detail": c.detail} for c in checks]
    emit(
        rows,
        [
            Col("check", "Check"),
            Col("ok", "Result", show=lambda r: "ok" if r["ok"] else "PROBLEM"),
            Col("detail", "Detail", wrap=True),
        ],
        fmt.value,
        title=f"pipeline doctor: {_shown(_db())}",
    )
    problems = [c for c in checks if not c.ok]
    if problems:
        raise typer.Exit(1)
