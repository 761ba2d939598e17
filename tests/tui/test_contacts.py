"""Pilot tests of the contacts mode: companies and people, filters, a record in detail with
its deals, the forms, a person on a deal with a role, the palette, hostile names."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input, OptionList, Select, TextArea

from pipeline_tui.store.sqlite import SqliteStore as Store
from pipeline_tui.tui.screens.contact_forms import DealPersonForm
from pipeline_tui.tui.screens.contacts import ContactsScreen
from pipeline_tui.tui.screens.deals import DealsScreen
from pipeline_tui.tui.widgets.contact_detail import ContactDetail
from pipeline_tui.tui.widgets.contact_table import ContactTable
from pipeline_tui.tui.widgets.deal_table import DealTable
from tests.tui.hostile_data import HOSTILE, LINK, drawn, query

from .conftest import screen_text, settle

COBALT = 17  # the demo's Cobalt Ridge Software: deal 17, Mei Lin and Raj Iyer on it


def table(app: Any) -> ContactTable:
    return app.screen.query_one(ContactTable)


def ids(app: Any) -> list[int]:
    return [r["id"] if isinstance(r, dict) else r.id for r in table(app).records]


def warnings(app: Any) -> list[str]:
    return [n.message for n in app._notifications if n.severity != "information"]


async def contacts_mode(pilot: Any) -> ContactsScreen:
    await settle(pilot)
    await pilot.press("C")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ContactsScreen)
    return screen


async def filter_to(pilot: Any, text: str) -> None:
    await pilot.press("slash", *text, "enter")
    await settle(pilot)


async def test_C_lists_the_demos_companies_by_name(make_app: Any, demo_db: Path) -> None:
    expected = [r[0] for r in query(demo_db, "SELECT id FROM companies ORDER BY name_key, id")]
    assert len(expected) == 75
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await contacts_mode(pilot)
        assert ids(app) == expected
        text = screen_text(app)
        assert "Contacts (C)" in text
        assert "1 of 75 companies · owner: everyone" in text
        for header in ("ID", "Name", "Industry", "City", "Country", "Owner", "Open deals"):
            assert header in text
        assert "Cobalt Ridge Software" in text
        await pilot.press("p")  # and the people
        await settle(pilot)
        people = query(demo_db, "SELECT count(*) FROM contacts")[0][0]
        assert len(ids(app)) == people
        assert f"1 of {people} people" in screen_text(app)
        assert "Email" in screen_text(app)
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, DealsScreen)


async def test_text_and_owner_filters(make_app: Any, demo_db: Path) -> None:
    app = make_app("contacts")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await contacts_mode(pilot)
        await filter_to(pilot, "cobalt")
        assert ids(app) == [COBALT]
        assert "text: cobalt" in screen_text(app)
        await pilot.press("p")  # the filter holds for the people too (their company)
        await settle(pilot)
        names = sorted(p.label for p in table(app).records)
        assert names == ["Mei Lin", "Raj Iyer"]
        await pilot.press("escape")  # every filter off
        await settle(pilot)
        assert screen.text == "" and len(ids(app)) > 2
        await pilot.press("p", "o")  # companies, owner: the first owner
        await settle(pilot)
        owned = query(
            demo_db,
            "SELECT c.id FROM companies c JOIN owners o ON o.id = c.owner_id "
            "WHERE o.name = ? ORDER BY c.name_key",
            (app.owner,),
        )
        assert app.owner == "Ana Ruiz" and owned
        assert ids(app) == [r[0] for r in owned]
        await filter_to(pilot, "zzz-nobody")
        assert ids(app) == [] and "No companies match" in screen_text(app)


async def test_enter_shows_a_company_with_its_deals_and_people(
    make_app: Any, demo_db: Path
) -> None:
    app = make_app("contacts")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await contacts_mode(pilot)
        await filter_to(pilot, "cobalt")
        await pilot.press("enter")
        await settle(pilot)
        assert screen.opened == ("companies", COBALT)
        text = screen_text(app)
        assert "Cobalt Ridge Software  company #17" in text
        assert "#17 Pilot for inside sales · Demo · 12,000.00 USD · 2027-01-06" in text
        assert "Open 12,000.00 USD (1 open)" in text and "0.00 USD lifetime (0 won)" in text
        assert "Mei Lin — decision maker on deal 17" in text
        assert "Raj Iyer · VP Sales — economic buyer on deal 17" in text
        assert "Product demo for inside sales" in text  # the timeline
        assert "/ Filter" not in text  # the list's keys leave the footer
        await pilot.press("escape")  # back to the list, filter kept
        await settle(pilot)
        assert screen.opened is None and ids(app) == [COBALT]
        await pilot.press("enter", "enter")  # the company, then its deal
        await settle(pilot)
        assert isinstance(app.screen, DealsScreen)
        current = app.screen.query_one(DealTable).current
        assert current is not None and current.id == 17


async def test_a_person_in_detail_shows_their_roles(make_app: Any) -> None:
    app = make_app("contacts")
    async with app.run_test(size=(80, 24)) as pilot:
        await contacts_mode(pilot)
        await pilot.press("p")
        await filter_to(pilot, "raj")
        await pilot.press("enter")
        await settle(pilot)
        text = screen_text(app)
        assert "Raj Iyer  person #79" in text
        assert "VP Sales" in text and "Cobalt Ridge Software" in text
        assert "#17 Pilot for inside sales · economic buyer" in text


async def test_new_company_person_and_note_then_undo(make_app: Any, demo_db: Path) -> None:
    app = make_app("contacts")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await contacts_mode(pilot)
        await pilot.press("n")
        await settle(pilot)
        app.screen.query_one("#name", Input).value = "Zephyr Labs"
        app.screen.query_one("#city", Input).value = "Lisbon"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not warnings(app)
        row = query(demo_db, "SELECT id, city FROM companies WHERE name = 'Zephyr Labs'")
        assert row and row[0][1] == "Lisbon"
        company_id = row[0][0]
        assert table(app).current["id"] == company_id  # the cursor goes to it
        await pilot.press("enter", "n")  # a new person at the open company
        await settle(pilot)
        assert app.screen.query_one("#company", Input).value == "Zephyr Labs"
        app.screen.query_one("#name", Input).value = "Ines Sousa"
        app.screen.query_one("#email", Input).value = "ines@zephyr.example"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert query(demo_db, "SELECT company_id FROM contacts WHERE name = 'Ines Sousa'") == [
            (company_id,)
        ]
        assert "Ines Sousa" in screen_text(app)
        await pilot.press("a")
        await settle(pilot)
        app.screen.query_one("#body", TextArea).text = "Met at the fair"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert query(demo_db, "SELECT company_id FROM notes WHERE body = 'Met at the fair'") == [
            (company_id,)
        ]
        assert "Met at the fair" in screen_text(app)  # the timeline
        await pilot.press("u", "u", "u")
        await settle(pilot)
        assert query(demo_db, "SELECT count(*) FROM companies WHERE name = 'Zephyr Labs'") == [(0,)]
        assert screen.view is None or "Zephyr" not in screen_text(app).split("Contacts (C)")[1]


async def test_a_bad_form_value_is_refused_under_its_field(make_app: Any, demo_db: Path) -> None:
    app = make_app("contacts")
    async with app.run_test(size=(120, 40)) as pilot:
        await contacts_mode(pilot)
        await pilot.press("p", "n")
        await settle(pilot)
        app.screen.query_one("#name", Input).value = "Nobody"
        app.screen.query_one("#email", Input).value = "not an email"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "invalid email 'not an email'" in screen_text(app)
        assert query(demo_db, "SELECT count(*) FROM contacts WHERE name = 'Nobody'") == [(0,)]


async def add_person_on_deal(pilot: Any, person: str, role: str = "champion") -> None:
    await pilot.press("p")
    await settle(pilot)
    form = pilot.app.screen
    assert isinstance(form, DealPersonForm)
    form.query_one("#person", Input).value = person
    await settle(pilot)
    form.query_one("#role", Select).value = role
    await pilot.press("ctrl+s")
    await settle(pilot)


def roles(db: Path, deal_id: int) -> list[tuple[Any, ...]]:
    return query(
        db,
        "SELECT p.name, r.role FROM deal_people r JOIN contacts p ON p.id = r.person_id "
        "WHERE r.deal_id = ? ORDER BY p.name",
        (deal_id,),
    )


async def test_a_champion_added_to_a_deal_shows_on_its_detail(make_app: Any, demo_db: Path) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        deal_id = app.screen.selected_deal_id()
        assert deal_id is not None
        before = roles(demo_db, deal_id)
        await pilot.press("p")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, DealPersonForm)
        form.query_one("#person", Input).value = "ava.chen@cinder"
        await settle(pilot)
        assert form.query_one("#person", Input)._suggestion == "ava.chen@cindergames.example"
        form.query_one("#person", Input).value = "Ava Chen"
        await settle(pilot)
        assert "→ person #55: Ava Chen <ava.chen@cindergames.example>" in screen_text(app)
        await pilot.press("ctrl+s")  # the role is champion unless changed
        await settle(pilot)
        assert not warnings(app)
        assert sorted([*before, ("Ava Chen", "champion")]) == roles(demo_db, deal_id)
        assert "Ava Chen · champion" in screen_text(app)  # the detail pane
        assert f"Deal {deal_id}: Ava Chen is champion" in [n.message for n in app._notifications]
        await pilot.press("u")
        await settle(pilot)
        assert roles(demo_db, deal_id) == before
        assert "Ava Chen · champion" not in screen_text(app)


async def test_a_new_person_is_created_on_the_deal_in_one_undoable_step(
    make_app: Any, demo_db: Path
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        deal_id = app.screen.selected_deal_id()
        assert deal_id is not None
        await add_person_on_deal(pilot, "Nadia Brandt", "economic_buyer")
        assert not warnings(app)
        assert ("Nadia Brandt", "economic_buyer") in roles(demo_db, deal_id)
        await pilot.press("enter")  # the deal full screen; its People section is below the fields
        await settle(pilot)
        seen = screen_text(app)
        for _ in range(4):  # page down until it shows (at 80x24 it is a page or two down)
            if "Nadia Brandt · economic buyer" in seen:
                break
            await pilot.press("pagedown")
            await settle(pilot)
            seen = screen_text(app)
        assert "Nadia Brandt · economic buyer" in seen
        await pilot.press("escape", "u")
        await settle(pilot)
        assert query(demo_db, "SELECT count(*) FROM contacts WHERE name = 'Nadia Brandt'") == [(0,)]


async def test_an_ambiguous_or_unknown_person_is_refused_in_the_form(
    make_app: Any, demo_db: Path
) -> None:
    store = Store(demo_db, actor="Test Owner")
    from pipeline_tui.services.people import add_person

    add_person(store, "Ava Chen")  # a second Ava Chen, without an email
    store.close()
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        deal_id = app.screen.selected_deal_id()
        before = roles(demo_db, deal_id)
        await add_person_on_deal(pilot, "Ava Chen")
        assert isinstance(app.screen, DealPersonForm)
        assert "2 people are named 'Ava Chen'" in screen_text(app)
        app.screen.query_one("#person", Input).value = "who@nowhere.example"
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "no person with email 'who@nowhere.example'" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert roles(demo_db, deal_id) == before


@pytest.mark.parametrize(
    ("typed", "shown", "opened"),
    [("accra", "Company: Accra Digital Services", ("companies", 68)),
     ("iyer", "Person: Raj Iyer · Cobalt Ridge Software", ("people", 79))],
)  # fmt: skip
async def test_palette_finds_companies_and_people(
    make_app: Any, typed: str, shown: str, opened: tuple[str, int]
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p", *typed)
        await settle(pilot)
        await pilot.pause(0.3)  # the palette debounces its search
        await settle(pilot)
        assert shown in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ContactsScreen)
        assert app.screen.opened == opened
        assert shown.split(": ")[1].split(" · ")[0] in screen_text(app)


async def test_another_process_adding_a_company_shows_up(make_app: Any, demo_db: Path) -> None:
    from pipeline_tui.services.companies import add_company

    app = make_app("contacts", poll=0.05)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        other = Store(demo_db, actor="CLI user")
        add_company(other, "Aaa From The CLI")
        other.close()
        for _ in range(40):
            await pilot.pause(0.05)
            if "Aaa From The CLI" in screen_text(app):
                break
        assert "Aaa From The CLI" in screen_text(app)


async def test_hostile_names_are_drawn_literally(hostile_app: Any, hostile_db: Path) -> None:
    app = hostile_app("contacts")
    async with app.run_test(size=(240, 50)) as pilot:
        await settle(pilot)
        text = screen_text(app)
        names = [r[0] for r in query(hostile_db, "SELECT name FROM companies")]
        for name in names:
            if name in HOSTILE:
                assert drawn(name) in text, name
        assert "\x1b" not in text
        await filter_to(pilot, "link=")
        assert [r["name"] for r in table(app).records] == [LINK]
        await pilot.press("enter")
        await settle(pilot)
        detail = app.screen.query_one(ContactDetail)
        text = screen_text(app)
        assert f"{LINK}  company #" in text
        assert detail.query_one(OptionList).option_count >= 2
        await pilot.press("p")  # hidden while a record is open: nothing happens
        await pilot.press("escape", "escape", "p")  # back to the list, then no filter
        await settle(pilot)
        text = screen_text(app)
        people = [r[0] for r in query(hostile_db, "SELECT name FROM contacts")]
        for name in people:
            if name in HOSTILE:
                assert drawn(name) in text, name
        assert not warnings(app)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_ids_and_names_whole_under_no_color(
    make_app: Any, size: tuple[int, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app("contacts")
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        lines = screen_text(app).splitlines()
        shown = table(app).records[: size[1] - 6]
        for company in shown:
            row = next(line for line in lines if line.strip().startswith(f"{company['id']} "))
            assert company["name"] in row and f" {company['open_deals']}" in row
