"""Migration m009: the leads and people lists page from an index, on new and old databases."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from pipeline_tui.store.api import RecordQuery
from pipeline_tui.store.sqlite import SqliteStore as Store
from pipeline_tui.store.sqlite import record_pages

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "schema-v1.db"
INDEXES = {"idx_leads_list", "idx_contacts_list"}


def _indexes(store: Store) -> set[str]:
    return {r[0] for r in store.all("SELECT name FROM sqlite_master WHERE type = 'index'")}


def test_an_old_database_gets_the_list_indexes_and_keeps_its_leads(db_path: Path) -> None:
    shutil.copyfile(FIXTURE, db_path)
    db_path.chmod(0o600)
    store = Store(db_path)
    try:
        assert store.schema_version() >= 9
        assert _indexes(store) >= INDEXES
        names = [r[0] for r in store.all("SELECT name FROM _sqlite_migrations ORDER BY rowid")]
        assert "m009_list_indexes" in names
        q = RecordQuery("leads")
        listed = store.pages.record_page(q, 0, 10_000)
        expected = store.all("SELECT id FROM leads ORDER BY created_at DESC, id DESC")
        assert [lead.id for lead in listed] == [r[0] for r in expected]
    finally:
        store.close()


def _plan(store: Store, q: RecordQuery, keyset: bool) -> list[str]:
    """The plan of the id query record_pages.page runs for ``q``."""
    params: dict[str, Any] = {"limit": 100, "offset": 0, "k": "m", "i": 5}
    spec = record_pages.SPECS[q.kind]
    sql = f"SELECT {spec.alias}.id" + record_pages._from_where(q, params)
    op, order = ("<", "DESC") if spec.descending else (">", "ASC")
    if keyset:
        sql += f" AND {spec.key} {op}= :k AND ({spec.key}, {spec.alias}.id) {op} (:k, :i)"
    sql += f" ORDER BY {spec.key} {order}, {spec.alias}.id {order} LIMIT :limit"
    return [str(r[3]) for r in store.all(f"EXPLAIN QUERY PLAN {sql}", params)]


def test_list_pages_read_an_index_in_order_and_never_sort(db_path: Path) -> None:
    store = Store(db_path)
    try:
        for q, index in [
            (RecordQuery("leads"), "idx_leads_list"),
            (RecordQuery("leads", statuses=("new", "working"), owner="Ana"), "idx_leads_list"),
            (RecordQuery("people"), "idx_contacts_list"),
            (RecordQuery("people", owner="Ana"), "idx_contacts_list"),
            (RecordQuery("companies"), "sqlite_autoindex_companies_1"),
            (RecordQuery("planned", end="2026-12-01"), "idx_activities_open"),
        ]:
            for keyset in (False, True):
                plan = " / ".join(_plan(store, q, keyset))
                assert index in plan, (q, plan)
                if q.kind != "planned":  # its index is (due_at, owner_id): ties sort by id
                    assert "TEMP B-TREE" not in plan, (q, plan)
                if keyset:
                    assert "SEARCH" in plan, (q, plan)  # a seek, not a scan from the start
    finally:
        store.close()
