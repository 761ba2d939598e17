"""The TUI under hostile data: the deals, board and KPI screens, filters, palette and help."""

from __future__ import annotations

from typing import Any

from pipeline_tui.models.money import format_money
from pipeline_tui.tui.screens.board import BoardScreen
from pipeline_tui.tui.screens.deals import DealsScreen
from pipeline_tui.tui.screens.detail import DetailScreen
from pipeline_tui.tui.screens.forms import DealForm, LostForm
from pipeline_tui.tui.screens.help import HelpScreen
from pipeline_tui.tui.screens.kpi import KpiScreen
from pipeline_tui.tui.widgets.deal_table import SORTABLE
from tests.tui.conftest import screen_text, settle
from tests.tui.hostile_data import (
    ANSI,
    BACKSLASH,
    CJK,
    CLOSE,
    ESCAPED,
    FORMULA,
    HOSTILE,
    HOSTILE_STAGES,
    HUGE,
    LINK,
    OBRIEN,
    OWNERS,
    RTL,
    SIZE,
    WON,
    deal_row,
    drawn,
    healthy,
    query,
    step,
    table,
)


async def test_deals_screen_filters_sorting_palette_and_help(hostile_app: Any) -> None:
    app = hostile_app()
    db = app.db_path
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        healthy(app)
        text = screen_text(app)
        assert "\x1b" not in text and "\x9b" not in text  # no terminal command drawn
        for name in HOSTILE:  # every title, drawn literally: nothing read as markup
            assert drawn(name) in text, name
        first = table(app).current
        assert first is not None and first.title == WON
        for label, value in (
            ("Company", OBRIEN),
            ("Contact", LINK),
            ("Owner", WON),
            ("Next step", CLOSE),
        ):  # fmt: skip (its earliest plan)
            assert f"{label:<13}{value}" in text, label  # the detail pane
        assert f"call     {drawn(ANSI)} → {RTL}" in text and f"{'':<14}{CJK}" in text
        assert "1T USD" in text and "999,999,999,9…" not in text  # the huge value, not cut

        open_deals = query(db, "SELECT count(*) FROM deals WHERE status = 'open'")[0][0]
        assert table(app).total == open_deals
        await step(pilot, "slash", *"[/]", "enter")  # brackets, LIKE's wildcards
        text = screen_text(app)
        expected = query(db, "SELECT count(*) FROM deals d JOIN owners o ON o.id = d.owner_id "
                         "LEFT JOIN companies c ON c.id = d.company_id WHERE d.status = 'open' "
                         "AND (instr(d.title, '[/]') OR instr(c.name, '[/]') "
                         "OR instr(o.name, '[/]'))")[0][0]  # fmt: skip
        assert table(app).total == expected > 0
        assert "text: [/]" in text
        await step(pilot, "escape")
        await step(pilot, "slash", *BACKSLASH, "enter")  # LIKE's escape character itself
        rows = table(app).rows.values()
        assert rows and all(BACKSLASH in f"{r.title}{r.company}{r.owner}" for r in rows)
        await step(pilot, "escape")
        assert table(app).total == open_deals

        seen = []
        for _ in OWNERS:  # each owner in turn, named literally in the status line
            await step(pilot, "o")
            text = screen_text(app)
            assert app.owner is not None and f"owner: {drawn(app.owner)}" in text
            seen.append(app.owner)
        assert sorted(seen) == sorted(OWNERS)
        await step(pilot, "o")
        assert app.owner is None

        for _ in range(4):  # Lead In, Qualified, Demo, then the stage named '[/]'
            await step(pilot, "g")
            text = screen_text(app)
        assert "stage: [/]" in text and table(app).total > 0
        assert all(r.stage == CLOSE for r in table(app).rows.values())
        await step(pilot, "escape")

        await step(pilot, "f", "f")  # lost deals: their hostile reasons in the detail
        text = screen_text(app)
        row = table(app).current
        assert row is not None and row.status == "lost"
        assert f"lost ({drawn(deal_row(db, row.id)['lost_reason'])})" in text
        await step(pilot, "f", "f", "x")  # open again, stalled only
        assert 0 < table(app).total < open_deals
        await step(pilot, "x")

        screen = app.screen
        assert isinstance(screen, DealsScreen)
        at = SORTABLE.index("close")
        for key in [*SORTABLE[at + 1 :], *SORTABLE[: at + 1]]:  # every sort, back to close
            await step(pilot, "s")
            assert screen.sort == key and table(app).total == open_deals
        await step(pilot, "r")
        assert screen.descending
        await pilot.click("#deals-table", offset=(4, 5))  # the mouse: the sixth row
        await step(pilot)
        text = screen_text(app)
        row = table(app).current
        assert row is not None and table(app).cursor == 5
        assert f"{drawn(row.title)[:40]}" in text

        await step(pilot, "ctrl+p", *"HYPERLINK")
        await pilot.pause(0.3)  # the palette debounces its search
        await step(pilot)
        text = screen_text(app)
        assert f"Deal: {FORMULA}" in text
        await step(pilot, "enter")
        assert isinstance(app.screen, DealsScreen)
        row = table(app).current
        assert row is not None and row.title.startswith(FORMULA)

        await step(pilot, "question_mark")
        text = screen_text(app)
        assert isinstance(app.screen, HelpScreen) and "Every key binding" in text
        await step(pilot, "escape")
        assert isinstance(app.screen, DealsScreen)


