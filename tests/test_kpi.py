"""`pipeline kpi`: each field against a pipeline whose figures were worked out by hand."""

from __future__ import annotations

import pytest

from pipeline_tui.services.activities import log_activity, plan_activity
from pipeline_tui.services.attention import attention
from pipeline_tui.services.leads import add_lead
from pipeline_tui.store.sqlite import SqliteStore as Store
from tests.report_helpers import Clock, deal, lost, move, ts, won

pytestmark = pytest.mark.both_backends

WINDOW = ("--from", "2027-01-01", "--to", "2027-03-31")


@pytest.fixture
def book(store: Store, monkeypatch: pytest.MonkeyPatch) -> Store:
    """Today is 2027-03-31. Stage thresholds: Lead In 14, Qualified 21, Demo 21,
    Proposal 14, Negotiation 10 days."""
    Clock(monkeypatch, "2027-03-31T12:00")
    w1 = deal(store, "W1", 10_000, created="2027-01-01")
    move(store, w1, "Qualified", "2027-01-05")
    move(store, w1, "Demo", "2027-01-10")
    move(store, w1, "Proposal", "2027-01-20")
    won(store, w1, "2027-01-31")  # 30 days
    w2 = deal(store, "W2", 20_000, owner="Ben", created="2027-02-01")
    move(store, w2, "Qualified", "2027-02-03")
    won(store, w2, "2027-02-11")  # 10 days
    w3 = deal(store, "W3", 6_000, created="2026-12-01")
    won(store, w3, "2027-03-01")  # 90 days
    w4 = deal(store, "W4", 50_000, created="2026-11-01")
    won(store, w4, "2026-12-15")  # before the window
    l1 = deal(store, "L1", 5_000, owner="Ben", created="2027-01-10")
    move(store, l1, "Qualified", "2027-01-15")
    lost(store, l1, "2027-02-01", "Price")
    l2 = deal(store, "L2", 7_000, created="2027-01-12")
    lost(store, l2, "2027-02-15", " price ")
    l3 = deal(store, "L3", 3_000, owner="Ben", created="2027-01-20")
    lost(store, l3, "2027-03-10", "No budget")
    o1 = deal(store, "O1", 8_000, created="2027-03-01", next_due="2027-04-02")
    move(store, o1, "Demo", "2027-03-20")
    deal(store, "O2", 4_000, owner="Ben", created="2027-03-10", next_step=None)
    o3 = deal(store, "O3", 12_000, created="2027-02-01", next_due="2027-04-05")
    move(store, o3, "Qualified", "2027-02-02")
    move(store, o3, "Proposal", "2027-02-05")
    deal(store, "O4", 2_000, owner="Ben", created="2027-03-25", next_due="2027-03-30")
    o5 = deal(store, "O5", 9_000, created="2027-01-05", next_due="2027-04-10")
    move(store, o5, "Qualified", "2027-01-07")
    move(store, o5, "Demo", "2027-01-12")
    move(store, o5, "Qualified", "2027-01-20")  # back
    move(store, o5, "Demo", "2027-03-25")
    log_activity(store, "call", "Intro", deal_id=w1, at=ts("2027-01-03"), owner="Ana")
    log_activity(store, "email", "Deck", deal_id=w1, at=ts("2027-01-04"), owner="Ana")
    log_activity(store, "meeting", "Demo prep", deal_id=o1, at=ts("2027-03-21"), owner="Ana")
    log_activity(store, "call", "Pricing", deal_id=l1, at=ts("2027-02-10"), owner="Ben")
    log_activity(store, "note", "Old", deal_id=w3, at=ts("2026-12-10"), owner="Ana")
    leads = [
        ("Lead1", "Ana", "2027-01-10T08:00", ["2027-01-10T10:00", "2027-01-12T10:00"]),  # 2 h
        ("Lead2", "Ben", "2027-02-01T09:00", ["2027-02-01T14:00"]),  # 5 h
        ("Lead3", "Ana", "2027-03-01T00:00", ["2027-03-01T10:00"]),  # 10 h
        ("Lead4", "Ana", "2027-03-20T12:00", []),  # no activity yet
        ("Lead5", "Ben", "2026-12-20T12:00", ["2026-12-20T13:00"]),  # before the window
    ]
    for name, owner, created, touches in leads:
        lead = add_lead(store, name, owner=owner, at=ts(created))
        for at in touches:
            log_activity(store, "email", "Hello", lead_id=lead.id, at=ts(at), owner=owner)
        if not touches:
            plan_activity(store, "call", "Call back", ts("2027-04-01"), lead_id=lead.id)
    return store


