"""The forecast and KPI queries read covering indexes, and the data layer stays UI-free."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

import pytest

from pipeline_tui.models.period import series
from pipeline_tui.store.api import LIVE, KpiScope, Scope
from pipeline_tui.store.sqlite import SqliteStore as Store
from pipeline_tui.store.sqlite import kpis as k
from pipeline_tui.store.sqlite import reports as r


def plan(store: Store, sql: str, params: dict) -> list[str]:
    return [row[3] for row in store.all("EXPLAIN QUERY PLAN " + sql, params)]


@pytest.mark.parametrize("by", [None, "owner", "stage", "category", "pipeline"])
def test_forecast_queries_use_covering_indexes(store, by):
    periods = series("quarter", date(2027, 1, 1), 4)
    scope = Scope()
    params = {"start": "2027-01-01", "end": periods[-1].end.isoformat(), **scope.params()}
    open_plan = plan(store, r.open_sql(LIVE, "quarter", by, scope), params)
    # Deals are summed by day off the covering index (a materialised subquery), and only
    # those few sums are scanned again, by period.
    assert open_plan[:2] == [
        "MATERIALIZE d",
        "SEARCH d USING COVERING INDEX idx_deals_forecast (status=? AND close_date>? AND "
        "close_date<?)",
    ], open_plan
    assert [step for step in open_plan if step.startswith("SCAN")] == ["SCAN d"], open_plan
    won_plan = plan(store, r.won_sql(LIVE, "quarter", by, scope), params)
    assert won_plan[0].startswith(
        "SEARCH d USING COVERING INDEX idx_deals_closed (status=? AND closed_at>? AND"
    ), won_plan


@pytest.mark.parametrize("scope", [Scope(owner_id=1), Scope(pipeline_id=1)])
def test_filters_stay_on_the_covering_index(store, scope):
    params = {"start": "2027-01-01", "end": "2027-04-01", **scope.params()}
    steps = plan(store, r.open_sql(LIVE, "month", None, scope), params)
    assert "COVERING INDEX idx_deals_forecast" in steps[1], steps
    steps = plan(store, r.won_sql(LIVE, "month", "pipeline", scope), params)
    assert "COVERING INDEX idx_deals_closed" in steps[0], steps


def test_kpi_queries_read_indexes(store):
    scope = KpiScope("2026-01-01", "2027-01-01", date(2026, 12, 31))
    params = scope.params(LIVE)
    closed = plan(store, k.closed_sql(LIVE, scope), params)
    assert closed[0].startswith("SEARCH d USING COVERING INDEX idx_deals_closed"), closed
    conversion = plan(store, k.conversion_sql(store, LIVE, scope), params)
    assert any("COVERING INDEX idx_stage_changes_at" in s for s in conversion), conversion
    assert any("COVERING INDEX idx_stage_changes_path" in s for s in conversion), conversion
    fresh = plan(store, k.fresh_sql(LIVE, scope), {**params, "recent": "2026-12-01"})
    assert not any(s.startswith("SCAN d") for s in fresh), fresh


def test_data_layer_imports_no_ui():
    code = (
        "import sys\n"
        "import pipeline_tui.services.forecast, pipeline_tui.services.kpis\n"
        "import pipeline_tui.services.review, pipeline_tui.services.snapshots\n"
        "import pipeline_tui.services.targets, pipeline_tui.services.asof\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('typer', 'rich', 'textual')]\n"
        "print(bad)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
