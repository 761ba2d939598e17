"""Notes: timestamped text on a deal, a person or a company, journalled like any write."""

from __future__ import annotations

from datetime import datetime

from pipeline_tui.models import PipelineError
from pipeline_tui.models.contacts import Note
from pipeline_tui.models.dates import iso_ts, not_future
from pipeline_tui.services.common import clean_text, default_owner
from pipeline_tui.store.api import Store


def add_note(
    store: Store,
    body: str,
    *,
    deal_id: int | None = None,
    person_id: int | None = None,
    company_id: int | None = None,
    at: datetime | None = None,
) -> Note:
    """A note on exactly one of a deal, a person or a company (written now, or ``at``)."""
    text = clean_text(body, "note", required=True) or ""
    if at is not None:
        not_future(at, "--at", iso_ts(at))
    given = [k for k, v in (("deal", deal_id), ("person", person_id), ("company", company_id))
             if v is not None]  # fmt: skip
    if len(given) != 1:
        raise PipelineError("a note needs exactly one of --deal, --person or --company")
    if deal_id is not None:
        about = f"deal {store.deals.get_deal(deal_id).id}"
    elif person_id is not None:
        about = f"person {store.people.get_person(person_id).id}"
    else:
        about = f"company {store.companies.get_company(company_id or 0).id}"
    with store.tx(f"note on {about}") as tx:
        note_id = tx.insert(
            "notes",
            {
                "body": text,
                "deal_id": deal_id,
                "person_id": person_id,
                "company_id": company_id,
                "owner_id": tx.ensure_owner(store.actor or default_owner(store)),
                "created_at": iso_ts(at) if at else tx.now,
                "updated_at": iso_ts(at) if at else tx.now,
            },
        )
    return store.notes.get_note(note_id)
