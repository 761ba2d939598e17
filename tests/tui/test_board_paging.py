"""The board's two-step load: the first screenful of every column, then the whole order."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from pipeline_tui.services.deals import DealInput, add_deal
from pipeline_tui.store.api import DealQuery
from pipeline_tui.store.sqlite import SqliteStore as Store
from pipeline_tui.tui.screens import board_data
from pipeline_tui.tui.screens.board import BoardScreen

from .conftest import FIXED_DAY, screen_text, settle

MANY = 60  # cards added to Qualified: four times what the first load reads of a column


@pytest.fixture
def many(demo_db: Path) -> Path:
    """The demo, with MANY more open deals in Qualified (none planned, early close dates)."""
    store = Store(demo_db, actor="Test Owner")
    with store.tx("add deals"):
        for i in range(MANY):
            close = date(2026, 1, 1) + timedelta(days=i)
            add_deal(store, DealInput(title=f"Bulk {i:02d}", stage="Qualified", close_date=close))
    store.close()
    return demo_db


@pytest.fixture
def held(monkeypatch: pytest.MonkeyPatch) -> Iterator[threading.Event]:
    """Hold back the second step (the whole order) until the event is set."""
    release = threading.Event()
    real = board_data.rest_of

    def rest_of(*args: Any) -> Any:
        release.wait(timeout=20)
        return real(*args)

    monkeypatch.setattr("pipeline_tui.tui.screens.board.rest_of", rest_of)
    yield release
    release.set()


def _order(db: Path, stage_id: int) -> list[int]:
    store = Store(db)
    try:
        keys = store.pages.board_keys(DealQuery(pipeline_id=1), FIXED_DAY.isoformat())
        return [k[2] for k in keys[stage_id]]
    finally:
        store.close()


def _qualified(board: BoardScreen) -> int:
    return next(
        i for i, c in enumerate(board.columns) if board.stage_names[c.stage_id] == "Qualified"
    )


async def _until(pilot: Any, check: Any) -> None:
    for _ in range(200):
        if check():
            return
        await pilot.pause(0.02)
    raise AssertionError("the board did not get there")


async def test_first_paint_has_true_counts_then_the_rest_arrives(
    make_app: Any, many: Path, held: threading.Event
) -> None:
    app = make_app("board", db=many)
    async with app.run_test(size=(140, 40)) as pilot:
        board = app.screen
        assert isinstance(board, BoardScreen)
        await _until(pilot, lambda: board.last_paint_s is not None)
        column = board.columns[_qualified(board)]
        order = _order(many, column.stage_id)
        assert len(order) > MANY
        # Painted from the first keys only, with the column's true count and totals.
        assert column.keys == [] or not column.complete
        assert [k[2] for k in column.keys] == order[: len(column.keys)]
        assert board_data.FIRST_CARDS <= len(column.keys) < len(order)
        assert column.total == len(order)
        assert f"Qualified  {len(order)}" in str(board.headers[_qualified(board)].render())
        held.set()
        await settle(pilot)
        assert column.complete and [k[2] for k in column.keys] == order


async def test_scrolling_past_the_first_screenful_shows_the_later_cards_in_order(
    make_app: Any, many: Path
) -> None:
    app = make_app("board", db=many)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        board = app.screen
        assert isinstance(board, BoardScreen)
        index = _qualified(board)
        order = _order(many, board.columns[index].stage_id)
        board._select(index, 0)
        await pilot.press(*["pagedown"] * 10)  # 50 cards down: far past the first keys read
        await settle(pilot)
        assert board.selected_deal_id() == order[50]
        text = screen_text(app)
        titles = [board.columns[index].cards[i].title for i in order[48:51]]
        assert all(t in text for t in titles)
        assert text.index(titles[0]) < text.index(titles[1]) < text.index(titles[2])


async def test_moving_a_card_to_where_its_column_is_not_loaded_yet(
    make_app: Any, many: Path, held: threading.Event
) -> None:
    store = Store(many, actor="Test Owner")
    late = add_deal(
        store, DealInput(title="Late one", stage="Lead In", close_date=date(2099, 1, 1))
    )
    store.close()
    app = make_app("board", db=many)
    async with app.run_test(size=(140, 40)) as pilot:
        board = app.screen
        assert isinstance(board, BoardScreen)
        await _until(pilot, lambda: board.last_paint_s is not None)
        lead_in = board.columns[_qualified(board) - 1]
        qualified = board.columns[_qualified(board)]
        count = qualified.total
        assert lead_in.complete and not qualified.complete
        board._select(_qualified(board) - 1, lead_in.index_of(late.id))
        await pilot.press("shift+right")
        await _until(pilot, lambda: qualified.total == count + 1)
        assert late.id not in [k[2] for k in qualified.keys]  # it belongs past the first keys
        assert lead_in.index_of(late.id) is None
        held.set()
        await settle(pilot)
        order = _order(many, qualified.stage_id)
        assert [k[2] for k in qualified.keys] == order and order.index(late.id) > MANY
        assert board.selected_deal_id() == late.id  # the selection followed the card
        await pilot.press("u")
        await settle(pilot)
        assert lead_in.index_of(late.id) is not None
        assert late.id not in [k[2] for k in qualified.keys]
