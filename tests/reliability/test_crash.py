"""Crash safety: SIGKILL at random moments leaves a clean database and no half-made files."""

from __future__ import annotations

import csv
import random
import sqlite3
import time
from pathlib import Path

from pipeline_tui.services.imports.workers import PARALLEL_BYTES
from pipeline_tui.services.maintenance import doctor
from pipeline_tui.store.sqlite import SqliteStore as Store
from pipeline_tui.store.sqlite.maintenance import check_file
from pipeline_tui.store.sqlite.schema import SCHEMA_VERSION
from tests.reliability.helpers import BIG, bulk_deals, env_for, kill_after, pipeline_cmd, timed_run

KILLS = 20 if BIG else 10


def assert_clean(db: Path) -> None:
    bad = {c.name: c.detail for c in doctor(db) if not c.ok}
    assert bad == {}, bad


def test_killed_backup_leaves_no_partial_backup(tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    bulk_deals(db, 200_000 if BIG else 60_000)
    env = env_for(db)
    full = timed_run(pipeline_cmd("backup", str(tmp_path / "whole.db")), env)
    rng = random.Random(6)
    outcomes = {"complete": 0, "absent": 0}
    for i in range(KILLS):
        target = tmp_path / f"b{i}.db"
        kill_after(pipeline_cmd("backup", str(target)), env, rng.uniform(0.0, full * 1.2))
        if target.exists():
            assert check_file(target) == SCHEMA_VERSION
            assert sqlite3.connect(target).execute("SELECT count(*) FROM deals").fetchone()[0] == (
                200_000 if BIG else 60_000
            )
            outcomes["complete"] += 1
        else:
            outcomes["absent"] += 1
        assert_clean(db)
    assert sum(outcomes.values()) == KILLS


def test_killed_first_migration_leaves_a_database_that_opens(tmp_path: Path) -> None:
    rng = random.Random(7)
    probe = tmp_path / "probe.db"
    full = timed_run(pipeline_cmd("--db", str(probe), "init"), env_for(probe))
    for i in range(KILLS):
        db = tmp_path / f"m{i}.db"
        kill_after(pipeline_cmd("init"), env_for(db), rng.uniform(full * 0.5, full * 1.1))
        s = Store(db)  # must open: either migrated already, or migrates now from nothing
        assert s.schema_version() == SCHEMA_VERSION
        assert s.scalar("SELECT count(*) FROM pipelines") == 1
        assert s.scalar("SELECT count(*) FROM stages") == 5
        s.close()
        assert_clean(db)


IMPORT_ROWS = 1_000_000 if BIG else 200_000


def _leads_csv(path: Path, rows: int) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(["Name", "Email", "Company", "Phone", "Lead Source", "Created", "Notes"])
        note = "Met at the trade fair; wants a demo for the ops team before the budget round. " * 2
        for i in range(rows):
            out.writerow([f"Lead {i}", f"l{i}@crash.example", f"Company {i % 2000}",
                          f"+1 555 {i:07d}", "web", "2026-03-04", note])  # fmt: skip


def _ours(tmp: Path) -> list[int]:
    """Live processes started with TMPDIR=tmp: the killed import's workers, if any linger."""
    mark = f"TMPDIR={tmp}".encode()
    found = []
    for environ in Path("/proc").glob("[0-9]*/environ"):
        try:
            if mark in environ.read_bytes().split(b"\0"):
                found.append(int(environ.parent.name))
        except OSError:
            continue
    return found


def _gone(tmp: Path, wait_s: float = 5.0) -> list[int]:
    deadline = time.monotonic() + wait_s
    while (left := _ours(tmp)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return left


def test_killed_import_is_wholly_present_or_absent(tmp_path: Path) -> None:
    source = tmp_path / "leads.csv"
    _leads_csv(source, IMPORT_ROWS)
    assert source.stat().st_size > PARALLEL_BYTES  # the import runs spawned workers
    staging = tmp_path / "staging"
    staging.mkdir()
    probe = tmp_path / "probe.db"
    full = timed_run(pipeline_cmd("import", "leads", str(source)), env_for(probe, staging))
    assert Store(probe).scalar("SELECT count(*) FROM leads") == IMPORT_ROWS
    rng = random.Random(8)
    outcomes = {"present": 0, "absent": 0}
    for i in range(KILLS):
        db = tmp_path / f"i{i}.db"
        Store(db).close()
        code = kill_after(
            pipeline_cmd("import", "leads", str(source)),
            env_for(db, staging),
            rng.uniform(0.2, full * 1.1),
        )
        assert _gone(staging) == []  # no orphaned worker goes on parsing
        s = Store(db)
        leads = s.scalar("SELECT count(*) FROM leads")
        imports = s.scalar("SELECT count(*) FROM imports")
        companies = s.scalar("SELECT count(*) FROM companies")
        events = s.scalar("SELECT count(*) FROM events")
        s.close()
        if code == 0 or leads:
            assert (leads, imports, companies, events) == (IMPORT_ROWS, 1, 2000, 1)
            outcomes["present"] += 1
        else:
            assert (leads, imports, companies, events) == (0, 0, 0, 0)
            outcomes["absent"] += 1
        assert_clean(db)
        db.unlink()
    after = tmp_path / "after.db"
    timed_run(pipeline_cmd("import", "leads", str(source)), env_for(after, staging))
    assert list(staging.iterdir()) == []  # killed imports' staging folders were swept
    print(f"\nimport kills: {KILLS} of {IMPORT_ROWS} rows (full run {full:.1f} s): {outcomes}")
    assert sum(outcomes.values()) == KILLS
    assert outcomes["absent"] >= 1  # at least one kill landed mid-import
