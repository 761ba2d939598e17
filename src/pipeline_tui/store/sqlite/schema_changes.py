"""Migrations m003 to m007: their SQL, and the in-place loosening of NOT NULL they use."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlite_utils import Database

# v3 (issue 11): a deal's next step is its earliest open planned activity. deals.next_step,
# next_due and next_activity_id stay as a cache of it, which the store keeps in step inside
# every write (store/sqlite/next_step.py), so the M002 indexes and every reader still work.
# Today's next steps become planned tasks, unless the deal already plans the same subject;
# one without a date is due on the day of the migration. Cancelled activities stay in the
# history with when and why. idx_activities_open lets 'pipeline today' count its activity
# sections from the index alone (a million deals plan about as many activities).
M003_NEXT_ACTIVITY = """
ALTER TABLE activities ADD COLUMN cancelled_at TEXT;
ALTER TABLE activities ADD COLUMN cancel_reason TEXT;
ALTER TABLE deals ADD COLUMN next_activity_id INTEGER;
CREATE INDEX idx_activities_next ON activities(deal_id, due_at, id)
  WHERE done_at IS NULL AND cancelled_at IS NULL;
CREATE INDEX idx_activities_open ON activities(due_at, owner_id)
  WHERE done_at IS NULL AND cancelled_at IS NULL;
INSERT INTO activities (kind, subject, deal_id, owner_id, due_at, created_at, updated_at)
SELECT 'task', d.next_step, d.id, d.owner_id,
  coalesce(d.next_due, date('now', 'localtime')), d.updated_at, d.updated_at
FROM deals d
WHERE trim(coalesce(d.next_step, '')) <> '' AND NOT EXISTS (
  SELECT 1 FROM activities a WHERE a.deal_id = d.id AND a.done_at IS NULL
    AND lower(trim(a.subject)) = lower(trim(d.next_step)));
UPDATE activities SET owner_id = coalesce(
  (SELECT d.owner_id FROM deals d WHERE d.id = activities.deal_id),
  (SELECT l.owner_id FROM leads l WHERE l.id = activities.lead_id))
WHERE owner_id IS NULL;
UPDATE deals SET (next_activity_id, next_step, next_due) = (
  SELECT a.id, a.subject, substr(a.due_at, 1, 10) FROM activities a
  WHERE a.deal_id = deals.id AND a.done_at IS NULL AND a.cancelled_at IS NULL
  ORDER BY a.due_at, a.id LIMIT 1)
WHERE next_step IS NOT NULL OR next_due IS NOT NULL
  OR id IN (SELECT deal_id FROM activities WHERE done_at IS NULL);
DROP VIEW activities_view;
CREATE VIEW activities_view AS
SELECT a.id, a.kind, a.subject, a.deal_id, a.lead_id, o.name AS owner, a.done_at, a.due_at,
  a.outcome, a.notes, a.created_at, coalesce(d.title, l.name) AS regarding,
  a.cancelled_at, a.cancel_reason
