"""Import staging folders: killed imports' folders are swept, live ones never are."""

from __future__ import annotations

import csv
import io
import os
import shutil
import threading
import time
from pathlib import Path

import pytest

from pipeline_tui.filelock import release, try_exclusive
from pipeline_tui.models.csvsafe import RowWriter
from pipeline_tui.services.imports import scratch as staging


@pytest.fixture
def tmp_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(staging.tempfile, "tempdir", str(tmp_path))
    return tmp_path


def _left_by_a_killed_import(root: Path, name: str) -> Path:
    folder = root / f"{staging.PREFIX}{name}"
    folder.mkdir()
    (folder / staging.LOCK).touch()
    (folder / "rows.db").write_bytes(b"x" * 1000)
    return folder


def test_sweep_removes_unlocked_folders_and_keeps_locked_ones(tmp_root: Path) -> None:
    dead = _left_by_a_killed_import(tmp_root, "dead")
    alive = _left_by_a_killed_import(tmp_root, "alive")
    other = tmp_root / "something-else"
    other.mkdir()
    held = os.open(alive / staging.LOCK, os.O_RDONLY)
    try:
        staging.fcntl.flock(held, staging.fcntl.LOCK_SH)  # a running import's lock
        assert staging.sweep() == 1
        assert not dead.exists() and alive.exists() and other.exists()
    finally:
        release(held)


def test_a_folder_without_its_lock_yet_is_kept_until_it_is_an_hour_old(tmp_root: Path) -> None:
    young = tmp_root / f"{staging.PREFIX}young"
    old = tmp_root / f"{staging.PREFIX}old"
    young.mkdir()
    old.mkdir()
    an_hour_ago = time.time() - staging.UNLOCKED_GRACE_S - 60
    os.utime(old, (an_hour_ago, an_hour_ago))
    assert staging.sweep() == 1
    assert young.exists() and not old.exists()


def test_a_live_staging_folder_survives_sweeps_and_goes_at_the_end(tmp_root: Path) -> None:
    _left_by_a_killed_import(tmp_root, "dead")
    with staging.scratch_folder() as folder:
        assert [p.name for p in tmp_root.iterdir()] == [Path(folder).name]  # dead one swept
        assert staging.sweep() == 0 and Path(folder).is_dir()
    assert list(tmp_root.iterdir()) == []


def test_an_owner_that_loses_the_race_to_a_sweep_notices(tmp_root: Path) -> None:
    """The sweep locks first and removes the folder; the owner's lock then lands on an
    unlinked file, and it must not use the folder."""
    folder = _left_by_a_killed_import(tmp_root, "racing")
    fd = try_exclusive(folder / staging.LOCK)
    assert fd is not None
    got: list[int | None] = []
    owner = threading.Thread(target=lambda: got.append(staging._hold(folder)))
    owner.start()
    time.sleep(0.2)  # the owner is now waiting for the sweeper's lock
    shutil.rmtree(folder)
    release(fd)
    owner.join(5)
    assert got == [None]


def test_row_writer_quotes_a_row_with_a_bare_cr_only() -> None:
    out = io.StringIO()
    writer = RowWriter(out)
    writer.writerow(["a", "b\rc", 1])
    writer.writerow(["plain", "row", 2])
    assert out.getvalue() == '"a","b\rc","1"\nplain,row,2\n'
    assert list(csv.reader(io.StringIO(out.getvalue(), newline=""))) == [
        ["a", "b\rc", "1"],
        ["plain", "row", "2"],
    ]
