"""The SQL text of an import, per entity: how spooled rows become leads, deals, activities."""

from __future__ import annotations

from dataclasses import dataclass, field

# {S} stands for an attached spool and {CUSTOM} for the custom-fields JSON of its row r; in
# update expressions l is the existing row. The import session fills in VALID and NEW,
# leaving out a NOT IN over an empty table, which would still cost a lookup per row of a
# million-row import.
VALID = "{VALID}"
NEW = "{NEW}"
_PAIRS_PER_CALL = 50  # SQLite allows 127 function arguments, PostgreSQL 100


def custom_expr(n: int, explicit: bool) -> str:
    """JSON object of a row's custom fields: its `custom` cell merged with unmapped columns,
    empty cells left out (json_patch drops null members)."""
    if n == 1 and not explicit:  # the common case, without parsing JSON twice per row
        return "CASE WHEN r.x0 IS NULL THEN '{}' ELSE json_object(:k0, r.x0) END"
    expr = "coalesce(r.custom, '{}')"
    for start in range(0, n, _PAIRS_PER_CALL):
        pairs = ", ".join(f":k{i}, r.x{i}" for i in range(start, min(n, start + _PAIRS_PER_CALL)))
        expr = f"json_patch({expr}, json_object({pairs}))"
    return expr


# The owner of a row that names none: created by the import session when some row needs it.
OWNER = "coalesce(o.id, (SELECT id FROM owners WHERE name_key = :owner_key))"
ACTOR = "(SELECT id FROM owners WHERE name_key = :actor_key)"
MERGED = (
    "CASE WHEN json(coalesce(l.custom, '{}')) = json_patch(coalesce(l.custom, '{}'), {CUSTOM}) "
    "THEN l.custom ELSE nullif(json_patch(coalesce(l.custom, '{}'), {CUSTOM}), '{}') END"
)


@dataclass
class EntitySql:
    table: str
    joins: str
    insert: str
    update_exprs: dict[str, str]
    match: dict[str, list[str]]
    preview: str
    refs: list[str] = field(default_factory=list)
    bad_refs: list[str] = field(default_factory=list)
    before_insert: list[str] = field(default_factory=list)
    after_insert: list[str] = field(default_factory=list)
    before_update: list[str] = field(default_factory=list)
    after_match: list[str] = field(default_factory=list)  # rejects that need the matches
    # A table that before_insert fills with many rows: its full-text index is filled once,
    # set-based, after them rather than by its trigger row by row (import_session.py).
    bulk_fts: str | None = None
    # Indexes a large import is better off making again once at its end than keeping row by
    # row (import_bulk.py): those whose keys come in random order (dates, emails, names).
    # Keys in the order rows are added (ids, references) or of a few values cost less kept.
    bulk_indexes: tuple[str, ...] = ()
    default_owner: bool = True  # rows without an owner get the import's owner ({OWNER})
    # name -> condition on a valid row (with ``joins``): what the summary warns about
    findings: dict[str, str] = field(default_factory=dict)

    @property
    def update_cols(self) -> list[str]:
        return list(self.update_exprs)


def _id_match(table: str) -> list[str]:
    return [
        "INSERT OR IGNORE INTO temp.imp_matched SELECT r.line, min(l.id) FROM {S}.rows r "
        f"JOIN {table} l ON l.external_id = r.ext AND l.id <= :base "
        f"WHERE r.ext IS NOT NULL AND {VALID} "
        "GROUP BY r.line",
        "INSERT OR IGNORE INTO temp.imp_matched SELECT r.line, l.id FROM {S}.rows r "
        f"JOIN {table} l ON l.id = r.self_id AND l.external_id IS NULL AND l.id <= :base "
        f"WHERE r.self_id IS NOT NULL AND {VALID}",
    ]


def _ref(table: str, ext: str, self_id: str, extra: str = "") -> str:
    return (
        f"CASE WHEN {ext} IS NOT NULL THEN (SELECT min(x.id) FROM {table} x "
        f"WHERE x.external_id = {ext}) WHEN {self_id} IS NOT NULL THEN (SELECT x.id FROM "
        f"{table} x WHERE x.id = {self_id} AND x.external_id IS NULL) {extra}END"
    )


