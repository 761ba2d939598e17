"""Store tests on a temporary file: schema, migrations, pragmas, journalled transactions."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import pytest

from pipeline_tui.models import NotFoundError
from pipeline_tui.store.api import SchemaTooNew as SchemaTooNewError
from pipeline_tui.store.sqlite import SqliteStore as Store
from pipeline_tui.store.sqlite.schema import SCHEMA_VERSION


def test_new_database_is_private_wal_and_seeded(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "dir" / "p.db"
    s = Store(path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert s.scalar("PRAGMA journal_mode") == "wal"
    assert s.scalar("PRAGMA foreign_keys") == 1
    assert s.scalar("PRAGMA busy_timeout") >= 5000
    assert s.schema_version() == SCHEMA_VERSION
    stages = s.all("SELECT name, probability, forecast_category FROM stages ORDER BY position")
    assert [tuple(r) for r in stages] == [
        ("Lead In", 10, "pipeline"),
        ("Qualified", 25, "pipeline"),
        ("Demo", 40, "pipeline"),
        ("Proposal", 60, "best_case"),
        ("Negotiation", 80, "commit"),
    ]
    assert all(r[0] for r in s.all("SELECT definition FROM stages"))
    s.close()


def test_migrations_are_idempotent(tmp_path: Path) -> None:
    path = tmp_path / "p.db"
    path.touch()  # an empty file opens as a new database
    Store(path).close()
    tables = sorted(
        r[0]
        for r in sqlite3.connect(path).execute(
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'view')"
        )
    )
    Store(path).close()
    again = sqlite3.connect(path)
    assert (
        sorted(
            r[0]
            for r in again.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")
        )
        == tables
    )
    assert again.execute("SELECT count(*) FROM pipelines").fetchone()[0] == 1
    assert again.execute("SELECT count(*) FROM _sqlite_migrations").fetchone()[0] == SCHEMA_VERSION
    for name in ("deals", "leads", "events", "commands", "stage_changes", "deals_view"):
        assert name in tables


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "p.db"
    Store(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(SchemaTooNewError, match="newer than this pipeline-tui"):
        Store(path)


def test_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "p.db"
    path.write_bytes(os.urandom(4096))
    with pytest.raises(Exception, match="not a database|cannot open"):
        Store(path)


def test_transaction_rolls_back_as_a_whole(store: Store) -> None:
    with pytest.raises(RuntimeError), store.tx("two rows") as tx:
        tx.insert("owners", {"name": "A", "name_key": "a", "created_at": tx.now})
        raise RuntimeError("boom")
    assert store.scalar("SELECT count(*) FROM owners") == 0
    assert store.scalar("SELECT count(*) FROM commands") == 0
    assert store.scalar("SELECT count(*) FROM events") == 0


def test_every_change_is_journalled_with_before_and_after(store: Store) -> None:
    with store.tx("add") as tx:
        oid = tx.insert("owners", {"name": "A", "name_key": "a", "created_at": tx.now})
    with store.tx("rename") as tx:
        tx.update("owners", oid, {"name": "B", "name_key": "b"})
    rows = store.all("SELECT action, before, after FROM events ORDER BY id")
    assert [r[0] for r in rows] == ["insert", "update"]
    assert rows[0][1] is None
    assert '"name": "B"' in rows[1][2] and '"name": "A"' in rows[1][1]
    assert store.scalar("SELECT count(*) FROM commands") == 2


def test_nested_transactions_join_one_command(store: Store) -> None:
    with store.tx("outer") as tx:
        tx.insert("owners", {"name": "A", "name_key": "a", "created_at": tx.now})
        with store.tx("inner") as inner:
            assert inner is tx
            inner.insert("owners", {"name": "B", "name_key": "b", "created_at": tx.now})
    assert store.scalar("SELECT count(*) FROM commands") == 1
    assert store.scalar("SELECT count(*) FROM events") == 2


def test_update_of_missing_row_names_it(store: Store) -> None:
    with pytest.raises(NotFoundError, match="no deal with id 42"), store.tx("x") as tx:
        tx.update("deals", 42, {"title": "x"})


def test_write_lock_is_taken_up_front(store: Store, db_path: Path) -> None:
    """BEGIN IMMEDIATE: a second writer waits for the lock instead of failing mid-way."""
    other = sqlite3.connect(db_path, timeout=0.1, isolation_level=None)
    with store.tx("hold") as tx:
        tx.insert("owners", {"name": "A", "name_key": "a", "created_at": tx.now})
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
    other.execute("BEGIN IMMEDIATE")
    other.execute("ROLLBACK")


def test_views_show_names_not_ids(demo_store: Store) -> None:
    row = demo_store.one("SELECT owner, pipeline, stage, company, value FROM deals_view LIMIT 1")
    assert row is not None
    assert isinstance(row["owner"], str) and row["pipeline"] == "Sales"
    assert isinstance(row["value"], float)
    for view in ("leads_view", "activities_view", "stage_changes_view", "events_view"):
        assert demo_store.scalar(f"SELECT count(*) FROM {view}") > 0


def test_data_version_changes_on_outside_write(store: Store, db_path: Path) -> None:
    before = store.data_version()
    other = Store(db_path)
    with other.tx("x") as tx:
        tx.insert("owners", {"name": "A", "name_key": "a", "created_at": tx.now})
    assert store.data_version() != before
    other.close()
