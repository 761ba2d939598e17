"""`pipeline team add`: a PostgreSQL role per member, and who may change which rows.

A member is a login role, an owner and a role in ``team_members``. Row-level security on
the owned tables lets everyone read everything (a ``private`` rep only their own rows) and
write only what the policies allow; a trigger refuses, with a one-line error, a rep's
change or delete of a row another owner holds (a policy alone would skip it silently). A
manager, and anyone who is not a member (the database's owner, who ran `team add`), may
change everything. A row with no owner is anyone's. Installed on the first `team add`,
replaced on each, so a fix reaches old databases; none of it exists on a file.
"""

from __future__ import annotations

import re

from pipeline_tui.store.api import StoreError
from pipeline_tui.store.postgres.driver import sql
from pipeline_tui.store.postgres.store import PgStore

GUARDED = ("deals", "leads", "activities", "contacts", "companies")
ROLES = ("rep", "manager")
SERVER_ONLY = ("team_members",)  # not in a file: `db copy` and backups leave it out

SETUP = """
CREATE TABLE IF NOT EXISTS team_members (
  login TEXT PRIMARY KEY,
  owner_id BIGINT NOT NULL REFERENCES owners(id) DEFERRABLE,
  role TEXT NOT NULL CHECK (role IN ('rep', 'manager')),
  private BOOLEAN NOT NULL DEFAULT false
);
CREATE OR REPLACE FUNCTION pipeline_may_write(owner BIGINT) RETURNS BOOLEAN
LANGUAGE sql STABLE AS $$
  SELECT owner IS NULL
    OR NOT EXISTS (SELECT 1 FROM team_members WHERE login = current_user AND role = 'rep')
    OR owner = (SELECT owner_id FROM team_members WHERE login = current_user) $$;
CREATE OR REPLACE FUNCTION pipeline_may_read(owner BIGINT) RETURNS BOOLEAN
LANGUAGE sql STABLE AS $$
  SELECT NOT EXISTS (SELECT 1 FROM team_members WHERE login = current_user AND private)
    OR owner = (SELECT owner_id FROM team_members WHERE login = current_user) $$;
CREATE OR REPLACE FUNCTION pipeline_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT pipeline_may_write(OLD.owner_id) THEN
    RAISE EXCEPTION '% may not change % %: it is %''s', current_user,
      CASE TG_TABLE_NAME WHEN 'activities' THEN 'activity' WHEN 'companies' THEN 'company'
        WHEN 'contacts' THEN 'person' ELSE rtrim(TG_TABLE_NAME, 's') END,
      OLD.id, (SELECT name FROM owners WHERE id = OLD.owner_id)
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
  RETURN NEW;
END $$
"""
POLICIES = """
ALTER TABLE {t} ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS pipeline_read ON {t};
CREATE POLICY pipeline_read ON {t} FOR SELECT USING (pipeline_may_read(owner_id));
DROP POLICY IF EXISTS pipeline_insert ON {t};
CREATE POLICY pipeline_insert ON {t} FOR INSERT WITH CHECK (pipeline_may_write(owner_id));
DROP POLICY IF EXISTS pipeline_update ON {t};
CREATE POLICY pipeline_update ON {t} FOR UPDATE USING (pipeline_may_read(owner_id))
  WITH CHECK (pipeline_may_write(owner_id));
DROP POLICY IF EXISTS pipeline_delete ON {t};
CREATE POLICY pipeline_delete ON {t} FOR DELETE USING (pipeline_may_read(owner_id));
DROP TRIGGER IF EXISTS pipeline_guard ON {t};
CREATE TRIGGER pipeline_guard BEFORE UPDATE OR DELETE ON {t}
  FOR EACH ROW EXECUTE FUNCTION pipeline_guard()
"""


def login_for(name: str) -> str:
    """A member's default login: the name in lower case, other characters as _."""
    return re.sub(r"[^a-z0-9]+", "_", name.strip().lower()).strip("_")


def add_member(store: PgStore, name: str, role: str, *, private: bool, login: str) -> str:
    """Create (or update) ``login`` as ``name``'s role on the server; return the login."""
    if role not in ROLES:
        raise StoreError(f"invalid role {role!r}: rep or manager")
    if private and role != "rep":
        raise StoreError("--private is for reps: a manager reads everything")
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", login):
        raise StoreError(f"invalid login {login!r}: lower-case letters, digits and _")
    raw = store._conn.raw
    with store.tx(f"team add {name} ({role})") as tx:
        owner_id = tx.ensure_owner(name)
        raw.execute(SETUP)
        for table in GUARDED:
            raw.execute(POLICIES.format(t=table))
        exists = raw.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (login,)).fetchone()
        ident = sql.Identifier(login)
        if not exists:
            raw.execute(sql.SQL("CREATE ROLE {} LOGIN").format(ident))
        grants = [
            "GRANT USAGE ON SCHEMA {s} TO {r}",
            "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {s} TO {r}",
            "REVOKE INSERT, UPDATE, DELETE ON team_members FROM {r}",
            "GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA {s} TO {r}",
            "GRANT TEMPORARY, CREATE ON DATABASE {d} TO {r}",  # imports stage rows there
        ]
        found = raw.execute("SELECT current_schema(), current_database()").fetchone()
        assert found is not None
        schema, database = str(found[0]), str(found[1])
        for grant in grants:
            raw.execute(sql.SQL(grant).format(
                s=sql.Identifier(schema), d=sql.Identifier(database), r=ident))  # fmt: skip
        raw.execute(
            "INSERT INTO team_members (login, owner_id, role, private) VALUES (%s, %s, %s, %s) "
            "ON CONFLICT (login) DO UPDATE SET owner_id = excluded.owner_id, "
            "role = excluded.role, private = excluded.private",
            (login, owner_id, role, private),
        )
    return login
