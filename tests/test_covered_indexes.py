"""Migration m012: covered indexes dropped, full-text indexes without positions, same answers."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from pipeline_tui.services import kpis, leads
from pipeline_tui.services.demo import load_demo
from pipeline_tui.services.search import search
from pipeline_tui.store.sqlite import SqliteStore as Store
from pipeline_tui.store.sqlite.schema_contacts import FTS

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "schema-v1.db"


def _plan(store: Store, sql: str, params: tuple[object, ...] = ()) -> str:
    return " | ".join(str(r[3]) for r in store.all(f"EXPLAIN QUERY PLAN {sql}", params))


def test_an_old_database_loses_the_covered_indexes_and_still_searches(db_path: Path) -> None:
    shutil.copyfile(FIXTURE, db_path)
    db_path.chmod(0o600)
    store = Store(db_path)
    try:
        indexes = {r[0] for r in store.all("SELECT name FROM sqlite_master WHERE type = 'index'")}
        assert not indexes & {"idx_leads_created", "idx_contacts_name"}
        assert {"idx_leads_list", "idx_contacts_list"} <= indexes
        for table in FTS:
            sql = str(
                store.scalar("SELECT sql FROM sqlite_master WHERE name = ?", (f"fts_{table}",))
            )
            assert "detail=none" in sql, sql
            # Filled from its table: as many entries as rows (FTS5's own count).
            assert store.scalar(f"SELECT count(*) FROM fts_{table}") == store.scalar(
                f"SELECT count(*) FROM {table}"
            )
        hits = search(store, "garcia@iberia")
        assert [(h.kind, h.text) for h in hits] == [("person", "tomas.garcia@iberiafoods.example")]
        assert store.all("PRAGMA integrity_check")[0][0] == "ok"
    finally:
        store.close()


def _plans(store: Store, action: Callable[[], object], marker: str) -> list[str]:
    """The plans of the statements ``action`` ran whose text holds ``marker``."""
    ran: list[str] = []
    store._conn.set_trace_callback(ran.append)
    try:
        action()
    finally:
        store._conn.set_trace_callback(None)
    found = [sql for sql in ran if marker in sql]
    assert found, f"no statement with {marker!r} in {ran}"
    return [_plan(store, sql) for sql in found]


def test_queries_that_used_them_read_the_indexes_that_cover_them(db_path: Path) -> None:
    store = Store(db_path)
    try:
        load_demo(store)
        # People by name: the person picker (services/people.py) and a lead's person when it
        # has no email (store/sqlite/lookup.py).
        named = _plans(store, lambda: store.people.people_named("Ana Ruiz"), "FROM contacts")
        lookup = _plans(store, lambda: leads.add_lead(store, "Ana Ruiz"), "lower(coalesce(name")
        for plan in named + lookup:
            assert "USING INDEX idx_contacts_list" in plan, plan
        # Leads created in the KPI window (store/sqlite/kpis.py): a range of the list index.
        plans = _plans(store, lambda: kpis.kpis(store), "FROM leads l")
        assert any("SEARCH l USING INDEX idx_leads_list" in p for p in plans), plans
        # The lead list, newest first (store/sqlite/leads.py): read in the index's order.
        plans = _plans(store, lambda: store.leads.list_leads(None, None, None, 5), "leads_view")
        assert all("idx_leads_list" in p and "TEMP B-TREE" not in p for p in plans), plans
    finally:
        store.close()
