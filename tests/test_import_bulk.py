"""A large import's bulk upkeep: indexes made again and the people's search index filled once.

The thresholds are lowered so that a small file takes the path a million-row one does; the
tests check that the schema, search, doctor and undo come out as if rows went in one by one."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from pipeline_tui.store.api import StoreError
from pipeline_tui.store.sqlite import SqliteStore as Store
from pipeline_tui.store.sqlite import import_bulk
from pipeline_tui.store.sqlite.import_session import SqliteImportSession
from tests.conftest import Cli
from tests.test_import_files import snapshot, write_csv

pytestmark = pytest.mark.both_backends

HEADER = ["Record ID", "First Name", "Last Name", "Email", "Company Name", "Create Date"]
ROWS = [
    [f"R{i}", "Ana", f"Ruiz{i}", f"ana.ruiz.{i}@acme{i % 3}.example", f"Acme {i % 3}",
     f"2025-01-{1 + i % 28:02d}"]
    for i in range(30)
]  # fmt: skip
REBUILT = ("idx_leads_email_key", "idx_leads_list", "idx_contacts_list")


def _schema(db: Path) -> set[tuple[str, str]]:
    conn = sqlite3.connect(db)
    try:
        return {
            (str(r[0]), str(r[1]))
            for r in conn.execute(
                "SELECT name, sql FROM sqlite_master WHERE type IN ('index', 'trigger') "
                "AND sql IS NOT NULL"
            )
        }
    finally:
        conn.close()


def _fts_config(db: Path) -> dict[str, int]:
    conn = sqlite3.connect(db)
    try:
        return {str(k): int(v) for k, v in conn.execute("SELECT k, v FROM fts_contacts_config")}
    finally:
        conn.close()


def _ok(result: object) -> None:
    assert result.exit_code == 0, (result.stdout, result.stderr)  # type: ignore[attr-defined]


@pytest.fixture
def bulk(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(import_bulk, "REBUILD_MIN_ROWS", 0)


@pytest.mark.sqlite_only(
    "SQLite bulk import: dropped and remade indexes, FTS5 config (store/sqlite/import_bulk.py)"
)
def test_rebuilt_indexes_search_doctor_and_undo(
    bulk: None, cli: Cli, store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    schema, before = _schema(store.path), snapshot(store.path)
    remade: list[str] = []
    decide = import_bulk._rebuilt

    def spy(conn: sqlite3.Connection, index: str, adding: int) -> str | None:
        sql = decide(conn, index, adding)
        remade.extend([index] if sql else [])
        return sql

    monkeypatch.setattr(import_bulk, "_rebuilt", spy)
    assert {name for name, _ in schema} >= {*REBUILT, "fts_contacts_ai"}
    path = write_csv(tmp_path / "leads.csv", [HEADER, *ROWS])
    r = cli("import", "leads", str(path), "--tz", "UTC")
    _ok(r)
    assert remade == list(REBUILT)  # the path a million-row import takes
    assert store.scalar("SELECT count(*) FROM leads WHERE contact_id IS NOT NULL") == 30
    assert store.scalar("SELECT count(*) FROM contacts") == 30
    # Dropped and made again with the very same SQL; the insert trigger is back.
    assert _schema(store.path) == schema
    # FTS5's own defaults again once the import is done (its _config holds what was set).
    assert {k: v for k, v in _fts_config(store.path).items() if k != "version"} in (
        {},
        {"hashsize": 1 << 20, "automerge": 4},
    )
    found = cli("search", "ruiz.17@acme2")
    _ok(found)
    assert "ana.ruiz.17@acme2.example" in found.stdout
    assert "ana.ruiz.7@" not in found.stdout
    problems = [c for c in cli("doctor", "--format", "json").json() if not c["ok"]]  # type: ignore[union-attr]
    assert problems == []
    # The indexes serve queries again (the planner picks the remade one).
    plan = store.all(
        "EXPLAIN QUERY PLAN SELECT id FROM leads WHERE coalesce(created_at, '') > '2025-01-05'"
    )
    assert any("idx_leads_list" in str(row[3]) for row in plan)
    _ok(cli("undo"))
    assert snapshot(store.path) == before
    assert _schema(store.path) == schema
    gone = cli("search", "ruiz.17@acme2")
    assert "ana.ruiz.17" not in gone.stdout


@pytest.mark.sqlite_only("SQLite sorter settings (store/sqlite/import_bulk.py)")
def test_indexes_are_sorted_in_small_runs_then_the_cache_is_back(
    bulk: None, cli: Cli, store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each remade index is sorted with a small cache and helper threads; the statements
    after it have the import's own cache again."""
    seen: list[tuple[str, int, int]] = []
    run = SqliteImportSession._run

    def spy(self: SqliteImportSession, sql: str, schema: str | None = None) -> int:
        done = run(self, sql, schema)
        cache = self.conn.execute("PRAGMA cache_size").fetchone()[0]
        threads = self.conn.execute("PRAGMA threads").fetchone()[0]
        seen.append((" ".join(sql.split()[:3]), int(cache), int(threads)))
        return done

    finish = SqliteImportSession.finish_import

    def finishing(self: SqliteImportSession, *args: dict[str, int]) -> None:
        spy(self, "SELECT 'finish import'")
        finish(self, *args)

    monkeypatch.setattr(SqliteImportSession, "_run", spy)
    monkeypatch.setattr(SqliteImportSession, "finish_import", finishing)
    _ok(cli("import", "leads", str(write_csv(tmp_path / "l.csv", [HEADER, *ROWS])), "--tz", "UTC"))
    made = [s for s in seen if s[0] == "CREATE INDEX idx_leads_email_key"]
    assert made == [("CREATE INDEX idx_leads_email_key", -import_bulk.SORT_CACHE_KIB,
                     import_bulk.SORT_THREADS)]  # fmt: skip
    assert len([s for s in seen if s[0].startswith("CREATE INDEX idx_")]) == len(REBUILT)
    writes = [s for s in seen if s[0].startswith("INSERT INTO leads")]
    assert writes and all(cache == -262_144 and threads == 0 for _, cache, threads in writes)
    assert seen[-1] == ("SELECT 'finish import'", -262_144, 0)


