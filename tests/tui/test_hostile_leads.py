"""The leads mode under hostile data: names drawn literally, forms saving text byte for byte."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pipeline_tui.services import leads
from pipeline_tui.store.sqlite import SqliteStore as Store
from pipeline_tui.tui.screens.lead_forms import DisqualifyForm, QualifyForm
from pipeline_tui.tui.screens.leads import LeadsScreen
from pipeline_tui.tui.widgets.lead_table import LeadTable
from tests.tui.conftest import screen_text, settle
from tests.tui.hostile_data import (
    ANSI,
    C1,
    CJK,
    CLOSE,
    FORMULA,
    HOSTILE,
    LINK,
    OBRIEN,
    RTL,
    SIZE,
    WON,
    drawn,
    healthy,
    paste,
    query,
    step,
)


@pytest.fixture
def hostile_leads(hostile_db: Path) -> Path:
    """The hostile database, plus a lead named by each hostile string."""
    store = Store(hostile_db, actor="Test Owner")
    n = len(HOSTILE)
    for i, name in enumerate(HOSTILE):
        leads.add_lead(store, name, company=HOSTILE[(i + 1) % n], source=HOSTILE[(i + 2) % n],
                       notes=HOSTILE[(i + 3) % n])  # fmt: skip
    store.close()
    return hostile_db


def current(app: Any) -> Any:
    lead = app.screen.query_one(LeadTable).current
    assert lead is not None
    return lead


async def test_hostile_leads_show_literally(hostile_leads: Path, hostile_app: Any) -> None:
    app = hostile_app("leads")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        healthy(app)
        assert isinstance(app.screen, LeadsScreen)
        text = screen_text(app)
        assert "\x1b" not in text and "\x9b" not in text  # no terminal command drawn
        for name in HOSTILE:  # names and companies, literal: nothing read as markup
            assert drawn(name) in text, name
        assert len(app.screen.query_one(LeadTable).leads) == len(HOSTILE) + 1
        table = app.screen.query_one(LeadTable)
        table.move_to(len(table.leads) - 1)  # the oldest: the one build() made
        await settle(pilot)
        text = screen_text(app)
        assert f"{WON}  #" in text
        for label, value in (("Company", OBRIEN), ("Source", LINK), ("Owner", RTL),
                             ("Notes", drawn(ANSI))):  # fmt: skip
            assert f"{label:<10}{value}" in text, label
        assert f"note     {FORMULA}" in text and "line1" in text and "line2" in text
        await step(pilot, "slash", *"[/]")  # the text filter takes markup literally
        found = app.screen.query_one(LeadTable).leads
        assert found and all("[/]" in lead.name + (lead.company or "") for lead in found)


async def test_qualify_disqualify_and_activity_keep_hostile_text(
    hostile_leads: Path, hostile_app: Any
) -> None:
    app = hostile_app("leads")
    db = app.db_path
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.screen.query_one(LeadTable)
        table.move_to(len(table.leads) - 1)  # WON at O'Brien [/]
        await settle(pilot)
        lead = current(app)
        assert (lead.name, lead.company) == (WON, OBRIEN)
        await step(pilot, "c")
        form = app.screen
        assert isinstance(form, QualifyForm)
        assert f"Qualify into a deal: {WON}" in screen_text(app)
        await step(pilot, *"1000")
        await step(pilot, "ctrl+s")
        assert isinstance(app.screen, LeadsScreen)
        deal = query(db, "SELECT d.title, ct.name FROM deals d LEFT JOIN contacts ct "
                     "ON ct.id = d.contact_id WHERE d.lead_id = ?", (lead.id,))  # fmt: skip
        assert deal == [(f"{OBRIEN} - {WON}", WON)]  # the service's title, byte for byte
        assert any(f"{OBRIEN} - {WON}" in n.message for n in app._notifications)

        lead = current(app)  # the newest lead: each HOSTILE name in turn
        await step(pilot, "x")
        assert isinstance(app.screen, DisqualifyForm)
        await step(pilot, *CLOSE)
        await paste(pilot, f" {ANSI} {CJK} {C1}")
        await step(pilot, "ctrl+s")
        reason = f"{CLOSE} {ANSI} {CJK} {C1}"
        assert query(db, "SELECT status, disqualify_reason FROM leads WHERE id = ?",
                     (lead.id,)) == [("disqualified", reason)]  # fmt: skip

        lead = current(app)
        await step(pilot, "a")
        app.screen.query_one("#subject").focus()
        await paste(pilot, f"{LINK} {ANSI}")
        await step(pilot, "ctrl+s")
        assert query(db, "SELECT subject FROM activities WHERE lead_id = ?", (lead.id,)) == [
            (f"{LINK} {ANSI}",)
        ]
        text = screen_text(app)
        assert f"call     {LINK} {drawn(ANSI)}" in text and "\x1b" not in text