def kpi(cli, *args: str) -> dict:
    result = cli("kpi", *args, "--format", "json")
    assert result.exit_code == 0, result.stderr or result.stdout
    return result.json()


def test_every_field(book, cli):
    k = kpi(cli, *WINDOW)
    assert (k["from"], k["to"], k["as_of"], k["owner"], k["currency"]) == (
        "2027-01-01",
        "2027-03-31",
        "2027-03-31",
        None,
        "USD",
    )
    assert (k["won"], k["lost"], k["win_rate"]) == (3, 3, 0.5)  # W4 was won in 2026
    assert (k["won_value"], k["avg_deal_size"]) == (36000.0, 12000.0)
    assert k["sales_cycle_days"] == 43.33  # (30 + 10 + 90) / 3
    assert k["velocity_per_day"] == 692.31  # 5 open x 0.5 x 12,000 / 43.33...
    assert (k["open_deals"], k["open_value"], k["weighted_value"]) == (5, 35000.0, 14600.0)
    assert k["stalled_deals"] == 3  # O2 no next step, O3 54 days in Proposal, O4 overdue
    assert k["response_time_hours"] == 5.0  # median of 2, 5 and 10 hours
    assert k["activities"] == {
        "call": 2,
        "demo": 0,
        "email": 5,  # 1 on W1, 2 on Lead1, 1 on Lead2, 1 on Lead3
        "meeting": 1,
        "note": 0,
        "proposal": 0,
        "task": 0,
    }
    assert k["lost_reasons"] == {"Price": 2, "No budget": 1}
    assert k["conversion"] == [
        {"stage": "Lead In", "entered": 10, "advanced": 6, "rate": 0.6},
        {"stage": "Qualified", "entered": 5, "advanced": 4, "rate": 0.8},
        {"stage": "Demo", "entered": 3, "advanced": 1, "rate": 0.3333},
        {"stage": "Proposal", "entered": 2, "advanced": 1, "rate": 0.5},
        {"stage": "Negotiation", "entered": 0, "advanced": 0, "rate": None},
    ]
    assert k["by_currency"] == [
        {
            "currency": "USD",
            "won": 3,
            "won_value": 36000.0,
            "avg_deal_size": 12000.0,
            "open_deals": 5,
            "open_value": 35000.0,
            "weighted_value": 14600.0,
            "velocity_per_day": 692.31,
        }
    ]


def test_stalled_agrees_with_the_attention_service(book, cli):
    from datetime import date

    expected = sum(a.stalled for a in attention(book, None, date(2027, 3, 31)).values())
    assert kpi(cli, *WINDOW)["stalled_deals"] == expected == 3


def test_by_owner(book, cli):
    k = kpi(cli, *WINDOW, "--by", "owner")
    assert k["won"] == 3 and "by_owner" in k
    ana, ben = k["by_owner"]
    assert ana["owner"] == "Ana" and ben["owner"] == "Ben"
    assert (ana["won"], ana["lost"], ana["win_rate"], ana["avg_deal_size"]) == (
        2,
        1,
        0.6667,
        8000.0,
    )
    assert (ben["won"], ben["lost"], ben["win_rate"], ben["avg_deal_size"]) == (
        1,
        2,
        0.3333,
        20000.0,
    )
    assert (ana["open_deals"], ana["stalled_deals"], ben["open_deals"], ben["stalled_deals"]) == (
        3,
        1,
        2,
        2,
    )
    assert ana["response_time_hours"] == 6.0  # median of 2 and 10
    assert ben["response_time_hours"] == 5.0
    assert ana["activities"]["call"] == 1 and ben["activities"]["call"] == 1
    assert ana["lost_reasons"] == {"price": 1} and ben["lost_reasons"] == {
        "No budget": 1,
        "Price": 1,
    }
    # Ben's deals into Lead In: W2 (won), L1 (to Qualified), L3, O2, O4.
    assert ben["conversion"][0] == {"stage": "Lead In", "entered": 5, "advanced": 2, "rate": 0.4}


