"""Issue 13: the real exports in ../shared/data imported in full, in the documented order.

Salesforce developer org: users, accounts, contacts, opportunities, then history; Maven:
accounts.csv and sales_teams.csv, then sales_pipeline.csv. The figures are those the data's
README states. Each import is undoable and leaves `pipeline doctor` clean."""

from __future__ import annotations

import pytest

from pipeline_tui.store.sqlite import SqliteStore as Store
from tests.conftest import SHARED_DATA, Cli

pytestmark = pytest.mark.both_backends

ORG = SHARED_DATA / "salesforce_devorg_export"
MAVEN = SHARED_DATA / "maven_crm_sales_opportunities"
needs_org = pytest.mark.skipif(not ORG.is_dir(), reason=f"shared CRM data not found at {ORG}")
needs_maven = pytest.mark.skipif(not MAVEN.is_dir(), reason=f"shared CRM data not found at {MAVEN}")


def _ok(result: object) -> None:
    assert result.exit_code == 0, (result.stdout, result.stderr)  # type: ignore[attr-defined]


def _clean(cli: Cli) -> None:
    problems = [c for c in cli("doctor", "--format", "json").json() if not c["ok"]]  # type: ignore[union-attr]
    assert problems == []


def _counts(store: Store) -> tuple[int, ...]:
    return tuple(
        int(store.scalar(f"SELECT count(*) FROM {t}"))
        for t in ("owners", "companies", "contacts", "deals", "stage_changes", "deal_history")
    )


@needs_org
def test_salesforce_org_in_full(cli: Cli, store: Store) -> None:
    steps = [
        ("owners", "User.csv"),
        ("companies", "account.csv"),
        ("people", "contact.csv"),
        ("deals", "opportunity.csv", "--create-stages"),
        ("history", "OpportunityHistory.csv"),
    ]
    seen = [_counts(store)]
    for entity, name, *extra in steps:
        result = cli("import", entity, str(ORG / name), *extra, "--format", "json")
        _ok(result)
        _clean(cli)
        seen.append(_counts(store))
    assert result.json()["deals"] == 31  # type: ignore[index]  # 31 histories
    deals = store.all(
        "SELECT d.status, d.value_minor, c.external_id AS account, "
        "json_extract(d.custom, '$.AccountId') AS ref, o.name AS owner FROM deals d "
        "LEFT JOIN companies c ON c.id = d.company_id JOIN owners o ON o.id = d.owner_id"
    )
    assert len(deals) == 31
    assert all(d["account"] is not None and d["account"] == d["ref"] for d in deals)
    assert {d["owner"] for d in deals} == {"Matthew Skinner"}
    won = [d for d in deals if d["status"] == "won"]
    assert (len(won), sum(d["value_minor"] for d in won)) == (18, 364_500_000)
    assert sum(d["status"] == "open" for d in deals) == 13
    assert store.scalar("SELECT count(*) FROM companies") == 13
    assert store.scalar("SELECT count(DISTINCT company_id) FROM deals") == 9
    people = store.all("SELECT p.company_id, json_extract(p.custom, '$.AccountId') AS ref, "
                       "c.external_id FROM contacts p LEFT JOIN companies c "
                       "ON c.id = p.company_id")  # fmt: skip
    assert len(people) == 20 and all(p["external_id"] == p["ref"] for p in people)
    assert store.scalar("SELECT count(*) FROM deals WHERE history_unknown = 1") == 0
    shown = cli("company", "show", "Edge Communications")
    _ok(shown)
    assert "Rose Gonzalez" in shown.stdout
    # Every import undoes back to the state before it, newest first.
    for before in reversed(seen[:-1]):
        _ok(cli("undo"))
        assert _counts(store) == before
        _clean(cli)


@needs_org
def test_salesforce_opportunities_before_accounts_are_linked_later(cli: Cli, store: Store) -> None:
    _ok(cli("import", "owners", str(ORG / "User.csv")))
    _ok(cli("import", "deals", str(ORG / "opportunity.csv"), "--create-stages"))
    assert store.scalar("SELECT count(company_id) FROM deals") == 0
    r = cli("import", "companies", str(ORG / "account.csv"))
    _ok(r)
    assert "Linked 31 deals imported earlier to their company" in r.stdout
    assert store.scalar("SELECT count(DISTINCT company_id) FROM deals") == 9
    _clean(cli)


@needs_maven
def test_maven_accounts_teams_then_pipeline(cli: Cli, store: Store) -> None:
    _ok(cli("import", "companies", str(MAVEN / "accounts.csv")))
    _clean(cli)
    assert store.scalar("SELECT count(*) FROM companies") == 85
    teams = cli("import", "owners", str(MAVEN / "sales_teams.csv"), "--format", "json")
    _ok(teams)
    _clean(cli)
    assert store.scalar("SELECT count(*) FROM owners WHERE manager_id IS NOT NULL") == 35
    offices = dict(store.all("SELECT team, count(*) FROM owners GROUP BY team"))
    assert set(offices) == {"Central", "East", "West"}
    _ok(cli("import", "deals", str(MAVEN / "sales_pipeline.csv"), "--create-stages"))
    _clean(cli)
    assert store.scalar("SELECT count(*) FROM deals") == 8800
    assert store.scalar("SELECT count(*) FROM deals WHERE company_id IS NULL") == 1425
    assert store.scalar("SELECT count(*) FROM companies") == 85  # no company invented
    kpi = cli("kpi", "--by", "team", "--from", "2016-10-01", "--to", "2017-12-31", "--format",
              "json")  # fmt: skip
    _ok(kpi)
    report = kpi.json()
    assert report["won"] == 4238  # type: ignore[index]
    assert sum(t["won"] for t in report["by_team"]) == 4238  # type: ignore[index]
    for _ in range(3):
        _ok(cli("undo"))
        _clean(cli)
    assert (store.scalar("SELECT count(*) FROM deals"), store.scalar("SELECT count(*) FROM owners"),
            store.scalar("SELECT count(*) FROM companies")) == (0, 0, 0)  # fmt: skip