def _bad_ref(what: str, column: str, ext: str, self_id: str, hint: str) -> str:
    return (
        "INSERT OR IGNORE INTO temp.imp_rejected SELECT r.line, 'no " + what + " ' || "
        # The id as text: PostgreSQL refuses a CASE of text and bigint (quote() is text).
        f"CASE WHEN {ext} IS NOT NULL THEN quote({ext}) ELSE CAST({self_id} AS TEXT) END "
        f"|| ' ({hint})' "
        "FROM {S}.rows r "
        f"JOIN temp.imp_refs rf ON rf.line = r.line WHERE rf.{column} IS NULL "
        f"AND ({ext} IS NOT NULL OR {self_id} IS NOT NULL) AND r.err IS NULL"
    )


_LEAD_JOINS = (
    "LEFT JOIN companies co ON co.name_key = r.ckey LEFT JOIN temp.imp_owner o ON o.key = r.okey"
)
# Names as the file spells them, for previews of rows whose company or owner is new.
_SHOWN_OWNER = "LEFT JOIN {S}.names onm ON onm.kind = 'owner' AND onm.key = r.okey"
_SHOWN = "LEFT JOIN {S}.names cn ON cn.kind = 'company' AND cn.key = r.ckey " + _SHOWN_OWNER
# A lead's person, as `lead add` makes it (services/leads.py): the person with its email,
# else the one of its name at its company among people without an email, else a new one.
# before_insert creates the missing ones (in file order, so that they form one id range that
# the import's undo removes), then leads read their ids.
_LEAD_CNAME = [
    "DROP TABLE IF EXISTS temp.imp_lname",
    # Only when some row has no email: on a million people the scan is not free.
    "CREATE TEMP TABLE imp_lname AS SELECT lower(name) AS lname, coalesce(company_id, 0) AS cid, "
    "min(id) AS id FROM contacts WHERE email_key IS NULL AND name IS NOT NULL "
    "AND EXISTS (SELECT 1 FROM {S}.rows WHERE ekey IS NULL) GROUP BY 1, 2",
    "CREATE INDEX temp.imp_lname_key ON imp_lname(lname, cid)",
]
_LEAD_PERSON = (
    "CASE WHEN r.ekey IS NOT NULL THEN (SELECT p.id FROM contacts p WHERE p.email_key = r.ekey) "
    "ELSE (SELECT x.id FROM temp.imp_lname x WHERE x.lname = lower(coalesce(r.name, '')) "
    "AND x.cid = coalesce(co.id, 0)) END"
)
_LEAD_PEOPLE = [
    # OR IGNORE: the unique email_key skips people who exist and repeats within the file
    # (the first spelling wins), without a lookup or a sort per row.
    "INSERT OR IGNORE INTO contacts (name, email, email_key, phone, company_id, owner_id, "
    "created_at, updated_at) SELECT r.name, r.email, r.ekey, r.phone, co.id, {OWNER}, :now, "
    f":now FROM {{S}}.rows r {_LEAD_JOINS} WHERE r.ekey IS NOT NULL AND {VALID} ORDER BY r.line",
    *_LEAD_CNAME,
    "INSERT INTO contacts (name, phone, company_id, owner_id, created_at, updated_at) "
    "SELECT name, phone, cid, oid, :now, :now FROM (SELECT min(r.line), r.name, r.phone, "
    f"co.id AS cid, {{OWNER}} AS oid FROM {{S}}.rows r {_LEAD_JOINS} WHERE r.ekey IS NULL "
    f"AND r.name IS NOT NULL AND {VALID} AND NOT EXISTS (SELECT 1 FROM temp.imp_lname x "
    "WHERE x.lname = lower(r.name) AND x.cid = coalesce(co.id, 0)) "
    "GROUP BY lower(r.name), coalesce(co.id, 0) ORDER BY 1)",
    *_LEAD_CNAME,
]
LEADS = EntitySql(
    table="leads",
    joins=_LEAD_JOINS,
    insert=(
        "INSERT INTO leads (name, company_id, contact_id, email, phone, source, owner_id, "
        "status, disqualify_reason, notes, external_id, custom, created_at, updated_at) "
        f"SELECT coalesce(r.name, r.email), co.id, {_LEAD_PERSON}, r.email, r.phone, r.source, "
        "{OWNER}, coalesce(r.status, 'new'), r.disq, r.notes, r.ext, "
        "nullif({CUSTOM}, '{}'), r.created_at, :now "
        f"FROM {{S}}.rows r {_LEAD_JOINS} WHERE {NEW} ORDER BY r.line"
    ),
    before_insert=_LEAD_PEOPLE,
    bulk_fts="contacts",
    # The list indexes (schema_changes.M009) key on creation times and names, in no order.
    bulk_indexes=("idx_leads_email_key", "idx_leads_list", "idx_contacts_list"),
    update_exprs={
        "name": "coalesce(r.name, l.name)",
        "company_id": "coalesce(co.id, l.company_id)",
        "contact_id": f"coalesce(l.contact_id, {_LEAD_PERSON})",
        "email": "coalesce(r.email, l.email)",
        "phone": "coalesce(r.phone, l.phone)",
        "source": "coalesce(r.source, l.source)",
        "owner_id": "coalesce(o.id, l.owner_id)",
        # A lead qualified here keeps that status when its old CRM still says "New".
        "status": "CASE WHEN l.status = 'qualified' AND EXISTS (SELECT 1 FROM deals d "
        "WHERE d.lead_id = l.id) THEN l.status ELSE coalesce(r.status, l.status) END",
        "disqualify_reason": "coalesce(r.disq, l.disqualify_reason)",
        "notes": "coalesce(r.notes, l.notes)",
        "external_id": "coalesce(r.ext, l.external_id)",
        "custom": MERGED,
        "created_at": "coalesce(r.created_at, l.created_at)",
    },
    findings={"no_owner": "r.okey IS NULL", "no_created_lead": "r.created_at IS NULL"},
    match={
        "id": _id_match("leads"),
        "email": [
            "INSERT OR IGNORE INTO temp.imp_matched SELECT r.line, min(l.id) FROM {S}.rows r "
            "JOIN leads l ON lower(l.email) = lower(r.email) AND l.id <= :base "
            f"WHERE r.email IS NOT NULL AND {VALID} "
            "AND (r.ext IS NULL OR l.external_id IS NULL OR :first_key) GROUP BY r.line"
        ],
    },
    preview=(
        "SELECT r.line, CASE WHEN m.line IS NULL THEN 'create' ELSE 'update' END AS action, "
        "coalesce(r.name, r.email) AS name, r.email, coalesce(co.name, cn.name) AS company, "
        "r.phone, r.source, coalesce(o.name, onm.name) AS owner, "
        "coalesce(r.status, 'new') AS status, r.created_at, r.ext AS external_id "
        "FROM {S}.rows r LEFT JOIN temp.imp_matched m ON m.line = r.line "
        f"{_LEAD_JOINS} {_SHOWN} WHERE {VALID} ORDER BY r.line"
    ),
)

