"""Issue 13: `import companies`, `import people`, the links to companies, teams, leads' people.

Synthetic files in the header shapes of Salesforce, HubSpot, Pipedrive and Maven; each test
runs the command as a user would and reads the rows back."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline_tui.store.sqlite import SqliteStore as Store
from tests.conftest import Cli

pytestmark = pytest.mark.both_backends

SF_ACCOUNTS = (
    "Id,Name,Website,Industry,NumberOfEmployees,BillingCity,BillingCountry,OwnerId,Rating\n"
    "A1,Edge Communications,http://www.edgecomm.com/,Electronics,1000,Austin,USA,U1,Hot\n"
    "A2,Burlington Textiles,burlington.com,Apparel,9000,Burlington,USA,U1,\n"
    "A3,Lonely Corp,,,,,,U1,\n"
)
SF_CONTACTS = (
    "Id,AccountId,FirstName,LastName,Email,Phone,Title,OwnerId\n"
    'C1,A1,Rose,Gonzalez,rose@edge.com,(512) 757-6000,"SVP, Procurement",U1\n'
    "C2,A2,Jack,Rogers,jrogers@burlington.com,,VP Facilities,U1\n"
    "C3,A9,Nobody,Known,nobody@x.example,,,U1\n"
)
SF_OPPS = (
    "Id,AccountId,Name,StageName,Amount,IsClosed,IsWon,OwnerId,CreatedDate,CloseDate\n"
    "O1,A1,Edge Emergency Generator,Closed Won,75000,1,1,U1,2023-10-28,2023-09-01\n"
    "O2,A2,Burlington Installation,Demo,,0,0,U1,2023-10-28,2023-12-01\n"
    "O3,,No Account Deal,Demo,10,0,0,U1,2023-10-28,2023-12-01\n"
)
USERS = "Id,FirstName,LastName\nU1,Matthew,Skinner\n"


def _file(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def _ok(result: object) -> None:
    assert result.exit_code == 0, (result.stdout, result.stderr)  # type: ignore[attr-defined]


def _clean(cli: Cli) -> None:
    problems = [c for c in cli("doctor", "--format", "json").json() if not c["ok"]]  # type: ignore[union-attr]
    assert problems == []


def test_salesforce_accounts_become_companies(cli: Cli, store: Store, tmp_path: Path) -> None:
    _ok(cli("import", "owners", _file(tmp_path, "u.csv", USERS)))
    r = cli("import", "companies", _file(tmp_path, "a.csv", SF_ACCOUNTS))
    _ok(r)
    assert "Id -> external_id" in r.stdout and "Website -> domain" in r.stdout
    assert "Kept as custom fields: Rating" in r.stdout
    rows = store.all(
        "SELECT c.name, domain, industry, size, city, country, o.name AS owner, c.external_id, "
        "custom FROM companies c LEFT JOIN owners o ON o.id = c.owner_id ORDER BY c.id"
    )
    assert [tuple(x) for x in rows][0][:8] == ("Edge Communications", "edgecomm.com",
                                               "Electronics", "1000", "Austin", "USA",
                                               "Matthew Skinner", "A1")  # fmt: skip
    assert json.loads(rows[0]["custom"]) == {"Rating": "Hot"}
    assert len(rows) == 3 and rows[1]["custom"] is None  # empty cells keep no custom field
    _clean(cli)
    # The same file again updates (by id): nothing duplicated.
    again = cli("import", "companies", _file(tmp_path, "a.csv", SF_ACCOUNTS), "--format", "json")
    _ok(again)
    assert (again.json()["created"], again.json()["unchanged"]) == (0, 3)  # type: ignore[index]
    assert store.scalar("SELECT count(*) FROM companies") == 3


def test_companies_match_by_name_and_a_name_taken_by_another_is_rejected(
    cli: Cli, store: Store, tmp_path: Path
) -> None:
    _ok(cli("company", "add", "ACME  corp"))
    _ok(cli("company", "add", "Globex"))
    text = "Id,Company name,Industry\nH1,Acme Corp,Tools\nH2,Initech,Software\n"
    r = cli("import", "companies", _file(tmp_path, "hs.csv", text), "--format", "json")
    _ok(r)
    assert (r.json()["created"], r.json()["updated"]) == (1, 1)  # type: ignore[index]
    acme = store.one(
        "SELECT name, industry, external_id FROM companies WHERE name_key = 'acme corp'"
    )
    assert tuple(acme) == ("Acme Corp", "Tools", "H1")
    # H2 renamed to a name another company holds: rejected with its line, nothing written.
    clash = "Id,Company name\nH2,Globex\n"
    bad = cli("import", "companies", _file(tmp_path, "clash.csv", clash))
    assert bad.exit_code == 1
    assert "line 2: another company (2) is named 'Globex'" in bad.stderr
    assert "nothing was imported" in bad.stderr
    assert store.scalar("SELECT name FROM companies WHERE external_id = 'H2'") == "Initech"


def test_pipedrive_and_maven_company_headers(cli: Cli, store: Store, tmp_path: Path) -> None:
    pipedrive = ("Organization - ID,Organization - Name,Organization - Owner,"
                 "Organization - Address,Organization - Country\n"
                 "7,Hooli,Gavin Belson,1 Main St,USA\n")  # fmt: skip
    _ok(cli("import", "companies", _file(tmp_path, "orgs.csv", pipedrive)))
    maven = ("account,sector,year_established,revenue,employees,office_location,subsidiary_of\n"
             "Acme Corporation,technolgy,1996,1100.04,2822,United States,\n"
             "Betasoloin,medical,1999,251.41,495,United States,Acme Corporation\n")  # fmt: skip
    _ok(cli("import", "companies", _file(tmp_path, "accounts.csv", maven)))
    rows = {r["name"]: dict(r) for r in store.all("SELECT * FROM companies")}
    assert rows["Hooli"]["external_id"] == "7" and rows["Hooli"]["country"] == "USA"
    assert store.scalar("SELECT name FROM owners WHERE id = ?", (rows["Hooli"]["owner_id"],)) == (
        "Gavin Belson"
    )
    beta = rows["Betasoloin"]
    assert (beta["industry"], beta["size"], beta["country"]) == ("medical", "495", "United States")
    custom = json.loads(beta["custom"])
    assert (custom["subsidiary_of"], custom["revenue"]) == ("Acme Corporation", "251.41")


def test_people_link_to_their_company_by_id_or_name(cli: Cli, store: Store, tmp_path: Path) -> None:
    _ok(cli("import", "owners", _file(tmp_path, "u.csv", USERS)))
    _ok(cli("import", "companies", _file(tmp_path, "a.csv", SF_ACCOUNTS)))
    r = cli("import", "people", _file(tmp_path, "c.csv", SF_CONTACTS))
    _ok(r)
    assert "1 row(s) name a company id not imported yet" in r.stdout
    people = store.all(
        "SELECT p.name, p.email, p.title, c.name AS company, p.external_id FROM contacts p "
        "LEFT JOIN companies c ON c.id = p.company_id ORDER BY p.id"
    )
    assert [tuple(x) for x in people] == [
        ("Rose Gonzalez", "rose@edge.com", "SVP, Procurement", "Edge Communications", "C1"),
        ("Jack Rogers", "jrogers@burlington.com", "VP Facilities", "Burlington Textiles", "C2"),
        ("Nobody Known", "nobody@x.example", None, None, "C3"),
    ]
    # HubSpot contacts name the company; an existing person (same email) is updated.
    hubspot = ("Record ID,First Name,Last Name,Email,Job Title,Company Name,Contact owner\n"
               "501,Rose,Gonzalez,ROSE@edge.com,CPO,,\n"
               "502,Ana,Ruiz,ana@initech.example,CTO,Initech,Matthew Skinner\n")  # fmt: skip
    again = cli("import", "people", _file(tmp_path, "hs.csv", hubspot), "--format", "json")
    _ok(again)
    assert (again.json()["created"], again.json()["updated"]) == (1, 1)  # type: ignore[index]
    rose = store.one("SELECT title, external_id FROM contacts WHERE email_key = 'rose@edge.com'")
    assert tuple(rose) == ("CPO", "C1")  # matched by email: it keeps the id it had
    ana = store.one("SELECT c.name FROM contacts p JOIN companies c ON c.id = p.company_id "
                    "WHERE p.email = 'ana@initech.example'")  # fmt: skip
    assert ana[0] == "Initech"  # created from the name, as leads do
    _clean(cli)


def test_pipedrive_persons(cli: Cli, store: Store, tmp_path: Path) -> None:
    text = ("Person - ID,Person - Name,Person - Organization,Person - Email - Work,"
            "Person - Phone - Work,Person - Job title\n"
            "11,Bo Chen,Hooli,bo@hooli.example,+1 555 0100,Engineer\n")  # fmt: skip
    _ok(cli("import", "people", _file(tmp_path, "persons.csv", text)))
    row = store.one("SELECT p.name, p.email, p.phone, p.title, c.name FROM contacts p "
                    "JOIN companies c ON c.id = p.company_id")  # fmt: skip
    assert tuple(row) == ("Bo Chen", "bo@hooli.example", "+1 555 0100", "Engineer", "Hooli")


def test_people_bad_rows_dry_run_and_undo(cli: Cli, store: Store, tmp_path: Path) -> None:
    text = "Email,Name\nana(at)x.com,Ana\n,\nbo@x.example,Bo\n"
    path = _file(tmp_path, "p.csv", text)
    bad = cli("import", "people", path)
    assert bad.exit_code == 1
    assert "line 2: invalid email 'ana(at)x.com'" in bad.stderr
    assert store.scalar("SELECT count(*) FROM contacts") == 0
    dry = cli("import", "people", path, "--dry-run", "--skip-invalid")
    _ok(dry)
    assert "Dry run: nothing was written." in dry.stdout and "bo@x.example" in dry.stdout
    assert store.scalar("SELECT count(*) FROM contacts") == 0
    r = cli("import", "people", path, "--skip-invalid", "--format", "json")
    _ok(r)
    assert r.json()["rejected"] == 2 and r.json()["created"] == 1  # type: ignore[index]
    imp = r.json()["import_id"]  # type: ignore[index]
    _ok(cli("import", "undo", str(imp)))
    assert store.scalar("SELECT count(*) FROM contacts") == 0
    _clean(cli)


def test_deals_link_to_accounts_in_either_order(cli: Cli, store: Store, tmp_path: Path) -> None:
    """Documented order: users, accounts, contacts, opportunities. Opportunities imported
    first keep their AccountId, and `import companies` links them (undo unlinks)."""
    _ok(cli("import", "owners", _file(tmp_path, "u.csv", USERS)))
    _ok(cli("import", "people", _file(tmp_path, "c.csv", SF_CONTACTS)))
    deals = cli("import", "deals", _file(tmp_path, "o.csv", SF_OPPS))
    _ok(deals)
    assert "2 row(s) name a company id not imported yet" in deals.stdout
    assert store.scalar("SELECT count(company_id) FROM deals") == 0
    companies = cli("import", "companies", _file(tmp_path, "a.csv", SF_ACCOUNTS))
    _ok(companies)
    assert "Linked 2 deals imported earlier to their company" in companies.stdout
    assert "Linked 2 people imported earlier to their company" in companies.stdout
    linked = store.all("SELECT d.title, c.name FROM deals d JOIN companies c "
                       "ON c.id = d.company_id ORDER BY d.id")  # fmt: skip
    assert [tuple(x) for x in linked] == [
        ("Edge Emergency Generator", "Edge Communications"),
        ("Burlington Installation", "Burlington Textiles"),
    ]
    _clean(cli)
    _ok(cli("undo"))
    assert store.scalar("SELECT count(company_id) FROM deals") == 0
    assert store.scalar("SELECT count(company_id) FROM contacts") == 0
    assert store.scalar("SELECT count(*) FROM companies") == 0
    _clean(cli)
    # In the documented order the deals link as they arrive.
    _ok(cli("undo"))  # the deals
    _ok(cli("import", "companies", _file(tmp_path, "a.csv", SF_ACCOUNTS)))
    _ok(cli("import", "deals", _file(tmp_path, "o.csv", SF_OPPS)))
    assert store.scalar("SELECT count(company_id) FROM deals") == 2


def test_imported_leads_get_a_person_like_lead_add(cli: Cli, store: Store, tmp_path: Path) -> None:
    _ok(cli("person", "add", "Ana Known", "--email", "ana@known.example"))
    text = ("Email,First Name,Last Name,Company,Create Date\n"
            "ANA@known.example,Ana,Known,Acme,2025-01-02\n"
            "bo@x.example,Bo,Chen,Acme,\n"
            ",Cy,Nomail,Acme,2025-01-03\n")  # fmt: skip
    r = cli("import", "leads", _file(tmp_path, "l.csv", text))
    _ok(r)
    assert "1 lead(s) have no created date: left unknown, not the import time" in r.stdout
    rows = store.all("SELECT l.name, p.name AS person, p.email, l.created_at FROM leads l "
                     "LEFT JOIN contacts p ON p.id = l.contact_id ORDER BY l.id")  # fmt: skip
    assert [tuple(x)[:3] for x in rows] == [("Ana Known", "Ana Known", "ana@known.example"),
                                            ("Bo Chen", "Bo Chen", "bo@x.example"),
                                            ("Cy Nomail", "Cy Nomail", None)]  # fmt: skip
    assert rows[1]["created_at"] is None
    assert store.scalar("SELECT count(*) FROM contacts") == 3
    _clean(cli)
    listed = cli("lead", "list")
    _ok(listed)
    assert "Bo Chen" in listed.stdout
    _ok(cli("undo"))
    assert store.scalar("SELECT count(*) FROM contacts") == 1  # the person added by hand stays
    _clean(cli)


def test_activities_without_created_date_keep_none(cli: Cli, store: Store, tmp_path: Path) -> None:
    _ok(cli("import", "leads", _file(tmp_path, "l.csv", "Email,Name\nbo@x.example,Bo\n")))
    text = "Lead,Subject,Type,Completed\nbo@x.example,Intro call,call,2025-02-03 10:00\n"
    r = cli("import", "activities", _file(tmp_path, "a.csv", text), "--tz", "UTC")
    _ok(r)
    assert "1 activit(y/ies) have no created date" in r.stdout
    assert store.scalar("SELECT created_at FROM activities") is None
    _clean(cli)


TEAMS = ("sales_agent,manager,regional_office\n"
         "Anna Snelling,Dustin Brinkmann,Central\n"
         "Cecily Lampkin,Dustin Brinkmann,Central\n"
         "Corliss Cosme,Rocco Neubert,East\n")  # fmt: skip


def test_a_teams_file_gives_owners_a_manager_and_a_team(
    cli: Cli, store: Store, tmp_path: Path
) -> None:
    path = _file(tmp_path, "sales_teams.csv", TEAMS)
    r = cli("import", "owners", path, "--format", "json")
    _ok(r)
    assert r.json()["created"] == 5  # type: ignore[index]
    rows = store.all("SELECT o.name, m.name AS manager, o.team FROM owners o "
                     "LEFT JOIN owners m ON m.id = o.manager_id ORDER BY o.name")  # fmt: skip
    assert [tuple(x) for x in rows] == [
        ("Anna Snelling", "Dustin Brinkmann", "Central"),
        ("Cecily Lampkin", "Dustin Brinkmann", "Central"),
        ("Corliss Cosme", "Rocco Neubert", "East"),
        ("Dustin Brinkmann", None, "Central"),
        ("Rocco Neubert", None, "East"),
    ]
    again = cli("import", "owners", path, "--format", "json")
    assert again.json()["unchanged"] == 3  # type: ignore[index]
    _ok(cli("undo"))
    assert store.scalar("SELECT count(*) FROM owners") == 0
    bad = cli("import", "owners", _file(tmp_path, "t.csv", "sales_agent,manager\nAl,Al\n"))
    assert bad.exit_code == 1 and "'Al' cannot be their own manager" in bad.stderr


def test_kpi_and_review_by_team(cli: Cli, store: Store, tmp_path: Path) -> None:
    _ok(cli("import", "owners", _file(tmp_path, "t.csv", TEAMS)))
    deals = ("opportunity_id,sales_agent,account,deal_stage,engage_date,close_date,close_value\n"
             "X1,Anna Snelling,Acme,Won,2026-01-02,2026-01-20,100\n"
             "X2,Cecily Lampkin,Acme,Lost,2026-01-02,2026-01-21,0\n"
             "X3,Corliss Cosme,Acme,Won,2026-01-02,2026-01-22,300\n"
             "X4,Someone Else,Acme,Won,2026-01-02,2026-01-22,5\n")  # fmt: skip
    _ok(cli("import", "deals", _file(tmp_path, "p.csv", deals)))
    r = cli("kpi", "--by", "team", "--from", "2026-01-01", "--to", "2026-01-31", "--format",
            "json")  # fmt: skip
    _ok(r)
    teams = {t["owner"]: (t["won"], t["lost"]) for t in r.json()["by_team"]}  # type: ignore[index]
    assert teams == {"Central": (1, 1), "East": (1, 0), "(no team)": (1, 0)}
    table = cli("kpi", "--by", "team", "--from", "2026-01-01", "--to", "2026-01-31")
    _ok(table)
    assert "Central" in table.stdout and "East" in table.stdout
    bad = cli("kpi", "--by", "region")
    assert bad.exit_code == 1 and "invalid --by 'region'" in bad.stderr
    rv = cli("review", "--by", "team", "--since", "1y", "--as-of", "2026-01-31", "--format",
             "json")  # fmt: skip
    _ok(rv)
    won = rv.json()["won"]  # type: ignore[index]
    assert [w["team"] for w in won] == ["Central", "East", None]
    shown = cli("review", "--by", "team", "--since", "1y", "--as-of", "2026-01-31")
    _ok(shown)
    assert "Team" in shown.stdout and "(no team)" in shown.stdout
    bad = cli("review", "--by", "owner")
    assert bad.exit_code == 1 and "review groups by team only" in bad.stderr
