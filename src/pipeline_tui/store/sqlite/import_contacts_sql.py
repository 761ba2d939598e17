"""The SQL of `import companies` and `import people`, and of linking records to companies."""

# Read with import_sql.py: {S} is an attached spool, r its row, l the existing row. A company
# is one per normalised name (companies.name_key is unique) and a person one per normalised
# email (contacts.email_key), so a row whose name or email is taken always updates that
# record, and a row matched by id whose name or email belongs to another record is rejected.

from __future__ import annotations

from typing import TYPE_CHECKING

from pipeline_tui.store.sqlite.import_sql import MERGED, NEW, VALID, EntitySql, _id_match

if TYPE_CHECKING:
    from pipeline_tui.store.sqlite.import_session import SqliteImportSession


def company_of(ext: str) -> str:
    """A row's company: by the old CRM's id in column ``ext`` (AccountId) when it names one
    that is known, else by name (co, joined on the row's company name key)."""
    return (
        f"CASE WHEN {ext} IS NOT NULL THEN coalesce((SELECT min(x.id) FROM companies x "
        f"WHERE x.external_id = {ext}), co.id) ELSE co.id END"
    )


_CO_JOINS = "LEFT JOIN temp.imp_owner o ON o.key = r.okey"
COMPANIES = EntitySql(
    table="companies",
    joins=_CO_JOINS,
    insert=(
        "INSERT INTO companies (name, name_key, domain, industry, size, city, country, owner_id, "
        "notes, custom, external_id, created_at, updated_at) SELECT r.name, r.nkey, r.domain, "
        "r.industry, r.size, r.city, r.country, o.id, r.notes, nullif({CUSTOM}, '{}'), r.ext, "
        f"coalesce(r.created_at, :now), :now FROM {{S}}.rows r {_CO_JOINS} WHERE {NEW} "
        "ORDER BY r.line"
    ),
    update_exprs={
        "name": "coalesce(r.name, l.name)",
        "name_key": "coalesce(r.nkey, l.name_key)",
        "domain": "coalesce(r.domain, l.domain)",
        "industry": "coalesce(r.industry, l.industry)",
        "size": "coalesce(r.size, l.size)",
        "city": "coalesce(r.city, l.city)",
        "country": "coalesce(r.country, l.country)",
        "owner_id": "coalesce(o.id, l.owner_id)",
        "notes": "coalesce(r.notes, l.notes)",
        "custom": MERGED,
        # Matched by name or email, a record keeps the id it has: another CRM's id is not its.
        "external_id": "coalesce(l.external_id, r.ext)",
    },
    match={
        "id": _id_match("companies"),
        "name": [
            "INSERT OR IGNORE INTO temp.imp_matched SELECT r.line, l.id FROM {S}.rows r "
            f"JOIN companies l ON l.name_key = r.nkey AND l.id <= :base WHERE {VALID}"
        ],
    },
    after_match=[
        "INSERT OR IGNORE INTO temp.imp_rejected SELECT r.line, 'another company (' || l.id "
        "|| ') is named ' || quote(l.name) FROM {S}.rows r LEFT JOIN temp.imp_matched m "
        "ON m.line = r.line JOIN companies l ON l.name_key = r.nkey "
        f"AND l.id IS NOT m.target WHERE {VALID}"
    ],
    findings={},
    default_owner=False,  # a company's owner is only the one its file names
    preview=(
        "SELECT r.line, CASE WHEN m.line IS NULL THEN 'create' ELSE 'update' END AS action, "
        "r.name, r.domain, r.industry, r.size, r.city, r.country, "
        "coalesce(o.name, onm.name) AS owner, r.ext AS external_id FROM {S}.rows r "
        f"LEFT JOIN temp.imp_matched m ON m.line = r.line {_CO_JOINS} "
        "LEFT JOIN {S}.names onm ON onm.kind = 'owner' AND onm.key = r.okey "
        f"WHERE {VALID} ORDER BY r.line"
    ),
)

