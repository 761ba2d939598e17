"""The TUI under hostile data: every form saves typed hostile text byte for byte."""

from __future__ import annotations

from typing import Any

from textual.widgets import Input, OptionList, Select

from pipeline_tui.tui.screens.deals import DealsScreen
from pipeline_tui.tui.screens.forms import ActivityForm, DealForm, LeadForm, LostForm, MoveForm
from tests.tui.conftest import screen_text, settle
from tests.tui.hostile_data import (
    ANSI,
    BACKSLASH,
    C1,
    CJK,
    CLOSE,
    ESCAPED,
    FORMULA,
    HUGE,
    LINK,
    MINUS,
    OBRIEN,
    RTL,
    SIZE,
    WON,
    current_id,
    deal_row,
    drawn,
    paste,
    query,
    step,
    type_into,
)


async def test_forms_save_typed_hostile_text_byte_for_byte(hostile_app: Any) -> None:
    app = hostile_app()
    db = app.db_path
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        # Keys for part of each field, a paste for the rest: ESC and line breaks cannot be
        # typed, and every key costs Pilot a wait for idle.
        title = f"{WON} {CJK} {FORMULA} {RTL} {BACKSLASH}"
        company = f"{OBRIEN} {ESCAPED}"
        await step(pilot, "n")
        form = app.screen
        assert isinstance(form, DealForm)
        await step(pilot, *WON)  # the title field has the focus
        await paste(pilot, f" {CJK} {FORMULA} {RTL} {BACKSLASH}")
        await type_into(pilot, "#value", "lots")
        await type_into(pilot, "#company", OBRIEN)
        await paste(pilot, f" {ESCAPED}")
        form.query_one("#contact").focus()
        await paste(pilot, ANSI)
        form.query_one("#owner", Input).value = ""
        form.query_one("#owner").focus()
        await paste(pilot, OBRIEN)
        form.query_one("#stage").focus()
        await step(pilot, "enter", "down", "down", "down", "enter")  # the stage named '[/]'
        assert form.query_one("#stage", Select).value == CLOSE
        form.query_one("#next_step").focus()
        await paste(pilot, LINK)
        await step(pilot, "ctrl+s")  # refused: the amount, said under its field
        assert app.screen is form
        assert "invalid amount 'lots'" in str(form.query_one("#value-error").render())
        form.query_one("#title", Input).value = "nul\x00"
        await step(pilot, "ctrl+s")
        assert app.screen is form
        assert "title contains a NUL byte" in str(form.query_one("#title-error").render())
        form.query_one("#title", Input).value = title
        form.query_one("#value", Input).value = ""
        form.query_one("#value").focus()
        await paste(pilot, "999,999,999,999.99")
        await step(pilot, "ctrl+s")
        assert isinstance(app.screen, DealsScreen)
        deal_id = current_id(app)
        assert deal_row(db, deal_id) == {
            "title": title, "company": company, "contact": ANSI, "owner": OBRIEN,
            "stage": CLOSE, "next_step": LINK, "value_minor": HUGE, "status": "open",
            "lost_reason": None, "probability": None,
        }  # fmt: skip
        text = screen_text(app)
        assert f"{'Contact':<13}{drawn(ANSI)}" in text  # the detail pane
        assert f"{'Value':<13}999,999,999,999.99 USD" in text

        before = deal_row(db, deal_id)
        await step(pilot, "e")
        form = app.screen
        assert isinstance(form, DealForm)
        assert form.query_one("#title", Input).value == title
        await type_into(pilot, "#probability", "35")
        await step(pilot, "ctrl+s")
        assert deal_row(db, deal_id) == before | {"probability": 35}  # the rest untouched

        await step(pilot, "a")
        assert isinstance(app.screen, ActivityForm)
        await type_into(pilot, "#subject", f"{CLOSE} {RTL}")
        await paste(pilot, f" {LINK}")
        app.screen.query_one("#outcome").focus()
        await paste(pilot, FORMULA)
        await type_into(pilot, "#notes", "[b]")
        await step(pilot, "enter", *BACKSLASH)
        await paste(pilot, f"\n{ANSI}\t{C1}")
        await step(pilot, "ctrl+s")
        found = query(db, "SELECT subject, outcome, notes FROM activities "
                      "WHERE deal_id = ? AND done_at IS NOT NULL", (deal_id,))  # fmt: skip
        subject = f"{CLOSE} {RTL} {LINK}"
        assert found == [(subject, FORMULA, f"[b]\n{BACKSLASH}\n{ANSI}\t{C1}")]
        text = screen_text(app)
        assert f"call     {subject}" in text and f"{'':<14}[b]" in text  # the timeline
        await step(pilot, "a")
        app.screen.query_one("#subject").focus()
        await paste(pilot, ANSI)
        await type_into(pilot, "#due", "+3d")
        await step(pilot, "ctrl+s")  # a planned one
        assert query(db, "SELECT subject, due_at FROM activities WHERE deal_id = ? AND "
                     "done_at IS NULL ORDER BY id", (deal_id,)) == [
            (LINK, "2026-11-27"),  # the form's next step: a planned task, due today
            (ANSI, "2026-11-30"),
        ]  # fmt: skip

        await step(pilot, "m")
        text = screen_text(app)
        assert isinstance(app.screen, MoveForm)
        assert f"{CLOSE}  (current)" in text and ESCAPED in text
        app.screen.query_one(OptionList).highlighted = 5  # the stage named '\[escaped]'
        await step(pilot, "enter")
        assert deal_row(db, deal_id)["stage"] == ESCAPED

        await step(pilot, "l")
        text = screen_text(app)
        assert isinstance(app.screen, LostForm) and f"Mark lost: {WON}" in text
        reason = f"{CLOSE} {MINUS} {FORMULA} {CJK}"
        await step(pilot, *f"{CLOSE} {MINUS}")
        await paste(pilot, f" {FORMULA} {CJK}")
        await step(pilot, "ctrl+s")
        lost = deal_row(db, deal_id)
        assert (lost["status"], lost["lost_reason"]) == ("lost", reason)

        other = current_id(app)  # the lost deal left the open list: win the one now selected
        await step(pilot, "w", "enter")
        assert deal_row(db, other)["status"] == "won"

        await step(pilot, "L")
        form = app.screen
        assert isinstance(form, LeadForm)
        await step(pilot, *CJK)
        form.query_one("#company").focus()
        await paste(pilot, LINK)
        form.query_one("#notes").focus()
        await paste(pilot, ANSI)
        await type_into(pilot, "#email", "bad")
        await step(pilot, "ctrl+s")
        assert app.screen is form
        assert "invalid email" in str(form.query_one("#email-error").render())
        form.query_one("#email", Input).value = ""
        await step(pilot, "ctrl+s")
        lead = "SELECT l.name, c.name, l.notes FROM leads l JOIN companies c ON c.id = l.company_id"
        assert (CJK, LINK, ANSI) in query(db, lead)
        await step(pilot, "u")  # undo the lead
        assert (CJK, LINK, ANSI) not in query(db, lead)
        await step(pilot, "u")  # and the win
        assert deal_row(db, other)["status"] == "open"
        assert any(n.message.startswith("Undid: ") for n in app._notifications)
