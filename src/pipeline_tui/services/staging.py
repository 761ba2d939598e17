"""Staging folders for imports that clean up after a killed import, and workers that die
with the import that spawned them.

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

PREFIX = "pipeline-import-"
LOCK = ".in-use"
UNLOCKED_GRACE_S = 3600.0  # a folder made but not yet locked: only its creator knows


def sweep(root: Path | None = None) -> int:
    """Remove staging folders left by imports that were killed. Returns how many."""
    removed = 0
    for folder in Path(root or tempfile.gettempdir()).glob(f"{PREFIX}*"):
        try:
            fd = os.open(folder / LOCK, os.O_RDONLY)
        except FileNotFoundError:
            try:
                stale = time.time() - folder.stat().st_mtime > UNLOCKED_GRACE_S
            except OSError:
                continue
            if stale:
                shutil.rmtree(folder, ignore_errors=True)
                removed += 1
            continue
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            continue  # a running import
        finally:
            os.close(fd)
        shutil.rmtree(folder, ignore_errors=True)
        removed += 1
    return removed


@contextmanager
def staging_folder() -> Iterator[str]:
    """A temporary folder, locked while the import that owns it runs."""
    sweep()
    with tempfile.TemporaryDirectory(prefix=PREFIX) as folder:
        fd = os.open(Path(folder) / LOCK, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_SH)
            yield folder
        finally:
            os.close(fd)


def exit_with_parent(parent: int, every_s: float = 0.5) -> None:
    """In a worker: exit as soon as ``parent`` is no longer this process's parent."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(every_s)
        os._exit(1)  # no cleanup to run: the staging folder belongs to the dead parent

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()
