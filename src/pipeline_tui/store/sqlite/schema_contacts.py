"""Migration m004: companies and people as records, deal roles, notes and full-text search."""

from __future__ import annotations

import json
import sqlite3
from typing import TYPE_CHECKING

from pipeline_tui.models.keys import email_key, name_key

if TYPE_CHECKING:
    from sqlite_utils import Database

ROLES = "'champion','economic_buyer','decision_maker','influencer','user','blocker','other'"

M004_TABLES = f"""
ALTER TABLE companies ADD COLUMN domain TEXT;
ALTER TABLE companies ADD COLUMN industry TEXT;
ALTER TABLE companies ADD COLUMN size TEXT;
ALTER TABLE companies ADD COLUMN city TEXT;
ALTER TABLE companies ADD COLUMN country TEXT;
ALTER TABLE companies ADD COLUMN owner_id INTEGER REFERENCES owners(id);
ALTER TABLE companies ADD COLUMN notes TEXT;
ALTER TABLE companies ADD COLUMN custom TEXT;
ALTER TABLE companies ADD COLUMN external_id TEXT;
ALTER TABLE companies ADD COLUMN updated_at TEXT;
UPDATE companies SET updated_at = created_at;
ALTER TABLE contacts ADD COLUMN title TEXT;
ALTER TABLE contacts ADD COLUMN owner_id INTEGER REFERENCES owners(id);
ALTER TABLE contacts ADD COLUMN notes TEXT;
ALTER TABLE contacts ADD COLUMN custom TEXT;
ALTER TABLE contacts ADD COLUMN external_id TEXT;
ALTER TABLE contacts ADD COLUMN more_emails TEXT;
ALTER TABLE contacts ADD COLUMN more_phones TEXT;
ALTER TABLE contacts ADD COLUMN updated_at TEXT;
UPDATE contacts SET updated_at = created_at;
CREATE TABLE deal_people (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  deal_id INTEGER NOT NULL REFERENCES deals(id),
  person_id INTEGER NOT NULL REFERENCES contacts(id),
  role TEXT NOT NULL CHECK (role IN ({ROLES})),
  created_at TEXT NOT NULL,
  UNIQUE (deal_id, person_id)
);
CREATE TABLE notes (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  body TEXT NOT NULL,
  deal_id INTEGER REFERENCES deals(id),
  person_id INTEGER REFERENCES contacts(id),
  company_id INTEGER REFERENCES companies(id),
  owner_id INTEGER REFERENCES owners(id),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  CHECK ((deal_id IS NOT NULL) + (person_id IS NOT NULL) + (company_id IS NOT NULL) = 1)
);
CREATE INDEX idx_deal_people_person ON deal_people(person_id);
CREATE INDEX idx_notes_deal ON notes(deal_id);
CREATE INDEX idx_notes_person ON notes(person_id);
CREATE INDEX idx_notes_company ON notes(company_id);
CREATE INDEX idx_deals_contact ON deals(contact_id);
CREATE INDEX idx_leads_contact ON leads(contact_id);
CREATE INDEX idx_leads_company ON leads(company_id);
CREATE INDEX idx_contacts_name ON contacts(lower(name));
CREATE INDEX idx_companies_external ON companies(external_id);
CREATE INDEX idx_contacts_external ON contacts(external_id);
"""

# What each full-text table indexes: external-content FTS5 tables (the text lives once, in
# its own table), trigram-tokenised so that any part of a word or an email matches, without
# regard to case. Since m012 they record only which rows hold each trigram (detail=none,
# schema_changes.M012_COVERED); store/sqlite/search.py checks the candidates. Triggers keep
# them in step inside whatever transaction writes the rows:
# commands, undo (store/sqlite/journal.py) and imports (store/sqlite/import_sql.py) alike.
FTS = {
    "deals": ("title",),
    "companies": ("name", "domain", "industry", "city", "country"),
    "contacts": ("name", "email", "more_emails", "phone", "more_phones", "title"),
    "notes": ("body",),
    "activities": ("subject",),
}


