"""Query families of companies, people, notes and search (see store/sqlite/families.py)."""

from __future__ import annotations

from pipeline_tui.store.sqlite import companies, notes, people, search
from pipeline_tui.store.sqlite.binding import Family, guarded


class Companies(Family):
    get_company = guarded(companies.get_company)
    company_named = guarded(companies.company_named)
    list_companies = guarded(companies.list_companies)
    company_deals = guarded(companies.company_deals)
    references = guarded(companies.references)


class People(Family):
    get_person = guarded(people.get_person)
    person_with_email = guarded(people.person_with_email)
    people_named = guarded(people.people_named)
    list_people = guarded(people.list_people)
    deal_people = guarded(people.deal_people)
    roles_of = guarded(people.roles_of)
    deals_by_ids = guarded(people.deals_by_ids)
    role_on = guarded(people.role_on)
    references = guarded(people.references)


class Notes(Family):
    get_note = guarded(notes.get_note)
    for_deal = guarded(notes.for_deal)
    timeline = guarded(notes.timeline)


class Search(Family):
    search = guarded(search.search)
