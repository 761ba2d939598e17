"""Where the database lives: --db, then $PIPELINE_DB, then the XDG data directory."""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "pipeline-tui"
DB_NAME = "pipeline.db"


def data_dir() -> Path:
    """$XDG_DATA_HOME/pipeline-tui, defaulting to ~/.local/share/pipeline-tui."""
    base = os.environ.get("XDG_DATA_HOME", "").strip()
    root = Path(base) if base else Path.home() / ".local" / "share"
    return root / APP_NAME


# What store/postgres/target.py recognises as a server; repeated here because config.py
# imports nothing of ours (a server target must not be folded into a Path: "//" collapses).
SERVER_PREFIXES = ("postgresql://", "postgres://", "service=")


def db_target(explicit: str | os.PathLike[str] | None = None) -> str | Path:
    """The database the user named: ``db_path``, or a server URL/service kept as written."""
    text = str(explicit).strip() if explicit else os.environ.get("PIPELINE_DB", "").strip()
    if text.startswith(SERVER_PREFIXES):
        return text
    return db_path(explicit)


def db_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    if explicit:
        return Path(explicit).expanduser()
    env = os.environ.get("PIPELINE_DB", "").strip()
    if env:
        return Path(env).expanduser()
    return data_dir() / DB_NAME