def test_a_later_person_added_by_hand_is_found(
    bulk: None, cli: Cli, store: Store, tmp_path: Path
) -> None:
    """The trigger made again after the bulk fill keeps the index in step for later writes."""
    _ok(cli("import", "leads", str(write_csv(tmp_path / "l.csv", [HEADER, *ROWS])), "--tz", "UTC"))
    _ok(cli("person", "add", "Zed Quux", "--email", "zed.quux@later.example"))
    r = cli("search", "quux@later")
    _ok(r)
    assert "Zed Quux" in r.stdout


@pytest.mark.sqlite_only(
    "SQLite bulk import: dropped and remade indexes, FTS5 config (store/sqlite/import_bulk.py)"
)
def test_failure_while_written_restores_indexes_and_writes_nothing(
    bulk: None, cli: Cli, store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    schema, before = _schema(store.path), snapshot(store.path)
    written = SqliteImportSession._write

    def fail(self: SqliteImportSession, schema_name: str) -> tuple[int, int, int]:
        written(self, schema_name)  # rows in, indexes and the FTS trigger dropped: then fail
        raise StoreError("disk on fire")

    monkeypatch.setattr(SqliteImportSession, "_write", fail)
    r = cli("import", "leads", str(write_csv(tmp_path / "l.csv", [HEADER, *ROWS])), "--tz", "UTC")
    assert r.exit_code != 0
    assert "disk on fire" in r.stderr
    assert _schema(store.path) == schema
    assert snapshot(store.path) == before


@pytest.mark.sqlite_only(
    "SQLite bulk import: dropped and remade indexes, FTS5 config (store/sqlite/import_bulk.py)"
)
def test_indexes_are_kept_when_the_table_is_much_larger(bulk: None, store: Store) -> None:
    conn = sqlite3.connect(store.path)
    try:
        conn.execute(
            "WITH RECURSIVE n(v) AS (SELECT 1 UNION ALL SELECT v + 1 FROM n WHERE v < 100) "
            "INSERT INTO leads (name, status, created_at, updated_at) SELECT 'x' || v, 'new', "
            "'2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z' FROM n"
        )
        # 99 more rows make less than half of 199: kept; 100 make half: made again.
        assert import_bulk._rebuilt(conn, "idx_leads_list", 99) is None
        assert "idx_leads_list" in str(import_bulk._rebuilt(conn, "idx_leads_list", 100))
        # A unique index is never dropped: INSERT OR IGNORE relies on it.
        unique = conn.execute(
            "SELECT name FROM pragma_index_list('contacts') WHERE \"unique\" = 1"
        ).fetchone()[0]
        assert import_bulk._rebuilt(conn, str(unique), 10**6) is None
        assert import_bulk._rebuilt(conn, "no_such_index", 10**6) is None
    finally:
        conn.rollback()
        conn.close()