def fts_sql() -> str:
    """The FTS tables and their triggers (names start fts_, so do their shadow tables)."""
    parts = []
    for table, columns in FTS.items():
        fts = f"fts_{table}"
        cols = ", ".join(columns)
        new = ", ".join(f"new.{c}" for c in columns)
        old = ", ".join(f"old.{c}" for c in columns)
        add = f"INSERT INTO {fts}(rowid, {cols}) VALUES (new.id, {new})"
        drop = f"INSERT INTO {fts}({fts}, rowid, {cols}) VALUES ('delete', old.id, {old})"
        parts += [
            f"CREATE VIRTUAL TABLE {fts} USING fts5({cols}, content='{table}', "
            "content_rowid='id', tokenize='trigram')",
            f"CREATE TRIGGER {fts}_ai AFTER INSERT ON {table} BEGIN {add}; END",
            f"CREATE TRIGGER {fts}_ad AFTER DELETE ON {table} BEGIN {drop}; END",
            f"CREATE TRIGGER {fts}_au AFTER UPDATE OF {cols} ON {table} BEGIN {drop}; {add}; END",
            f"INSERT INTO {fts}({fts}) VALUES ('rebuild')",
        ]
    return ";\n".join(parts)


def _merge_people(conn: sqlite3.Connection) -> None:
    """People with no email and the same normalised name and company are one person."""
    keep: dict[tuple[str, int], int] = {}
    for pid, name, company in conn.execute(
        "SELECT id, name, coalesce(company_id, 0) FROM contacts "
        "WHERE email_key IS NULL AND name IS NOT NULL ORDER BY id"
    ).fetchall():
        key = (name_key(name), company)
        if key not in keep:
            keep[key] = pid
            continue
        for table in ("deals", "leads"):
            conn.execute(
                f"UPDATE {table} SET contact_id = ? WHERE contact_id = ?", (keep[key], pid)
            )
        conn.execute("DELETE FROM contacts WHERE id = ?", (pid,))


def _people_of_leads(conn: sqlite3.Connection) -> None:
    """Each lead's name and email become a person (an existing one when they match).

    The leads of each import come first, so that the people made for them form one id range
    that joins the import's record: undoing the import then removes them too, rather than
    being refused because they refer to the companies it created (store/sqlite/import_records.py).
    """
    by_email = {
        r[0]: r[1] for r in conn.execute("SELECT email_key, id FROM contacts WHERE email_key <> ''")
    }
    by_name = {
        (name_key(r[1]), r[2]): r[0]
        for r in conn.execute(
            "SELECT id, name, coalesce(company_id, 0) FROM contacts "
            "WHERE email_key IS NULL AND name IS NOT NULL ORDER BY id DESC"
        )
    }

    def link(where: str, params: tuple[int, ...]) -> list[int]:
        made = []
        for lead_id, name, email, phone, company_id, owner_id, created in conn.execute(
            "SELECT id, name, email, phone, company_id, owner_id, created_at FROM leads "
            f"WHERE contact_id IS NULL AND {where} ORDER BY id",
            params,
        ).fetchall():
            ekey = email_key(email) if email and email.strip() else None
            key = (name_key(name), company_id or 0)
            found = by_email.get(ekey) if ekey else by_name.get(key)
            if found is None:
                cur = conn.execute(
                    "INSERT INTO contacts (name, email, email_key, phone, company_id, owner_id, "
                    "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (name, email.strip() if ekey else None, ekey, phone, company_id, owner_id,
                     created, created),
                )  # fmt: skip
                found = int(cur.lastrowid or 0)
                made.append(found)
                if ekey:
                    by_email[ekey] = found
                else:
                    by_name[key] = found
            conn.execute("UPDATE leads SET contact_id = ? WHERE id = ?", (found, lead_id))
        return made

    for imp_id, ranges_json in conn.execute(
        "SELECT id, ranges FROM imports WHERE undone_by IS NULL ORDER BY id"
    ).fetchall():
        ranges = json.loads(ranges_json or "{}")
        if "leads" not in ranges or "contacts" in ranges:
            continue
        made = link("id BETWEEN ? AND ?", tuple(ranges["leads"]))
        if made:
            ranges["contacts"] = [made[0], made[-1]]
            conn.execute("UPDATE imports SET ranges = ? WHERE id = ?", (json.dumps(ranges), imp_id))
    link("1", ())


def m004(db: Database) -> None:
    for statement in M004_TABLES.split(";"):
        if statement.strip():
            db.execute(statement)
    conn: sqlite3.Connection = db.conn
    _merge_people(conn)
    _people_of_leads(conn)
    for statement in fts_sql().split(";\n"):
        db.execute(statement)
