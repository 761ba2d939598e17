"""Pilot tests: modes, filters, sorting, the detail pane, help and the palette."""

from __future__ import annotations

from typing import Any

from pipeline_tui.tui.screens.board import BoardScreen
from pipeline_tui.tui.screens.deals import DealsScreen
from pipeline_tui.tui.screens.help import HelpScreen
from pipeline_tui.tui.screens.kpi import KpiScreen
from pipeline_tui.tui.widgets.deal_table import DealTable

from .conftest import screen_text, settle


async def test_modes_switch_with_keys_and_tabs(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, DealsScreen)
        await pilot.press("b")
        await settle(pilot)
        assert isinstance(app.screen, BoardScreen)
        await pilot.press("k")
        await settle(pilot)
        assert isinstance(app.screen, KpiScreen)
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, DealsScreen)
        await pilot.click("#board")  # the tab: mouse works too
        await settle(pilot)
        assert isinstance(app.screen, BoardScreen)


async def test_deals_table_counts_and_detail(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(DealTable)
        assert table.total == 36  # open deals of the demo
        assert "1 of 36" in screen_text(app)
        await pilot.press("down", "down")
        await settle(pilot)
        row = table.current
        assert row is not None and table.cursor == 2
        text = screen_text(app)
        assert "Stage history" in text and "Activities" in text
        assert "3 of 36" in text


async def test_text_owner_status_and_stalled_filters(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(DealTable)
        await pilot.press("slash", *"helios", "enter")
        await settle(pilot)
        assert table.total == 1 and table.current is not None
        assert "Helios" in (table.current.company or "")
        await pilot.press("escape")  # clear every filter
        await settle(pilot)
        assert table.total == 36
        await pilot.press("o")  # first owner
        await settle(pilot)
        assert app.owner == "Ana Ruiz"
        assert table.total == 12
        await pilot.press("o", "o", "o")  # back to everyone
        await settle(pilot)
        assert app.owner is None and table.total == 36
        await pilot.press("f")  # won
        await settle(pilot)
        assert table.total > 0 and all(r.status == "won" for r in table.rows.values())
        await pilot.press("f", "f", "f", "x")  # open again, stalled only
        await settle(pilot)
        assert 0 < table.total < 36
        assert all(table.attention[r.id].stalled for r in table.rows.values())


async def test_sort_by_key_and_by_header_click(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        table = screen.query_one(DealTable)
        await pilot.press("s")  # close -> next step
        await settle(pilot)
        assert screen.sort == "next"
        await pilot.click("#deals-header", offset=(3, 0))  # the Title column
        await settle(pilot)
        titles = [table.rows[i].title.casefold() for i in range(table.total)]
        assert screen.sort == "title" and titles == sorted(titles)
        await pilot.press("r")
        await settle(pilot)
        titles = [table.rows[i].title.casefold() for i in range(table.total)]
        assert titles == sorted(titles, reverse=True)
        screen.set_sort("attention")
        await settle(pilot)
        scores = [table.attention[table.rows[i].id].score for i in range(table.total)]
        assert scores == sorted(scores, reverse=True)


async def test_help_lists_every_binding(make_app: Any) -> None:
    from pipeline_tui.tui.app import binding_sections

    app = make_app()
    async with app.run_test(size=(140, 160)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        for title, bindings in binding_sections():
            assert title in text
            for b in bindings:
                assert (b.tooltip or b.description)[:30] in text
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_palette_jumps_to_a_deal_by_fuzzy_title(make_app: Any) -> None:
    app = make_app("board")
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p", *"benelux")
        await settle(pilot)
        await pilot.pause(0.3)  # the palette debounces its search
        await settle(pilot)
        assert "Deal: Regional rollout, Benelux" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DealsScreen)
        current = app.screen.query_one(DealTable).current
        assert current is not None and current.title == "Regional rollout, Benelux"


async def test_kpi_period_and_owner(make_app: Any) -> None:
    app = make_app("kpi")
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        assert "November 2026" in screen_text(app)
        await pilot.press("p")
        await settle(pilot)
        assert "Q4 2026" in screen_text(app)
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert "Q3 2026" in screen_text(app)
        await pilot.press("o")
        await settle(pilot)
        assert "owner: Ana Ruiz" in screen_text(app)


async def test_theme_switch_keeps_every_screen_drawn(make_app: Any) -> None:
    app = make_app("board")
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        for theme in ("nord", "textual-light", "gruvbox"):
            app.theme = theme
            await settle(pilot)
            for key in ("b", "d", "k"):
                await pilot.press(key)
                await settle(pilot)
                assert "Deals (d)" in screen_text(app)
        await pilot.press("ctrl+t")  # the theme picker, from the command palette
        await settle(pilot)
        assert "nord" in screen_text(app).lower()
