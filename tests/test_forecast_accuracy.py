"""Snapshots, then deals won and lost (backdated), then `forecast accuracy`, by hand."""

from __future__ import annotations

import pytest

from pipeline_tui.store.sqlite import SqliteStore as Store
from tests.report_helpers import Clock, deal, lost, won

pytestmark = pytest.mark.both_backends


@pytest.fixture
def story(store: Store, monkeypatch: pytest.MonkeyPatch) -> tuple[Store, Clock, dict[str, int]]:
    clock = Clock(monkeypatch, "2026-12-15T12:00")
    ids = {
        "p1": deal(store, "P1", 10_000, stage="Proposal", close="2027-01-20"),  # 60%: 6,000
        "n1": deal(store, "N1", 20_000, stage="Negotiation", close="2027-01-25"),  # 80%: 16,000
        "q1": deal(store, "Q1", 8_000, stage="Qualified", close="2027-01-30"),  # 25%: 2,000
        "f1": deal(store, "F1", 5_000, stage="Demo", close="2027-02-10"),  # 40%: 2,000
    }
    return store, clock, ids


def snapshot(cli, note: str | None = None) -> dict:
    args = ["forecast", "snapshot", "--format", "json"] + (["--note", note] if note else [])
    result = cli(*args)
    assert result.exit_code == 0, result.stderr
    return result.json()


def accuracy(cli, *args: str) -> list[dict]:
    result = cli("forecast", "accuracy", *args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return result.json()


def close_january(store: Store, ids: dict[str, int]) -> None:
    won(store, ids["n1"], "2027-01-20")
    lost(store, ids["p1"], "2027-01-22", "Budget cut")
    won(store, ids["q1"], "2027-01-28")
    x = deal(store, "X", 5_000, created="2027-01-05")  # not in any snapshot
    won(store, x, "2027-01-10")
    e = deal(store, "E", 1_000, currency="EUR", created="2027-01-02")
    won(store, e, "2027-01-15")


def test_snapshot_keeps_six_months_and_two_quarters(story, cli):
    snap = snapshot(cli, "before the holidays")
    assert (snap["id"], snap["note"], snap["months"], snap["quarters"]) == (
        1,
        "before the holidays",
        "2026-12..2027-05",
        "2026-Q4..2027-Q1",
    )
    listed = cli("forecast", "snapshots", "--format", "json").json()
    assert listed[0]["taken_at"] == "2026-12-15T12:00:00Z"
    jan = [r for r in listed[0]["rows"]["month"] if r["period"] == "2027-01"][0]
    assert (jan["commit"], jan["weighted"], jan["closed_won"]) == (20000.0, 24000.0, 0.0)
    table = cli("forecast", "snapshots").stdout
    assert "before the holidays" in table and "2026-12..2027-05" in table


def test_accuracy_of_a_finished_month(story, cli):
    store, clock, ids = story
    snapshot(cli)  # 1: taken before January began
    clock.set("2027-01-05T12:00")
    snapshot(cli)  # 2: January had begun: it does not count for January
    clock.set("2027-02-03T12:00")
    close_january(store, ids)
    rows = accuracy(cli)
    assert rows == [
        {
            "period": "2027-01",
            "source": "snapshot",
            "snapshot_id": 1,
            "taken_at": "2026-12-15T12:00:00Z",
            "note": None,
            "currency": "EUR",  # won in January, forecast by no snapshot: forecast 0
            "actual": 1000.0,
            "weighted_forecast": 0.0,
            "weighted_accuracy": 0.0,
            "commit_forecast": 0.0,
            "commit_accuracy": 0.0,
            "left_out": None,
        },
        {
            "period": "2027-01",
            "source": "snapshot",
            "snapshot_id": 1,
            "taken_at": "2026-12-15T12:00:00Z",
            "note": None,
            "currency": "USD",
            "actual": 33000.0,  # N1 20,000 + Q1 8,000 + X 5,000
            "weighted_forecast": 24000.0,  # 0 won then + 6,000 + 16,000 + 2,000
            "weighted_accuracy": 0.7273,  # 1 - 9,000 / 33,000
            "commit_forecast": 20000.0,
            "commit_accuracy": 0.6061,  # 1 - 13,000 / 33,000
            "left_out": None,
        },
    ]
    assert accuracy(cli, "--period", "quarter") == []  # Q1 has not ended
    empty = cli("forecast", "accuracy", "--period", "quarter")
    # 2026-Q4 began before the first deal was made: nothing to replay, and said so.
    assert "No forecast to compare for 2025-Q3 to 2026-Q4" in empty.stdout
    assert "Not replayed: 2025-Q3, 2025-Q4, 2026-Q1, 2026-Q2, 2026-Q3, 2026-Q4" in empty.stdout


def test_accuracy_of_a_finished_quarter_and_later_months(story, cli):
    store, clock, ids = story
    snapshot(cli)
    clock.set("2027-01-05T12:00")
    snapshot(cli)
    clock.set("2027-02-03T12:00")
    close_january(store, ids)
    clock.set("2027-04-02T12:00")
    q = [r for r in accuracy(cli, "--period", "quarter") if r["currency"] == "USD"]
    assert [(r["period"], r["snapshot_id"]) for r in q] == [("2027-Q1", 1)]
    # Q1 seen on Dec 15: commit 20,000; weighted 24,000 + F1's 2,000.
    assert (q[0]["actual"], q[0]["weighted_forecast"], q[0]["commit_forecast"]) == (
        33000.0,
        26000.0,
        20000.0,
    )
    assert (q[0]["weighted_accuracy"], q[0]["commit_accuracy"]) == (0.7879, 0.6061)
    months = [(r["period"], r["snapshot_id"], r["currency"]) for r in accuracy(cli)]
    assert months == [
        ("2027-01", 1, "EUR"),
        ("2027-01", 1, "USD"),
        ("2027-02", 1, "USD"),
        ("2027-02", 2, "USD"),
        ("2027-03", 1, "USD"),
        ("2027-03", 2, "USD"),
    ]
    feb = [r for r in accuracy(cli) if r["period"] == "2027-02"][0]
    # Nothing was won in February: accuracy is undefined, not a division by zero.
    assert (feb["actual"], feb["weighted_forecast"], feb["weighted_accuracy"]) == (
        0.0,
        2000.0,
        None,
    )


def test_accuracy_table_and_errors(story, cli):
    store, clock, ids = story
    snapshot(cli)
    clock.set("2027-02-03T12:00")
    close_january(store, ids)
    table = cli("forecast", "accuracy")
    assert table.exit_code == 0
    assert "72.7%" in table.stdout and "60.6%" in table.stdout and "33,000.00" in table.stdout
    bad = cli("forecast", "accuracy", "--period", "year")
    assert bad.exit_code == 1 and "use --period month or quarter" in bad.stderr
    assert cli("forecast", "accuracy", "--period", "fortnight").exit_code == 1


def test_a_snapshot_can_be_undone(story, cli):
    snapshot(cli)
    assert cli("undo").exit_code == 0
    assert cli("forecast", "snapshots", "--format", "json").json() == []
