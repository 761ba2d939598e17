"""A large import on a server makes its random-key indexes once at the end (store/postgres/
imports.py), and leaves the same indexes, rows and undo as a small one."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline_tui.store.sqlite.import_bulk import REBUILD_MIN_ROWS
from tests.conftest import Cli


def _catalog(url: str, sql: str) -> dict[str, object]:
    import psycopg

    with psycopg.connect(url) as conn:
        return {str(name): value for name, value in conn.execute(sql).fetchall()}


def _indexes(url: str) -> dict[str, object]:
    """Each index of leads and people, by name: its definition."""
    return _catalog(url, "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = "
                         "current_schema() AND tablename IN ('leads', 'contacts')")  # fmt: skip


def _oids(url: str) -> dict[str, object]:
    """Each index's object id: an index made again has a new one."""
    return _catalog(url, "SELECT indexrelid::regclass::text, indexrelid::bigint FROM pg_index "
                         "WHERE indrelid IN ('leads'::regclass, 'contacts'::regclass)")  # fmt: skip


def test_a_large_import_rebuilds_and_keeps_its_indexes(
    pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    n = REBUILD_MIN_ROWS + 500
    path = tmp_path / "leads.csv"
    lines = ["Name,Email,Company,Create Date"]
    lines += [f"Lead {i},lead{i}@x{i % 97}.example,Co {i % 50},2026-0{1 + i % 9}-1{i % 10}"
              for i in range(n)]  # fmt: skip
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.setenv("PIPELINE_DB", pg_url)
    cli = Cli()
    assert cli("init").exit_code == 0
    before, oids = _indexes(pg_url), _oids(pg_url)
    assert {"idx_leads_list", "idx_contacts_list", "idx_leads_email_key"} <= set(before)

    done = cli("import", "leads", str(path), "--tz", "UTC", "--format", "json")
    assert done.exit_code == 0, done.stderr
    assert _indexes(pg_url) == before  # dropped for the import, made again inside it
    after = _oids(pg_url)
    remade = {name for name in oids if after[name] != oids[name]}
    assert remade == {"idx_leads_email_key", "idx_leads_list", "idx_contacts_list"}
    found = cli("lead", "list", "--search", "lead12345@x", "--format", "json").json()
    assert [lead["name"] for lead in found] == ["Lead 12345"]  # type: ignore[index]
    people = cli("person", "list", "--limit", "1", "--format", "json").json()
    assert people

    undone = cli("import", "undo", "1")
    assert undone.exit_code == 0, undone.stderr
    assert cli("lead", "list", "--format", "json").json() == []
    assert _indexes(pg_url) == before
