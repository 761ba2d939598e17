"""Pilot tests of the leads mode: the list and its filters, qualify, disqualify, activities."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input, Select

from pipeline_tui.store.sqlite import SqliteStore as Store
from pipeline_tui.tui.screens.deals import DealsScreen
from pipeline_tui.tui.screens.lead_forms import DisqualifyForm, QualifyForm
from pipeline_tui.tui.screens.leads import LeadsScreen, lead_query
from pipeline_tui.tui.widgets.deal_table import DealTable
from pipeline_tui.tui.widgets.lead_table import LeadTable
from tests.tui.hostile_data import query

from .conftest import screen_text, settle


def lead_table(app: Any) -> LeadTable:
    return app.screen.query_one(LeadTable)


def listed(app: Any) -> list[tuple[int, str]]:
    return [(lead.id, lead.status) for lead in lead_table(app).leads]


def warnings(app: Any) -> list[str]:
    return [n.message for n in app._notifications if n.severity != "information"]


def messages(app: Any) -> list[str]:
    return [n.message for n in app._notifications]


async def leads_mode(pilot: Any) -> None:
    await settle(pilot)
    await pilot.press("i")
    await settle(pilot)
    assert isinstance(pilot.app.screen, LeadsScreen)


async def fill(pilot: Any, selector: str, text: str) -> None:
    field = pilot.app.screen.query_one(selector, Input)
    field.value = text
    await settle(pilot)


async def test_i_lists_the_demos_open_leads_newest_first(make_app: Any, demo_db: Path) -> None:
    expected = query(
        demo_db,
        "SELECT id, status FROM leads WHERE status IN ('new', 'working') "
        "ORDER BY created_at DESC, id DESC",
    )
    assert len(expected) == 11  # the demo: 6 new, 5 working, 4 disqualified
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await leads_mode(pilot)
        assert listed(app) == expected
        text = screen_text(app)
        assert "1 of 11 · open (new, working) · owner: everyone" in text
        assert "Leads (i)" in text
        first = lead_table(app).current
        assert first is not None and first.id == expected[0][0]
        assert f"{first.name}  #{first.id}" in text  # the detail pane
        for header in ("ID", "Name", "Company", "Email", "Status", "Owner", "Source", "Created"):
            assert header in text
        await pilot.press("down")
        await settle(pilot)
        assert "2 of 11" in screen_text(app)
        await pilot.press("d")  # and back again by key
        await settle(pilot)
        assert isinstance(app.screen, DealsScreen)


async def test_status_owner_and_text_filters(make_app: Any, demo_db: Path) -> None:
    app = make_app("leads")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        seen = {}
        for status in ("new", "working", "qualified", "disqualified", "all"):
            await pilot.press("f")
            await settle(pilot)
            seen[status] = {s for _i, s in listed(app)}, len(listed(app))
        assert seen["new"] == ({"new"}, 6)
        assert seen["working"] == ({"working"}, 5)
        assert seen["qualified"] == (set(), 0)
        assert seen["disqualified"] == ({"disqualified"}, 4)
        assert seen["all"][1] == 15
        assert "No leads match" not in screen_text(app)
        await pilot.press("f")  # round to open again
        await settle(pilot)
        assert len(listed(app)) == 11
        await pilot.press("o")  # the first owner, shared with the other screens
        await settle(pilot)
        assert app.owner == "Ana Ruiz"
        assert {lead.owner for lead in lead_table(app).leads} == {"Ana Ruiz"}
        assert len(listed(app)) == 3 and "owner: Ana Ruiz" in screen_text(app)
        await pilot.press("o", "o", "o")
        await settle(pilot)
        assert app.owner is None
        await pilot.press("slash", *"iberia", "enter")
        await settle(pilot)
        assert [lead.company for lead in lead_table(app).leads] == ["Iberia Foods"]
        assert "text: iberia" in screen_text(app)
        await pilot.press("slash", *"zzz-nobody")
        await settle(pilot)
        assert listed(app) == [] and "No leads match" in screen_text(app)
        assert "No lead selected." in screen_text(app)
        await pilot.press("escape")  # every filter off: open leads again
        await settle(pilot)
        assert len(listed(app)) == 11 and app.screen.status == "open"


async def test_qualify_makes_the_deal_the_cli_lists_and_u_undoes_it(
    make_app: Any, demo_db: Path, cli: Any
) -> None:
    deals_before = len(cli("deal", "list", "--format", "json").json())  # type: ignore[arg-type]
    app = make_app("leads")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        lead = lead_table(app).current
        assert lead is not None and lead.company
        await pilot.press("c")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, QualifyForm)
        assert form.query_one("#currency", Input).value == "USD"  # the configured default
        assert form.query_one("#title", Input).value == f"{lead.company} - {lead.name}"
        await fill(pilot, "#value", "12.5k")
        await fill(pilot, "#close", "2026-12-31")
        form.query_one("#stage", Select).value = "Demo"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, LeadsScreen) and not warnings(app)
        assert lead.id not in [i for i, _s in listed(app)]  # qualified: no longer open
        assert len(listed(app)) == 10
        deals = cli("deal", "list", "--format", "json").json()
        assert isinstance(deals, list) and len(deals) == deals_before + 1
        new = max(deals, key=lambda d: d["id"])
        assert (new["title"], new["stage"], new["value"], new["currency"]) == (
            f"{lead.company} - {lead.name}", "Demo", 12500.0, "USD"
        )  # fmt: skip
        assert (new["close_date"], new["owner"], new["company"]) == (
            "2026-12-31", lead.owner, lead.company
        )  # fmt: skip
        linked = query(demo_db, "SELECT status, deal_id FROM leads_view WHERE id = ?", (lead.id,))
        assert linked == [("qualified", new["id"])]
        assert any(f"Lead {lead.id} qualified into deal {new['id']}" in m for m in messages(app))

        await pilot.press("f", "f", "f")  # qualified: enter opens the deal
        await settle(pilot)
        assert listed(app) == [(lead.id, "qualified")]
        assert f"#{new['id']} (enter opens it)" in screen_text(app)
        await pilot.press("c")  # already qualified: refused, no form
        await settle(pilot)
        assert isinstance(app.screen, LeadsScreen)
        assert any(f"Lead {lead.id} is already qualified" in m for m in warnings(app))
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DealsScreen)
        current = app.screen.query_one(DealTable).current
        assert current is not None and current.id == new["id"]

        await pilot.press("u")  # the journal reverts the deal and the lead's status
        await settle(pilot)
        assert len(cli("deal", "list", "--format", "json").json()) == deals_before  # type: ignore[arg-type]
        assert query(demo_db, "SELECT status FROM leads WHERE id = ?", (lead.id,)) == [("new",)]
        await pilot.press("i")
        await settle(pilot)
        assert listed(app) == []  # still showing qualified leads: none now
        await pilot.press("escape")
        await settle(pilot)
        assert (lead.id, "new") in listed(app)


async def test_the_qualify_form_refuses_bad_input_and_writes_nothing(
    make_app: Any, demo_db: Path
) -> None:
    deals = query(demo_db, "SELECT count(*) FROM deals")
    app = make_app("leads")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, QualifyForm)
        await pilot.press("ctrl+s")  # no value
        await settle(pilot)
        assert app.screen is form and "a value is required" in screen_text(app)
        for field, text, error in (
            ("#value", "lots", "invalid amount 'lots'"),
            ("#value", "EUR 9,000", "in EUR but the currency says GBP"),
            ("#currency", "XYZ1", "currency"),
            ("#close", "someday", "invalid date 'someday'"),
            ("#title", "   ", "title"),
        ):
            await fill(pilot, "#value", "100")
            await fill(pilot, "#currency", "GBP")
            await fill(pilot, "#close", "")
            await fill(pilot, "#title", form.title_text)
            await fill(pilot, field, text)
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert app.screen is form, field
            assert error in screen_text(app), (field, error)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, LeadsScreen)
        assert query(demo_db, "SELECT count(*) FROM deals") == deals
        assert len(listed(app)) == 11


async def test_an_amount_with_its_currency_sets_the_deals_currency(
    make_app: Any, demo_db: Path
) -> None:
    app = make_app("leads")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        lead = lead_table(app).current
        assert lead is not None
        await pilot.press("c")
        await settle(pilot)
        await fill(pilot, "#value", "EUR 9,000")  # the currency field left at USD
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not warnings(app)
        assert query(
            demo_db, "SELECT value_minor, currency FROM deals WHERE lead_id = ?", (lead.id,)
        ) == [(900_000, "EUR")]


async def test_disqualify_needs_a_reason_and_saves_it(make_app: Any, demo_db: Path) -> None:
    app = make_app("leads")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("down")
        await settle(pilot)
        lead = lead_table(app).current
        assert lead is not None
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, DisqualifyForm)
        await pilot.press("ctrl+s")  # no reason
        await settle(pilot)
        assert isinstance(app.screen, DisqualifyForm)
        assert "reason" in screen_text(app).lower()
        assert query(demo_db, "SELECT status FROM leads WHERE id = ?", (lead.id,)) != [
            ("disqualified",)
        ]
        await pilot.press(*"No budget this year", "enter")
        await settle(pilot)
        assert isinstance(app.screen, LeadsScreen) and not warnings(app)
        assert query(
            demo_db, "SELECT status, disqualify_reason FROM leads WHERE id = ?", (lead.id,)
        ) == [("disqualified", "No budget this year")]
        assert any(f"Lead disqualified: {lead.name}" in m for m in messages(app))
        assert lead.id not in [i for i, _s in listed(app)]
        await pilot.press("f", "f", "f", "f")  # disqualified
        await settle(pilot)
        assert (lead.id, "disqualified") in listed(app)
        app.screen.query_one(LeadTable).move_to([i for i, _s in listed(app)].index(lead.id))
        await settle(pilot)
        assert "disqualified (No budget this year)" in screen_text(app)
        await pilot.press("x")  # once is enough
        await settle(pilot)
        assert isinstance(app.screen, LeadsScreen)
        assert any("is already disqualified" in m for m in warnings(app))


async def test_log_and_plan_activities_on_the_selected_lead(make_app: Any, demo_db: Path) -> None:
    app = make_app("leads")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        lead = lead_table(app).current
        assert lead is not None
        before = query(demo_db, "SELECT count(*) FROM activities WHERE lead_id = ?", (lead.id,))
        await pilot.press("a")
        await settle(pilot)
        await fill(pilot, "#subject", "Discovery call")
        await fill(pilot, "#outcome", "Wants a demo")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not warnings(app)
        await pilot.press("a")
        await settle(pilot)
        await fill(pilot, "#subject", "Send the deck")
        await fill(pilot, "#due", "2026-12-02")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not warnings(app)
        rows = query(
            demo_db,
            "SELECT kind, subject, outcome, done_at IS NOT NULL, due_at, deal_id FROM activities "
            "WHERE lead_id = ? ORDER BY id DESC LIMIT 2",
            (lead.id,),
        )
        assert rows == [
            ("call", "Send the deck", None, 0, "2026-12-02", None),
            ("call", "Discovery call", "Wants a demo", 1, None, None),
        ]
        assert query(demo_db, "SELECT count(*) FROM activities WHERE lead_id = ?", (lead.id,)) == [
            (before[0][0] + 2,)
        ]
        text = screen_text(app)  # the detail pane shows both, the cursor kept on the lead
        assert lead_table(app).current is not None and lead_table(app).current.id == lead.id
        assert "Discovery call → Wants a demo" in text and "due 2026-12-02" in text
        await pilot.press("u")  # undo removes the plan only
        await settle(pilot)
        assert "Send the deck" not in screen_text(app)
        assert "Discovery call" in screen_text(app)


async def test_new_lead_from_the_leads_screen_is_selected(make_app: Any, demo_db: Path) -> None:
    app = make_app("leads")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        for key, name in (("n", "Nadia Key"), ("L", "Lars Shift")):
            await pilot.press(key)
            await settle(pilot)
            await fill(pilot, "#name", name)
            await fill(pilot, "#company", "Acme")
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert isinstance(app.screen, LeadsScreen) and not warnings(app)
            current = lead_table(app).current
            assert current is not None and current.name == name and current.status == "new"
        assert len(listed(app)) == 13


async def test_a_write_elsewhere_shows_without_a_key_press(make_app: Any, demo_db: Path) -> None:
    from pipeline_tui.services.leads import disqualify_lead

    app = make_app("leads", poll=0.05)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        lead = lead_table(app).current
        assert lead is not None
        other = Store(demo_db, actor="CLI user")
        disqualify_lead(other, lead.id, "from the CLI")
        other.close()
        for _ in range(40):
            await pilot.pause(0.05)
            if lead.id not in [i for i, _s in listed(app)]:
                break
        assert lead.id not in [i for i, _s in listed(app)]


async def test_palette_goes_to_leads(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p", *"go to leads")
        await settle(pilot)
        await pilot.pause(0.3)  # the palette debounces its search
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, LeadsScreen)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_ids_names_and_dates_whole_at_both_sizes(
    make_app: Any, demo_db: Path, size: tuple[int, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app("leads")
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        lines = screen_text(app).splitlines()
        for lead in lead_table(app).leads:
            row = next(line for line in lines if line.strip().startswith(f"{lead.id} "))
            assert lead.name in row and lead.created_at[:10] in row and lead.status in row
        if size[0] >= 120:
            shown = "\n".join(lines)  # the email column is there, if cut
            assert all(lead.email and lead.email[:20] in shown for lead in lead_table(app).leads)


def test_the_open_leads_query_pages_new_and_working_leads_newest_first(demo_db: Path) -> None:
    expected = query(demo_db, "SELECT id FROM leads WHERE status IN ('new', 'working') "
                     "ORDER BY created_at DESC, id DESC")  # fmt: skip
    store = Store(demo_db)
    try:
        q = lead_query("open", None, None)
        assert store.pages.record_count(q) == len(expected) == 11
        first = store.pages.record_page(q, 0, 4)
        rest = store.pages.record_page(q, 4, 100, after=first[-1].id)
        assert [lead.id for lead in first + rest] == [r[0] for r in expected]
    finally:
        store.close()


def test_pipeline_tui_screen_leads_starts_on_the_leads(
    demo_db: Path, cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pipeline_tui.tui.app import PipelineApp

    started: list[str] = []
    monkeypatch.setattr(PipelineApp, "run", lambda self: started.append(self.start_mode))
    result = cli("tui", "--screen", "leads")
    assert result.exit_code == 0 and started == ["leads"]
    result = cli("tui", "--screen", "lead")
    assert result.exit_code == 2 and started == ["leads"]
    assert "'lead' is not one of" in result.stdout + result.stderr
