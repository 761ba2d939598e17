"""Team mode's commands: moving a pipeline between a file and a server, and members' roles."""

from __future__ import annotations

from pathlib import Path

from pipeline_tui.store.api import CopyCheck, add_team_member, copy_database


def copy(source: str | Path, target: str | Path, *, force: bool = False) -> list[CopyCheck]:
    """Copy every table of ``source`` into ``target``, ids kept; each table counted twice."""
    return copy_database(source, target, force=force)


def add_member(
    target: str | Path, name: str, role: str, *, private: bool = False, login: str | None = None
) -> str:
    """A member's PostgreSQL role, owner and row rules; the login they connect as."""
    if not name.strip():
        from pipeline_tui.models.errors import PipelineError

        raise PipelineError("a member needs a name")
    return add_team_member(target, name.strip(), role, private=private, login=login)
