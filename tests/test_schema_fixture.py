"""A database written by the first released schema opens with today's code, data intact."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from pipeline_tui.services.maintenance import doctor
from pipeline_tui.store.sqlite import SqliteStore as Store
from pipeline_tui.store.sqlite import core, schema
from tests.conftest import Cli

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "schema-v1.db"


@pytest.fixture
def v1_db(db_path: Path) -> Path:
    """A private copy of the fixture where the test's database lives (git keeps no modes)."""
    shutil.copyfile(FIXTURE, db_path)
    db_path.chmod(0o600)
    return db_path


def test_fixture_is_the_first_released_schema() -> None:
    conn = sqlite3.connect(f"file:{FIXTURE}?mode=ro", uri=True)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
        names = [r[0] for r in conn.execute("SELECT name FROM _sqlite_migrations")]
        assert names == ["m001_initial"]
    finally:
        conn.close()


def test_current_code_opens_it_and_reads_the_data(v1_db: Path, cli: Cli) -> None:
    store = Store(v1_db)
    try:
        assert store.schema_version() == schema.SCHEMA_VERSION
        counts = {
            t: store.scalar(f"SELECT count(*) FROM {t}")
            for t in ("deals", "leads", "activities", "stage_changes", "imports", "targets")
        }
        # m003 planned the 3 next steps the v1 demo kept only as text (issue 11).
        assert counts == {"deals": 60, "leads": 16, "activities": 254, "stage_changes": 210,
                          "imports": 1, "targets": 2}  # fmt: skip
    finally:
        store.close()
    assert [c.name for c in doctor(v1_db) if not c.ok] == []

    deal = cli("deal", "show", "17", "--format", "json")
    assert deal.exit_code == 0, deal.stderr
    shown: Any = deal.json()
    assert (shown["title"], shown["value"], shown["currency"]) == (
        "Pilot for inside sales",
        12000.0,
        "USD",
    )
    assert (shown["company"], shown["owner"], shown["stage"]) == (
        "Cobalt Ridge Software",
        "Ben Okafor",
        "Demo",
    )
    assert (len(shown["stage_history"]), len(shown["activities"])) == (3, 4)
    assert shown["close_date"] == "2027-01-06"
    lost = cli("deal", "show", "60", "--format", "json").json()
    assert lost["status"] == "lost"  # type: ignore[index]

    lead = cli("lead", "list", "--search", "Olmo", "--format", "json")
    assert [r["email"] for r in lead.json()] == ["rosa@olmo.example"]  # type: ignore[union-attr]
    for args in (["forecast", "--format", "json"], ["kpi", "--format", "json"], ["log"]):
        result = cli(*args)
        assert result.exit_code == 0, (args, result.stderr)

    # The journal written by v1 still drives undo: the last command was the lead import.
    undone = cli("undo")
    assert undone.exit_code == 0, undone.stderr
    assert cli("lead", "list", "--search", "Olmo", "--format", "json").json() == []


def test_a_later_migration_backs_up_the_v1_file_first(
    v1_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A stand-in later migration that alters a table: the v1 file is copied aside first."""
    real = schema._migrations

    def with_later() -> object:
        migrations: Any = real()

        @migrations(name="m999_test_column")
        def m002(db: Any) -> None:
            db.execute("ALTER TABLE deals ADD COLUMN test_probe TEXT")

        return migrations

    monkeypatch.setattr(schema, "_migrations", with_later)
    later = schema.SCHEMA_VERSION + 1
    monkeypatch.setattr(schema, "SCHEMA_VERSION", later)
    monkeypatch.setattr(core, "SCHEMA_VERSION", later)

    store = Store(v1_db)
    try:
        assert store.schema_version() == later
        columns = {r[1] for r in store.all("PRAGMA table_info(deals)")}
        assert "test_probe" in columns
        assert store.scalar("SELECT count(*) FROM deals") == 60
    finally:
        store.close()

    (backup,) = v1_db.parent.glob(f"{v1_db.name}.v1-*.bak")
    copy = sqlite3.connect(backup)
    try:
        assert copy.execute("PRAGMA user_version").fetchone()[0] == 1
        assert "test_probe" not in {r[1] for r in copy.execute("PRAGMA table_info(deals)")}
        assert copy.execute("SELECT count(*) FROM deals").fetchone()[0] == 60
    finally:
        copy.close()
    assert backup.stat().st_mode & 0o077 == 0


def test_m003_turns_v1_next_steps_into_planned_activities(v1_db: Path, cli: Cli) -> None:
    """Issue 11 on the v1 file: each next step is a planned activity, once; the cache on the
    deal points at it; the file was backed up before the migration."""
    from pipeline_tui.store.sqlite.next_step import stale_deals

    old = sqlite3.connect(v1_db)
    steps = old.execute(
        "SELECT id, next_step, next_due FROM deals WHERE next_step IS NOT NULL AND "
        "status = 'open' ORDER BY id"
    ).fetchall()
    old.close()
    assert len(steps) == 30
    store = Store(v1_db)
    try:
        assert stale_deals(store._conn) == []
        assert store.scalar("SELECT count(*) FROM activities WHERE owner_id IS NULL") == 0
        for deal_id, subject, due in steps:
            planned = store.all(
                "SELECT id, subject, substr(due_at, 1, 10) AS due FROM activities "
                "WHERE deal_id = ? AND done_at IS NULL AND cancelled_at IS NULL",
                (deal_id,),
            )
            # The v1 demo kept each step twice (text and plan): now it is one activity.
            assert [r["subject"] for r in planned] == [subject]
            cached = store.one("SELECT * FROM deals WHERE id = ?", (deal_id,))
            assert cached is not None and cached["next_activity_id"] == planned[0]["id"]
            assert cached["next_due"] == planned[0]["due"] == (due or planned[0]["due"])
    finally:
        store.close()
    assert list(v1_db.parent.glob(f"{v1_db.name}.v1-*.bak"))  # the automatic backup
    today = cli("today", "--format", "json")
    assert today.exit_code == 0, today.stderr
    data: Any = today.json()
    listed = [a["id"] for a in data["overdue_activities"] + data["activities_due_today"]]
    assert len(listed) == len(set(listed))
