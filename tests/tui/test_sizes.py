"""The TUI at 80x24 and 120x40: whole figures, readable titles, kept totals, a clean footer."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from textual.widgets._footer import FooterKey

from pipeline_tui.store.api import DealQuery
from pipeline_tui.store.sqlite import SqliteStore as Store
from pipeline_tui.tui.screens import kpi_data
from pipeline_tui.tui.screens.board import BoardScreen
from pipeline_tui.tui.screens.deals import DealsScreen
from pipeline_tui.tui.screens.figures import FiguresScreen
from pipeline_tui.tui.widgets.common import short_money
from pipeline_tui.tui.widgets.deal_table import SORTABLE, DealHeader, DealTable, layout, sort_label
from pipeline_tui.tui.widgets.footer import FittedFooter
from pipeline_tui.tui.widgets.kpi import ForecastChart, KpiTile
from pipeline_tui.tui.widgets.stage_column import StageHeader

from .conftest import settle

SIZES = [(80, 24), (120, 40)]
sizes = pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
ISO_ISH = re.compile(r"\d{4}-[0-9-]*")  # anything that starts like an ISO date


def plain_lines(app: Any) -> list[str]:
    """The screen as plain text lines, spaces kept (the SVG export drops some)."""
    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), record=True,
                      color_system=None, legacy_windows=False, safe_box=False)  # fmt: skip
    console.print(app.screen._compositor.render_update(full=True))
    return console.export_text().splitlines()


def _words(widget: Any) -> list[str]:
    return str(widget.render()).split()


def _report(db: Path, kind: str = "month") -> kpi_data.KpiReport:
    store = Store(db)
    try:
        return kpi_data.report(store, kind, 0, None)
    finally:
        store.close()


def _starts_with(words: list[str], *texts: str) -> bool:
    return any(words[: len(t.split())] == t.split() for t in texts)


@sizes
async def test_kpi_tiles_show_each_figure_whole_with_a_readable_label(
    make_app: Any, demo_db: Path, size: tuple[int, int]
) -> None:
    expected = _report(demo_db)
    app = make_app("kpi")
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        text = "\n".join(plain_lines(app))
        for tile in expected.tiles:
            widget = app.screen.query_one(f"#tile-{tile.key}", KpiTile)
            lines = str(widget.render()).splitlines()
            if widget.bordered:
                label = str(widget.border_title)
            else:
                label, lines = lines[0], lines[1:]
            assert label in (tile.label, tile.short_label)
            assert label in text
            words = " ".join(lines).split()
            assert _starts_with(words, tile.value, tile.value_short), (tile, lines)
            for line in lines:  # every line is on screen, none clipped
                assert line in text


async def test_a_tile_too_narrow_for_the_figure_abbreviates_it(make_app: Any, cli: Any) -> None:
    added = cli("deal", "add", "Tokyo pilot", "--value", "900000", "--currency", "JPY",
                "--owner", "Ana Ruiz", "--close", "2026-11-30")  # fmt: skip
    assert added.exit_code == 0, added.stderr
    app = make_app("kpi")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        shown = 0
        for widget in app.screen.query(KpiTile):
            tile = widget.tile
            assert tile is not None
            value = str(widget.render()).splitlines()[1]  # under the label
            if " + " in tile.value:  # amounts per currency: no rate for JPY
                assert len(tile.value) > widget.size.width
                assert set(value.split()) <= {*tile.value_short.split(), "…"}, value
                assert re.search(r"\d(\.\d)?k [A-Z]{3}", value), value  # 12.5k EUR
                shown += 1
        assert shown


@sizes
async def test_e_shows_every_exact_figure(
    make_app: Any, demo_db: Path, size: tuple[int, int]
) -> None:
    expected = _report(demo_db)
    app = make_app("kpi")
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        assert "e Exact figures" in plain_lines(app)[-1]
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, FiguresScreen)
        text = "\n".join(plain_lines(app))
        for tile in expected.tiles:
            assert tile.value in text
        await pilot.press("e")
        assert not isinstance(app.screen, FiguresScreen)


@sizes
async def test_chart_title_follows_the_period_and_its_key_is_off_the_bars(
    make_app: Any, size: tuple[int, int]
) -> None:
    app = make_app("kpi")
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        text = "\n".join(plain_lines(app))
        assert "Forecast by month" in text and "2026-11" in text
        chart = app.screen.query_one(ForecastChart)
        assert "Closed won" not in str(chart.render())  # plotext's legend, drawn over bars
        assert "Closed won" in text  # the key under the chart
        await pilot.press("p")
        await settle(pilot)
        text = "\n".join(plain_lines(app))
        assert "Forecast by quarter" in text and "by month" not in text
        assert "2026-Q4" in text


def _stage_totals(db: Path) -> dict[int, Any]:
    store = Store(db)
    try:
        pipeline = store.stages.pipeline_by_name(None)
        return store.pages.stage_totals(DealQuery(pipeline_id=pipeline.id))
    finally:
        store.close()


async def _each_column(pilot: Any) -> Any:
    """Select each board column in turn, yielding its index."""
    screen = pilot.app.screen
    assert isinstance(screen, BoardScreen)
    for index in range(len(screen.columns)):
        if index:
            await pilot.press("right")
            await settle(pilot)
        assert screen.column == index
        yield index


@sizes
async def test_board_headers_keep_count_totals_and_weighted(
    make_app: Any, demo_db: Path, size: tuple[int, int]
) -> None:
    totals = _stage_totals(demo_db)
    assert any(len(t.totals) == 3 for t in totals.values())  # a stage with three currencies
    app = make_app("board")
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        async for index in _each_column(pilot):
            screen = app.screen
            header = screen.query(StageHeader)[index]
            stage = totals[screen.columns[index].stage_id]
            lines = str(header.render()).splitlines()
            assert header.size.height >= len(lines)
            assert lines[0].split()[-1] == str(stage.count)
            shown = "\n".join(lines)
            for currency, minor in stage.totals.items():
                assert short_money(minor, currency) in shown
                assert short_money(stage.weighted[currency], currency) in shown
            assert "weighted" in shown
            text = "\n".join(plain_lines(app))
            for line in lines:
                assert line.strip() in text


@sizes
async def test_card_dates_are_whole(make_app: Any, size: tuple[int, int]) -> None:
    app = make_app("board")
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        async for index in _each_column(pilot):
            lines = plain_lines(app)
            for token in ISO_ISH.findall("\n".join(lines)):
                assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", token), token
            column = app.screen.columns[index]
            first = column.cards.get(column.keys[0][2]) if column.keys else None
            if first is not None and first.close_date:
                assert first.close_date in "\n".join(lines)


@sizes
async def test_the_sorted_column_is_always_shown(make_app: Any, size: tuple[int, int]) -> None:
    app = make_app("deals")
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DealsScreen)
        seen = set()
        for _ in SORTABLE:
            header = screen.query_one(DealHeader)
            shown = {c.key: (c, w) for c, _x, w in layout(header.size.width, screen.sort)}
            assert screen.sort in shown
            column, width = shown[screen.sort]
            assert sort_label(column.label, width, screen.descending) in plain_lines(app)[2]
            row = screen.query_one(DealTable).current
            text = "\n".join(plain_lines(app))
            if screen.sort == "close" and row is not None and row.close_date:
                assert row.close_date in text
            seen.add(screen.sort)
            await pilot.press("s")
            await settle(pilot)
        assert seen == set(SORTABLE)


@sizes
async def test_footer_shows_whole_bindings_and_ends_clean(
    make_app: Any, size: tuple[int, int]
) -> None:
    app = make_app("deals")
    async with app.run_test(size=size) as pilot:
        for mode in ("d", "b", "k", "i"):
            await pilot.press(mode)
            await settle(pilot)
            last = plain_lines(app)[-1]
            assert last.rstrip().endswith("^p palette"), last
            assert "? Help" in last
            footer = app.screen.query_one(FittedFooter)
            for key in footer.query(FooterKey):
                if key.display:
                    assert key.render().plain.strip() in last


async def test_palette_finds_a_deal_by_its_company(make_app: Any) -> None:
    app = make_app("board")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p", *"greenleaf")
        await settle(pilot)
        await pilot.pause(0.3)  # the palette debounces its search
        await settle(pilot)
        assert "Deal: Reseller pipeline tracking · Greenleaf Distribution" in "\n".join(
            plain_lines(app)
        )
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DealsScreen)
        current = app.screen.query_one(DealTable).current
        assert current is not None and current.company == "Greenleaf Distribution"
