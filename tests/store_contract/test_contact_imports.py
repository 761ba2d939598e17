"""`import companies` and `import people` (issue 13): what the import session promises.

Driven through services/imports/run.py and services/imports/owners.py, read back through
store/api.py alone: matching instead of duplicating, links by the old CRM's company id in
either order, leads' people, owners' teams, and an undo that restores every row."""

from __future__ import annotations

from pathlib import Path

from pipeline_tui.services import journal
from pipeline_tui.services.imports.owners import import_owners
from pipeline_tui.services.imports.run import ImportOptions, run_import
from pipeline_tui.store.api import DealFilter, Store

ACCOUNTS = "Id,Name,Industry\nA1,Edge,Electronics\nA2,Burlington,Apparel\n"
CONTACTS = "Id,AccountId,FirstName,LastName,Email\nC1,A1,Rose,Gonzalez,rose@edge.com\n"
OPPS = "Id,AccountId,Name,StageName,Amount\nO1,A1,Generator,Demo,100\nO2,A2,Install,Demo,\n"


def _file(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def _run(store: Store, entity: str, path: str) -> int:
    result = run_import(store, ImportOptions(entity, path, zone="UTC"))
    assert result.import_id is not None
    return result.import_id


def test_companies_people_and_deals_link_by_account_id(store: Store, tmp_path: Path) -> None:
    _run(store, "companies", _file(tmp_path, "a.csv", ACCOUNTS))
    _run(store, "people", _file(tmp_path, "c.csv", CONTACTS))
    _run(store, "deals", _file(tmp_path, "o.csv", OPPS))
    edge = store.companies.company_named("Edge")
    assert edge is not None
    assert store.companies.get_company(edge).external_id == "A1"
    rose = store.people.person_with_email("ROSE@edge.com")
    assert rose is not None and store.people.get_person(rose).company_id == edge
    deals = {d.title: d.company for d in store.deals.list_deals(DealFilter(status=None))}
    assert deals == {"Generator": "Edge", "Install": "Burlington"}
    # Importing the accounts again matches them by id: nothing new.
    again = run_import(store, ImportOptions("companies", _file(tmp_path, "a.csv", ACCOUNTS)))
    assert (again.created, again.unchanged) == (0, 2)
    assert len(store.companies.list_companies(None, None, None)) == 2


def test_companies_imported_last_link_earlier_records_and_undo_unlinks(
    store: Store, tmp_path: Path
) -> None:
    _run(store, "people", _file(tmp_path, "c.csv", CONTACTS))
    _run(store, "deals", _file(tmp_path, "o.csv", OPPS))
    result = run_import(store, ImportOptions("companies", _file(tmp_path, "a.csv", ACCOUNTS)))
    assert result.linked == {"deals": 2, "people": 1}
    assert {d.company for d in store.deals.list_deals(DealFilter(status=None))} == {
        "Edge",
        "Burlington",
    }
    journal.undo(store)
    assert {d.company for d in store.deals.list_deals(DealFilter(status=None))} == {None}
    rose = store.people.person_with_email("rose@edge.com")
    assert rose is not None and store.people.get_person(rose).company_id is None
    assert store.companies.list_companies(None, None, None) == []


def test_imported_leads_have_people_and_undo_removes_them(store: Store, tmp_path: Path) -> None:
    text = "Email,Name,Company\nana@x.example,Ana,Acme\nANA@x.example,Ana R,Acme\n,Bo,Acme\n"
    run_import(store, ImportOptions("leads", _file(tmp_path, "l.csv", text), match="none"))
    assert len(store.leads.list_leads(None, None, None, None)) == 3
    ana = store.people.person_with_email("ana@x.example")
    assert ana is not None and store.people.get_person(ana).name == "Ana"  # first spelling
    assert store.people.people_named("Bo") != []
    assert len(store.people.list_people(None, None, None, None)) == 2  # one per email, one by name
    journal.undo(store)
    assert store.people.person_with_email("ana@x.example") is None
    assert store.people.people_named("Bo") == []


def test_a_teams_file_and_owner_teams(store: Store, tmp_path: Path) -> None:
    text = "sales_agent,manager,regional_office\nAl Agent,Mo Manager,West\nBea,Mo Manager,West\n"
    result = import_owners(store, _file(tmp_path, "t.csv", text))
    assert result.created == 3
    assert store.directory.owner_teams() == {"Al Agent": "West", "Bea": "West",
                                             "Mo Manager": "West"}  # fmt: skip
    journal.undo(store)
    assert store.directory.owner_teams() == {}
