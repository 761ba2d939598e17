"""Deleting and merging records: the links the store reports, and undo restoring every row."""

from __future__ import annotations

from typing import Any

import pytest

from pipeline_tui.models import ConflictError
from pipeline_tui.services import deals, journal, leads, owners, records
from pipeline_tui.services.deals import DealInput
from pipeline_tui.store.api import Store
from tests.store_contract.conftest import ACTOR
from tests.store_contract.helpers import row


def _activity(store: Store, *, deal_id: int | None = None, lead_id: int | None = None) -> int:
    with store.tx("activity") as tx:
        return tx.insert(
            "activities",
            {
                "kind": "call",
                "subject": "Call",
                "deal_id": deal_id,
                "lead_id": lead_id,
                "owner_id": tx.ensure_owner(ACTOR),
                "done_at": "2025-01-02T10:00:00Z",
                "created_at": "2025-01-02T10:00:00Z",
                "updated_at": "2025-01-02T10:00:00Z",
            },
        )


def _rows(store: Store, wanted: dict[str, list[int]]) -> dict[str, list[dict[str, Any] | None]]:
    return {table: [row(store, table, i) for i in ids] for table, ids in wanted.items()}


def test_deal_links_name_its_activities_stage_changes_and_moves(store: Store) -> None:
    deal = deals.add_deal(store, DealInput("Pilot", 100_00, owner=ACTOR))
    first = _activity(store, deal_id=deal.id)
    links = store.deals.deal_links(deal.id)
    assert links["activities"] == [first]
    assert len(links["stage_changes"]) == 1 and links["moves"] == []
    deals.move_deal(store, deal.id, "Demo")
    links = store.deals.deal_links(deal.id)
    assert len(links["stage_changes"]) == 2 and len(links["moves"]) == 1


def test_deleting_a_deal_and_undoing_restores_every_row_with_its_id(store: Store) -> None:
    deal = deals.add_deal(store, DealInput("Pilot", 100_00, owner=ACTOR, next_step="Call"))
    deals.move_deal(store, deal.id, "Demo")
    acts = [_activity(store, deal_id=deal.id), _activity(store, deal_id=deal.id)]
    links = store.deals.deal_links(deal.id)
    assert set(acts) < set(links["activities"])  # with the planned "Call", the next step
    wanted = {
        "deals": [deal.id],
        "activities": links["activities"],
        "stage_changes": links["stage_changes"],
    }
    before = _rows(store, wanted)

    with pytest.raises(ConflictError, match="has 3 activities and 1 stage change; --force"):
        records.delete_deal(store, deal.id)
    assert _rows(store, wanted) == before  # the refusal wrote nothing

    records.delete_deal(store, deal.id, force=True)
    assert all(r is None for rows in _rows(store, wanted).values() for r in rows)
    result = journal.undo(store)
    assert result.changes == 6  # the deal, 3 activities, 2 stage changes
    assert _rows(store, wanted) == before


def test_deleting_a_lead_unlinks_its_deal_and_undo_relinks_it(store: Store) -> None:
    lead = leads.add_lead(store, "Ana", email="ana@x.example", owner=ACTOR)
    act = _activity(store, lead_id=lead.id)
    deal = leads.qualify_lead(store, lead.id, 500_00)
    wanted = {"leads": [lead.id], "activities": [act], "deals": [deal.id]}
    before = _rows(store, wanted)
    assert store.leads.lead_links(lead.id) == {"activities": [act], "deals": [deal.id]}

    with pytest.raises(ConflictError, match=f"qualified into deal {deal.id}"):
        records.delete_lead(store, lead.id)
    records.delete_lead(store, lead.id, force=True)
    assert row(store, "leads", lead.id) is None and row(store, "activities", act) is None
    kept = row(store, "deals", deal.id)
    assert kept is not None and kept["lead_id"] is None
    journal.undo(store)
    assert _rows(store, wanted) == before


def test_merge_is_one_command_and_undo_restores_both_leads(store: Store) -> None:
    keep = leads.add_lead(store, "Ana Ruiz", owner=ACTOR)
    drop = leads.add_lead(
        store, "Ana R.", email="ana@x.example", phone="+1 555", company="Acme", owner=ACTOR
    )
    act = _activity(store, lead_id=drop.id)
    deal = leads.qualify_lead(store, drop.id, 500_00)
    wanted = {"leads": [keep.id, drop.id], "activities": [act], "deals": [deal.id]}
    before = _rows(store, wanted)

    merged = records.merge_leads(store, keep.id, drop.id)
    assert (merged.email, merged.phone, merged.company) == ("ana@x.example", "+1 555", "Acme")
    assert merged.name == "Ana Ruiz" and merged.status == "qualified"
    assert merged.deal_id == deal.id
    assert store.leads.lead_links(keep.id) == {"activities": [act], "deals": [deal.id]}
    assert row(store, "leads", drop.id) is None

    result = journal.undo(store)
    assert result.summary.startswith(f"merge lead {drop.id}")
    assert _rows(store, wanted) == before


def test_lead_with_email_matches_trimmed_in_any_case(store: Store) -> None:
    lead = leads.add_lead(store, "Ana", email="Ana@X.example", owner=ACTOR)
    found = store.leads.lead_with_email("  ana@x.EXAMPLE ")
    assert found is not None and found.id == lead.id
    assert store.leads.lead_with_email("ana@x.example", lead.id) is None
    assert store.leads.lead_with_email("other@x.example") is None


def test_owner_holdings_cover_every_reference_and_remove_undoes_exactly(store: Store) -> None:
    owners.add_owner(store, "Ben")
    owners.add_owner(store, ACTOR)
    deal = deals.add_deal(store, DealInput("Pilot", 100_00, owner="Ben"))
    lead = leads.add_lead(store, "Ana", owner="Ben")
    ben = store.directory.owner_id("Ben")
    held = store.directory.owner_holdings(ben)
    assert held["open deals"] == ("deals", [deal.id])
    assert held["leads"] == ("leads", [lead.id])
    assert len(held["stage changes"][1]) == 1
    before = _rows(store, {"deals": [deal.id], "leads": [lead.id], "owners": [ben]})

    owners.remove_owner(store, "Ben", to=ACTOR)
    assert store.directory.canonical_owner("Ben") is None
    assert store.deals.get_deal(deal.id).owner == ACTOR
    journal.undo(store)
    assert _rows(store, {"deals": [deal.id], "leads": [lead.id], "owners": [ben]}) == before
