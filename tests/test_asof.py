"""`--as-of DATE`: the pipeline replayed to the end of a day, after moves (backdated too),
value edits, close-date and category changes, wins, reopenings and undone commands."""

from __future__ import annotations

from datetime import date

import pytest

from pipeline_tui.services import deals as svc
from pipeline_tui.services.forecast import ForecastQuery, forecast
from pipeline_tui.services.journal import undo
from pipeline_tui.store.sqlite import SqliteStore as Store
from tests.conftest import ASOF_ON_PG
from tests.report_helpers import Clock, deal, move, rows_by, ts, won

pytestmark = [pytest.mark.both_backends, pytest.mark.sqlite_only(ASOF_ON_PG)]


@pytest.fixture
def history(store: Store, monkeypatch: pytest.MonkeyPatch) -> tuple[Store, Clock, int, int]:
    """Deal A lives through January 2027, one change at a time; deal B is entered late
    with backdated dates."""
    clock = Clock(monkeypatch, "2027-01-05T10:00")
    a = deal(store, "A", 10_000, stage="Qualified", close="2027-02-15", next_due="2027-01-08")
    clock.set("2027-01-10T10:00")
    svc.edit_deal(store, a, value_minor=1_500_000)
    move(store, a, "Proposal")
    clock.set("2027-01-20T10:00")
    svc.edit_deal(store, a, close_date=date(2027, 3, 10), category="commit")
    clock.set("2027-01-25T10:00")
    won(store, a, "2027-01-25T10:00")
    # B is recorded on the 28th: created on the 2nd, moved to Demo on the 12th.
    clock.set("2027-01-28T10:00")
    b = deal(store, "B", 4_000, owner="Ben", close="2027-02-20", created="2027-01-02")
    move(store, b, "Demo", at="2027-01-12")
    clock.set("2027-02-01T09:00")
    return store, clock, a, b


def month(store: Store, as_of: str | None, start: str = "2027-01-01") -> dict:
    f = forecast(
        store,
        ForecastQuery(
            start=date.fromisoformat(start),
            periods=3,
            as_of=date.fromisoformat(as_of) if as_of else None,
        ),
    )
    return rows_by(f.to_dicts(), "period", "currency")


def test_forecast_replays_stage_value_close_date_category_and_status(history):
    store = history[0]
    day7 = month(store, "2027-01-07")
    feb = day7[("2027-02", "USD")]
    # A: Qualified, 10,000, closing Feb 15 (25% -> 2,500). B did not exist yet? It did:
    # created on Jan 2 (backdated), in Lead In (10% of 4,000) and closing Feb 20.
    assert (feb["pipeline"], feb["weighted"], feb["deals"]) == (14000.0, 2900.0, 2)
    day15 = month(store, "2027-01-15")[("2027-02", "USD")]
    # A: Proposal (best case), 15,000 -> 9,000; B moved to Demo on the 12th -> 1,600.
    assert (day15["best_case"], day15["pipeline"], day15["weighted"]) == (15000.0, 4000.0, 10600.0)
    day22 = month(store, "2027-01-22")
    # A: commit by override, now closing in March.
    assert day22[("2027-03", "USD")]["commit"] == 15000.0
    assert day22[("2027-03", "USD")]["weighted"] == 9000.0
    assert day22[("2027-02", "USD")]["best_case"] == 0.0
    day31 = month(store, "2027-01-31")
    assert day31[("2027-01", "USD")]["closed_won"] == 15000.0
    assert day31[("2027-03", "USD")]["commit"] == 0.0
    assert month(store, None) == day31  # nothing changed since


def test_before_a_deal_was_created_it_is_absent(history):
    store = history[0]
    rows = month(store, "2027-01-01", start="2027-01-01")
    assert all(r["deals"] == 0 and r["closed_won"] == 0 for r in rows.values())


def test_the_day_itself_counts_to_its_end(history):
    store = history[0]
    # A was won on the 25th at 10:00: as of the 25th it is won, as of the 24th open.
    assert month(store, "2027-01-25")[("2027-01", "USD")]["closed_won"] == 15000.0
    assert month(store, "2027-01-24")[("2027-01", "USD")]["closed_won"] == 0.0


def test_reopened_deal_is_won_in_between(history):
    store, clock, a, _ = history
    clock.set("2027-02-02T09:00")
    svc.reopen_deal(store, a)
    assert month(store, "2027-01-31")[("2027-01", "USD")]["closed_won"] == 15000.0
    assert month(store, None)[("2027-01", "USD")]["closed_won"] == 0.0
    assert month(store, None)[("2027-03", "USD")]["commit"] == 15000.0


def test_an_undone_change_never_happened(history):
    store, clock, _, b = history
    clock.set("2027-02-01T10:00")
    svc.edit_deal(store, b, value_minor=900_000)
    undo(store)
    rows = month(store, "2027-01-15")
    assert rows[("2027-02", "USD")]["pipeline"] == 4000.0