_P_JOINS = (
    "LEFT JOIN companies co ON co.name_key = r.ckey LEFT JOIN temp.imp_owner o ON o.key = r.okey"
)
_P_CO = company_of("r.co_ext")
PEOPLE = EntitySql(
    table="contacts",
    joins=_P_JOINS,
    insert=(
        "INSERT INTO contacts (name, email, email_key, phone, title, company_id, owner_id, "
        "notes, custom, external_id, created_at, updated_at) SELECT coalesce(r.name, r.email), "
        f"r.email, r.ekey, r.phone, r.title, {_P_CO}, o.id, r.notes, nullif({{CUSTOM}}, '{{}}'), "
        f"r.ext, coalesce(r.created_at, :now), :now FROM {{S}}.rows r {_P_JOINS} WHERE {NEW} "
        "ORDER BY r.line"
    ),
    update_exprs={
        "name": "coalesce(r.name, l.name)",
        "email": "coalesce(r.email, l.email)",
        "email_key": "coalesce(r.ekey, l.email_key)",
        "phone": "coalesce(r.phone, l.phone)",
        "title": "coalesce(r.title, l.title)",
        "company_id": f"coalesce({_P_CO}, l.company_id)",
        "owner_id": "coalesce(o.id, l.owner_id)",
        "notes": "coalesce(r.notes, l.notes)",
        "custom": MERGED,
        # Matched by name or email, a record keeps the id it has: another CRM's id is not its.
        "external_id": "coalesce(l.external_id, r.ext)",
    },
    match={
        "id": _id_match("contacts"),
        "email": [
            "INSERT OR IGNORE INTO temp.imp_matched SELECT r.line, l.id FROM {S}.rows r "
            f"JOIN contacts l ON l.email_key = r.ekey AND l.id <= :base WHERE {VALID}"
        ],
    },
    after_match=[
        "INSERT OR IGNORE INTO temp.imp_rejected SELECT r.line, 'another person (' || l.id "
        "|| ') has the email ' || quote(l.email) FROM {S}.rows r LEFT JOIN temp.imp_matched m "
        "ON m.line = r.line JOIN contacts l ON l.email_key = r.ekey "
        f"AND l.id IS NOT m.target WHERE r.ekey IS NOT NULL AND {VALID}"
    ],
    default_owner=False,
    findings={
        "company_unknown": "r.co_ext IS NOT NULL AND r.ckey IS NULL AND NOT EXISTS "
        "(SELECT 1 FROM companies x WHERE x.external_id = r.co_ext)",
    },
    preview=(
        "SELECT r.line, CASE WHEN m.line IS NULL THEN 'create' ELSE 'update' END AS action, "
        "coalesce(r.name, r.email) AS name, r.email, r.title, "
        f"coalesce((SELECT name FROM companies WHERE id = {_P_CO}), cn.name) AS company, "
        "coalesce(o.name, onm.name) AS owner, r.ext AS external_id FROM {S}.rows r "
        f"LEFT JOIN temp.imp_matched m ON m.line = r.line {_P_JOINS} "
        "LEFT JOIN {S}.names cn ON cn.kind = 'company' AND cn.key = r.ckey "
        "LEFT JOIN {S}.names onm ON onm.kind = 'owner' AND onm.key = r.okey "
        f"WHERE {VALID} ORDER BY r.line"
    ),
)


def link_to_companies(session: SqliteImportSession, refs: list[str]) -> dict[str, int]:
    """After `import companies`: give a company to the deals and people imported before it
    whose company-id custom field (AccountId...) names its external id. Each linked row's
    before-values go to import_saved, so undoing this import unlinks them again."""
    if not refs:
        return {}
    keys = ", ".join(f"'{k}'" for k in refs if k.isalnum())
    folded = "lower(replace(replace(replace(j.key, ' ', ''), '_', ''), '-', ''))"
    linked: dict[str, int] = {}
    for table, what in (("deals", "deals"), ("contacts", "people")):
        session.conn.execute("DROP TABLE IF EXISTS temp.imp_link")
        session.conn.execute(
            "CREATE TEMP TABLE imp_link AS SELECT t.id AS id, min(c.id) AS company_id "
            f"FROM {table} t, json_each(t.custom) j JOIN companies c ON c.external_id = j.value "
            f"WHERE t.company_id IS NULL AND t.custom IS NOT NULL AND {folded} IN ({keys}) "
            "GROUP BY t.id"
        )
        n = int(session.store.scalar("SELECT count(*) FROM temp.imp_link"))
        if not n:
            continue
        every = [r[1] for r in session.store.all(f"PRAGMA table_info({table})")]
        obj = ", ".join(f"'{c}', t.{c}" for c in every)
        session._run(
            "INSERT INTO import_saved (import_id, entity, row_id, before) "
            f"SELECT :imp, '{table}', t.id, json_object({obj}) FROM {table} t "
            "JOIN temp.imp_link k ON k.id = t.id"
        )
        session._run(
            f"UPDATE {table} SET company_id = k.company_id, updated_at = :now "
            f"FROM temp.imp_link k WHERE {table}.id = k.id"
        )
        linked[what] = n
    return linked
