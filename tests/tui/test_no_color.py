"""NO_COLOR=1: the app starts and draws every screen (Textual's monochrome filter is on)."""

from __future__ import annotations

from typing import Any

import pytest
from textual.filter import Monochrome

from pipeline_tui.tui.screens.board import BoardScreen
from pipeline_tui.tui.screens.contacts import ContactsScreen
from pipeline_tui.tui.screens.kpi import KpiScreen
from pipeline_tui.tui.screens.leads import LeadsScreen

from .conftest import screen_text, settle


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_every_screen_draws_under_no_color(
    make_app: Any, monkeypatch: pytest.MonkeyPatch, size: tuple[int, int]
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app()
    assert any(isinstance(f, Monochrome) for f in app._filters)  # the filter that crashed
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        assert "Reseller pipeline tracking" in screen_text(app)
        await pilot.press("b")
        await settle(pilot)
        assert isinstance(app.screen, BoardScreen)
        assert "Lead In" in screen_text(app)  # at 80 columns the last stages are scrolled off
        await pilot.press("k")
        await settle(pilot)
        assert isinstance(app.screen, KpiScreen)
        await pilot.press("i")
        await settle(pilot)
        assert isinstance(app.screen, LeadsScreen)
        assert "Tomás García" in screen_text(app)  # an open lead of the demo
        await pilot.press("C")
        await settle(pilot)
        assert isinstance(app.screen, ContactsScreen)
        assert "Cobalt Ridge Software" in screen_text(app)
        await pilot.press("enter")  # the first company, in detail
        await settle(pilot)
        assert "Accra Digital Services  company #68" in screen_text(app)
        await pilot.press("question_mark")
        await settle(pilot)
        assert "Keys" in screen_text(app)
