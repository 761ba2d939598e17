"""`pipeline forecast`: every JSON field, categories and overrides, targets, currencies,
undated/overdue deals and each --by grouping, against figures computed by hand."""

from __future__ import annotations

import pytest

from pipeline_tui.services.stages import add_pipeline
from pipeline_tui.services.targets import remove_target, set_target
from pipeline_tui.store.sqlite import SqliteStore as Store
from tests.report_helpers import Clock, deal, lost, rows_by, won

pytestmark = pytest.mark.both_backends

FIELDS = [
    "period",
    "currency",
    "closed_won",
    "commit",
    "best_case",
    "pipeline",
    "open_total",
    "weighted",
    "deals",
    "target",
    "attainment",
    "coverage",
]


@pytest.fixture
def book(store: Store, monkeypatch: pytest.MonkeyPatch) -> Store:
    """Today is 2027-01-15. Default stages: Lead In 10, Qualified 25, Demo 40 (pipeline),
    Proposal 60 (best_case), Negotiation 80 (commit)."""
    Clock(monkeypatch, "2027-01-15T12:00")
    add_pipeline(store, "Partners")
    c = "2027-01-02"
    deal(store, "D1", 10_000, stage="Negotiation", close="2027-01-20", created=c)
    deal(store, "D2", 20_000, stage="Proposal", close="2027-01-31", created=c)
    deal(store, "D3", 5_000, owner="Ben", stage="Demo", close="2027-02-10", created=c)
    deal(
        store, "D4", 8_000, owner="Ben", stage="Qualified", close="2027-02-28", created=c,
        category="commit", probability=50,
    )  # fmt: skip
    deal(store, "D5", 7_000, stage="Proposal", close="2027-03-05", created=c, category="omitted")
    deal(store, "D6", 3_000, owner="Ben", stage="Lead In", created=c)  # no close date
    deal(store, "D7", 4_000, stage="Demo", close="2026-12-20", created="2026-12-01")  # overdue
    d8 = deal(store, "D8", 12_000, stage="Negotiation", close="2027-01-05", created=c)
    won(store, d8, "2027-01-05")
    d9 = deal(store, "D9", 6_000, owner="Ben", stage="Proposal", created="2026-12-01")
    won(store, d9, "2026-12-28")
    d10 = deal(store, "D10", 9_000, owner="Ben", stage="Demo", close="2027-01-09", created=c)
    lost(store, d10, "2027-01-08")
    deal(store, "D11", 10_000, stage="Proposal", close="2027-01-25", currency="EUR", created=c)
    deal(store, "D12", 2_500, stage="Negotiation", close="2027-04-02", created=c)
    deal(
        store, "D13", 1_000, owner="Ben", stage="Proposal", close="2027-01-10", created=c,
        pipeline="Partners",
    )  # fmt: skip  # closes before today, but inside January: stays in January
    set_target(store, 5_000_000, "USD", "2027-01")
    set_target(store, 3_000_000, "USD", "2027-01", "Ana")
    set_target(store, 1_500_000, "USD", "2027-01", "Ben")
    set_target(store, 12_000_000, "USD", "2027-Q1")
    set_target(store, 4_000_000, "USD", "2027-Q1", "Ben")
    return store


def run(cli, *args: str) -> list[dict]:
    result = cli("forecast", *args, "--format", "json")
    assert result.exit_code == 0, result.stderr or result.stdout
    return result.json()


def test_default_is_three_months_from_this_one_with_every_field(book, cli):
    rows = run(cli)
    assert [list(r) for r in rows] == [FIELDS] * len(rows)
    assert [(r["period"], r["currency"]) for r in rows] == [
        ("2027-01", "USD"),
        ("2027-01", "EUR"),
        ("2027-02", "USD"),
        ("2027-03", "USD"),
        ("undated/overdue", "USD"),
    ]
    jan = rows[0]
    assert jan == {
        "period": "2027-01",
        "currency": "USD",
        "closed_won": 12000.0,  # D8; D9 was won in December, D10 lost
        "commit": 10000.0,  # D1 (Negotiation)
        "best_case": 21000.0,  # D2 + D13 (Proposal), D13 though its date has passed
        "pipeline": 0.0,
        "open_total": 31000.0,
        "weighted": 20600.0,  # 8,000 + 12,000 + 600
        "deals": 3,
        "target": 50000.0,  # the explicit team target, not the owners' 45,000
        "attainment": 0.24,  # 12,000 / 50,000
        "coverage": 0.8158,  # 31,000 / (50,000 - 12,000)
    }
    eur = rows[1]
    assert (eur["best_case"], eur["weighted"], eur["deals"], eur["target"]) == (
        10000.0,
        6000.0,
        1,
        None,
    )
    assert eur["attainment"] is None and eur["coverage"] is None
    feb = rows[2]
    # D4: Qualified, but its category override is commit and its probability 50.
    assert (feb["commit"], feb["pipeline"], feb["weighted"], feb["deals"]) == (
        8000.0,
        5000.0,
        6000.0,
        2,
    )
    assert feb["target"] is None  # the Q1 target is not split into months
    mar = rows[3]  # D5 is omitted
    assert (mar["open_total"], mar["deals"], mar["closed_won"]) == (0.0, 0, 0.0)
    undated = rows[4]  # D6 (no close date) and D7 (closed 2026-12-20, still open)
    assert (undated["pipeline"], undated["weighted"], undated["deals"]) == (7000.0, 1900.0, 2)
    assert undated["target"] is None and undated["closed_won"] == 0.0


