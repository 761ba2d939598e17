"""Export queries: every row of an entity, by id, with names and portable keys instead of ids."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pipeline_tui.store.sqlite.core import Reader


def _key(table: str, kind: str) -> str:
    """A row's portable key: its external id, else '<database id>:<kind>:<id>', which a
    re-import into this database recognises as the row itself (see id_reader in
    services/imports/cells.py)."""
    return f"coalesce({table}.external_id, :db || ':{kind}:' || {table}.id)"


# A deal's next step is not a deals column here: it is its planned activity, which the
# activities export carries (schema.M003), so re-importing both gives it once.
QUERIES = {
    "deals": f"""
SELECT {_key("d", "deal")} AS external_id, d.title, co.name AS company, ct.name AS contact,
  ct.email AS contact_email, o.name AS owner, p.name AS pipeline, s.name AS stage, d.status,
  d.value_minor, d.currency, d.probability, d.category, d.close_date, d.lost_reason,
  CASE WHEN d.lead_id IS NOT NULL THEN {_key("l", "lead")} END AS lead,
  d.created_at, d.closed_at, d.custom
FROM deals d
JOIN stages s ON s.id = d.stage_id
JOIN pipelines p ON p.id = d.pipeline_id
LEFT JOIN companies co ON co.id = d.company_id
LEFT JOIN contacts ct ON ct.id = d.contact_id
LEFT JOIN owners o ON o.id = d.owner_id
LEFT JOIN leads l ON l.id = d.lead_id
ORDER BY d.id""",
    "leads": f"""
SELECT {_key("l", "lead")} AS external_id, l.name, co.name AS company, l.email, l.phone,
  l.source, o.name AS owner, l.status, l.disqualify_reason, l.notes, l.created_at, l.custom
FROM leads l
LEFT JOIN companies co ON co.id = l.company_id
LEFT JOIN owners o ON o.id = l.owner_id
ORDER BY l.id""",
    "activities": f"""
SELECT {_key("a", "activity")} AS external_id, a.kind, a.subject,
  CASE WHEN a.deal_id IS NOT NULL THEN {_key("d", "deal")} END AS deal,
  CASE WHEN a.lead_id IS NOT NULL THEN {_key("l", "lead")} END AS lead,
  o.name AS owner, a.done_at, a.due_at, a.outcome, a.notes, a.created_at, a.custom
FROM activities a
LEFT JOIN deals d ON d.id = a.deal_id
LEFT JOIN leads l ON l.id = a.lead_id
LEFT JOIN owners o ON o.id = a.owner_id
ORDER BY a.id""",
    "stages": """
SELECT p.name AS pipeline, s.position, s.name, s.probability, s.forecast_category,
  s.stalled_after_days, s.definition
FROM stages s JOIN pipelines p ON p.id = s.pipeline_id
WHERE s.archived = 0
ORDER BY p.is_default DESC, p.name_key, s.position, s.id""",
}


def export_rows(
    store: Reader, entity: str, db_key: str
) -> tuple[list[str], Iterator[tuple[Any, ...]]]:
    """(column names, a cursor over the rows): streamed, never loaded whole."""
    cur = store.cursor()
    cur.row_factory = None  # plain tuples, as the interface promises
    cur.execute(QUERIES[entity], {"db": db_key})
    return [d[0] for d in cur.description], cur
