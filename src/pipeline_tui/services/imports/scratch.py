"""Import staging folders and workers that leave nothing behind when an import is killed.

A killed import cannot remove its own staging folder (it can hold hundreds of megabytes),
and its spawned workers would keep parsing with nobody to read their results. So each
folder holds a lock for as long as its import lives; the next import removes folders whose
lock is free. Workers watch their parent and exit when it is gone.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pipeline_tui.models.errors import PipelineError
from pipeline_tui.store.sqlite.locking import release, try_exclusive

PREFIX = "pipeline-import-"
LOCK = ".in-use"
UNLOCKED_GRACE_S = 3600.0  # a folder made but not yet locked: only its creator knows


def sweep(root: Path | None = None) -> int:
    """Remove staging folders left by imports that were killed. Returns how many."""
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
def staging_folder() -> Iterator[str]:
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


def exit_with_parent(parent: int, every_s: float = 0.5) -> None:
    """In a worker: exit as soon as ``parent`` is no longer this process's parent."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(every_s)
        os._exit(1)  # no cleanup to run: the staging folder belongs to the dead parent

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()