def test_owner_filter(book, cli):
    k = kpi(cli, *WINDOW, "--owner", "Ben")
    assert (k["owner"], k["won"], k["lost"], k["open_deals"], k["stalled_deals"]) == (
        "Ben",
        1,
        2,
        2,
        2,
    )


def test_since_and_window_edges(book, cli):
    # --since N days is the last N days, today (2027-03-31) included: 31 days reach back to
    # 03-01, where W3 was won; 30 days start on 03-02 and leave it out. L3 was lost 03-10.
    k = kpi(cli, "--since", "31d")
    assert (k["from"], k["won"], k["lost"], k["avg_deal_size"]) == ("2027-03-01", 1, 1, 6000.0)
    k = kpi(cli, "--since", "30d")
    assert (k["from"], k["won"], k["lost"]) == ("2027-03-02", 0, 1)
    assert kpi(cli)["from"] == "2027-01-01"  # 90 days by default
    # --to is inclusive: W1 was won on 01-31 at noon.
    assert kpi(cli, "--from", "2027-01-31", "--to", "2027-01-31")["won"] == 1


def test_currencies_are_not_summed(book, cli):
    deal(book, "G1", 1_000, currency="GBP", created="2027-03-30", stage="Demo")
    k = kpi(cli, *WINDOW)
    assert k["currency"] is None
    assert (k["open_value"], k["weighted_value"], k["velocity_per_day"]) == (None, None, None)
    assert k["open_deals"] == 6 and k["avg_deal_size"] is None
    by = {m["currency"]: m for m in k["by_currency"]}
    assert (by["GBP"]["open_value"], by["GBP"]["weighted_value"]) == (1000.0, 400.0)
    assert by["USD"]["avg_deal_size"] == 12000.0
    assert cli("config", "set", "rate.GBP", "1.25").exit_code == 0
    usd = kpi(cli, *WINDOW, "--currency", "USD")
    assert (usd["currency"], usd["open_value"], usd["weighted_value"]) == ("USD", 36250.0, 15100.0)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--since", "30d", "--from", "2027-01-01"], "either --since or --from/--to"),
        (["--to", "2027-01-01"], "--to needs --from"),
        (["--from", "2027-03-01", "--to", "2027-02-01"], "is before --from"),
        (["--since", "soon"], "invalid span 'soon'"),
        (["--by", "stage"], "kpi groups by owner or team"),
        (["--owner", "Zed"], "no owner named 'Zed'"),
        (["--as-of", "2027-04-01"], "in the future"),
    ],
)
def test_bad_input(book, cli, args, message):
    result = cli("kpi", *args)
    assert result.exit_code == 1 and message in result.stderr
    assert result.stderr.count("\n") == 1


def test_table_and_markdown(book, cli):
    table = cli("kpi", *WINDOW, "--by", "owner")
    assert table.exit_code == 0
    for text in ("Win rate", "50.0%", "Average deal size (USD)", "Stage conversion", "Ana"):
        assert text in table.stdout
    md = cli("kpi", *WINDOW, "--format", "md").stdout
    assert md.startswith("# KPIs, 2027-01-01 to 2027-03-31")
    assert "## Stage conversion" in md and "| Lead In | 10 | 6 | 60.0% |" in md
    csv = cli("kpi", *WINDOW, "--format", "csv").stdout.splitlines()
    assert csv[0].startswith("from,to,as_of,owner,currency,won,lost,win_rate")


def test_empty_database(cli):
    k = kpi(cli)
    assert (k["won"], k["win_rate"], k["avg_deal_size"], k["open_value"]) == (0, None, None, 0.0)
    assert k["currency"] == "USD" and k["conversion"][0]["rate"] is None
