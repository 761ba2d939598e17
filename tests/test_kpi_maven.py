"""KPIs on the Maven Analytics CRM sample (8,800 real opportunities): the known totals.

The acceptance test imports the file with `pipeline import deals FILE --create-stages`,
the importer built in its own branch; it is skipped until that command exists. The second
test loads the same rows through the public deal services (a loader for this test, not an
importer) so that the KPI SQL is checked against the known figures today.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from pipeline_tui.cli.app import COMMANDS, GROUPS
from pipeline_tui.services import deals as svc
from pipeline_tui.store.sqlite import SqliteStore as Store
from tests.conftest import SHARED_DATA
from tests.report_helpers import ts

pytestmark = pytest.mark.both_backends

MAVEN = SHARED_DATA / "maven_crm_sales_opportunities" / "sales_pipeline.csv"
needs_data = pytest.mark.skipif(not MAVEN.exists(), reason=f"real CRM data absent: {MAVEN}")
KPI = ("kpi", "--from", "2016-01-01", "--to", "2017-12-31", "--format", "json")


def check(k: dict) -> None:
    assert (k["won"], k["lost"]) == (4238, 2473)
    assert k["win_rate"] == pytest.approx(0.6315, abs=0.0001)
    assert k["avg_deal_size"] == pytest.approx(2360.91, abs=0.01)
    assert k["won_value"] == 10_005_534


@needs_data
@pytest.mark.skipif(
    "import" not in GROUPS and "import" not in COMMANDS,
    reason="the 'pipeline import' command is not in this branch yet (import issue)",
)
def test_maven_kpis_after_import(cli):
    result = cli("import", "deals", str(MAVEN), "--create-stages")
    assert result.exit_code == 0, result.stderr
    check(cli(*KPI).json())


def load(store: Store, path: Path) -> None:
    """Each opportunity as a deal: engaged on engage_date, won or lost on close_date."""
    with path.open(newline="", encoding="utf-8") as f, store.tx("load maven sample"):
        for row in csv.DictReader(f):
            created = ts(row["engage_date"]) if row["engage_date"] else ts("2017-12-31")
            made = svc.add_deal(
                store,
                svc.DealInput(
                    title=row["opportunity_id"],
                    value_minor=int(row["close_value"] or 0) * 100,
                    currency="USD",
                    owner=row["sales_agent"],
                    company=row["account"] or None,
                ),
                at=created,
            )
            if row["deal_stage"] == "Won":
                svc.win_deal(store, made.id, at=ts(row["close_date"]))
            elif row["deal_stage"] == "Lost":
                svc.lose_deal(store, made.id, "Lost", at=ts(row["close_date"]))


@needs_data
def test_maven_kpis_through_the_services(store, cli):
    load(store, MAVEN)
    k = cli(*KPI).json()
    check(k)
    assert k["open_deals"] == 2089
    by = cli(*KPI[:-2], "--by", "owner", "--format", "json").json()["by_owner"]
    assert len(by) == 30 and sum(o["won"] for o in by) == 4238
