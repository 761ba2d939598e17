"""Migration m004 on the v1 fixture: company and contact text become records, merged."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from pipeline_tui.services.maintenance import doctor
from pipeline_tui.services.search import search
from pipeline_tui.store.sqlite import SqliteStore as Store
from tests.conftest import Cli
from tests.test_schema_fixture import FIXTURE


@pytest.fixture
def v1_db(db_path: Path) -> Path:
    shutil.copyfile(FIXTURE, db_path)
    db_path.chmod(0o600)
    return db_path


def _v1_duplicates(db: Path) -> tuple[int, int]:
    """Two spellings of one person without email at one company, on deals 1 and 2; a lead
    whose email is deal 3's contact's; returns (first person, second person)."""
    conn = sqlite3.connect(db)
    try:
        made = []
        for name in ("Sam  Doe", "sam doe"):
            cur = conn.execute(
                "INSERT INTO contacts (name, company_id, created_at) VALUES (?, 1, '2025-01-01')",
                (name,),
            )
            made.append(int(cur.lastrowid or 0))
        conn.execute("UPDATE deals SET contact_id = ? WHERE id = 1", (made[0],))
        conn.execute("UPDATE deals SET contact_id = ? WHERE id = 2", (made[1],))
        email = conn.execute(
            "SELECT c.email FROM deals d JOIN contacts c ON c.id = d.contact_id WHERE d.id = 3"
        ).fetchone()[0]
        conn.execute("UPDATE leads SET email = ? WHERE id = 1", (email.upper(),))
        conn.commit()
    finally:
        conn.close()
    return made[0], made[1]


def test_m004_makes_people_of_leads_and_merges_duplicates(v1_db: Path, cli: Cli) -> None:
    first, second = _v1_duplicates(v1_db)
    store = Store(v1_db)
    try:
        assert store.scalar("SELECT count(*) FROM contacts WHERE id = ?", (second,)) == 0
        assert [store.deals.get_deal(i).contact for i in (1, 2)] == ["Sam  Doe", "Sam  Doe"]
        # Every lead names a person; lead 1's email matched deal 3's contact, case aside.
        assert store.scalar("SELECT count(*) FROM leads WHERE contact_id IS NULL") == 0
        deal3_person = store.scalar("SELECT contact_id FROM deals WHERE id = 3")
        assert store.scalar("SELECT contact_id FROM leads WHERE id = 1") == deal3_person
        lead2 = store.leads.get_lead(2)
        person = store.people.get_person(store.scalar("SELECT contact_id FROM leads WHERE id = 2"))
        assert (person.name, person.emails, person.company) == (
            lead2.name,
            [lead2.email],
            lead2.company,
        )
        # The full-text index was built from the rows already there.
        hits = {(h.kind, h.id) for h in search(store, "SUNDIALCOWORKING")}
        assert ("person", person.id) in hits
        assert ("deal", 17) in {(h.kind, h.id) for h in search(store, "inside sales")}
        assert store.companies.get_company(1).updated_at is not None
    finally:
        store.close()
    assert [c.name for c in doctor(v1_db) if not c.ok] == []
    # The v1 lead import still undoes whole: the people made for its leads go with it.
    undone = cli("undo")
    assert undone.exit_code == 0, undone.stderr
    assert cli("search", "olmo.example", "--format", "json").json() == []