def test_quarters(book, cli):
    rows = rows_by(run(cli, "--period", "quarter", "--periods", "2"), "period", "currency")
    q1 = rows[("2027-Q1", "USD")]
    assert (q1["closed_won"], q1["commit"], q1["best_case"], q1["pipeline"]) == (
        12000.0,
        18000.0,
        21000.0,
        5000.0,
    )
    assert (q1["open_total"], q1["weighted"], q1["deals"]) == (44000.0, 26600.0, 5)
    assert (q1["target"], q1["attainment"], q1["coverage"]) == (120000.0, 0.1, 0.4074)
    q2 = rows[("2027-Q2", "USD")]
    assert (q2["commit"], q2["weighted"], q2["target"]) == (2500.0, 2000.0, None)
    assert set(rows) == {
        ("2027-Q1", "USD"),
        ("2027-Q1", "EUR"),
        ("2027-Q2", "USD"),
        ("undated/overdue", "USD"),
    }


def test_year_and_from(book, cli):
    rows = rows_by(run(cli, "--period", "year", "--periods", "1"), "period", "currency")
    y = rows[("2027", "USD")]
    assert (y["open_total"], y["closed_won"]) == (46500.0, 12000.0)  # Q1 + D12
    dec = run(cli, "--from", "2026-12-01", "--periods", "1")
    assert dec[0]["period"] == "2026-12" and dec[0]["closed_won"] == 6000.0  # D9
    assert dec[0]["pipeline"] == 4000.0  # D7 closes in December: shown there, not undated
    assert dec[-1]["period"] == "undated/overdue" and dec[-1]["pipeline"] == 3000.0


def test_by_owner_with_owner_targets(book, cli):
    rows = rows_by(run(cli, "--by", "owner"), "period", "group", "currency")
    ana = rows[("2027-01", "Ana", "USD")]
    assert (ana["closed_won"], ana["commit"], ana["best_case"], ana["weighted"]) == (
        12000.0,
        10000.0,
        20000.0,
        20000.0,
    )
    assert (ana["target"], ana["attainment"], ana["coverage"]) == (30000.0, 0.4, 1.6667)
    ben = rows[("2027-01", "Ben", "USD")]
    assert (ben["best_case"], ben["target"], ben["attainment"], ben["coverage"]) == (
        1000.0,
        15000.0,
        0.0,
        0.0667,
    )
    assert rows[("2027-01", "Ana", "EUR")]["best_case"] == 10000.0
    assert rows[("2027-02", "Ana", "USD")]["deals"] == 0  # an empty month still has a row
    assert rows[("2027-02", "Ben", "USD")]["weighted"] == 6000.0
    assert rows[("undated/overdue", "Ben", "USD")]["pipeline"] == 3000.0
    assert rows[("undated/overdue", "Ana", "USD")]["pipeline"] == 4000.0
    q = rows_by(run(cli, "--by", "owner", "--period", "quarter"), "period", "group", "currency")
    assert q[("2027-Q1", "Ben", "USD")]["target"] == 40000.0
    # Ana has a January target only: not every month of Q1, so no quarter target.
    assert q[("2027-Q1", "Ana", "USD")]["target"] is None


def test_owner_filter_uses_the_owners_target(book, cli):
    rows = run(cli, "--owner", "ben")
    jan = rows[0]
    assert (jan["period"], jan["best_case"], jan["target"], jan["coverage"]) == (
        "2027-01",
        1000.0,
        15000.0,
        0.0667,
    )
    assert all("group" not in r for r in rows)


