"""Companies, people, roles and notes through the services: rules, journal and undo."""

from __future__ import annotations

import pytest

from pipeline_tui.models import ConflictError, NotFoundError, PipelineError
from pipeline_tui.models.errors import StaleError
from pipeline_tui.services import companies, journal, notes, people
from pipeline_tui.services.deals import DealInput, add_deal
from pipeline_tui.services.leads import add_lead, qualify_lead
from pipeline_tui.services.search import search
from pipeline_tui.store.sqlite import SqliteStore as Store

pytestmark = pytest.mark.both_backends


def _found(store: Store, text: str) -> set[tuple[str, int, str]]:
    return {(h.kind, h.id, h.matched.split()[0]) for h in search(store, text)}


def test_company_add_edit_only_changed_fields_and_undo(store: Store) -> None:
    c = companies.add_company(store, "Acme Corp", domain="acme.example", city="Lyon",
                              custom={"tier": "gold"})  # fmt: skip
    assert (c.name, c.domain, c.city, c.custom) == (
        "Acme Corp",
        "acme.example",
        "Lyon",
        {"tier": "gold"},
    )
    with pytest.raises(ConflictError, match="already exists"):
        companies.add_company(store, "  acme   CORP ")
    edited = companies.edit_company(store, c.id, city="Lyon", country="FR", custom={"tier": None})
    assert (edited.city, edited.country, edited.custom) == ("Lyon", "FR", {})
    (event,) = [e for e in store.journal.recent_events(5) if e.entity == "companies"][:1]
    assert set(event.after or {}) == {"country", "custom", "updated_at"}  # city unchanged
    journal.undo(store)
    assert companies.company_detail(store, c.id).company.country is None


def test_company_edit_refuses_a_stale_value(store: Store) -> None:
    c = companies.add_company(store, "Acme", industry="Retail")
    companies.edit_company(store, c.id, industry="Food")
    with pytest.raises(StaleError, match="industry is now 'Food'"):
        companies.edit_company(store, c.id, expected={"industry": "Retail"}, industry="Toys")
    assert store.companies.get_company(c.id).industry == "Food"


def test_person_emails_phones_and_resolution(store: Store) -> None:
    p = people.add_person(store, "Jane Doe", emails=["Jane@Acme.example", "jd@home.example"],
                          phones=["+1 555 0100"], company="Acme", title="CFO")  # fmt: skip
    assert p.emails == ["Jane@Acme.example", "jd@home.example"] and p.company == "Acme"
    assert people.resolve_person(store, "jane@acme.EXAMPLE") == p.id
    assert people.resolve_person(store, "jane  doe") == p.id
    with pytest.raises(ConflictError, match="belongs to person"):
        people.add_person(store, "Other", emails=["JANE@acme.example"])
    with pytest.raises(PipelineError, match="invalid email"):
        people.add_person(store, "Bad", emails=["not an email"])
    people.add_person(store, "Jane Doe")
    with pytest.raises(PipelineError, match="2 people are named"):
        people.resolve_person(store, "Jane Doe")
    with pytest.raises(StaleError):
        people.edit_person(store, p.id, expected={"title": "CEO"}, title="COO")


def test_roles_on_a_deal_and_the_deal_contact(store: Store) -> None:
    deal = add_deal(
        store, DealInput("Big deal", 1000, company="Acme", contact="Ann <ann@acme.example>")
    )
    ann = people.resolve_person(store, "ann@acme.example")
    bob = people.add_person(store, "Bob", company="Acme").id
    assert [(r.person_id, r.role) for r in store.people.deal_people([deal.id])] == [
        (ann, "contact")
    ]
    people.add_to_deal(store, deal.id, bob, "Economic buyer")
    people.add_to_deal(store, deal.id, ann, "champion")
    roles = {r.person_id: r.role for r in store.people.deal_people([deal.id])}
    assert roles == {ann: "champion", bob: "economic_buyer"}
    with pytest.raises(ConflictError, match="already champion"):
        people.add_to_deal(store, deal.id, ann, "champion")
    with pytest.raises(PipelineError, match="invalid role"):
        people.add_to_deal(store, deal.id, bob, "boss")
    people.remove_from_deal(store, deal.id, ann)  # role and deal contact both go
    assert store.deals.get_deal(deal.id).contact is None
    assert [r.person_id for r in store.people.deal_people([deal.id])] == [bob]
    with pytest.raises(NotFoundError, match="not on deal"):
        people.remove_from_deal(store, deal.id, ann)
    journal.undo(store)
    assert store.deals.get_deal(deal.id).contact == "Ann"
    detail = companies.company_detail(store, store.companies.company_named("Acme") or 0)
    assert {p["name"]: p["roles"] for p in detail.people} == {
        "Ann": ["champion on deal 1"],
        "Bob": ["economic buyer on deal 1"],
    }


def test_company_totals_cover_open_won_and_lost(store: Store) -> None:
    from pipeline_tui.services.deals import lose_deal, win_deal

    for title, value in (("A", 100_00), ("B", 250_00), ("C", 40_00)):
        add_deal(store, DealInput(title, value, currency="USD", company="Acme"))
    win_deal(store, 2)
    lose_deal(store, 3, "price")
    detail = companies.company_detail(store, 1)
    (t,) = companies.totals(detail.deals)
    assert (t["won_minor"], t["open_minor"], t["won"], t["open"], t["lost"]) == (
        250_00,
        100_00,
        1,
        1,
        1,
    )
    assert [d.title for d in detail.deals] == ["A", "B", "C"]


