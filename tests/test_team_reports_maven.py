"""Issue 13: `kpi`, `review` and `forecast --by team` on the Maven CRM sample, end to end.

Teams come from sales_teams.csv (`pipeline import owners`: regional office as the team). The
figures were counted from the files in ../shared/data (README there)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from pipeline_tui.store.sqlite import SqliteStore as Store
from tests.conftest import SHARED_DATA, Cli

pytestmark = pytest.mark.both_backends

MAVEN = SHARED_DATA / "maven_crm_sales_opportunities"
needs_maven = pytest.mark.skipif(not MAVEN.is_dir(), reason=f"shared CRM data not found at {MAVEN}")

# Won value by quarter of close and team, and won deals, counted from sales_pipeline.csv.
WON_2017 = {
    ("2017-Q1", "Central"): (347988, 192), ("2017-Q1", "East"): (329151, 143),
    ("2017-Q1", "West"): (457533, 196), ("2017-Q2", "Central"): (957321, 487),
    ("2017-Q2", "East"): (1016823, 349), ("2017-Q2", "West"): (1111967, 418),
    ("2017-Q3", "Central"): (1053202, 494), ("2017-Q3", "East"): (919767, 367),
    ("2017-Q3", "West"): (1009286, 396), ("2017-Q4", "Central"): (987782, 456),
    ("2017-Q4", "East"): (824853, 312), ("2017-Q4", "West"): (989861, 428),
}  # fmt: skip


def _ok(result: object) -> None:
    assert result.exit_code == 0, (result.stdout, result.stderr)  # type: ignore[attr-defined]


@needs_maven
def test_kpi_review_and_forecast_by_team(cli: Cli, store: Store) -> None:
    _ok(cli("import", "companies", str(MAVEN / "accounts.csv")))
    _ok(cli("import", "owners", str(MAVEN / "sales_teams.csv")))
    _ok(cli("import", "deals", str(MAVEN / "sales_pipeline.csv"), "--create-stages"))

    kpi = cli("kpi", "--by", "team", "--from", "2016-10-01", "--to", "2017-12-31",
              "--format", "json").json()  # fmt: skip
    teams = {t["owner"]: t for t in kpi["by_team"]}  # type: ignore[index]
    assert {k: (t["won"], t["lost"], t["won_value"]) for k, t in teams.items()} == {
        "Central": (1629, 975, 3346293.0),
        "East": (1171, 687, 3090594.0),
        "West": (1438, 811, 3568647.0),
    }
    table = cli("kpi", "--by", "team", "--from", "2016-10-01", "--to", "2017-12-31")
    _ok(table)
    header = next(line for line in table.stdout.splitlines() if "Central" in line)
    assert header.split() == ["Team", "Central", "East", "West"]

    review = cli("review", "--by", "team", "--as-of", "2017-03-31", "--since", "7d",
                 "--limit", "200", "--format", "json").json()  # fmt: skip
    for section, want in (("won", {"Central": 43, "East": 32, "West": 49}),
                          ("lost", {"Central": 8, "East": 11, "West": 10})):  # fmt: skip
        lines = review[section]  # type: ignore[index]
        assert Counter(line["team"] for line in lines) == want
        assert [line["team"] for line in lines] == sorted(line["team"] for line in lines)
    shown = cli("review", "--by", "team", "--as-of", "2017-03-31", "--since", "7d")
    _ok(shown)
    assert "Won (25 largest of 124)" in shown.stdout

    fc = cli("forecast", "--by", "team", "--period", "quarter", "--from", "2017-01-01",
             "--periods", "4", "--format", "json").json()  # fmt: skip
    won = {
        (r["period"], r["group"]): r["closed_won"] for r in fc if r["period"] != "undated/overdue"
    }  # type: ignore[union-attr,index]
    assert won == {k: float(v) for k, (v, _) in WON_2017.items()}
    # Open deals have no close date (README): all undated, counted per team.
    undated = {r["group"]: r["deals"] for r in fc if r["period"] == "undated/overdue"}  # type: ignore[union-attr,index]
    assert undated == {"Central": 908, "East": 433, "West": 748}
    table = cli("forecast", "--by", "team", "--period", "quarter", "--from", "2017-01-01",
                "--periods", "4")  # fmt: skip
    _ok(table)
    assert "Team" in table.stdout and "1,111,967.00" in table.stdout
    bad = cli("forecast", "--by", "region")
    assert bad.exit_code == 1
    assert "invalid --by 'region': use category, owner, team, stage, pipeline" in bad.stderr


def test_forecast_by_team_without_shared_data(cli: Cli, tmp_path: Path) -> None:
    teams = tmp_path / "t.csv"
    teams.write_text("sales_agent,manager,regional_office\nAna,,Central\nBo,,East\nCy,,East\n")
    _ok(cli("import", "owners", str(teams)))
    deals = tmp_path / "p.csv"
    deals.write_text(
        "opportunity_id,sales_agent,deal_stage,engage_date,close_date,close_value\n"
        "X1,Ana,Won,2026-01-02,2026-01-20,100\n"
        "X2,Bo,Won,2026-01-02,2026-01-21,250\n"
        "X3,Cy,Won,2026-01-02,2026-02-22,300\n"
        "X4,Dee,Won,2026-01-02,2026-01-22,5\n"
    )
    _ok(cli("import", "deals", str(deals), "--create-stages"))
    fc = cli("forecast", "--by", "team", "--from", "2026-01-01", "--periods", "2",
             "--format", "json").json()  # fmt: skip
    rows = [(r["period"], r["group"], r["closed_won"]) for r in fc]  # type: ignore[union-attr,index]
    # Dee is in no team: her deal is in "(no team)", after the teams.
    assert rows == [
        ("2026-01", "Central", 100.0), ("2026-01", "East", 250.0), ("2026-01", "(no team)", 5.0),
        ("2026-02", "Central", 0.0), ("2026-02", "East", 300.0), ("2026-02", "(no team)", 0.0),
        ("undated/overdue", "Central", 0.0), ("undated/overdue", "East", 0.0),
        ("undated/overdue", "(no team)", 0.0),
    ]  # fmt: skip
