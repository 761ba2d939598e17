"""Issue 13: forecast accuracy from an imported stage history, where no snapshot was taken.

A hand-made export (deals, then their dated history) whose every figure is worked out below,
then the shared Salesforce developer-org export (../shared/data, README there)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline_tui.store.sqlite import SqliteStore as Store
from tests.conftest import SHARED_DATA, Cli
from tests.report_helpers import Clock

pytestmark = pytest.mark.both_backends

ORG = SHARED_DATA / "salesforce_devorg_export"
needs_org = pytest.mark.skipif(not ORG.is_dir(), reason=f"shared CRM data not found at {ORG}")


def _ok(result: object) -> None:
    assert result.exit_code == 0, (result.stdout, result.stderr)  # type: ignore[attr-defined]


def write(path: Path, text: str) -> str:
    path.write_text(text, encoding="utf-8")
    return str(path)


# A1: made Jan 5 in Qualification (10,000, closes Feb 20, 20 %); Proposal on Jan 25 (60 %,
#     commit); won Feb 18 for 12,000.
# B1: made Jan 10 in Qualification (20,000, closes Feb 10, 25 %); close date pushed to
#     Mar 15 on Feb 5; lost Mar 10 (its close date set to that day as it closed).
# C1: made Feb 15 in Negotiation (5,000, closes Mar 20, 80 %, commit); won Mar 22, two days
#     late (its close date set to that day as it closed).
# U1: won Mar 5 for 7,000, no created date and no history: its past is unknown.
DEALS = """Id,Name,StageName,Amount,Probability,ForecastCategoryName,CreatedDate,CloseDate
A1,Alpha,Closed Won,12000,100,Closed,2026-01-05,2026-02-18
B1,Bravo,Closed Lost,20000,0,Omitted,2026-01-10,2026-03-10
C1,Charlie,Closed Won,5000,100,Closed,2026-02-15,2026-03-22
U1,Uniform,Closed Won,7000,100,Closed,,2026-03-05
"""
HISTORY = """OpportunityId,StageName,CreatedDate,Amount,CloseDate,Probability,ForecastCategory
B1,Closed Lost,2026-03-10 09:00:00,20000,2026-03-10,0,Omitted
A1,Qualification,2026-01-05 09:00:00,10000,2026-02-20,20,Pipeline
A1,Proposal/Quote,2026-01-25 09:00:00,10000,2026-02-20,60,Commit
A1,Closed Won,2026-02-18 09:00:00,12000,2026-02-18,100,Closed
B1,Qualification,2026-01-10 09:00:00,20000,2026-02-10,25,Pipeline
B1,Qualification,2026-02-05 09:00:00,20000,2026-03-15,25,Pipeline
C1,Negotiation/Review,2026-02-15 09:00:00,5000,2026-03-20,80,Commit
C1,Closed Won,2026-03-22 09:00:00,5000,2026-03-22,100,Closed
"""


@pytest.fixture
def imported(cli: Cli, store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Clock:
    clock = Clock(monkeypatch, "2026-05-10T12:00")
    _ok(cli("import", "deals", write(tmp_path / "d.csv", DEALS)))
    _ok(cli("import", "history", write(tmp_path / "h.csv", HISTORY), "--tz", "UTC"))
    assert store.scalar("SELECT count(*) FROM deals WHERE history_unknown = 1") == 1  # U1
    return clock


def accuracy(cli: Cli, *args: str) -> list[dict]:
    result = cli("forecast", "accuracy", *args, "--format", "json")
    _ok(result)
    return result.json()  # type: ignore[return-value]


def test_accuracy_replays_each_month_from_the_history(imported: Clock, cli: Cli) -> None:
    rows = accuracy(cli, "--from", "2026-01-01", "--periods", "4")
    got = [(r["period"], r["source"], r["taken_at"], r["currency"], r["actual"],
            r["weighted_forecast"], r["weighted_accuracy"], r["commit_forecast"],
            r["commit_accuracy"], r["left_out"]) for r in rows]  # fmt: skip
    assert got == [
        # As of Jan 31: A1 closes in Feb, 10,000 at 60 % (commit), B1 20,000 at 25 %.
        # Weighted 6,000 + 5,000 = 11,000; commit 10,000; A1 was won for 12,000.
        ("2026-02", "history", "2026-01-31T23:59:59Z", "USD", 12000.0, 11000.0, 0.9167,
         10000.0, 0.8333, 0),
        # As of Feb 28: B1 now closes Mar 15 (25 %: 5,000), C1 Mar 20 (80 %: 4,000, commit
        # 5,000). Only C1 was won (5,000); U1, won in March, is left out of both sides.
        ("2026-03", "history", "2026-02-28T23:59:59Z", "USD", 5000.0, 9000.0, 0.2,
         5000.0, 1.0, 1),
        # As of Mar 31 nothing was open: nothing forecast, nothing won.
        ("2026-04", "history", "2026-03-31T23:59:59Z", "USD", 0.0, 0.0, None, 0.0, None, 0),
    ]  # fmt: skip
    table = cli("forecast", "accuracy", "--from", "2026-01-01", "--periods", "4")
    _ok(table)
    assert "91.7%" in table.stdout and "20.0%" in table.stdout and "12,000.00" in table.stdout
    assert "history: the forecast replayed from the deals' history" in table.stdout
    assert "leave out 1 deal(s) imported without their stage history" in table.stdout
    # January began before the first deal of known history was made.
    assert "Not replayed: 2026-01, before the first deal of known history (2026-01-05)" in (
        table.stdout
    )


def test_the_replay_and_slipped_close_dates_follow_the_history(imported: Clock, cli: Cli) -> None:
    jan = cli("deal", "list", "--status", "all", "--as-of", "2026-01-31", "--format", "json")
    by = {d["title"]: d for d in jan.json()}  # type: ignore[union-attr]
    # A1 was in Proposal, open, 10,000 at 60 % (it is won today, and no stage says so).
    assert (by["Alpha"]["stage"], by["Alpha"]["status"], by["Alpha"]["value"],
            by["Alpha"]["probability"]) == ("Proposal", "open", 10000.0, 60)  # fmt: skip
    assert "Charlie" not in by  # made on Feb 15
    # U1 has no history and closed on Mar 5: open before that.
    assert by["Uniform"]["status"] == "open"
    review = cli("review", "--as-of", "2026-03-31", "--since", "60d", "--format", "json")
    _ok(review)
    slipped = review.json()["slipped"]  # type: ignore[index]
    # B1's close date pushed on Feb 5 slipped; C1's, set later as it closed, did not.
    assert [(s["deal"], s["old_close"], s["new_close"]) for s in slipped] == [
        ("Bravo", "2026-02-10", "2026-03-15")
    ]


def test_a_snapshot_is_preferred_to_the_replay(imported: Clock, cli: Cli) -> None:
    imported.set("2026-03-25T12:00")
    _ok(cli("forecast", "snapshot", "--note", "late March"))
    imported.set("2026-05-10T12:00")
    rows = accuracy(cli, "--from", "2026-03-01", "--periods", "2")
    assert [(r["period"], r["source"], r["snapshot_id"], r["note"]) for r in rows] == [
        ("2026-03", "history", None, None),
        ("2026-04", "snapshot", 1, "late March"),
    ]
    table = cli("forecast", "accuracy", "--from", "2026-03-01", "--periods", "2")
    assert "snapshot 1" in table.stdout


def test_the_last_finished_periods_by_default(imported: Clock, cli: Cli) -> None:
    # On May 10 the last six finished months are Nov to Apr; Nov to Jan are not replayed.
    rows = accuracy(cli)
    assert [r["period"] for r in rows] == ["2026-02", "2026-03", "2026-04"]
    # Q1 began before the first deal of known history was made (Jan 5): not replayed.
    assert accuracy(cli, "--period", "quarter", "--periods", "2") == []
    table = cli("forecast", "accuracy", "--period", "quarter", "--periods", "2")
    assert "No forecast to compare for 2025-Q4 to 2026-Q1" in table.stdout
    assert "Not replayed: 2025-Q4, 2026-Q1, before the first deal of known history" in (
        table.stdout
    )


def test_accuracy_errors(imported: Clock, cli: Cli) -> None:
    bad = cli("forecast", "accuracy", "--periods", "0")
    assert bad.exit_code == 1 and "invalid --periods 0: use 1 to 36" in bad.stderr
    bad = cli("forecast", "accuracy", "--from", "soon")
    assert bad.exit_code == 1 and bad.stderr.count("\n") == 1
    # A range not finished yet compares nothing.
    rows = accuracy(cli, "--from", "2026-05-01")
    assert rows == []


@needs_org
def test_salesforce_org_forecasts_as_of_and_accuracy(cli: Cli, store: Store) -> None:
    for entity, name, *extra in (("owners", "User.csv"), ("companies", "account.csv"),
                                 ("people", "contact.csv"),
                                 ("deals", "opportunity.csv", "--create-stages")):  # fmt: skip
        _ok(cli("import", entity, str(ORG / name), *extra))
    kpi = ("kpi", "--from", "2023-07-01", "--to", "2023-10-31", "--format", "json")
    # The 18 won deals came without their history (they sit in no stage the file names).
    assert cli(*kpi).json()["conversion_left_out"] == 18  # type: ignore[index]
    _ok(cli("import", "history", str(ORG / "OpportunityHistory.csv")))

    # Conversion: each open deal entered its stage on 2023-10-28, when the history starts;
    # none advanced; no deal is left out now.
    k = cli(*kpi).json()
    assert k["conversion_left_out"] == 0  # type: ignore[index]
    entered = {c["stage"]: (c["entered"], c["advanced"]) for c in k["conversion"]  # type: ignore[index]
               if c["entered"]}  # fmt: skip
    assert entered == {"Prospecting": (1, 0), "Qualified": (1, 0), "Needs Analysis": (1, 0),
                       "Value Proposition": (2, 0), "Id. Decision Makers": (3, 0),
                       "Perception Analysis": (1, 0), "Proposal": (2, 0),
                       "Negotiation": (2, 0)}  # fmt: skip

    def forecast(*args: str) -> list[tuple[object, ...]]:
        rows = cli("forecast", *args, "--format", "json").json()
        return [(r["period"], r["closed_won"], r["pipeline"], r["weighted"], r["deals"])
                for r in rows]  # type: ignore[union-attr,index]  # fmt: skip

    # Before 2023-10-28 20:45:25, the history's one moment, the org had no deals at all.
    assert forecast("--as-of", "2023-10-27") == [
        ("2023-10", 0.0, 0.0, 0.0, 0), ("2023-11", 0.0, 0.0, 0.0, 0),
        ("2023-12", 0.0, 0.0, 0.0, 0), ("undated/overdue", 0.0, 0.0, 0.0, 0)]  # fmt: skip
    # A day after: 7 deals won in October (120,000 + 75,000 + 350,000 + 915,000 + 210,000
    # + 120,000 + 30,000); 4 open deals close in October: 270,000 at 75 %, 250,000 at 50 %,
    # 60,000 and 35,000 at 60 %; 9 more were already overdue: 1,500,000, weighted 710,000.
    assert forecast("--as-of", "2023-10-29") == [
        ("2023-10", 1820000.0, 615000.0, 384500.0, 4), ("2023-11", 0.0, 0.0, 0.0, 0),
        ("2023-12", 0.0, 0.0, 0.0, 0),
        ("undated/overdue", 0.0, 1500000.0, 710000.0, 9)]  # fmt: skip
    # Today every one of the 13 open deals is overdue, and nothing is won this quarter.
    today = forecast()
    assert today[-1] == ("undated/overdue", 0.0, 2115000.0, 1094500.0, 13)
    assert sum(r[1] for r in today) == 0.0  # type: ignore[misc]

    # No close date slipped: the paired rows at one moment are one state.
    review = cli("review", "--as-of", "2023-10-31", "--since", "7d", "--format", "json").json()
    assert review["slipped"] == []  # type: ignore[index]
    assert len(review["new_deals"]) + review["more"]["new_deals"] == 31  # type: ignore[index]

    # Accuracy: July to October began before the history does, and cannot be replayed; as of
    # Oct 31 and Nov 30 nothing open closed in November or December, and nothing was won.
    rows = accuracy(cli, "--from", "2023-07-01", "--periods", "6")
    assert [(r["period"], r["source"], r["actual"], r["weighted_forecast"], r["left_out"])
            for r in rows] == [("2023-11", "history", 0.0, 0.0, 0),
                               ("2023-12", "history", 0.0, 0.0, 0)]  # fmt: skip
    table = cli("forecast", "accuracy", "--from", "2023-07-01", "--periods", "6")
    assert ("Not replayed: 2023-07, 2023-08, 2023-09, 2023-10, before the first deal of known "
            "history (2023-10-28)") in table.stdout  # fmt: skip
