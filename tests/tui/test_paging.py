"""Pilot tests of the paged lists on more rows than any page: leads, people and Today.

2,500 leads, 2,500 people and 300 overdue activities on top of the demo, written in one
transaction: every one must be reachable by scrolling (no cap), with the filters working."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from pipeline_tui.store.sqlite import SqliteStore as Store
from pipeline_tui.tui.screens.contacts import ContactsScreen
from pipeline_tui.tui.screens.leads import LeadsScreen
from pipeline_tui.tui.screens.today import TodayScreen
from pipeline_tui.tui.widgets.contact_table import ContactTable
from pipeline_tui.tui.widgets.lead_table import LeadTable
from pipeline_tui.tui.widgets.paged_table import PAGE
from pipeline_tui.tui.widgets.today_table import TodayTable
from tests.tui.hostile_data import query

from .conftest import screen_text, settle

N = 2500
OVERDUE = 300


@pytest.fixture
def big_db(demo_db: Path, frozen: date) -> Path:
    """The demo and, older than its leads, N new leads (the oldest is 'Bulk lead 0000'),
    N people named after every demo person ('zz person 2499' last), and OVERDUE plans due
    yesterday on the bulk leads (after the demo's, which are due yesterday at the latest)."""
    store = Store(demo_db, actor="Bulk")
    with store.tx("bulk rows") as tx:
        owner = tx.ensure_owner("Ana Ruiz")
        leads = []
        for i in range(N):
            at = f"2020-01-{1 + i // 1440:02d}T{i // 60 % 24:02d}:{i % 60:02d}:00Z"
            leads.append(tx.insert("leads", {
                "name": f"Bulk lead {i:04d}", "email": f"bulk{i}@example.com", "status": "new",
                "owner_id": owner, "created_at": at, "updated_at": at,
            }))  # fmt: skip
            tx.insert("contacts", {
                "name": f"zz person {i:04d}", "email": f"zz{i}@example.com",
                "email_key": f"zz{i}@example.com", "created_at": at, "updated_at": at,
            })  # fmt: skip
        for i in range(OVERDUE):
            tx.insert("activities", {
                "kind": "task", "subject": f"Bulk task {i:03d}", "lead_id": leads[i],
                "owner_id": owner, "due_at": "2026-11-26", "created_at": "2026-11-01T00:00:00Z",
                "updated_at": "2026-11-01T00:00:00Z",
            })  # fmt: skip
    store.close()
    return demo_db


async def test_every_lead_is_reachable_and_filters_still_work(make_app: Any, big_db: Path) -> None:
    total = query(big_db, "SELECT count(*) FROM leads WHERE status IN ('new', 'working')")[0][0]
    assert total > N
    app = make_app("leads")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, LeadsScreen)
        table = app.screen.query_one(LeadTable)
        assert f"1 of {total:,} · open (new, working)" in screen_text(app)
        assert len(table.rows) <= PAGE  # only what is drawn is loaded
        for _ in range(3):  # page by page: keyset pages after the rows above
            await pilot.press("pagedown")
            await settle(pilot)
        await pilot.press("end")
        await settle(pilot)
        assert table.current is not None and table.current.name == "Bulk lead 0000"
        text = screen_text(app)
        assert f"{total:,} of {total:,}" in text and "Bulk lead 0000" in text
        assert len(table.rows) < total  # the middle was never loaded
        await pilot.press("up")
        await settle(pilot)
        assert table.current is not None and table.current.name == "Bulk lead 0001"
        await pilot.press("home")
        await settle(pilot)
        newest = query(big_db, "SELECT id FROM leads ORDER BY created_at DESC, id DESC LIMIT 1")
        assert table.current is not None and table.current.id == newest[0][0]

        app.screen.query_one("#leads-filter").value = "Bulk lead 12"
        await settle(pilot)
        assert table.total == 100  # 1200 to 1299
        await pilot.press("end")
        await settle(pilot)
        assert table.current is not None and table.current.name == "Bulk lead 1200"
        assert "100 of 100 · open (new, working) · owner: everyone · text: Bulk lead 12" in (
            screen_text(app)
        )


