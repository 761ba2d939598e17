"""flock locks on plain files: who holds a database file or an import's scratch folder."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path


def try_exclusive(path: Path) -> int | None:
    """The open file, locked for this process alone; None if another process holds it."""
    fd = os.open(path, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    return fd


def release(fd: int | None) -> None:
    if fd is not None:
        os.close(fd)
