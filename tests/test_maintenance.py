"""backup, restore and doctor: consistent copies, refused restores, and detected damage."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline_tui.services.maintenance import backup, backups, doctor
from pipeline_tui.store.sqlite import SqliteStore as Store
from pipeline_tui.store.sqlite.core import PAGE_SIZE
from pipeline_tui.store.sqlite.schema import SCHEMA_VERSION
from tests.conftest import Cli

pytestmark = pytest.mark.both_backends


def problems(db: str | Path) -> dict[str, str]:
    return {c.name: c.detail for c in doctor(db) if not c.ok}


@pytest.mark.sqlite_only(
    "SQLite file checks (integrity_check); the server doctor: tests/test_pg_copy.py"
)
def test_doctor_is_clean_on_demo(demo_store: Store, db_path: Path, cli: Cli) -> None:
    assert problems(db_path) == {}
    r = cli("doctor")
    assert r.exit_code == 0 and "integrity_check" in r.stdout and "PROBLEM" not in r.stdout


@pytest.mark.sqlite_only("backups kept beside the SQLite file, read with sqlite3")
def test_backup_holds_committed_changes_and_is_private(demo_store: Store, db_path: Path) -> None:
    with demo_store.tx("late change") as tx:
        tx.update("deals", 1, {"title": "Committed before backup"})
    made, _ = backup(db_path)
    assert made.parent == db_path.parent and made.name.endswith(".backup.db")
    assert oct(made.stat().st_mode & 0o777) == "0o600"
    copy = sqlite3.connect(made)
    assert copy.execute("SELECT title FROM deals WHERE id = 1").fetchone()[0] == (
        "Committed before backup"
    )
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert problems(made) == {}


@pytest.mark.sqlite_only("backups kept beside the SQLite file, read with sqlite3")
def test_backup_keep_prunes_oldest(store: Store, db_path: Path) -> None:
    made = [backup(db_path, keep=2)[0] for _ in range(4)]
    assert backups(db_path) == made[-2:]


def test_backup_cli_to_a_path_refuses_overwrite(cli: Cli, store: Store, tmp_path: Path) -> None:
    target = tmp_path / "b" / "copy.db"
    assert cli("backup", str(target)).exit_code == 0 and target.exists()
    again = cli("backup", str(target))
    assert again.exit_code == 1 and "already exists" in again.stderr
    assert "--force" in again.stderr  # the one-line error says how to overwrite


def test_backup_force_overwrites_with_the_current_data(
    cli: Cli, demo_store: Store, tmp_path: Path
) -> None:
    target = tmp_path / "nightly.db"
    assert cli("backup", str(target)).exit_code == 0
    with demo_store.tx("later") as tx:
        tx.update("deals", 1, {"title": "Changed after the first backup"})
    forced = cli("backup", str(target), "--force")
    assert forced.exit_code == 0, forced.stderr
    copy = sqlite3.connect(target)
    assert copy.execute("SELECT title FROM deals WHERE id = 1").fetchone()[0] == (
        "Changed after the first backup"
    )
    assert problems(target) == {}


def test_undo_after_restore_never_reaches_before_it(
    cli: Cli, demo_store: Store, db_target: str
) -> None:
    assert cli("deal", "edit", "1", "--title", "Before the backup").exit_code == 0
    made, _ = backup(db_target)
    assert cli("deal", "edit", "1", "--title", "After the backup").exit_code == 0
    demo_store.close()
    assert cli("restore", str(made)).exit_code == 0
    refused = cli("undo")
    assert refused.exit_code == 1
    assert "nothing to undo since the restore" in refused.stderr
    assert '"title": "Before the backup"' in cli("deal", "show", "1", "--format", "json").stdout
    # A command made after the restore is undone as usual, and then the horizon holds again.
    assert cli("deal", "edit", "1", "--title", "After the restore").exit_code == 0
    assert cli("undo").exit_code == 0
    assert '"title": "Before the backup"' in cli("deal", "show", "1", "--format", "json").stdout
    assert cli("undo").exit_code == 1


def _edit_then_restore(cli: Cli, demo_store: Store, db_path: Path, source: Path) -> Store:
    """Change deal 1 after ``source`` was made, restore ``source``, and reopen: the change
    is gone."""
    with demo_store.tx("after") as tx:
        tx.update("deals", 1, {"title": "After the backup"})
    demo_store.close()
    r = cli("restore", str(source))
    assert r.exit_code == 0, r.stderr
    s = Store(db_path)
    assert s.scalar("SELECT title FROM deals WHERE id = 1") != "After the backup"
    return s


@pytest.mark.sqlite_only("backups kept beside the SQLite file, read with sqlite3")
def test_restore_round_trip_keeps_previous(cli: Cli, demo_store: Store, db_path: Path) -> None:
    made, _ = backup(db_path)
    s = _edit_then_restore(cli, demo_store, db_path, made)
    assert s.scalar("SELECT count(*) FROM deals") == 60
    s.close()
    kept = [p for p in backups(db_path) if "before-restore" in p.name]
    assert len(kept) == 1
    assert (
        sqlite3.connect(kept[0]).execute("SELECT title FROM deals WHERE id = 1").fetchone()[0]
        == "After the backup"
    )


@pytest.mark.sqlite_only("SQLite page sizes, read with sqlite3")
def test_restore_takes_a_backup_with_another_page_size(
    cli: Cli, demo_store: Store, db_path: Path, tmp_path: Path
) -> None:
    """A new database has 16 KiB pages; a backup made before that (4 KiB) still restores
    into it, and takes its own page size with it."""
    assert demo_store.scalar("PRAGMA page_size") == PAGE_SIZE == 16_384
    old = tmp_path / "old-version.db"
    raw = sqlite3.connect(db_path)
    raw.execute("PRAGMA page_size = 4096")
    raw.execute("VACUUM INTO ?", (str(old),))
    raw.close()
    assert sqlite3.connect(old).execute("PRAGMA page_size").fetchone()[0] == 4096
    s = _edit_then_restore(cli, demo_store, db_path, old)
    assert s.scalar("PRAGMA page_size") == 4096
    assert s.scalar("PRAGMA journal_mode") == "wal"
    assert s.scalar("SELECT count(*) FROM deals") == 60
    s.close()
    assert problems(db_path) == {}


@pytest.mark.sqlite_only(
    "a damaged or foreign SQLite file: tests/test_pg_copy.py restores on the server"
)
@pytest.mark.parametrize("kind", ["truncated", "random", "not ours"])
def test_restore_refuses_bad_files(
    cli: Cli, demo_store: Store, db_path: Path, tmp_path: Path, kind: str
) -> None:
    bad = tmp_path / f"{kind}.db"
    if kind == "truncated":
        made, _ = backup(db_path)
        bad.write_bytes(made.read_bytes()[: 3 * 4096 + 100])
    elif kind == "random":
        bad.write_bytes(os.urandom(64 * 1024))
    else:
        sqlite3.connect(bad).execute("CREATE TABLE t (x)")
    demo_store.close()
    before = db_path.read_bytes()
    r = cli("restore", str(bad))
    assert r.exit_code == 1 and len(r.stderr.strip().splitlines()) == 1
    assert str(bad) in r.stderr
    assert db_path.read_bytes() == before


@pytest.mark.sqlite_only("SQLite file lock held by another process")
def test_restore_refused_while_another_process_has_it_open(
    cli: Cli, store: Store, db_path: Path
) -> None:
    made, _ = backup(db_path)
    store.close()
    code = (
        "import sys, time; from pipeline_tui.store.sqlite import SqliteStore as Store; "
        "s = Store(sys.argv[1]); print('open', flush=True); time.sleep(30)"
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", code, str(db_path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        r = cli("restore", str(made))
        assert r.exit_code == 1 and "open in another pipeline process" in r.stderr
    finally:
        holder.kill()
        holder.wait()
    time.sleep(0.05)
    assert cli("restore", str(made)).exit_code == 0


@pytest.mark.sqlite_only(
    "SQLite file checks: permissions, page damage, user_version, rows written with sqlite3"
)
def test_doctor_detects_world_readable_file(store: Store, db_path: Path, cli: Cli) -> None:
    os.chmod(db_path, 0o644)
    assert "file permissions" in problems(db_path)
    r = cli("doctor")
    assert r.exit_code == 1 and "PROBLEM" in r.stdout


@pytest.mark.sqlite_only(
    "SQLite file checks: permissions, page damage, user_version, rows written with sqlite3"
)
def test_doctor_detects_deleted_stage_still_referenced(demo_store: Store, db_path: Path) -> None:
    demo_store.close()
    raw = sqlite3.connect(db_path)
    raw.execute("PRAGMA foreign_keys = OFF")
    raw.execute("DELETE FROM stages WHERE name = 'Demo'")
    raw.commit()
    raw.close()
    found = problems(db_path)
    assert "foreign_key_check" in found and "deals without a stage" in found


@pytest.mark.sqlite_only(
    "SQLite file checks: permissions, page damage, user_version, rows written with sqlite3"
)
def test_doctor_detects_newer_schema(store: Store, db_path: Path) -> None:
    store.cursor().execute(f"PRAGMA user_version = {SCHEMA_VERSION + 3}")
    store.close()
    assert "newer than this pipeline-tui" in problems(db_path)["schema version"]


@pytest.mark.sqlite_only(
    "SQLite file checks: permissions, page damage, user_version, rows written with sqlite3"
)
def test_doctor_detects_corrupted_page(demo_store: Store, db_path: Path) -> None:
    demo_store.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)")
    demo_store.close()
    raw = sqlite3.connect(db_path)
    page = raw.execute("PRAGMA page_size").fetchone()[0]
    root = raw.execute("SELECT rootpage FROM sqlite_master WHERE name = 'activities'").fetchone()[0]
    raw.close()
    data = bytearray(db_path.read_bytes())
    start = (root - 1) * page  # pages are numbered from 1
    data[start + 8 : start + page - 8] = os.urandom(page - 16)
    db_path.write_bytes(bytes(data))
    found = problems(db_path)
    assert found and ("integrity_check" in found or "opens as SQLite" in found)


@pytest.mark.sqlite_only("a BIGINT column on the server cannot hold 12.5: its type is the check")
def test_doctor_detects_money_that_does_not_add_up(store: Store, db_target: str) -> None:
    from pipeline_tui.services.deals import DealInput, add_deal

    add_deal(store, DealInput("x", 100))
    store.cursor().execute("UPDATE deals SET value_minor = 12.5")
    assert "amounts stored as whole minor units" in problems(db_target)
