"""Snapshots of each screen on the demo data: fixed size, fixed clock, no cursor blink."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from .conftest import settle

SIZE = (140, 40)


@pytest.fixture
def snap_app(make_app: Any) -> Any:
    def build(mode: str) -> Any:
        app = make_app(mode)
        app.theme = "textual-dark"  # pinned, whatever the default becomes
        return app

    return build


def _keys(*keys: str) -> Any:
    async def run_before(pilot: Any) -> None:
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)

    return run_before


def test_deals_screen(snap_compare: Any, snap_app: Any, demo_db: Path) -> None:
    assert snap_compare(snap_app("deals"), terminal_size=SIZE, run_before=_keys("down", "down"))


def test_board_screen(snap_compare: Any, snap_app: Any, demo_db: Path) -> None:
    assert snap_compare(snap_app("board"), terminal_size=SIZE, run_before=_keys("right", "down"))


def test_kpi_screen(snap_compare: Any, snap_app: Any, demo_db: Path) -> None:
    assert snap_compare(snap_app("kpi"), terminal_size=SIZE, run_before=_keys())


def test_help_screen(snap_compare: Any, snap_app: Any, demo_db: Path) -> None:
    assert snap_compare(snap_app("deals"), terminal_size=SIZE, run_before=_keys("question_mark"))