def test_deal_list_as_of(history, cli):
    _, _, a, b = history
    result = cli("deal", "list", "--as-of", "2027-01-15", "--format", "json")
    assert result.exit_code == 0, result.stderr
    by_id = {d["id"]: d for d in result.json()}
    assert by_id[a]["stage"] == "Proposal" and by_id[a]["value"] == 15000.0
    assert by_id[a]["close_date"] == "2027-02-15" and by_id[a]["status"] == "open"
    assert by_id[b]["stage"] == "Demo"
    early = cli("deal", "list", "--as-of", "2027-01-07", "--format", "json").json()
    assert [(d["title"], d["stage"], d["value"]) for d in early] == [
        ("A", "Qualified", 10000.0),
        ("B", "Lead In", 4000.0),
    ]
    assert cli("deal", "list", "--format", "json").json()[0]["title"] == "B"  # A is won now
    won_then = cli("deal", "list", "--status", "won", "--as-of", "2027-01-26", "--format", "json")
    assert [d["title"] for d in won_then.json()] == ["A"]
    table = cli("deal", "list", "--as-of", "2027-01-07")
    assert "Open deals (2 of 2) as of 2027-01-07" in table.stdout


def test_deal_list_as_of_with_attention(history, cli):
    rows = cli(
        "deal", "list", "--as-of", "2027-01-07", "--sort", "attention", "--format", "json"
    ).json()
    # B: value 2 x log10(4000)/6 = 1.2, idle 5 days 3 x 5/30 = 0.5;
    # A: value 2 x log10(10000)/6 = 1.33, idle 2 days 0.2.
    assert [(r["title"], r["attention"]) for r in rows] == [("B", 1.7), ("A", 1.53)]
    # On the 9th A's next step (due the 8th) was overdue: 8 points; idle 4 days: 0.4.
    later = cli(
        "deal", "list", "--as-of", "2027-01-09", "--sort", "attention", "--format", "json"
    ).json()
    assert [(r["title"], r["attention"]) for r in later] == [("A", 9.73), ("B", 1.9)]


def test_kpi_as_of(history, cli):
    before = cli("kpi", "--as-of", "2027-01-20", "--since", "30d", "--format", "json").json()
    assert (before["won"], before["open_deals"], before["open_value"]) == (0, 2, 19000.0)
    assert before["to"] == "2027-01-20"
    after = cli("kpi", "--as-of", "2027-01-31", "--since", "30d", "--format", "json").json()
    assert (after["won"], after["avg_deal_size"], after["open_deals"]) == (1, 15000.0, 1)
    # A was created on Jan 5 at 10:00 and won on Jan 25 at 10:00: 20 days.
    assert after["sales_cycle_days"] == 20.0


def test_review_as_of(history, cli):
    data = cli("review", "--as-of", "2027-01-12", "--since", "8d", "--format", "json").json()
    assert [line["change"] for line in data["advanced"]] == [
        "Qualified → Proposal on 2027-01-10",
        "Lead In → Demo on 2027-01-12",
    ]
    assert data["won"] == [] and data["to"] == "2027-01-12"
    # The last 8 days, the 5th to the 12th. A was created on the 5th (B on the 2nd, before
    # the window), as it stood on the 12th:
    assert [line["change"] for line in data["new_deals"]] == [
        "new in Qualified, now Proposal, closes 2027-02-15"
    ]
    shorter = cli("review", "--as-of", "2027-01-12", "--since", "7d", "--format", "json").json()
    assert shorter["from"] == "2027-01-06" and shorter["new_deals"] == []


def test_as_of_replays_stage_probability_changes(history, cli):
    store = history[0]
    from pipeline_tui.services.stages import edit_stage

    edit_stage(store, "Demo", probability=90)
    now = cli("deal", "list", "--format", "json").json()
    assert now[0]["probability"] == 90
    then = month(store, "2027-01-15")[("2027-02", "USD")]
    assert then["weighted"] == 10600.0  # Demo was still 40% then
    assert ts("2027-01-15") < ts("2027-02-01")


def test_as_of_replays_the_next_step(history, cli):
    """The next step is the planned activity as it stood: one done later was still to do,
    one planned later did not exist yet."""
    from pipeline_tui.services import activities as acts

    store, clock, _, b = history
    first = store.activities.next_for_deal(b)
    assert first is not None and first.subject == "Call"
    acts.done(store, first.id, "Spoke")  # Feb 1
    clock.set("2027-02-02T09:00")
    acts.plan(store, "demo", "Show the board", date(2027, 2, 9), deal_id=b)

    def next_steps(as_of: str | None) -> tuple[str | None, str | None]:
        args = ["deal", "list", "--format", "json"] + (["--as-of", as_of] if as_of else [])
        row = next(d for d in cli(*args).json() if d["id"] == b)
        return row["next_step"], row["next_due"]

    assert next_steps(None) == ("Show the board", "2027-02-09")
    assert next_steps("2027-01-30") == ("Call", "2030-12-31")
    assert next_steps("2027-02-01") == (None, None)  # done that day, the next not yet planned