_DEAL_JOINS = (
    _LEAD_JOINS + " LEFT JOIN temp.imp_stage sm ON sm.pkey = coalesce(r.pkey, '') "
    "AND sm.skey = coalesce(r.skey, '') "
    "LEFT JOIN temp.imp_refs rf ON rf.line = r.line"
)
_CONTACT = (
    "CASE WHEN r.cekey IS NOT NULL THEN (SELECT c.id FROM contacts c WHERE c.email_key = r.cekey) "
    "WHEN r.contact IS NOT NULL THEN (SELECT x.id FROM temp.imp_cname x "
    "WHERE x.lname = lower(r.contact) AND x.cid = coalesce(co.id, 0)) END"
)
_CNAME = [
    "DROP TABLE IF EXISTS temp.imp_cname",
    "CREATE TEMP TABLE imp_cname AS SELECT lower(name) AS lname, coalesce(company_id, 0) AS cid, "
    "min(id) AS id FROM contacts WHERE name IS NOT NULL GROUP BY 1, 2",
    "CREATE INDEX temp.imp_cname_key ON imp_cname(lname, cid)",
]
# A deal's company: by its AccountId when that company is known, else by name. An AccountId
# not known yet stays in the deal's custom fields; `import companies` links it later.
_DEAL_CO = (
    "CASE WHEN r.company_ext IS NOT NULL THEN coalesce((SELECT min(x.id) FROM companies x "
    "WHERE x.external_id = r.company_ext), co.id) ELSE co.id END"
)
_ST = "coalesce(r.status, sm.status, l.status)"
_CLOSED = "coalesce(r.closed_at, r.close_date || 'T12:00:00Z')"  # else unknown, never :now
# A new deal's history starts with its entry into the stage the file names, at the creation
# date the file gives. Without both (no date; or an outcome such as Closed Won, not a stage)
# nothing is invented: the deal's history is unknown until `pipeline import history`.
_ST_NEW = "coalesce(r.status, sm.status, 'open')"
_CLOSED_AT = "coalesce(r.closed_at, r.close_date || 'T12:00:00Z')"
_UNKNOWN_HISTORY = "(r.created_at IS NULL OR sm.stage_id IS NULL)"
DEALS = EntitySql(
    table="deals",
    joins=_DEAL_JOINS,
    insert=(
        "INSERT INTO deals (title, company_id, contact_id, owner_id, pipeline_id, stage_id, "
        "status, value_minor, currency, probability, category, close_date, next_step, next_due, "
        "lost_reason, lead_id, external_id, custom, created_at, updated_at, closed_at, "
        f"history_unknown) SELECT r.title, {_DEAL_CO}, {_CONTACT}, {OWNER}, "
        "coalesce(sm.pipeline_id, :pipeline), coalesce(sm.stage_id, sm.first_stage, "
        ":first_stage), coalesce(r.status, sm.status, 'open'), r.value_minor, "
        "coalesce(r.currency, :cur), r.probability, r.category, r.close_date, r.next_step, "
        "r.next_due, r.lost_reason, rf.lead_id, r.ext, nullif({CUSTOM}, '{}'), "
        "r.created_at, :now, CASE WHEN coalesce(r.status, sm.status, 'open') "
        f"= 'open' THEN NULL ELSE {_CLOSED} END, CASE WHEN {_UNKNOWN_HISTORY} THEN 1 ELSE 0 END "
        f"FROM {{S}}.rows r {_DEAL_JOINS} WHERE {NEW} ORDER BY r.line"
    ),
    update_exprs={
        "title": "CASE WHEN r.title_auto = 1 THEN l.title ELSE coalesce(r.title, l.title) END",
        "company_id": f"coalesce({_DEAL_CO}, l.company_id)",
        "contact_id": f"coalesce({_CONTACT}, l.contact_id)",
        "owner_id": "coalesce(o.id, l.owner_id)",
        "pipeline_id": "CASE WHEN sm.stage_id IS NOT NULL THEN sm.pipeline_id "
        "ELSE l.pipeline_id END",
        "stage_id": "coalesce(sm.stage_id, l.stage_id)",
        "status": _ST,
        "value_minor": "coalesce(r.value_minor, l.value_minor)",
        "currency": "coalesce(r.currency, l.currency)",
        "probability": "coalesce(r.probability, l.probability)",
        "category": "coalesce(r.category, l.category)",
        "close_date": "coalesce(r.close_date, l.close_date)",
        "next_step": "coalesce(r.next_step, l.next_step)",
        "next_due": "coalesce(r.next_due, l.next_due)",
        "lost_reason": f"CASE WHEN {_ST} = 'open' THEN NULL "
        "ELSE coalesce(r.lost_reason, l.lost_reason) END",
        "lead_id": "coalesce(rf.lead_id, l.lead_id)",
        "external_id": "coalesce(r.ext, l.external_id)",
        "custom": MERGED,
        "created_at": "coalesce(r.created_at, l.created_at)",
        "closed_at": f"CASE WHEN {_ST} = 'open' THEN NULL WHEN {_ST} = l.status "
        f"THEN coalesce(r.closed_at, l.closed_at) ELSE {_CLOSED} END",
    },
    findings={
        "no_owner": "r.okey IS NULL",
        "no_amount": "r.value_minor IS NULL",
        "no_created": "r.created_at IS NULL",
        "company_unknown": "r.company_ext IS NOT NULL AND r.ckey IS NULL AND NOT EXISTS "
        "(SELECT 1 FROM companies x WHERE x.external_id = r.company_ext)",
        "closed_before_created": f"{_ST_NEW} <> 'open' AND r.created_at IS NOT NULL "
        f"AND {_CLOSED_AT} < r.created_at",
        "closed_in_future": f"{_ST_NEW} <> 'open' AND {_CLOSED_AT} > :now",
        "closed_undated": f"{_ST_NEW} <> 'open' AND {_CLOSED_AT} IS NULL AND NOT EXISTS (SELECT 1 "
        "FROM temp.imp_matched m JOIN deals x ON x.id = m.target WHERE m.line = r.line "
        "AND x.closed_at IS NOT NULL)",
        "history_unknown": f"{_UNKNOWN_HISTORY} AND r.line NOT IN "
        "(SELECT line FROM temp.imp_matched)",
    },
    match={
        "id": _id_match("deals"),
        "title": [
            "INSERT OR IGNORE INTO temp.imp_matched SELECT r.line, min(l.id) FROM {S}.rows r "
            "LEFT JOIN companies co ON co.name_key = r.ckey JOIN deals l "
            "ON lower(l.title) = r.tkey AND l.id <= :base "
            "AND (r.ckey IS NULL AND l.company_id IS NULL OR l.company_id = co.id) "
            "WHERE r.tkey IS NOT NULL AND r.title_auto = 0 "
            f"AND {VALID} AND (r.ext IS NULL OR l.external_id IS NULL OR :first_key) "
            "GROUP BY r.line"
        ],
    },
    refs=[
        *_CNAME,
        "INSERT OR IGNORE INTO temp.imp_refs (line, lead_id) SELECT r.line, "
        + _ref("leads", "r.lead_ext", "r.lead_self")
        + " FROM {S}.rows r WHERE (r.lead_ext IS NOT NULL OR r.lead_self IS NOT NULL) "
        "AND r.err IS NULL",
    ],
    bad_refs=[_bad_ref("lead", "lead_id", "r.lead_ext", "r.lead_self", "import leads first")],
    before_insert=[
        "INSERT INTO contacts (name, email, email_key, company_id, created_at) "
        "SELECT name, email, ekey, cid, :now FROM (SELECT min(r.line), r.contact AS name, "
        "r.contact_email AS email, r.cekey AS ekey, co.id AS cid FROM {S}.rows r "
        f"LEFT JOIN companies co ON co.name_key = r.ckey WHERE r.cekey IS NOT NULL AND {VALID} "
        "AND r.cekey NOT IN (SELECT email_key FROM contacts WHERE email_key IS NOT NULL) "
        "GROUP BY r.cekey ORDER BY 1)",
        "INSERT INTO contacts (name, company_id, created_at) SELECT name, cid, :now FROM "
        "(SELECT min(r.line), r.contact AS name, co.id AS cid FROM {S}.rows r "
        "LEFT JOIN companies co ON co.name_key = r.ckey WHERE r.cekey IS NULL "
        f"AND r.contact IS NOT NULL AND {VALID} AND NOT EXISTS (SELECT 1 FROM temp.imp_cname x "
        "WHERE x.lname = lower(r.contact) AND x.cid = coalesce(co.id, 0)) "
        "GROUP BY lower(r.contact), coalesce(co.id, 0) ORDER BY 1)",
        *_CNAME,
    ],
    after_insert=[
        "INSERT INTO stage_changes (deal_id, from_stage_id, to_stage_id, changed_at, owner_id) "
        "SELECT id, NULL, stage_id, created_at, owner_id FROM deals WHERE id > :seq "
        "AND history_unknown = 0 ORDER BY id"
    ],
    before_update=[
        "INSERT INTO stage_changes (deal_id, from_stage_id, to_stage_id, changed_at, owner_id) "
        "SELECT l.id, l.stage_id, n.stage_id, :now, {ACTOR} FROM temp.imp_new n "
        "JOIN deals l ON l.id = n.id WHERE n.stage_id IS NOT l.stage_id ORDER BY l.id"
    ],
    preview=(
        "SELECT r.line, CASE WHEN m.line IS NULL THEN 'create' ELSE 'update' END AS action, "
        "r.title, coalesce(co.name, cn.name) AS company, "
        "coalesce(r.contact, r.contact_email) AS contact, coalesce(o.name, onm.name) AS owner, "
        "coalesce(sm.shown, (SELECT name FROM stages WHERE id = :first_stage)) AS stage, "
        "coalesce(r.status, sm.status, 'open') AS status, r.value_minor, "
        "coalesce(r.currency, :cur) AS currency, r.close_date, r.created_at, "
        "r.ext AS external_id FROM {S}.rows r LEFT JOIN temp.imp_matched m ON m.line = r.line "
        f"{_DEAL_JOINS} {_SHOWN} WHERE {VALID} ORDER BY r.line"
    ),
)

