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


def db_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    if explicit:
        return Path(explicit).expanduser()
    env = os.environ.get("PIPELINE_DB", "").strip()
    if env:
        return Path(env).expanduser()
    return data_dir() / DB_NAME
