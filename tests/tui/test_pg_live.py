"""Live refresh on a server: another process's commit reaches the TUI within 500 ms by
LISTEN/NOTIFY, and a rolled-back command reaches no one (issue 14, part 3)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import pipeline_tui.tui.app
from pipeline_tui.store.api import open_store
from pipeline_tui.tui.app import PipelineApp
from pipeline_tui.tui.screens.board import BoardScreen
from tests.pg import PgServer
from tests.tui.conftest import screen_text, settle

# A second process that commits one command, or rolls one back, on the database in argv[1].
WRITER = """
import sys
from pipeline_tui.store.api import open_store
store = open_store(sys.argv[1], actor="Other Member")
if sys.argv[2] == "rollback":
    try:
        with store.tx("doomed") as tx:
            tx.raw("UPDATE deals SET title = 'Never seen' WHERE id = 1")
            raise RuntimeError("rolled back")
    except RuntimeError:
        pass
store.close()
"""


@pytest.fixture
def pg_demo(pg_server: PgServer) -> Iterator[str]:
    name = pg_server.new_database()
    url = pg_server.url(name)
    from pipeline_tui.services.demo import load_demo

    store = open_store(url, actor="Test Owner")
    load_demo(store)
    store.close()
    yield url
    pg_server.drop(name)


class TimedApp(PipelineApp):
    """Records when each DataChanged arrived (the base class's handler still refreshes)."""

    CSS_PATH = str(Path(pipeline_tui.tui.app.__file__).with_name("app.tcss"))
    seen: list[float]

    def on_pipeline_app_data_changed(self, _message: Any) -> None:
        self.seen.append(time.monotonic())


def _pipeline(url: str, *args: str) -> float:
    """Run the CLI in another process; the moment it finished (its commit is before that)."""
    env = {**os.environ, "PIPELINE_DB": url, "PIPELINE_OWNER": "Other Member"}
    done = subprocess.run(
        [sys.executable, "-m", "pipeline_tui", *args], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return time.monotonic()


async def test_another_process_commit_repaints_within_500ms(pg_demo: str) -> None:
    app = TimedApp(pg_demo, "board")
    app.seen = []
    try:
        async with app.run_test(size=(140, 40)) as pilot:
            await settle(pilot, rounds=400)
            assert isinstance(app.screen, BoardScreen)
            assert "Live Deal" not in screen_text(app)
            finished = _pipeline(pg_demo, "deal", "add", "Live Deal", "--value", "500")
            deadline = finished + 2.0
            while not app.seen and time.monotonic() < deadline:
                await pilot.pause(0.01)
            assert app.seen, "no refresh after another process's commit"
            assert app.seen[0] - finished < 0.5
            await settle(pilot, rounds=400)
            assert "Live Deal" in screen_text(app)

            # A rolled-back command announces nothing.
            seen = len(app.seen)
            subprocess.run([sys.executable, "-c", WRITER, pg_demo, "rollback"], check=True)
            await pilot.pause(1.0)
            assert len(app.seen) == seen
    finally:
        app.close_stores()


async def test_u_undoes_the_members_own_change_not_a_later_one_of_anothers(
    pg_server: PgServer, pg_demo: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pipeline_tui.services.deals import DealInput, add_deal
    from tests.test_pg_journal import member_roles

    dbname = pg_demo.split("///")[1].split("?")[0]
    member_roles(pg_server, dbname)
    alice = pg_demo.replace("user=postgres", "user=alice")
    monkeypatch.setenv("PIPELINE_OWNER", "Alice Adams")
    app = TimedApp(alice, "board")
    app.seen = []
    bob = open_store(pg_demo.replace("user=postgres", "user=bob"), actor="Bob Brown")
    try:
        async with app.run_test(size=(140, 40)) as pilot:
            await settle(pilot, rounds=400)
            board = app.screen
            assert isinstance(board, BoardScreen)
            deal_id = board.selected_deal_id()
            assert deal_id is not None
            stage = bob.deals.get_deal(deal_id).stage_id
            await pilot.press("shift+right")  # Alice moves the card
            await settle(pilot, rounds=400)
            assert bob.deals.get_deal(deal_id).stage_id != stage
            later = add_deal(bob, DealInput("Bob's later", 100_00, owner="Bob Brown")).id
            await pilot.pause(0.6)
            await settle(pilot, rounds=400)
            await pilot.press("u")
            await settle(pilot, rounds=400)
            assert bob.deals.get_deal(deal_id).stage_id == stage  # Alice's move undone
            assert bob.deals.get_deal(later).title == "Bob's later"  # Bob's, added after, stays
    finally:
        bob.close()
        app.close_stores()
