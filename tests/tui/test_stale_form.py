"""No lost edits in the TUI: an edit form made stale by another user saves nothing blindly."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.widgets import Input

from pipeline_tui.services.deals import edit_deal
from pipeline_tui.store.sqlite import SqliteStore as Store
from pipeline_tui.tui.screens.forms import DealForm
from pipeline_tui.tui.widgets.deal_table import DealTable

from .conftest import screen_text, settle
from .test_changes import fresh

OTHER = "Renamed [b]by[/b] Ben"  # markup, to show it is drawn literally


def rename_elsewhere(db: Path, deal_id: int) -> None:
    """Another process (the CLI, say) renames the deal while the form is open."""
    other = Store(db, actor="Ben")
    try:
        edit_deal(other, deal_id, title=OTHER)
    finally:
        other.close()


async def open_edit_form(app: Any, pilot: Any) -> tuple[int, DealForm]:
    await settle(pilot)
    deal_id = app.screen.query_one(DealTable).current.id
    await pilot.press("e")
    await settle(pilot)
    assert isinstance(app.screen, DealForm)
    return deal_id, app.screen


async def test_a_stale_title_is_refused_and_shown_not_reverted(
    make_app: Any, demo_db: Path
) -> None:
    app = make_app()
    async with app.run_test(size=(140, 50)) as pilot:
        deal_id, form = await open_edit_form(app, pilot)
        before = fresh(demo_db, deal_id)
        rename_elsewhere(demo_db, deal_id)
        form.query_one("#title", Input).value = "My title"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert fresh(demo_db, deal_id).title == OTHER  # the other user's title stands
        message = (
            f"deal {deal_id} changed since you opened it: title is now {OTHER!r} "
            "(you changed it to 'My title'); reload and try again"
        )
        assert any(n.message == message for n in app._notifications)
        again = app.screen  # the form again, on the deal as it is now, with my entry kept
        assert isinstance(again, DealForm) and again is not form
        assert str(again.query_one("#title-error").render()) == message
        assert again.query_one("#title", Input).value == "My title"
        assert f"Edit deal: {OTHER}" in screen_text(app)
        await pilot.press("ctrl+s")  # told, the user saves again: their title, knowingly
        await settle(pilot)
        after = fresh(demo_db, deal_id)
        assert after.title == "My title"
        assert (after.value_minor, after.owner) == (before.value_minor, before.owner)


async def test_a_change_to_another_field_keeps_both(make_app: Any, demo_db: Path) -> None:
    app = make_app()
    async with app.run_test(size=(140, 50)) as pilot:
        deal_id, form = await open_edit_form(app, pilot)
        before = fresh(demo_db, deal_id)
        rename_elsewhere(demo_db, deal_id)
        form.query_one("#next_step", Input).value = "Send the contract"
        await pilot.press("ctrl+s")
        await settle(pilot)
        after = fresh(demo_db, deal_id)
        assert (after.title, after.next_step) == (OTHER, "Send the contract")
        assert (after.value_minor, after.close_date) == (before.value_minor, before.close_date)
        assert not isinstance(app.screen, DealForm)


async def test_saving_an_untouched_form_writes_nothing(make_app: Any, demo_db: Path) -> None:
    app = make_app()
    async with app.run_test(size=(140, 50)) as pilot:
        deal_id, _form = await open_edit_form(app, pilot)
        rename_elsewhere(demo_db, deal_id)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert fresh(demo_db, deal_id).title == OTHER
        assert any(n.message == "Nothing changed." for n in app._notifications)
