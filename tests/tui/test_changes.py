"""Pilot tests of every change: board moves and undo, the forms, live refresh, errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.widgets import Input, OptionList

from pipeline_tui.store.sqlite import SqliteStore as Store
from pipeline_tui.store.sqlite.activities import for_deal
from pipeline_tui.store.sqlite.deals import get_deal
from pipeline_tui.tui.screens.board import BoardScreen
from pipeline_tui.tui.screens.forms import LostForm
from pipeline_tui.tui.widgets.deal_table import DealTable

from .conftest import screen_text, settle


def fresh(db: Path, deal_id: int) -> Any:
    """The deal as another connection sees it: what the CLI would print."""
    store = Store(db)
    try:
        return get_deal(store, deal_id)
    finally:
        store.close()


async def test_shift_right_moves_the_deal_and_u_restores_it(make_app: Any, demo_db: Path) -> None:
    app = make_app("board")
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        board = app.screen
        assert isinstance(board, BoardScreen)
        deal_id = board.selected_deal_id()
        assert deal_id is not None and board.column == 0
        before = fresh(demo_db, deal_id)
        await pilot.press("shift+right")
        await settle(pilot)
        after = fresh(demo_db, deal_id)
        assert (before.stage, after.stage) == ("Lead In", "Qualified")
        assert board.column == 1 and board.selected_deal_id() == deal_id  # selection follows
        assert deal_id in [k[2] for k in board.columns[1].keys]
        await pilot.press("greater_than_sign")  # '>' too
        await settle(pilot)
        assert fresh(demo_db, deal_id).stage == "Demo"
        await pilot.press("u", "u")
        await settle(pilot)
        assert fresh(demo_db, deal_id).stage == "Lead In"
        assert board.selected_deal_id() == deal_id and board.column == 0


async def test_board_header_totals_cover_all_deals(make_app: Any, demo_db: Path) -> None:
    app = make_app("board")
    async with app.run_test(size=(140, 12)) as pilot:  # room for about one card per column
        await settle(pilot)
        store = Store(demo_db)
        n = store.scalar("SELECT count(*) FROM deals WHERE status = 'open' AND stage_id = 4")
        store.close()
        board = app.screen
        assert len(board.columns[3].keys) == n
        header = board.headers[3].render()
        assert f"Proposal  {n}" in str(header)


async def test_win_from_the_board(make_app: Any, demo_db: Path) -> None:
    app = make_app("board")
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        deal_id = app.screen.selected_deal_id()
        await pilot.press("w")
        await settle(pilot)
        await pilot.press("enter")  # the form's date field: blank means now
        await settle(pilot)
        assert fresh(demo_db, deal_id).status == "won", [n.message for n in app._notifications]
        assert deal_id not in [k[2] for c in app.screen.columns for k in c.keys]


async def test_lost_form_refuses_an_empty_reason(make_app: Any, demo_db: Path) -> None:
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        deal_id = app.screen.query_one(DealTable).current.id
        await pilot.press("l")
        await settle(pilot)
        assert isinstance(app.screen, LostForm)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, LostForm)  # still open
        assert "lost reason must not be empty" in screen_text(app)
        assert fresh(demo_db, deal_id).status == "open"
        app.screen.query_one("#reason", Input).value = "Chose a competitor"
        await pilot.press("ctrl+s")
        await settle(pilot)
        lost = fresh(demo_db, deal_id)
        assert (lost.status, lost.lost_reason) == ("lost", "Chose a competitor")


async def test_new_deal_edit_activity_and_move_forms(make_app: Any, demo_db: Path) -> None:
    app = make_app()
    async with app.run_test(size=(140, 50)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        form.query_one("#title", Input).value = "Fresh deal"
        form.query_one("#value", Input).value = "12.5k"
        form.query_one("#close", Input).value = "not a date"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form  # refused: still open, the message under the field
        assert "invalid date 'not a date'" in str(form.query_one("#close-error").render())
        form.query_one("#close", Input).value = "+30d"
        await pilot.press("ctrl+s")
        await settle(pilot)
        table = app.screen.query_one(DealTable)
        deal = table.current
        assert deal is not None and deal.title == "Fresh deal"
        assert (deal.value_minor, deal.close_date) == (1_250_000, "2026-12-27")

        await pilot.press("e")
        await settle(pilot)
        # The amount as the user would type it: the currency's decimals, not a float's.
        assert app.screen.query_one("#value", Input).value == "12500.00"
        app.screen.query_one("#next_step", Input).value = "Call back"
        app.screen.query_one("#next_due", Input).value = "tomorrow"
        await pilot.press("ctrl+s")
        await settle(pilot)
        edited = fresh(demo_db, deal.id)
        assert (edited.next_step, edited.next_due) == ("Call back", "2026-11-28")

        await pilot.press("a")
        await settle(pilot)
        app.screen.query_one("#subject", Input).value = "Discovery call"
        app.screen.query_one("#notes").text = "Pain: [red]spreadsheets[/]"
        await pilot.press("ctrl+s")
        await settle(pilot)
        logged = for_deal(app.reader, deal.id)
        assert [(a.subject, a.notes, a.state) for a in logged] == [
            ("Discovery call", "Pain: [red]spreadsheets[/]", "done"),
            ("Call back", None, "planned"),  # the form's next step is a planned activity
        ]
        assert "Pain: [red]spreadsheets[/]" in screen_text(app)  # the timeline, literally

        await pilot.press("m")
        await settle(pilot)
        options = app.screen.query_one(OptionList)
        options.highlighted = 3  # Proposal
        await pilot.press("enter")
        await settle(pilot)
        assert fresh(demo_db, deal.id).stage == "Proposal"


async def test_outside_write_appears_without_a_key_press(make_app: Any, demo_db: Path) -> None:
    from pipeline_tui.services.deals import DealInput, add_deal

    app = make_app("board", poll=0.05)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        other = Store(demo_db, actor="CLI user")  # a second connection, as the CLI would be
        deal = add_deal(other, DealInput(title="From the CLI", value_minor=100))
        other.close()
        first = app.screen.columns[0]
        for _ in range(40):  # the poller notices within a tick; bounded at 2 s
            await pilot.pause(0.05)
            if deal.id in [k[2] for k in first.keys]:
                break
        assert deal.id in [k[2] for k in first.keys]


async def test_errors_become_notifications(make_app: Any, demo_db: Path) -> None:
    app = make_app("board")
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await pilot.press("shift+left")  # the first stage has no previous stage
        await settle(pilot)
        messages = [n.message for n in app._notifications]
        assert any("already in the first stage" in m for m in messages)
        assert app.is_running
