"""The schema as versioned migrations; sqlite-utils is imported only when one must run."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pipeline_tui.store.sqlite.schema_changes import (
    M003_NEXT_ACTIVITY,
    M005_TABLES,
    M006_EDITS,
    M006_TABLES,
    M007_BOARD,
    M008_DONE_INDEX,
    M009_LISTS,
    M010_LOGIN,
    M011_PARTIAL_EXTERNAL,
    M011_PEOPLE_FTS,
    M012_COVERED,
    m012_fts,
    relax,
    relax_deals,
)

if TYPE_CHECKING:
    from sqlite_utils import Database

# Bumped with every migration; PRAGMA user_version mirrors it so that opening a current
# database never has to import sqlite-utils (about 45 ms) just to learn nothing is pending.
SCHEMA_VERSION = 12
MIGRATION_SET = "pipeline_tui"

_CATEGORIES = "'pipeline','best_case','commit','omitted'"

M001_TABLES = f"""
CREATE TABLE owners (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  name_key TEXT NOT NULL UNIQUE,
  email TEXT,
  created_at TEXT NOT NULL
);
CREATE TABLE companies (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  name_key TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL
);
CREATE TABLE contacts (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT,
  email TEXT,
  email_key TEXT UNIQUE,
  phone TEXT,
  company_id INTEGER REFERENCES companies(id),
  created_at TEXT NOT NULL
);
CREATE TABLE pipelines (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  name_key TEXT NOT NULL UNIQUE,
  is_default INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL
);
CREATE TABLE stages (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  pipeline_id INTEGER NOT NULL REFERENCES pipelines(id),
  name TEXT NOT NULL,
  name_key TEXT NOT NULL,
  position INTEGER NOT NULL,
  probability INTEGER NOT NULL CHECK (probability BETWEEN 0 AND 100),
  forecast_category TEXT NOT NULL CHECK (forecast_category IN ({_CATEGORIES})),
  definition TEXT NOT NULL DEFAULT '',
  stalled_after_days INTEGER NOT NULL DEFAULT 14 CHECK (stalled_after_days > 0),
  archived INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE leads (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  company_id INTEGER REFERENCES companies(id),
  contact_id INTEGER REFERENCES contacts(id),
  email TEXT,
  phone TEXT,
  source TEXT,
  owner_id INTEGER REFERENCES owners(id),
  status TEXT NOT NULL DEFAULT 'new'
    CHECK (status IN ('new','working','qualified','disqualified')),
  disqualify_reason TEXT,
  notes TEXT,
  external_id TEXT,
  custom TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE TABLE deals (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  title TEXT NOT NULL,
  company_id INTEGER REFERENCES companies(id),
  contact_id INTEGER REFERENCES contacts(id),
  owner_id INTEGER REFERENCES owners(id),
  pipeline_id INTEGER NOT NULL REFERENCES pipelines(id),
  stage_id INTEGER NOT NULL REFERENCES stages(id),
  status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open','won','lost')),
  value_minor INTEGER NOT NULL DEFAULT 0,
  currency TEXT NOT NULL,
  probability INTEGER CHECK (probability IS NULL OR probability BETWEEN 0 AND 100),
  category TEXT CHECK (category IS NULL OR category IN ({_CATEGORIES})),
  close_date TEXT,
  next_step TEXT,
  next_due TEXT,
  lost_reason TEXT,
  lead_id INTEGER REFERENCES leads(id),
  external_id TEXT,
  custom TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  closed_at TEXT
);
CREATE TABLE stage_changes (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  deal_id INTEGER NOT NULL REFERENCES deals(id),
  from_stage_id INTEGER REFERENCES stages(id),
  to_stage_id INTEGER NOT NULL REFERENCES stages(id),
  changed_at TEXT NOT NULL,
  owner_id INTEGER REFERENCES owners(id)
);
CREATE TABLE activities (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  kind TEXT NOT NULL
    CHECK (kind IN ('call','email','meeting','demo','proposal','note','task')),
  subject TEXT NOT NULL,
  deal_id INTEGER REFERENCES deals(id),
  lead_id INTEGER REFERENCES leads(id),
  owner_id INTEGER REFERENCES owners(id),
  done_at TEXT,
  due_at TEXT,
  outcome TEXT,
  notes TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  CHECK (deal_id IS NOT NULL OR lead_id IS NOT NULL),
  CHECK (done_at IS NOT NULL OR due_at IS NOT NULL)
);
CREATE TABLE targets (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  owner_id INTEGER REFERENCES owners(id),
  period TEXT NOT NULL,
  amount_minor INTEGER NOT NULL,
  currency TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE TABLE forecast_snapshots (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  taken_at TEXT NOT NULL,
  note TEXT,
  payload TEXT NOT NULL
);
CREATE TABLE settings (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  key TEXT NOT NULL UNIQUE,
  value TEXT NOT NULL
);
CREATE TABLE commands (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  command TEXT NOT NULL,
  summary TEXT NOT NULL,
  at TEXT NOT NULL,
  owner TEXT,
  kind TEXT NOT NULL DEFAULT 'change' CHECK (kind IN ('change','undo')),
  undone_by INTEGER REFERENCES commands(id)
);
CREATE TABLE events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  command_id INTEGER NOT NULL REFERENCES commands(id),
  entity TEXT NOT NULL,
  entity_id INTEGER NOT NULL,
  action TEXT NOT NULL CHECK (action IN ('insert','update','delete')),
  before TEXT,
  after TEXT
);
"""

M001_INDEXES = """
CREATE UNIQUE INDEX idx_stages_name ON stages(pipeline_id, name_key) WHERE archived = 0;
CREATE INDEX idx_deals_status_stage ON deals(status, stage_id);
CREATE INDEX idx_deals_owner ON deals(owner_id, status);
CREATE INDEX idx_deals_close ON deals(status, close_date);
CREATE INDEX idx_deals_closed_at ON deals(status, closed_at);
CREATE INDEX idx_deals_company ON deals(company_id);
CREATE INDEX idx_deals_lead ON deals(lead_id);
CREATE INDEX idx_deals_external ON deals(external_id);
CREATE INDEX idx_leads_email ON leads(email);
CREATE INDEX idx_leads_external ON leads(external_id);
CREATE INDEX idx_contacts_company ON contacts(company_id);
CREATE INDEX idx_stage_changes_deal ON stage_changes(deal_id, changed_at);
CREATE INDEX idx_activities_deal ON activities(deal_id);
CREATE INDEX idx_activities_lead ON activities(lead_id);
CREATE INDEX idx_activities_planned ON activities(due_at) WHERE done_at IS NULL;
CREATE UNIQUE INDEX idx_targets_scope ON targets(coalesce(owner_id, 0), period, currency);
CREATE INDEX idx_events_command ON events(command_id);
CREATE INDEX idx_events_entity ON events(entity, entity_id);
"""

# Reports (forecast, KPIs, review, --as-of): covering indexes for the hot aggregates, so
# the forecast and KPI queries read index pages only, and time-ordered access to history.
M001_REPORTS = """
CREATE INDEX idx_deals_forecast ON deals(status, close_date, owner_id, stage_id, currency,
  value_minor, probability, category, pipeline_id);
CREATE INDEX idx_deals_closed ON deals(status, closed_at, owner_id, stage_id, currency,
  value_minor, created_at, lost_reason, pipeline_id);
CREATE INDEX idx_deals_created ON deals(created_at);
CREATE INDEX idx_stage_changes_at ON stage_changes(changed_at, deal_id, to_stage_id,
  from_stage_id);
CREATE INDEX idx_stage_changes_path ON stage_changes(deal_id, changed_at, to_stage_id);
CREATE INDEX idx_activities_done ON activities(done_at, kind, owner_id);
CREATE INDEX idx_activities_lead_done ON activities(lead_id, done_at);
CREATE INDEX idx_leads_created ON leads(created_at);
CREATE INDEX idx_commands_at ON commands(at);
CREATE INDEX idx_forecast_snapshots_taken ON forecast_snapshots(taken_at);
"""

# Readable views for Datasette and sqlite-utils users: names instead of ids.
M001_VIEWS = """
CREATE VIEW deals_view AS
SELECT d.id, d.title, co.name AS company, coalesce(ct.name, ct.email) AS contact,
  o.name AS owner, p.name AS pipeline, s.name AS stage, d.status,
  CASE WHEN d.currency IN ('BIF','CLP','DJF','GNF','ISK','JPY','KMF','KRW','PYG','RWF',
                            'UGX','VND','VUV','XAF','XOF','XPF') THEN d.value_minor
       WHEN d.currency IN ('BHD','IQD','JOD','KWD','LYD','OMR','TND')
            THEN d.value_minor / 1000.0
       ELSE d.value_minor / 100.0 END AS value,
  d.currency,
  CASE d.status WHEN 'won' THEN 100 WHEN 'lost' THEN 0
       ELSE coalesce(d.probability, s.probability) END AS probability,
  CASE d.status WHEN 'won' THEN 'closed_won' WHEN 'lost' THEN 'closed_lost'
       ELSE coalesce(d.category, s.forecast_category) END AS forecast_category,
  d.close_date, d.next_step, d.next_due, d.created_at, d.closed_at, d.lost_reason,
  d.updated_at, d.value_minor, d.stage_id, d.pipeline_id, d.owner_id, d.company_id,
  d.probability AS probability_override, d.category AS category_override, d.lead_id,
  (SELECT max(sc.changed_at) FROM stage_changes sc WHERE sc.deal_id = d.id) AS stage_entered_at,
  d.custom, d.external_id
FROM deals d
JOIN stages s ON s.id = d.stage_id
JOIN pipelines p ON p.id = d.pipeline_id
LEFT JOIN companies co ON co.id = d.company_id
LEFT JOIN contacts ct ON ct.id = d.contact_id
LEFT JOIN owners o ON o.id = d.owner_id;

CREATE VIEW leads_view AS
SELECT l.id, l.name, co.name AS company, l.email, l.phone, l.source, o.name AS owner,
  l.status, l.created_at, l.notes, l.disqualify_reason, l.updated_at,
  (SELECT min(d.id) FROM deals d WHERE d.lead_id = l.id) AS deal_id, l.external_id, l.custom
FROM leads l
LEFT JOIN companies co ON co.id = l.company_id
LEFT JOIN owners o ON o.id = l.owner_id;

CREATE VIEW activities_view AS
SELECT a.id, a.kind, a.subject, a.deal_id, a.lead_id, o.name AS owner, a.done_at, a.due_at,
  a.outcome, a.notes, a.created_at, coalesce(d.title, l.name) AS regarding
FROM activities a
LEFT JOIN owners o ON o.id = a.owner_id
LEFT JOIN deals d ON d.id = a.deal_id
LEFT JOIN leads l ON l.id = a.lead_id;

CREATE VIEW stage_changes_view AS
SELECT sc.id, sc.deal_id, d.title AS deal, f.name AS from_stage, t.name AS to_stage,
  sc.changed_at, o.name AS changed_by
FROM stage_changes sc
JOIN deals d ON d.id = sc.deal_id
LEFT JOIN stages f ON f.id = sc.from_stage_id
JOIN stages t ON t.id = sc.to_stage_id
LEFT JOIN owners o ON o.id = sc.owner_id;

CREATE VIEW events_view AS
SELECT e.id, c.id AS command_id, c.at, c.owner, c.command, e.entity, e.entity_id, e.action,
  e.before, e.after, c.undone_by IS NOT NULL AS undone
FROM events e JOIN commands c ON c.id = e.command_id;
"""


# Imports (issue 3): one row per import, the rows it overwrote (for undo), and what activities
# lacked to round-trip. Created rows need no marker: an import holds the write lock, so each
# table's new ids form one range, recorded in imports.created.
M001_IMPORTS = """
CREATE TABLE imports (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  command_id INTEGER REFERENCES commands(id),
  entity TEXT NOT NULL CHECK (entity IN ('leads','deals','activities')),
  source TEXT NOT NULL,
  at TEXT NOT NULL,
  options TEXT NOT NULL DEFAULT '{}',
  rows INTEGER NOT NULL DEFAULT 0,
  created INTEGER NOT NULL DEFAULT 0,
  updated INTEGER NOT NULL DEFAULT 0,
  unchanged INTEGER NOT NULL DEFAULT 0,
  rejected INTEGER NOT NULL DEFAULT 0,
  extras TEXT NOT NULL DEFAULT '{}',
  ranges TEXT NOT NULL DEFAULT '{}',
  undone_by INTEGER REFERENCES commands(id)
);
CREATE TABLE import_saved (
  import_id INTEGER NOT NULL REFERENCES imports(id),
  entity TEXT NOT NULL,
  row_id INTEGER NOT NULL,
  before TEXT NOT NULL,
  PRIMARY KEY (import_id, entity, row_id)
) WITHOUT ROWID;
CREATE INDEX idx_import_saved_row ON import_saved(entity, row_id);
CREATE TABLE database_info (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
-- Names this database in export keys (ab12cd34:deal:17), so that re-importing an export
-- finds the same rows here and never a stranger's row with the same id elsewhere.
INSERT INTO database_info (key, value) VALUES ('id', lower(hex(randomblob(4))));
ALTER TABLE activities ADD COLUMN external_id TEXT;
ALTER TABLE activities ADD COLUMN custom TEXT;
CREATE INDEX idx_activities_external ON activities(external_id);
-- Leads are matched by normalised email: lower(email) replaces the plain index, which no
-- query used, so a million-row import maintains one email index rather than two.
DROP INDEX idx_leads_email;
CREATE INDEX idx_leads_email_key ON leads(lower(email));
CREATE INDEX idx_deals_title_key ON deals(lower(title), company_id);
"""


# v2: the agenda's sections as partial indexes, so 'pipeline today' reads a screenful and
# counts a section without visiting every open deal (services/agenda.py).
M002_AGENDA = """
CREATE INDEX idx_deals_next_due ON deals(next_due, owner_id)
  WHERE status = 'open' AND next_step IS NOT NULL AND next_step <> '';
CREATE INDEX idx_deals_no_next_step ON deals(close_date, owner_id)
  WHERE status = 'open' AND (next_step IS NULL OR next_step = '');
"""


def _migrations() -> object:
    from sqlite_utils import Migrations

    migrations = Migrations(MIGRATION_SET)

    @migrations(name="m001_initial")
    def m001_initial(db: Database) -> None:
        for script in (M001_TABLES, M001_INDEXES, M001_VIEWS, M001_REPORTS, M001_IMPORTS):
            for statement in script.split(";"):
                if statement.strip():
                    db.execute(statement)

    @migrations(name="m002_agenda_indexes")
    def m002_agenda_indexes(db: Database) -> None:
        for statement in M002_AGENDA.split(";"):
            if statement.strip():
                db.execute(statement)

    @migrations(name="m003_next_step_is_an_activity")
    def m003_next_step_is_an_activity(db: Database) -> None:
        for statement in M003_NEXT_ACTIVITY.split(";"):
            if statement.strip():
                db.execute(statement)

    @migrations(name="m004_companies_people")
    def m004_companies_people(db: Database) -> None:
        from pipeline_tui.store.sqlite.schema_contacts import m004

        m004(db)

    @migrations(name="m005_real_history")
    def m005_real_history(db: Database) -> None:
        relax_deals(db)
        for statement in M005_TABLES.split(";"):
            if statement.strip():
                db.execute(statement)

    @migrations(name="m006_owner_teams")
    def m006_owner_teams(db: Database) -> None:
        for table, edits in M006_EDITS.items():
            relax(db, table, edits, "m006")
        for statement in M006_TABLES.split(";"):
            if statement.strip():
                db.execute(statement)

    @migrations(name="m007_board_index")
    def m007_board_index(db: Database) -> None:
        db.execute(M007_BOARD)

    @migrations(name="m008_done_index")
    def m008_done_index(db: Database) -> None:
        for statement in M008_DONE_INDEX.split(";"):
            if statement.strip():
                db.execute(statement)

    @migrations(name="m009_list_indexes")
    def m009_list_indexes(db: Database) -> None:
        for statement in M009_LISTS.split(";"):
            if statement.strip():
                db.execute(statement)

    @migrations(name="m010_command_login")
    def m010_command_login(db: Database) -> None:
        db.execute(M010_LOGIN)

    @migrations(name="m011_people_fts")
    def m011_people_fts(db: Database) -> None:
        # The triggers on contacts name fts_contacts and outlive its remaking.
        for statement in (M011_PEOPLE_FTS + ";" + M011_PARTIAL_EXTERNAL).split(";"):
            if statement.strip():
                db.execute(statement)

    @migrations(name="m012_lighter_indexes")
    def m012_lighter_indexes(db: Database) -> None:
        from pipeline_tui.store.sqlite.schema_contacts import FTS

        for statement in (M012_COVERED + ";" + m012_fts(FTS)).split(";"):
            if statement.strip():
                db.execute(statement)

    return migrations


def migrate(conn: object) -> None:
    """Apply every pending migration on an open connection, then record the version."""
    from sqlite_utils import Database

    db = Database(conn, execute_plugins=False)  # type: ignore[arg-type]
    migrations = _migrations()
    migrations.apply(db)  # type: ignore[attr-defined]
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