FROM activities a
LEFT JOIN owners o ON o.id = a.owner_id
LEFT JOIN deals d ON d.id = a.deal_id
LEFT JOIN leads l ON l.id = a.lead_id;
"""


# v5 (issue 13): imports keep what the file says and invent nothing. An empty amount is
# unknown (NULL), not 0; a deal whose file gives no creation date has none until its history
# gives one; a deal imported without its history says so (history_unknown), so conversion
# and cycle KPIs leave it out; owners keep their old CRM's id, so OwnerId columns resolve;
# and an imported history's amount, close-date, status, probability and category changes
# are kept, dated, in deal_history (stage changes stay in stage_changes).
M005_TABLES = """
ALTER TABLE owners ADD COLUMN external_id TEXT;
CREATE INDEX idx_owners_external ON owners(external_id) WHERE external_id IS NOT NULL;
ALTER TABLE deals ADD COLUMN history_unknown INTEGER NOT NULL DEFAULT 0;
CREATE TABLE deal_history (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  deal_id INTEGER NOT NULL REFERENCES deals(id),
  field TEXT NOT NULL
    CHECK (field IN ('status','value_minor','close_date','probability','category')),
  before,
  after,
  changed_at TEXT NOT NULL
);
CREATE INDEX idx_deal_history_deal ON deal_history(deal_id, field, changed_at);
CREATE INDEX idx_deal_history_at ON deal_history(changed_at, deal_id)
"""
# Removing NOT NULL leaves every stored record as it is, so SQLite's documented in-place
# edit of the table's text applies (https://sqlite.org/lang_altertable.html, section 7):
# instant on a million deals, where rebuilding the table would copy every row and index.
_NULLABLE = (
    ("value_minor INTEGER NOT NULL DEFAULT 0", "value_minor INTEGER DEFAULT 0"),
    ("created_at TEXT NOT NULL,\n  updated_at TEXT NOT NULL,\n  closed_at TEXT",
     "created_at TEXT,\n  updated_at TEXT NOT NULL,\n  closed_at TEXT"),
)  # fmt: skip


def relax_deals(db: Database) -> None:
    relax(db, "deals", _NULLABLE, "m005")


def relax(db: Database, table: str, edits: tuple[tuple[str, str], ...], name: str) -> None:
    """Edit a table's text in place; only edits that every stored row already satisfies."""
    sql = db.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", [table])
    text = str(sql.fetchone()[0])
    for old, new in edits:
        if old not in text:
            raise RuntimeError(f"{name}: {table} no longer reads {old!r}")
        text = text.replace(old, new)
    version = int(db.execute("PRAGMA schema_version").fetchone()[0])
    db.execute("PRAGMA writable_schema = ON")
    db.execute("UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = ?", [text, table])
    db.execute(f"PRAGMA schema_version = {version + 1}")
    db.execute("PRAGMA writable_schema = OFF")


# v6 (issue 13): owners get a manager and a team (Maven's sales_teams.csv; `kpi --by team`);
# companies and people are imported like leads, so the imports table names them; and, as for
# deals in m005, a lead or activity whose file gives no creation date keeps none rather than
# the import time. The column edits only loosen constraints, so they are done in place.
M006_TABLES = """
ALTER TABLE owners ADD COLUMN manager_id INTEGER REFERENCES owners(id);
ALTER TABLE owners ADD COLUMN team TEXT;
CREATE INDEX idx_owners_team ON owners(team) WHERE team IS NOT NULL
"""
M006_EDITS: dict[str, tuple[tuple[str, str], ...]] = {
    "imports": (("CHECK (entity IN ('leads','deals','activities'))",
                 "CHECK (entity IN ('leads','deals','activities','companies','people'))"),),
    "leads": (("created_at TEXT NOT NULL,\n  updated_at TEXT NOT NULL\n)",
               "created_at TEXT,\n  updated_at TEXT NOT NULL\n)"),),
    "activities": (("notes TEXT,\n  created_at TEXT NOT NULL,\n  updated_at TEXT NOT NULL",
                    "notes TEXT,\n  created_at TEXT,\n  updated_at TEXT NOT NULL"),),
}  # fmt: skip


# v7: the board's first paint orders every open card of a pipeline by its next activity and
# close date (store/sqlite/paging.py board_keys). With the next step cached on deals (M003),
# this covering index answers that from about 2 MB of index at 100,000 deals instead of
# reading the whole deals table, which is most of the board's first paint on a cold cache.
M007_BOARD = """
CREATE INDEX idx_deals_board ON deals(pipeline_id, stage_id, next_due, close_date, status)
  WHERE status = 'open'
"""  # status too: without it SQLite reads the table to check the partial index's condition


