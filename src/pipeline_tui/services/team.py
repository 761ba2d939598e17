"""Team mode's commands: moving a pipeline between a file and a server, and members' roles."""

from __future__ import annotations

from pathlib import Path

from pipeline_tui.store.api import CopyCheck, copy_database


def copy(source: str | Path, target: str | Path, *, force: bool = False) -> list[CopyCheck]:
    """Copy every table of ``source`` into ``target``, ids kept; each table counted twice."""
    return copy_database(source, target, force=force)
