"""Queries over notes, and the timeline of notes and activities around a record."""

from __future__ import annotations

from pipeline_tui.models.contacts import Note, TimelineItem
from pipeline_tui.store.sqlite.core import Reader

_NOTE = (
    "SELECT n.id, n.body, n.deal_id, n.person_id, n.company_id, o.name AS owner, n.created_at "
    "FROM notes n LEFT JOIN owners o ON o.id = n.owner_id"
)


def get_note(store: Reader, note_id: int) -> Note:
    from pipeline_tui.models import NotFoundError

    row = store.one(f"{_NOTE} WHERE n.id = ?", (note_id,))
    if row is None:
        raise NotFoundError(f"no note with id {note_id}")
    return Note(*row)


def for_deal(store: Reader, deal_id: int) -> list[Note]:
    rows = store.all(f"{_NOTE} WHERE n.deal_id = ? ORDER BY n.created_at, n.id", (deal_id,))
    return [Note(*r) for r in rows]


# Which deals, leads, people and company a timeline gathers, as SQL over :id.
_SCOPES = {
    "company": (
        "SELECT id FROM deals WHERE company_id = :id",
        "SELECT id FROM leads WHERE company_id = :id",
        "SELECT id FROM contacts WHERE company_id = :id",
        ":id",
    ),
    "person": (
        "SELECT deal_id FROM deal_people WHERE person_id = :id "
        "UNION SELECT id FROM deals WHERE contact_id = :id",
        "SELECT id FROM leads WHERE contact_id = :id",
        "SELECT :id",
        "NULL",
    ),
}

_REGARDING = (
    "CASE WHEN {t}.deal_id IS NOT NULL THEN 'deal ' || {t}.deal_id || ': ' || d.title {more} END"
)


def timeline(store: Reader, kind: str, record_id: int, limit: int) -> list[TimelineItem]:
    """The newest ``limit`` notes and activities about a company or person and their deals
    (and leads), newest first; planned activities sit at their due date."""
    deals, leads, people, company = _SCOPES[kind]
    activity_about = _REGARDING.format(
        t="a", more="WHEN a.lead_id IS NOT NULL THEN 'lead ' || a.lead_id || ': ' || l.name"
    )
    note_about = _REGARDING.format(
        t="n",
        more="WHEN n.person_id IS NOT NULL THEN 'person ' || n.person_id || ': ' || "
        "coalesce(p.name, p.email, '') WHEN n.company_id IS NOT NULL THEN 'company ' || "
        "n.company_id || ': ' || c.name",
    )
    sql = (
        "SELECT * FROM ("
        "SELECT coalesce(a.done_at, a.due_at) AS at, a.kind, a.id, a.subject, "
        f"{activity_about}, o.name, CASE WHEN a.done_at IS NULL THEN 'planned' ELSE 'done' END "
        "FROM activities a LEFT JOIN deals d ON d.id = a.deal_id "
        "LEFT JOIN leads l ON l.id = a.lead_id LEFT JOIN owners o ON o.id = a.owner_id "
        f"WHERE a.deal_id IN ({deals}) OR a.lead_id IN ({leads}) "
        "UNION ALL "
        f"SELECT n.created_at, 'note', n.id, n.body, {note_about}, o.name, 'note' "
        "FROM notes n LEFT JOIN deals d ON d.id = n.deal_id "
        "LEFT JOIN contacts p ON p.id = n.person_id LEFT JOIN companies c ON c.id = n.company_id "
        "LEFT JOIN owners o ON o.id = n.owner_id "
        f"WHERE n.deal_id IN ({deals}) OR n.person_id IN ({people}) OR n.company_id = {company}"
        ") ORDER BY 1 DESC, 3 DESC LIMIT :limit"
    )
    rows = store.all(sql, {"id": record_id, "limit": limit})
    return [TimelineItem(*r) for r in rows]
