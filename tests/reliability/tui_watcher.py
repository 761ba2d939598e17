"""The TUI as part of the concurrency load: headless, live refresh on, moving one deal.

python -m tests.reliability.tui_watcher DB DEAL_TITLE STOP_FILE
Opens the board, filters it to DEAL_TITLE, touches STOP_FILE.ready, and until STOP_FILE
exists moves that deal one stage right and back (waiting for each move to land), visiting
the deals and KPI screens in between, while other processes write. Prints a JSON summary:
moves made, live refreshes seen, and every warning or error the app showed (goal: none).
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
import traceback
from pathlib import Path
from typing import Any

import pipeline_tui.tui.app
from pipeline_tui.tui.app import PipelineApp
from pipeline_tui.tui.screens.board import BoardScreen
from tests.tui.conftest import settle

LIMIT_S = 900.0


class WatchedApp(PipelineApp):
    """Counts the refreshes another process's commits cause."""

    # Relative paths resolve next to the subclass's module; the stylesheet is next to app.py.
    CSS_PATH = str(Path(pipeline_tui.tui.app.__file__).with_name("app.tcss"))
    refreshes = 0
    problems: list[str] = []

    def notify(self, message: str, *args: Any, **kwargs: Any) -> None:
        # Recorded here: shown notifications expire, so reading them at the end misses some.
        if kwargs.get("severity") in ("warning", "error"):
            WatchedApp.problems.append(f"{kwargs['severity']}: {message}")
        super().notify(message, *args, **kwargs)

    def on_pipeline_app_data_changed(self, _message: Any) -> None:
        # Textual calls the base class handler as well; this one only counts.
        WatchedApp.refreshes += 1


async def _select(pilot: Any, app: WatchedApp, title: str) -> int:
    """Filter the board down to the watched deal and return its id."""
    await pilot.press("b")
    await settle(pilot)
    board = app.screen
    assert isinstance(board, BoardScreen)
    await pilot.press("escape", "slash", *title, "enter")
    await settle(pilot)
    deal_id = board.selected_deal_id()
    assert deal_id is not None, "the watched deal is not on the board"
    return deal_id


async def watch(db: Path | str, title: str, stop: Path) -> dict[str, Any]:
    app = WatchedApp(db, "board", poll_interval=0.5)
    moves = 0
    rounds = 0
    started = time.monotonic()
    try:
        async with app.run_test(size=(140, 40)) as pilot:
            await settle(pilot, rounds=400)
            deal_id = await _select(pilot, app, title)
            stop.with_suffix(".ready").touch()  # the writers start once the TUI is up
            while not stop.exists() and time.monotonic() - started < LIMIT_S:
                board = app.screen
                assert isinstance(board, BoardScreen)
                for key in ("shift+right", "shift+left"):
                    column = board.column
                    await pilot.press(key)
                    await settle(pilot, rounds=400)
                    if board.selected_deal_id() != deal_id or board.column == column:
                        raise AssertionError(f"{key} did not move deal {deal_id}")
                    moves += 1
                rounds += 1
                if rounds % 3 == 0:  # the other screens reload under the same load
                    for key in ("d", "k"):
                        await pilot.press(key)
                        await settle(pilot, rounds=400)
                    deal_id = await _select(pilot, app, title)
                await pilot.pause(0.2)
            await asyncio.sleep(1.5)  # the last commits of the others show up too
            await settle(pilot, rounds=400)
    finally:
        app.close_stores()
    return {"moves": moves, "refreshes": WatchedApp.refreshes, "errors": WatchedApp.problems}


def main() -> None:
    # A server URL stays whole (as a Path, "postgresql://" would fold into a file name).
    db: Path | str = sys.argv[1] if "://" in sys.argv[1] else Path(sys.argv[1])
    title, stop = sys.argv[2], Path(sys.argv[3])
    try:
        summary = asyncio.run(watch(db, title, stop))
    except Exception:  # the test reads the traceback from the summary
        summary = {"moves": -1, "refreshes": 0, "errors": [traceback.format_exc()]}
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