def test_team_target_is_the_sum_of_owners_when_not_set(book, cli):
    remove_target(book, "2027-01", None, "USD")
    jan = run(cli)[0]
    assert (jan["target"], jan["attainment"]) == (45000.0, 0.2667)  # 30,000 + 15,000


def test_coverage_is_null_once_the_target_is_met(book, cli):
    set_target(book, 1_000_000, "USD", "2027-01", "Ana")  # 10,000: already won 12,000
    ana = rows_by(run(cli, "--by", "owner"), "period", "group", "currency")[
        ("2027-01", "Ana", "USD")
    ]
    assert (ana["attainment"], ana["coverage"]) == (1.2, None)


def test_by_category(book, cli):
    rows = rows_by(run(cli, "--by", "category"), "period", "group", "currency")
    assert rows[("2027-01", "closed_won", "USD")]["closed_won"] == 12000.0
    commit = rows[("2027-01", "commit", "USD")]
    assert (commit["commit"], commit["weighted"], commit["deals"]) == (10000.0, 8000.0, 1)
    best = rows[("2027-01", "best_case", "USD")]
    assert (best["best_case"], best["weighted"], best["deals"]) == (21000.0, 12600.0, 2)
    assert rows[("2027-01", "best_case", "EUR")]["best_case"] == 10000.0
    assert ("2027-01", "pipeline", "USD") not in rows  # nothing there: no row of zeros
    assert rows[("2027-02", "commit", "USD")]["commit"] == 8000.0  # D4's override
    assert rows[("undated/overdue", "pipeline", "USD")]["pipeline"] == 7000.0
    assert all(r["target"] is None for r in rows.values())
    groups = [g for (p, g, c) in rows if p == "2027-01" and c == "USD"]
    assert groups == ["closed_won", "commit", "best_case"]
    every = rows_by(run(cli, "--by", "category", "--all-rows"), "period", "group", "currency")
    assert every[("2027-01", "pipeline", "USD")]["open_total"] == 0.0
    groups = [g for (p, g, c) in every if p == "2027-01" and c == "USD"]
    assert groups == ["closed_won", "commit", "best_case", "pipeline"]
    assert set(rows) < set(every)
    empty = [k for k, r in every.items() if not (r["closed_won"] or r["open_total"] or r["deals"])]
    assert empty and set(every) - set(rows) == set(empty)


def test_by_stage_names_the_pipeline_when_there_are_several(book, cli):
    rows = rows_by(run(cli, "--by", "stage"), "period", "group", "currency")
    neg = rows[("2027-01", "Sales: Negotiation", "USD")]
    assert (neg["closed_won"], neg["commit"]) == (12000.0, 10000.0)
    assert rows[("2027-01", "Sales: Proposal", "USD")]["best_case"] == 20000.0
    assert rows[("2027-01", "Sales: Proposal", "EUR")]["best_case"] == 10000.0
    assert rows[("2027-01", "Partners: Proposal", "USD")]["best_case"] == 1000.0
    jan_groups = [g for (p, g, c) in rows if p == "2027-01" and c == "USD"]
    assert jan_groups[:5] == [
        "Sales: Lead In",
        "Sales: Qualified",
        "Sales: Demo",
        "Sales: Proposal",
        "Sales: Negotiation",
    ]


def test_by_pipeline_and_pipeline_filter(book, cli):
    rows = rows_by(run(cli, "--by", "pipeline"), "period", "group", "currency")
    sales = rows[("2027-01", "Sales", "USD")]
    assert (sales["closed_won"], sales["open_total"], sales["deals"]) == (12000.0, 30000.0, 2)
    partners = rows[("2027-01", "Partners", "USD")]
    assert (partners["best_case"], partners["weighted"], partners["target"]) == (
        1000.0,
        600.0,
        None,
    )
    only = run(cli, "--pipeline", "sales")[0]
    assert (only["best_case"], only["open_total"], only["target"]) == (20000.0, 30000.0, None)


def test_currency_conversion_merges_rows(book, cli):
    assert cli("config", "set", "rate.EUR", "1.1").exit_code == 0
    rows = run(cli, "--currency", "usd")
    assert [(r["period"], r["currency"]) for r in rows] == [
        ("2027-01", "USD"),
        ("2027-02", "USD"),
        ("2027-03", "USD"),
        ("undated/overdue", "USD"),
    ]
    jan = rows[0]
    assert (jan["best_case"], jan["open_total"], jan["weighted"], jan["deals"]) == (
        32000.0,  # 21,000 + 10,000 EUR x 1.1
        42000.0,
        27200.0,  # 20,600 + 6,000 x 1.1
        4,
    )
    assert (jan["target"], jan["coverage"]) == (50000.0, 1.1053)
    eur = run(cli, "--currency", "EUR")[0]
    assert (eur["currency"], eur["closed_won"]) == ("EUR", 10909.09)  # 12,000 / 1.1