def test_merge_people_moves_everything_and_undo_restores(store: Store) -> None:
    deal = add_deal(store, DealInput("D", 1, contact="Ann Lee <ann@a.example>"))
    ann = people.resolve_person(store, "ann@a.example")
    twin = people.add_person(store, "Ann Lee", emails=["ann.lee@b.example"], title="CTO").id
    people.add_to_deal(store, deal.id, twin, "decision maker")
    notes.add_note(store, "Met at the fair", person_id=twin)
    kept, moved = people.merge_people(store, twin, ann)
    assert moved["deal_people"] == 1 and moved["notes"] == 1
    assert kept.emails == ["ann@a.example", "ann.lee@b.example"] and kept.title == "CTO"
    assert {(r.person_id, r.role) for r in store.people.deal_people([deal.id])} == {
        (ann, "decision_maker")
    }
    assert _found(store, "ann.lee@b") == {("person", ann, "email")}
    journal.undo(store)
    assert store.people.get_person(twin).emails == ["ann.lee@b.example"]
    assert store.people.get_person(ann).emails == ["ann@a.example"]
    assert _found(store, "ann.lee@b") == {("person", twin, "email")}


def test_merge_and_delete_companies(store: Store) -> None:
    add_deal(store, DealInput("D1", 1, company="Acme Inc"))
    add_deal(store, DealInput("D2", 1, company="Acme", contact="Zed"))
    src, dst = (
        store.companies.company_named("Acme Inc") or 0,
        store.companies.company_named("Acme") or 0,
    )
    companies.edit_company(store, src, domain="acme.example")
    kept, moved = companies.merge_companies(store, src, dst)
    assert moved["deals"] == 1 and kept.domain == "acme.example"
    assert {d.company for d in store.companies.company_deals(dst)} == {"Acme"}
    with pytest.raises(NotFoundError):
        store.companies.get_company(src)
    gone, counts = companies.delete_company(store, dst)
    assert counts["deals"] == 2 and counts["contacts"] == 1
    assert store.deals.get_deal(1).company is None
    journal.undo(store)
    journal.undo(store)
    assert store.deals.get_deal(1).company == "Acme Inc"
    assert _found(store, "acme inc") == {("company", src, "name")}


def test_notes_are_timestamped_and_on_timelines(store: Store) -> None:
    deal = add_deal(store, DealInput("D", 1, company="Acme", contact="Ann <ann@a.example>"))
    with pytest.raises(PipelineError, match="exactly one"):
        notes.add_note(store, "x", deal_id=deal.id, company_id=1)
    with pytest.raises(PipelineError, match="must not be empty"):
        notes.add_note(store, "  ", deal_id=deal.id)
    with pytest.raises(NotFoundError):
        notes.add_note(store, "x", deal_id=99)
    note = notes.add_note(store, "Budget approved", deal_id=deal.id)
    assert note.created_at and note.owner == "Test Owner"
    ann = people.resolve_person(store, "ann@a.example")
    for kind, rid in (("company", 1), ("person", ann)):
        assert [(t.kind, t.text) for t in store.notes.timeline(kind, rid, 10)] == [
            ("note", "Budget approved")
        ]
    assert _found(store, "BUDGET") == {("deal", deal.id, "note")}


def test_a_lead_links_a_person_and_qualifying_carries_it(store: Store) -> None:
    lead = add_lead(store, "Rosa Olmo", company="Olmo", email="rosa@olmo.example")
    person = people.resolve_person(store, "rosa@olmo.example")
    assert store.people.get_person(person).company == "Olmo"
    people.edit_person(store, person, name="Rosa M. Olmo")  # the deal names the person, not text
    deal = qualify_lead(store, lead.id, 500_00)
    assert (deal.company, deal.contact) == ("Olmo", "Rosa M. Olmo")
    assert [r.person_id for r in store.people.deal_people([deal.id])] == [person]


def test_a_new_person_on_a_deal_is_one_command(store: Store) -> None:
    deal = add_deal(store, DealInput(title="Pilot", company="Acme"))
    found = people.add_new_to_deal(store, deal.id, " Nadia Brandt ", "Economic buyer",
                                   emails=["nadia@acme.example"], company="Acme")  # fmt: skip
    assert (found.name, found.role, found.email) == (
        "Nadia Brandt",
        "economic_buyer",
        "nadia@acme.example",
    )
    assert store.people.get_person(found.person_id).company == "Acme"
    last = store.journal.last_undoable()
    assert last is not None
    assert last["summary"] == "deal 1: new person 'Nadia Brandt' as economic buyer"
    with pytest.raises(PipelineError, match="invalid role"):
        people.add_new_to_deal(store, deal.id, "Someone", "boss")
    with pytest.raises(NotFoundError):
        people.add_new_to_deal(store, 999, "Someone", "user")
    with pytest.raises(ConflictError, match="belongs to person"):  # nothing half-written
        people.add_new_to_deal(store, deal.id, "Twin", "user", emails=["NADIA@acme.example"])
    assert store.people.people_named("Someone") == store.people.people_named("Twin") == []
    journal.undo(store)  # the person and the role go together
    assert store.people.deal_people([deal.id]) == []
    assert store.people.people_named("Nadia Brandt") == []
