"""The KPI screen shows the numbers of ``pipeline forecast`` and ``pipeline kpi``."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from pipeline_tui.models.money import format_money, to_minor
from pipeline_tui.store.sqlite import SqliteStore as Store
from pipeline_tui.tui.screens import kpi_data
from pipeline_tui.tui.widgets.kpi import KpiTile

from .conftest import screen_text, settle


def _cli_figures(cli: Any, p: Any, owner: str | None, currency: str | None) -> tuple[Any, Any]:
    extra = (["--owner", owner] if owner else []) + (["--currency", currency] if currency else [])
    fc = cli(
        "forecast", "--period", p.kind, "--from", p.start.isoformat(), "--periods", "1",
        "--format", "json", *extra,
    )  # fmt: skip
    last = (p.end - timedelta(days=1)).isoformat()
    kp = cli(
        "kpi", "--from", p.start.isoformat(), "--to", last, "--by", "owner", "--format", "json",
        *extra,
    )  # fmt: skip
    assert fc.exit_code == 0, fc.stdout + fc.stderr
    assert kp.exit_code == 0, kp.stdout + kp.stderr
    return [r for r in fc.json() if r["period"] == p.label], kp.json()  # type: ignore[union-attr]


def _money(major: float, currency: str) -> str:
    return format_money(to_minor(major, currency), currency)


@pytest.mark.parametrize(
    ("kind", "offset", "owner"),
    [
        ("month", 0, None),
        ("quarter", 0, None),
        ("month", -1, "Ana Ruiz"),
        ("quarter", 0, "Ben Okafor"),
    ],
)
def test_tiles_equal_the_cli(
    demo_db: Path, cli: Any, kind: str, offset: int, owner: str | None
) -> None:
    store = Store(demo_db)
    try:
        report = kpi_data.report(store, kind, offset, owner)
    finally:
        store.close()
    assert report.currency == "USD"  # the demo sets rates for EUR and GBP
    rows, k = _cli_figures(cli, report.period, owner, "USD")
    (row,) = rows
    tiles = {t.key: t for t in report.tiles}

    assert tiles["won"].value == _money(row["closed_won"], "USD")
    if row["target"] is not None:
        assert tiles["won"].detail.startswith(f"{row['attainment']:.0%} of target")
        assert _money(row["target"], "USD") in tiles["won"].detail
    else:
        assert tiles["won"].detail == "no target set"
    coverage = "—" if row["coverage"] is None else f"{row['coverage']:.1f}×"
    assert tiles["coverage"].value == coverage
    assert _money(row["open_total"], "USD") in tiles["coverage"].detail
    assert tiles["weighted"].value == _money(row["weighted"], "USD")
    assert tiles["weighted"].detail.endswith(_money(k["weighted_value"], "USD"))
    rate = "—" if k["win_rate"] is None else f"{k['win_rate']:.0%}"
    assert tiles["win_rate"].value == rate
    assert tiles["win_rate"].detail == f"{k['won']} won · {k['lost']} lost in period"
    cycle = k["sales_cycle_days"]
    assert tiles["cycle"].value == ("—" if cycle is None else f"{cycle:.0f} days")
    velocity = k["velocity_per_day"]
    assert tiles["velocity"].value == ("—" if velocity is None else f"{velocity:,.2f} USD")
    assert tiles["stalled"].value == str(k["stalled_deals"])
    assert report.funnel == [(c["stage"], c["entered"], c["advanced"]) for c in k["conversion"]]
    owners = {o[0]: o for o in report.owners}
    assert set(owners) == {o["owner"] for o in k["by_owner"]}
    for o in k["by_owner"]:
        mine = owners[o["owner"]]
        assert mine[1] == str(o["open_deals"])
        assert mine[5] == ("—" if o["win_rate"] is None else f"{o['win_rate']:.0%}")


def test_without_a_rate_amounts_stay_per_currency(demo_db: Path, cli: Any) -> None:
    added = cli("deal", "add", "Tokyo pilot", "--value", "900000", "--currency", "JPY",
                "--owner", "Ana Ruiz", "--close", "2026-11-30")  # fmt: skip
    assert added.exit_code == 0, added.stderr
    store = Store(demo_db)
    try:
        report = kpi_data.report(store, "month", 0, None)
    finally:
        store.close()
    assert report.currency is None
    rows, k = _cli_figures(cli, report.period, None, None)
    won = {t.key: t for t in report.tiles}["won"]
    shown = [_money(r["closed_won"], r["currency"]) for r in rows if r["closed_won"]]
    assert won.value == " + ".join(shown)
    assert "JPY not shown" in report.chart_note


async def test_screen_shows_the_cli_figures(make_app: Any, cli: Any) -> None:
    app = make_app("kpi")
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        p = kpi_data.period("month")
        (row,), k = _cli_figures(cli, p, None, "USD")
        tile = app.screen.query_one("#tile-won", KpiTile)
        assert _money(row["closed_won"], "USD") in str(tile.render())
        # The tile breaks its lines between words: compare the words.
        rate = " ".join(str(app.screen.query_one("#tile-win_rate", KpiTile).render()).split())
        assert f"{k['win_rate']:.0%}" in rate
        assert f"{k['won']} won · {k['lost']} lost in period" in rate
        assert "amounts in USD" in screen_text(app)


def test_funnel_is_the_default_pipelines_with_two_pipelines(demo_db: Path, cli: Any) -> None:
    assert cli("pipeline", "add", "Partners").exit_code == 0
    store = Store(demo_db)
    try:
        report = kpi_data.report(store, "quarter", 0, None)
    finally:
        store.close()
    kp = cli("kpi", "--from", report.period.start.isoformat(), "--format", "json").json()
    sales = [(c["stage"], c["entered"], c["advanced"]) for c in kp["conversion"]  # type: ignore[index]
             if c["pipeline"] == "Sales"]  # fmt: skip
    assert report.funnel == sales and len(sales) == 5
