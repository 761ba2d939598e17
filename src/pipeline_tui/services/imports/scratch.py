"""Scratch folders for an import's spool files: locked while it runs, swept after a kill."""

# A killed import cannot remove its own scratch folder (it can hold hundreds of megabytes).
# So each folder holds a lock for as long as its import lives, and the next import removes
# folders whose lock is free. The locks are flock locks on a plain file in the folder.

from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pipeline_tui.filelock import release, try_exclusive
from pipeline_tui.models.errors import PipelineError

PREFIX = "pipeline-import-"
LOCK = ".in-use"
UNLOCKED_GRACE_S = 3600.0  # a folder made but not yet locked: only its creator knows


def sweep(root: Path | None = None) -> int:
    """Remove scratch folders left by imports that were killed. Returns how many."""
    removed = 0
    for folder in Path(root or tempfile.gettempdir()).glob(f"{PREFIX}*"):
        try:
            fd = try_exclusive(folder / LOCK)
        except FileNotFoundError:
            try:
                stale = time.time() - folder.stat().st_mtime > UNLOCKED_GRACE_S
            except OSError:
                continue
            if stale:
                shutil.rmtree(folder, ignore_errors=True)
                removed += not folder.exists()
            continue
        except OSError:
            continue  # another user's folder, or one being removed
        if fd is None:
            continue  # a running import
        try:
            # Held through the removal: an owner that opened the lock file just before
            # waits here, then sees its file unlinked and starts again elsewhere.
            shutil.rmtree(folder, ignore_errors=True)
            removed += not folder.exists()
        finally:
            release(fd)
    return removed


def _hold(folder: Path) -> int | None:
    """Lock ``folder`` as in use; None if a sweep removed it before the lock was taken."""
    fd = os.open(folder / LOCK, os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(fd, fcntl.LOCK_SH)
    if os.fstat(fd).st_nlink == 0:
        release(fd)
        return None
    return fd


@contextmanager
def scratch_folder() -> Iterator[str]:
    """A temporary folder, locked while the import that owns it runs."""
    sweep()
    for _ in range(5):
        folder = tempfile.mkdtemp(prefix=PREFIX)
        try:
            fd = _hold(Path(folder))
        except FileNotFoundError:  # swept between mkdtemp and the lock file
            continue
        if fd is None:
            continue
        try:
            yield folder
        finally:
            shutil.rmtree(folder, ignore_errors=True)  # under the lock, so no sweep races it
            release(fd)
        return
    raise PipelineError("could not make a staging folder for the import")