async def test_board_cards_moves_filters_and_pipelines(hostile_app: Any) -> None:
    app = hostile_app("board")
    db = app.db_path
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        healthy(app)
        board = app.screen
        assert isinstance(board, BoardScreen)
        text = screen_text(app)
        assert "\x1b" not in text and "\x9b" not in text
        for name in [*HOSTILE, *HOSTILE_STAGES]:  # card titles, companies, column headers
            assert drawn(name) in text, name
        assert f"{CLOSE}  " in text and f"{ESCAPED}  " in text  # the headers with counts
        assert "1T USD" in text  # the huge deal's card and its column's total

        await step(pilot, "right", "right", "down", "left", "up", "right")
        assert board.column == 2  # Demo
        deal_id = board.selected_deal_id()
        assert deal_id is not None
        await step(pilot, "enter")
        text = screen_text(app)
        assert isinstance(app.screen, DetailScreen)
        assert drawn(deal_row(db, deal_id)["title"]) in text
        await step(pilot, "escape")
        await step(pilot, "shift+right")  # into the stage named '[/]'
        assert deal_row(db, deal_id)["stage"] == CLOSE and board.column == 3
        await step(pilot, "shift+right", "shift+right")  # Proposal, then '\[escaped]'
        assert deal_row(db, deal_id)["stage"] == ESCAPED
        await step(pilot, "shift+left", "shift+left", "shift+left")
        assert deal_row(db, deal_id)["stage"] == "Demo"

        await pilot.click(board.columns[4], offset=(3, 6))  # the second card of Proposal
        await step(pilot)
        assert board.column == 4 and board.columns[4].selected == 1
        card = board.selected_deal_id()
        assert card is not None
        title = drawn(deal_row(db, card)["title"].splitlines()[0])  # headings may wrap
        await step(pilot, "l")
        assert isinstance(app.screen, LostForm) and f"Mark lost: {title}" in screen_text(app)
        await step(pilot, "escape")
        await step(pilot, "e")
        assert isinstance(app.screen, DealForm) and f"Edit deal: {title}" in screen_text(app)
        await step(pilot, "escape")
        assert deal_row(db, card)["status"] == "open"  # both cancelled

        await step(pilot, "slash", *"O'Brien", "enter")
        text = screen_text(app)
        assert "filter: O'Brien" in text
        shown = [k[2] for c in board.columns for k in c.keys]
        assert shown and all(
            "o'brien" in f"{r['title']}{r['company']}{r['owner']}".casefold()
            for r in (deal_row(db, i) for i in shown)
        )
        await step(pilot, "escape")
        for _ in OWNERS:
            await step(pilot, "o")
            text = screen_text(app)
            assert f"owner: {drawn(app.owner or '')}" in text
        await step(pilot, "o")
        assert app.owner is None

        await step(pilot, "p")  # the pipeline named with CJK and an emoji
        text = screen_text(app)
        assert board.pipeline is not None and board.pipeline.name == CJK
        assert CJK in text and RTL in text and ESCAPED in text
        await step(pilot, "p")
        assert board.pipeline is not None and board.pipeline.name == "Sales"


async def test_kpi_screen_names_every_owner_literally(hostile_app: Any) -> None:
    app = hostile_app("kpi")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        healthy(app)
        assert isinstance(app.screen, KpiScreen)
        text = screen_text(app)
        assert "\x1b" not in text
        for name in OWNERS:  # the per-owner table
            assert drawn(name) in text, name
        total = query(
            app.db_path,
            "SELECT sum(value_minor) FROM deals d JOIN owners o ON "
            "o.id = d.owner_id WHERE o.name = ? AND d.status = 'open'",
            (WON,),
        )[0][0]
        assert total > HUGE and format_money(total, "USD") in text  # the huge deal, uncut
        for keys in ("p", "left_square_bracket", "right_square_bracket", "right_square_bracket"):
            await step(pilot, keys)
        assert "Q1 2027" in screen_text(app)
        await step(pilot, "o")
        text = screen_text(app)
        assert f"owner: {drawn(ANSI)}" in text
        await step(pilot, "o")
        text = screen_text(app)
        assert f"owner: {WON}" in text
        await step(pilot, "question_mark")
        assert isinstance(app.screen, HelpScreen)
        await step(pilot, "escape", "d")
        assert isinstance(app.screen, DealsScreen)
