"""Who is using a database file: a shared flock per open Store, an exclusive one to restore.

flock locks are separate from the POSIX locks SQLite itself takes, so they never interfere
with its locking; they exist only so that `restore` can refuse while the TUI or a script
still has the file open.
"""

from __future__ import annotations

import fcntl
import os
import time
from pathlib import Path

from pipeline_tui.filelock import try_exclusive
from pipeline_tui.models.errors import ConflictError


def hold_shared(path: Path, wait_s: float = 10.0) -> int:
    """Mark the file as in use by this process; waits out a restore in progress."""
    fd = os.open(path, os.O_RDONLY)
    deadline = time.monotonic() + wait_s
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
            return fd
        except BlockingIOError:
            if time.monotonic() > deadline:
                os.close(fd)
                raise ConflictError(
                    f"database {str(path)!r} is being restored; try again"
                ) from None
            time.sleep(0.05)


def hold_exclusive(path: Path) -> int:
    """Take the file for this process alone, or raise if another process has it open."""
    fd = try_exclusive(path)
    if fd is None:
        raise ConflictError(
            f"database {str(path)!r} is open in another pipeline process (the TUI or a "
            "script); close it and try again"
        )
    return fd
