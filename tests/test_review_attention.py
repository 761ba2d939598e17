"""`deal list --sort attention` and `deal show` explaining the score term by term."""

from __future__ import annotations

import pytest

from tests.report_helpers import Clock, deal, won

pytestmark = pytest.mark.both_backends


@pytest.fixture
def deals(store, monkeypatch):
    """Today is 2027-03-15."""
    clock = Clock(monkeypatch, "2027-02-01T12:00")
    ids = {
        "calm": deal(store, "Calm", 1_000, close="2027-06-01", next_due="2027-03-20"),
        "late": deal(
            store, "Late", 100_000, stage="Proposal", close="2027-03-10", next_due="2027-03-01"
        ),  # fmt: skip
        "bare": deal(store, "Bare", 10_000, owner="Ben", stage="Demo", next_step=None),
    }
    ids["done"] = deal(store, "Done", 5_000)
    won(store, ids["done"], "2027-02-10")
    clock.set("2027-03-15T12:00")
    return ids


def test_sort_by_attention(deals, cli):
    rows = cli("deal", "list", "--sort", "attention", "--format", "json").json()
    # Late: overdue 8 + stalled 4 + close past 3 + value 2 x log10(100000)/6 + idle 3 = 19.67
    # Bare: no next step 5 + stalled 4 + value 1.33 + idle 3 = 13.33
    # Calm: stalled 4 (42 days in Lead In) + value 2 x 3/6 = 1 + idle 3 = 8
    assert [(r["title"], r["attention"]) for r in rows] == [
        ("Late", 19.67),
        ("Bare", 13.33),
        ("Calm", 8.0),
    ]
    top = cli("deal", "list", "--sort", "attention", "--limit", "1", "--owner", "Ben")
    assert "Open deals (1 of 1)" in top.stdout and "13.33" in top.stdout and "Bare" in top.stdout
    assert cli("config", "set", "attention.overdue", "0").exit_code == 0
    rows = cli("deal", "list", "--sort", "attention", "--format", "json").json()
    assert [(r["title"], r["attention"]) for r in rows][0] == ("Bare", 13.33)


def test_sort_errors(deals, cli):
    bad = cli("deal", "list", "--sort", "value")
    assert bad.exit_code == 1 and "invalid --sort 'value'" in bad.stderr
    closed = cli("deal", "list", "--status", "won", "--sort", "attention")
    assert closed.exit_code == 1 and "ranks open deals" in closed.stderr


def test_show_explains_the_score(deals, cli):
    data = cli("deal", "show", str(deals["late"]), "--format", "json").json()
    att = data["attention"]
    assert att["score"] == 19.67
    assert [(t["term"], t["weight"], t["factor"], t["points"]) for t in att["terms"]] == [
        ("overdue", 8.0, 1.0, 8.0),
        ("stalled", 4.0, 1.0, 4.0),
        ("close", 3.0, 1.0, 3.0),
        ("value", 2.0, 0.8333, 1.67),
        ("inactive", 3.0, 1.0, 3.0),
    ]
    assert att["terms"][0]["detail"] == "next step due 2027-03-01"
    assert att["stalled"] == [
        "42 days in stage (threshold 14)",
        "next step overdue since 2027-03-01",
    ]
    table = cli("deal", "show", str(deals["late"])).stdout
    assert "Attention 19.67: the sum of weight x factor per term" in table
    assert "42 days in stage (threshold 14)" in table
    md = cli("deal", "show", str(deals["late"]), "--format", "md").stdout
    assert "| overdue | next step due 2027-03-01 | 8.0 | 1.0 | 8.0 |" in md
    assert "attention" not in cli("deal", "show", str(deals["done"]), "--format", "json").json()
