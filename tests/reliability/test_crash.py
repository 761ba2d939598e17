"""Crash safety: SIGKILL at random moments leaves a clean database and no half-made files."""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

from pipeline_tui.services.maintenance import doctor
from pipeline_tui.store import Store
from pipeline_tui.store.maintenance import check_file
from pipeline_tui.store.schema import SCHEMA_VERSION
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
