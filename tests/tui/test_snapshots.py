"""Snapshots of each screen on the demo data at 80x24, 120x40 and 140x40: fixed clock, theme."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from .conftest import settle

SIZES = [(80, 24), (120, 40), (140, 40)]
sizes = pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])


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


Size = tuple[int, int]


@sizes
def test_deals_screen(snap_compare: Any, snap_app: Any, demo_db: Path, size: Size) -> None:
    assert snap_compare(snap_app("deals"), terminal_size=size, run_before=_keys("down", "down"))


@sizes
def test_board_screen(snap_compare: Any, snap_app: Any, demo_db: Path, size: Size) -> None:
    assert snap_compare(snap_app("board"), terminal_size=size, run_before=_keys("right", "down"))


@sizes
def test_kpi_screen(snap_compare: Any, snap_app: Any, demo_db: Path, size: Size) -> None:
    assert snap_compare(snap_app("kpi"), terminal_size=size, run_before=_keys())


@sizes
def test_kpi_quarter_and_exact_figures(
    snap_compare: Any, snap_app: Any, demo_db: Path, size: Size
) -> None:
    assert snap_compare(snap_app("kpi"), terminal_size=size, run_before=_keys("p", "e"))


@sizes
def test_leads_screen(snap_compare: Any, snap_app: Any, demo_db: Path, size: Size) -> None:
    assert snap_compare(snap_app("leads"), terminal_size=size, run_before=_keys("down", "down"))


@sizes
def test_help_screen(snap_compare: Any, snap_app: Any, demo_db: Path, size: Size) -> None:
    assert snap_compare(snap_app("deals"), terminal_size=size, run_before=_keys("question_mark"))


@sizes
def test_contacts_screen(snap_compare: Any, snap_app: Any, demo_db: Path, size: Size) -> None:
    assert snap_compare(snap_app("contacts"), terminal_size=size, run_before=_keys("down", "down"))


@sizes
def test_contacts_company_detail(
    snap_compare: Any, snap_app: Any, demo_db: Path, size: Size
) -> None:
    keys = ("slash", *"cobalt", "enter", "enter")  # filter, back to the list, open it
    assert snap_compare(snap_app("contacts"), terminal_size=size, run_before=_keys(*keys))


@sizes
def test_today_screen(snap_compare: Any, snap_app: Any, demo_db: Path, size: Size) -> None:
    assert snap_compare(snap_app("today"), terminal_size=size, run_before=_keys("down", "down"))