def test_currency_without_rate_is_an_error(book, cli):
    result = cli("forecast", "--currency", "GBP")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: no exchange rate for GBP")
    assert result.stderr.count("\n") == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--period", "week"], "invalid period 'week'"),
        (["--periods", "0"], "invalid --periods 0"),
        (["--by", "colour"], "invalid --by 'colour'"),
        (["--owner", "Nobody"], "no owner named 'Nobody'"),
        (["--pipeline", "Nope"], "no pipeline named 'Nope'"),
        (["--as-of", "2027-02-01"], "--as-of 2027-02-01 is in the future"),
        (["--from", "31/31/2027"], "invalid date"),
        (["--currency", "dollars"], "invalid currency"),
    ],
)
def test_bad_input_is_one_line(book, cli, args, message):
    result = cli("forecast", *args)
    assert result.exit_code == 1, result.stdout
    assert result.stderr.startswith("error: ") and message in result.stderr
    assert result.stderr.count("\n") == 1


def test_table_markdown_and_csv(book, cli):
    table = cli("forecast", "--by", "owner")
    assert table.exit_code == 0
    assert "Forecast by month, 2027-01 to 2027-03 (as of 2027-01-15)" in table.stdout
    assert "undated/overdue" in table.stdout and "open deals with no close date" in table.stdout
    assert "50,000.00" not in table.stdout  # by owner: owners' targets, not the team's
    assert "30,000.00" in table.stdout
    md = cli("forecast", "--format", "md").stdout
    assert md.startswith("## Forecast by month")
    assert "| 2027-01 | USD | 12,000.00 | 10,000.00 | 21,000.00 |" in md
    assert "| 24.0% | 0.82x |" in md
    csv = cli("forecast", "--format", "csv").stdout.splitlines()
    assert csv[0] == ",".join(FIELDS)
    assert csv[1].startswith("2027-01,USD,12000.0,10000.0,21000.0,0.0,31000.0,20600.0,3,50000.0")


def test_sub_commands_and_the_bare_command_both_work(book, cli):
    assert cli("forecast", "--period", "quarter").exit_code == 0
    assert cli("forecast").exit_code == 0
    snap = cli("forecast", "snapshot", "--note", "weekly")
    assert snap.exit_code == 0 and snap.stdout.startswith("Saved forecast snapshot 1")
    misplaced = cli("forecast", "--period", "quarter", "snapshots")
    assert misplaced.exit_code == 1
    assert "takes its options after its name" in misplaced.stderr


def test_empty_database(cli):
    rows = cli("forecast", "--format", "json").json()
    assert len(rows) == 4 and all(r["deals"] == 0 and r["currency"] == "USD" for r in rows)
    assert cli("forecast").exit_code == 0


def test_category_override_and_auto_through_the_cli(book, cli):
    d2 = 2  # D2: Proposal, best case, 20,000 closing in January
    assert cli("deal", "edit", str(d2), "--category", "commit").exit_code == 0
    jan = run(cli)[0]
    assert (jan["commit"], jan["best_case"], jan["weighted"]) == (30000.0, 1000.0, 20600.0)
    assert cli("deal", "edit", str(d2), "--category", "omitted").exit_code == 0
    jan = run(cli)[0]
    assert (jan["commit"], jan["best_case"], jan["deals"]) == (10000.0, 1000.0, 2)
    assert cli("deal", "edit", str(d2), "--category", "auto").exit_code == 0
    assert run(cli)[0]["best_case"] == 21000.0


def test_backdated_win_through_the_cli(book, cli):
    d1 = 1  # D1: Negotiation, 10,000 closing 2027-01-20
    future = cli("deal", "won", str(d1), "--at", "2027-01-16")
    assert future.exit_code == 1 and "is in the future" in future.stderr
    assert cli("deal", "won", str(d1), "--at", "2026-12-31").exit_code == 1  # before creation
    assert cli("deal", "won", str(d1), "--at", "2027-01-10").exit_code == 0
    jan = run(cli)[0]
    assert (jan["closed_won"], jan["commit"], jan["attainment"]) == (22000.0, 0.0, 0.44)
    as_of = run(cli, "--as-of", "2027-01-09")[0]
    assert (as_of["closed_won"], as_of["commit"]) == (12000.0, 10000.0)