_ACT_JOINS = (
    "LEFT JOIN temp.imp_owner o ON o.key = r.okey LEFT JOIN temp.imp_refs rf ON rf.line = r.line"
)
_NATURAL = (
    "INSERT OR IGNORE INTO temp.imp_matched SELECT r.line, min(l.id) FROM {S}.rows r "
    "JOIN temp.imp_refs rf ON rf.line = r.line JOIN activities l ON {ON} AND l.id <= :base "
    "AND l.kind = coalesce(r.kind, 'task') AND l.subject = r.subject "
    "AND coalesce(l.done_at, l.due_at) = coalesce(r.done_at, r.due_at) "
    f"WHERE {VALID} AND (r.ext IS NULL OR l.external_id IS NULL OR :first_key) GROUP BY r.line"
)
ACTIVITIES = EntitySql(
    table="activities",
    joins=_ACT_JOINS,
    insert=(
        "INSERT INTO activities (kind, subject, deal_id, lead_id, owner_id, done_at, due_at, "
        "outcome, notes, cancelled_at, cancel_reason, created_at, updated_at, external_id, "
        "custom) SELECT coalesce(r.kind, 'task'), r.subject, rf.deal_id, rf.lead_id, "
        "{OWNER}, r.done_at, r.due_at, r.outcome, r.notes, r.cancelled_at, r.cancel_reason, "
        "r.created_at, :now, r.ext, nullif({CUSTOM}, '{}') "
        f"FROM {{S}}.rows r {_ACT_JOINS} WHERE {NEW} ORDER BY r.line"
    ),
    update_exprs={
        "kind": "coalesce(r.kind, l.kind)",
        "subject": "coalesce(r.subject, l.subject)",
        "deal_id": "coalesce(rf.deal_id, l.deal_id)",
        "lead_id": "coalesce(rf.lead_id, l.lead_id)",
        "owner_id": "coalesce(o.id, l.owner_id)",
        "done_at": "coalesce(r.done_at, l.done_at)",
        "due_at": "coalesce(r.due_at, l.due_at)",
        "outcome": "coalesce(r.outcome, l.outcome)",
        "notes": "coalesce(r.notes, l.notes)",
        "cancelled_at": "coalesce(r.cancelled_at, l.cancelled_at)",
        "cancel_reason": "coalesce(r.cancel_reason, l.cancel_reason)",
        "created_at": "coalesce(r.created_at, l.created_at)",
        "external_id": "coalesce(r.ext, l.external_id)",
        "custom": MERGED,
    },
    findings={"no_owner": "r.okey IS NULL", "no_created_activity": "r.created_at IS NULL"},
    match={
        "id": _id_match("activities"),
        "subject": [
            _NATURAL.replace("{ON}", "rf.deal_id IS NOT NULL AND l.deal_id = rf.deal_id"),
            _NATURAL.replace(
                "{ON}", "rf.deal_id IS NULL AND l.lead_id = rf.lead_id AND l.deal_id IS NULL"
            ),
        ],
    },
    refs=[
        "INSERT OR IGNORE INTO temp.imp_refs SELECT r.line, "
        + _ref("deals", "r.deal_ext", "r.deal_self")
        + ", "
        + _ref(
            "leads",
            "r.lead_ext",
            "r.lead_self",
            "WHEN r.lead_ekey IS NOT NULL THEN (SELECT min(x.id) FROM leads x "
            "WHERE lower(x.email) = r.lead_ekey) ",
        )
        + " FROM {S}.rows r WHERE r.err IS NULL",
    ],
    bad_refs=[
        _bad_ref("deal", "deal_id", "r.deal_ext", "r.deal_self", "import deals first"),
        _bad_ref(
            "lead",
            "lead_id",
            "coalesce(r.lead_ext, r.lead_ekey)",
            "r.lead_self",
            "import leads first",
        ),
    ],
    preview=(
        "SELECT r.line, CASE WHEN m.line IS NULL THEN 'create' ELSE 'update' END AS action, "
        "coalesce(r.kind, 'task') AS kind, r.subject, coalesce((SELECT title FROM deals "
        "WHERE id = rf.deal_id), (SELECT name FROM leads WHERE id = rf.lead_id)) AS regarding, "
        "coalesce(o.name, onm.name) AS owner, r.done_at, r.due_at, r.ext AS external_id "
        "FROM {S}.rows r LEFT JOIN temp.imp_matched m ON m.line = r.line "
        # Activity rows have no company column: only the owner's spelling is shown.
        f"{_ACT_JOINS} {_SHOWN_OWNER} WHERE {VALID} ORDER BY r.line"
    ),
)

ENTITY_SQL = {"leads": LEADS, "deals": DEALS, "activities": ACTIVITIES}
