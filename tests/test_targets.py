"""`pipeline target set|list|remove`: periods, scopes, currencies and validation."""

from __future__ import annotations

import pytest

from tests.report_helpers import deal

pytestmark = pytest.mark.both_backends


@pytest.fixture
def owners(store):
    deal(store, "A deal", 1_000, owner="Ana Ruiz")
    deal(store, "B deal", 1_000, owner="Ben Okafor")
    return store


def targets(cli, *args: str) -> list[dict]:
    result = cli("target", "list", *args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return result.json()


def test_set_and_list(owners, cli):
    assert cli("target", "set", "250k", "--period", "2027-q1").stdout == (
        "Target 2027-Q1 (team): 250,000.00 USD\n"
    )
    assert "ambiguous amount" in cli("target", "set", "40,000", "--period", "2027-01").stderr
    made = cli("target", "set", "40000", "--period", "2027-01", "--owner", "ana ruiz",
               "--format", "json")  # fmt: skip
    assert made.json() == {
        "id": 2,
        "period": "2027-01",
        "owner": "Ana Ruiz",
        "scope": "owner",
        "amount": 40000.0,
        "currency": "USD",
    }
    eur = cli("target", "set", "€30k", "--period", "2027-01", "--owner", "Ben Okafor")
    assert eur.exit_code == 0
    assert cli("target", "set", "1000000", "--period", "2027").exit_code == 0
    assert targets(cli) == [
        {"period": "2027", "owner": None, "scope": "team", "amount": 1000000.0,
         "currency": "USD", "source": "set"},
        {"period": "2027-01", "owner": None, "scope": "team", "amount": 30000.0,
         "currency": "EUR", "source": "sum of owners"},
        {"period": "2027-01", "owner": None, "scope": "team", "amount": 40000.0,
         "currency": "USD", "source": "sum of owners"},
        {"period": "2027-01", "owner": "Ana Ruiz", "scope": "owner", "amount": 40000.0,
         "currency": "USD", "source": "set"},
        {"period": "2027-01", "owner": "Ben Okafor", "scope": "owner", "amount": 30000.0,
         "currency": "EUR", "source": "set"},
        {"period": "2027-Q1", "owner": None, "scope": "team", "amount": 250000.0,
         "currency": "USD", "source": "set"},
    ]  # fmt: skip
    only = targets(cli, "--period", "2027-Q1")
    assert [t["amount"] for t in only] == [250000.0]
    table = cli("target", "list").stdout
    assert "(team)" in table and "sum of owners" in table and "250,000.00" in table


def test_setting_again_replaces(owners, cli):
    cli("target", "set", "100k", "--period", "2027-02")
    cli("target", "set", "120k", "--period", "2027-02")
    assert [t["amount"] for t in targets(cli)] == [120000.0]
    assert cli("undo").exit_code == 0
    assert [t["amount"] for t in targets(cli)] == [100000.0]


def test_remove(owners, cli):
    cli("target", "set", "100k", "--period", "2027-02", "--owner", "Ben Okafor")
    gone = cli("target", "remove", "--period", "2027-02", "--owner", "Ben Okafor")
    assert gone.exit_code == 0 and targets(cli) == []
    again = cli("target", "remove", "--period", "2027-02", "--owner", "Ben Okafor")
    assert again.exit_code == 1 and "no Ben Okafor's target for 2027-02 in USD" in again.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["10k", "--period", "2027-13"], "month must be 01 to 12"),
        (["10k", "--period", "Q1"], "use 2027-01, 2027-Q1 or 2027"),
        (["10k", "--period", "2027-Q5"], "use 2027-01, 2027-Q1 or 2027"),
        (["ten", "--period", "2027"], "invalid amount 'ten'"),
        (["10k", "--period", "2027", "--owner", "Zed"], "no owner named 'Zed' (owners: Ana"),
        (["10k", "--period", "2027", "--currency", "EURO"], "invalid currency"),
        (["$10k", "--period", "2027", "--currency", "EUR"], "is in USD but --currency says EUR"),
    ],
)
def test_bad_input(owners, cli, args, message):
    result = cli("target", "set", *args)
    assert result.exit_code == 1, result.stdout
    assert message in result.stderr and result.stderr.count("\n") == 1


def test_period_is_required(owners, cli):
    result = cli("target", "set", "10k")
    assert result.exit_code == 2 and "--period" in result.stderr