async def test_every_person_is_reachable_and_the_filter_still_works(
    make_app: Any, big_db: Path
) -> None:
    total = query(big_db, "SELECT count(*) FROM contacts")[0][0]
    app = make_app("contacts")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ContactsScreen)
        await pilot.press("p")
        await settle(pilot)
        table = app.screen.query_one(ContactTable)
        assert table.kind == "people" and table.total == total
        await pilot.press("end")
        await settle(pilot)
        assert table.current is not None and table.current.name == "zz person 2499"
        text = screen_text(app)
        assert f"{total:,} of {total:,} people" in text and "zz person 2499" in text
        for _ in range(3):
            await pilot.press("pageup")
            await settle(pilot)
        assert table.current is not None and table.current.name.startswith("zz person 24")
        await pilot.press("slash", *"person 1999")
        await settle(pilot)
        assert table.total == 1
        assert table.current is not None and table.current.name == "zz person 1999"


async def test_every_overdue_activity_is_listed(make_app: Any, big_db: Path) -> None:
    overdue = [r[0] for r in query(
        big_db, "SELECT id FROM activities WHERE done_at IS NULL AND cancelled_at IS NULL "
        "AND due_at < '2026-11-27' ORDER BY due_at, id"
    )]  # fmt: skip
    assert len(overdue) > OVERDUE
    app = make_app("today")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, TodayScreen)
        table = app.screen.query_one(TodayTable)
        assert f"Overdue ({len(overdue):,})" in screen_text(app)
        assert "more:" not in screen_text(app)
        presses = 0
        while table.span_at(table.cursor).key == "overdue":  # type: ignore[union-attr]
            await pilot.press("pagedown")  # each page of the screen drawn on the way
            await settle(pilot)
            presses += 1
        assert presses > 5
        seen = [table.rows[i].id for i in range(1, len(overdue) + 1)]
        assert seen == overdue  # each one, in order, the last Bulk task 299 among them
        assert table.rows[len(overdue)].subject == "Bulk task 299"
        await pilot.press("end")
        await settle(pilot)
        week = query(big_db, "SELECT id FROM activities WHERE done_at IS NULL AND cancelled_at "
                     "IS NULL AND due_at >= '2026-11-28' AND due_at < '2026-12-05' "
                     "ORDER BY due_at, id")  # fmt: skip
        assert table.current is not None and table.current.id == week[-1][0]


async def test_a_write_elsewhere_recounts_and_the_cursor_stays_on_its_lead(
    make_app: Any, big_db: Path
) -> None:
    from pipeline_tui.services.leads import add_lead

    app = make_app("leads", poll=0.05)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(LeadTable)
        total = table.total
        await pilot.press("end")
        await settle(pilot)
        other = Store(big_db, actor="CLI user")
        add_lead(other, "Written elsewhere", owner="Ana Ruiz")
        other.close()
        for _ in range(40):
            await pilot.pause(0.05)
            if table.total == total + 1:
                break
        await settle(pilot)
        assert table.total == total + 1 and table.cursor == total  # one row further down
        assert table.current is not None and table.current.name == "Bulk lead 0000"
        await pilot.press("home")
        await settle(pilot)
        assert table.current is not None and table.current.name == "Written elsewhere"


async def test_the_cursor_stays_in_view_when_the_window_shrinks(
    make_app: Any, big_db: Path
) -> None:
    app = make_app("leads")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(LeadTable)
        await pilot.press("end")
        await settle(pilot)
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        top, height = round(table.scroll_offset.y), table.scrollable_content_region.height
        assert top <= table.cursor < top + height
        assert "Bulk lead 0000" in screen_text(app)
