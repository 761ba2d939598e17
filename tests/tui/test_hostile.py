"""User text is never markup: hostile names show literally on every screen."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pipeline_tui.services.deals import DealInput, add_deal
from pipeline_tui.store.sqlite import SqliteStore as Store

from .conftest import screen_text, settle

WON = "[bold red]WON[/]"
OBRIEN = "O'Brien [/]"


def _hostile(db: Path) -> int:
    store = Store(db, actor="Test Owner")
    deal = add_deal(store, DealInput(title=WON, company=OBRIEN, owner="[b]Ops[/b]",
                                     value_minor=100, next_step="[link=x]call[/link]"))  # fmt: skip
    add_deal(store, DealInput(title=OBRIEN, company=WON, value_minor=100))
    store.close()
    return deal.id


async def test_hostile_names_show_literally_everywhere(make_app: Any, demo_db: Path) -> None:
    deal_id = _hostile(demo_db)
    app = make_app()
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"WON", "enter")
        await settle(pilot)
        text = screen_text(app)  # the table row and the detail pane
        assert WON in text and OBRIEN in text and "[link=x]call[/link]" in text

        await pilot.press("b")
        await settle(pilot)
        await pilot.press("slash", *"O'Brien", "enter")
        await settle(pilot)
        text = screen_text(app)  # both cards: one titled, one by company
        assert WON in text and OBRIEN in text
        await pilot.press("enter")  # the detail modal
        await settle(pilot)
        assert WON in screen_text(app) or OBRIEN in screen_text(app)
        await pilot.press("escape")

        await pilot.press("k")
        await settle(pilot)
        assert "[b]Ops[/b]" in screen_text(app)  # the per-owner table

        await pilot.press("d", "w", "enter")  # a notification that names the deal
        await settle(pilot)
        assert any(WON in n.message or OBRIEN in n.message for n in app._notifications)
        assert WON in screen_text(app) or OBRIEN in screen_text(app)

        await pilot.press("ctrl+p", *"won")
        await pilot.pause(0.3)
        await settle(pilot)
        assert f"Deal: {WON}" in screen_text(app)  # the command palette
        assert app.is_running
    del deal_id