# v8: idx_activities_done only ever served done activities (ranges of done_at), but it also
# held every planned activity under done_at NULL, so SQLite chose it for "planned" queries
# (done_at IS NULL) and read every planned row: 2 s to count the overdue ones at 1,000,000
# deals in 'pipeline review'. As a partial index over done activities it cannot be chosen
# for those, and idx_activities_open answers them from the index (31 ms).
# idx_activities_when is the order of 'pipeline activity list' (every status, newest
# first: store/sqlite/activities.py), which otherwise sorted every activity for one page.
M008_DONE_INDEX = """
DROP INDEX idx_activities_done;
CREATE INDEX idx_activities_done ON activities(done_at, kind, owner_id)
  WHERE done_at IS NOT NULL;
CREATE INDEX idx_activities_when ON activities(coalesce(done_at, cancelled_at, due_at), id)
"""


# v9 (issue 11): the TUI's leads and people lists page through every row (record_pages.py),
# so each list's order must be an index's: a lead's creation time may be unknown since m006,
# hence the coalesce that keeps keyset comparisons true; the id follows the key, so that the
# index gives the order (key, id) and a keyset page starts with a seek; status and owner ride
# along so that the open-leads list filters them from the index alone. Without these, a jump
# to the end of 100,000 open leads read 50,000 rows (~650 ms); a page of people sorted them.
M009_LISTS = """
CREATE INDEX idx_leads_list ON leads(coalesce(created_at, ''), id, status, owner_id);
CREATE INDEX idx_contacts_list ON contacts(lower(coalesce(name, email, '')), id, owner_id)
"""


# v10 (issue 14): each command records the database login that ran it, so that on a shared
# server `pipeline log` names who did what and `pipeline undo` reverts only your own command.
# A SQLite file has one user and leaves it NULL; PostgreSQL fills it from session_user
# (store/postgres/schema.py), and `pipeline db copy` carries it both ways.
M010_LOGIN = "ALTER TABLE commands ADD COLUMN login TEXT"


# v11 (issue 13): a lead import makes a person per lead, so a million-lead import writes a
# million people's rows, keys and trigrams; these two cut what each costs. The people's
# full-text index drops its per-row column sizes (columnsize=0): they serve only bm25
# ranking, and search orders by id (store/sqlite/search.py), so they were written for
# nothing (a quarter of the index's fill time). The external-id index keeps only people
# that have one: those made from leads never do, and every lookup is `external_id = ?`,
# which SQLite proves non-null, so the partial index still serves it.
M011_PEOPLE_FTS = """
DROP TABLE fts_contacts;
CREATE VIRTUAL TABLE fts_contacts USING fts5(name, email, more_emails, phone, more_phones,
  title, content='contacts', content_rowid='id', tokenize='trigram', columnsize=0);
INSERT INTO fts_contacts(fts_contacts) VALUES ('rebuild')
"""
M011_PARTIAL_EXTERNAL = """
DROP INDEX idx_contacts_external;
CREATE INDEX idx_contacts_external ON contacts(external_id) WHERE external_id IS NOT NULL
"""


# v12 (issue 13): a million-lead import also cost two indexes that others cover, and full-text
# indexes that stored where each trigram sits in its row. idx_leads_created repeats the head of
# idx_leads_list (M009), and idx_contacts_name what idx_contacts_list keys on for people with a
# name; their queries now say those indexes' expressions. detail=none keeps only which rows hold
# each trigram: a search asks for rows holding all of its text's trigrams, then keeps those that
# hold the text itself (store/sqlite/search.py), which the positions served to decide. The
# people's index shrinks to a quarter and fills in half the time.
M012_COVERED = """
DROP INDEX IF EXISTS idx_leads_created;
DROP INDEX IF EXISTS idx_contacts_name
"""


def m012_fts(tables: dict[str, tuple[str, ...]]) -> str:
    """The FTS5 tables made again with detail=none (their triggers name them, and outlive
    their remaking), each filled from its table."""
    parts = []
    for table, columns in tables.items():
        fts = f"fts_{table}"
        parts += [
            f"DROP TABLE {fts}",
            f"CREATE VIRTUAL TABLE {fts} USING fts5({', '.join(columns)}, content='{table}', "
            "content_rowid='id', tokenize='trigram', columnsize=0, detail=none)",
            f"INSERT INTO {fts}({fts}) VALUES ('rebuild')",
        ]
    return ";\n".join(parts)
