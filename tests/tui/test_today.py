"""Pilot tests of the Today mode and of the deal detail's activity keys."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input, Select

from pipeline_tui.models import Activity
from pipeline_tui.services import activities as activity_service
from pipeline_tui.services import settings
from pipeline_tui.store.sqlite import SqliteStore as Store
from pipeline_tui.tui.screens.activity_forms import (
    ActivityEditForm,
    CancelActivityForm,
    CompleteForm,
    PlanForm,
    RescheduleForm,
    quick_dates,
)
from pipeline_tui.tui.screens.deals import DealsScreen
from pipeline_tui.tui.screens.leads import LeadsScreen
from pipeline_tui.tui.screens.today import TodayScreen
from pipeline_tui.tui.widgets.activity_list import ActivityList
from pipeline_tui.tui.widgets.deal_table import DealTable
from pipeline_tui.tui.widgets.lead_table import LeadTable
from pipeline_tui.tui.widgets.today_table import TodayTable
from tests.tui.hostile_data import FORMULA, HOSTILE, SIZE, WON, drawn, healthy, paste, query

from .conftest import screen_text, settle

OPEN = "done_at IS NULL AND cancelled_at IS NULL"
ROWS = "SELECT * FROM activities ORDER BY id"
CACHE = "SELECT id, next_step, next_due, next_activity_id FROM deals ORDER BY id"


def table(app: Any) -> TodayTable:
    return app.screen.query_one(TodayTable)


def section_ids(db: Path, start: str | None, end: str, owner: str | None = None) -> list[int]:
    sql = f"SELECT a.id FROM activities a JOIN owners o ON o.id = a.owner_id WHERE {OPEN} "
    params: list[Any] = [end]
    sql += "AND due_at < ? "
    if start is not None:
        sql += "AND due_at >= ? "
        params.append(start)
    if owner is not None:
        sql += "AND o.name = ? "
        params.append(owner)
    return [r[0] for r in query(db, sql + "ORDER BY due_at, a.id", tuple(params))]


def warnings(app: Any) -> list[str]:
    return [n.message for n in app._notifications if n.severity != "information"]


def messages(app: Any) -> list[str]:
    return [n.message for n in app._notifications]


async def today_mode(pilot: Any) -> None:
    await settle(pilot)
    await pilot.press("t")
    await settle(pilot)
    assert isinstance(pilot.app.screen, TodayScreen)


async def select(pilot: Any, pick: Any) -> Activity:
    """Move the cursor to the first listed activity for which ``pick`` holds."""
    t = table(pilot.app)
    index = next(i for i, ln in enumerate(t.lines) if ln.activity and pick(ln.activity))
    t.cursor = index
    await settle(pilot)
    current = t.current
    assert current is not None
    return current


async def fill(pilot: Any, selector: str, text: str) -> None:
    pilot.app.screen.query_one(selector, Input).value = text
    await settle(pilot)


def activity(db: Path, activity_id: int) -> dict[str, Any]:
    store = Store(db)
    try:
        return store.activities.get_activity(activity_id).to_dict()
    finally:
        store.close()


async def test_t_lists_overdue_today_and_the_next_seven_days(make_app: Any, demo_db: Path) -> None:
    overdue = section_ids(demo_db, None, "2026-11-27")
    due = section_ids(demo_db, "2026-11-27", "2026-11-28")
    week = section_ids(demo_db, "2026-11-28", "2026-12-05")
    assert overdue and due and week  # the demo has some of each
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await today_mode(pilot)
        assert [a.id for a in table(app).activities] == overdue + due + week
        text = screen_text(app)
        assert "Today (t)" in text
        assert f"Overdue ({len(overdue)})" in text
        assert f"Due today, 2026-11-27 ({len(due)})" in text
        assert f"Next 7 days, to 2026-12-04 ({len(week)})" in text
        assert f"{len(overdue)} overdue · {len(due)} due today" in text
        assert "owner: everyone" in text  # PIPELINE_OWNER names no owner of the demo
        first = table(app).current
        assert first is not None and first.id == overdue[0]
        lines = text.splitlines()
        row = next(ln for ln in lines if first.subject in ln)
        assert row.lstrip().startswith("!") and first.regarding and first.regarding in row
        later = next(a for a in table(app).activities if a.id == week[0])
        assert not next(ln for ln in lines if later.subject in ln).lstrip().startswith("!")
        await pilot.press("down")
        await settle(pilot)
        assert table(app).current is not None and table(app).current.id == overdue[1]
        await pilot.press("end")
        await settle(pilot)
        assert table(app).current is not None and table(app).current.id == week[-1]


async def test_sections_are_bounded_with_a_count_of_the_rest(make_app: Any, demo_db: Path,
                                                            monkeypatch: Any) -> None:  # fmt: skip
    from pipeline_tui.tui.screens import today

    monkeypatch.setattr(today, "CAP", 2)
    overdue = section_ids(demo_db, None, "2026-11-27")
    app = make_app("today")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert f"Overdue ({len(overdue)})" in text
        assert f"… {len(overdue) - 2} more: pipeline activity list --overdue" in text
        assert len(table(app).activities) <= 6


async def test_complete_with_an_outcome_then_plan_the_next_step(
    make_app: Any, demo_db: Path
) -> None:
    before = query(demo_db, ROWS)
    cache = query(demo_db, CACHE)
    app = make_app("today")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        act = await select(pilot, lambda a: a.deal_id is not None)
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, CompleteForm)
        await pilot.press(*"Agreed on budget", "enter")
        await settle(pilot)
        assert isinstance(app.screen, PlanForm)  # offered at once, for the same deal
        assert f"(deal {act.deal_id})" in screen_text(app)
        done = activity(demo_db, act.id)
        assert done["state"] == "done" and done["outcome"] == "Agreed on budget"
        assert done["done_at"] == "2026-11-27T12:00:00Z"
        await fill(pilot, "#subject", "Send the proposal")
        await fill(pilot, "#due", "+3d")
        app.screen.query_one("#kind", Select).value = "email"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, TodayScreen) and not warnings(app)
        new = query(demo_db, f"SELECT id, kind, subject, due_at, deal_id FROM activities "
                             f"WHERE {OPEN} ORDER BY id DESC LIMIT 1")  # fmt: skip
        assert new[0][1:] == ("email", "Send the proposal", "2026-11-30", act.deal_id)
        assert act.id not in [a.id for a in table(app).activities]
        assert new[0][0] in [a.id for a in table(app).activities]  # in the week section
        await pilot.press("u")  # the plan
        await settle(pilot)
        await pilot.press("u")  # the completion
        await settle(pilot)
        assert query(demo_db, ROWS) == before and query(demo_db, CACHE) == cache
        assert act.id in [a.id for a in table(app).activities]


async def test_skipping_the_plan_says_the_deal_has_no_next_step(
    make_app: Any, demo_db: Path
) -> None:
    lonely = query(demo_db, f"SELECT deal_id FROM activities JOIN deals d ON d.id = deal_id "
                            f"WHERE {OPEN} AND d.status = 'open' AND due_at < '2026-12-05' "
                            "GROUP BY deal_id HAVING count(*) = 1")  # fmt: skip
    deal_id = lonely[0][0]
    app = make_app("today")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        act = await select(pilot, lambda a: a.deal_id == deal_id)
        await pilot.press("space")
        await settle(pilot)
        await pilot.press("enter")  # no outcome: allowed
        await settle(pilot)
        assert isinstance(app.screen, PlanForm)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, TodayScreen)
        assert any(f"deal {deal_id} has no next step" in m for m in warnings(app))
        assert activity(demo_db, act.id)["state"] == "done"
        assert query(demo_db, "SELECT next_activity_id FROM deals WHERE id = ?", (deal_id,)) \
            == [(None,)]  # fmt: skip


async def test_reschedule_by_one_day_and_to_a_typed_date(make_app: Any, demo_db: Path) -> None:
    app = make_app("today")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        act = table(app).current
        assert act is not None and (act.due_at or "") < "2026-11-27"  # overdue
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, RescheduleForm)
        assert "2026-11-28" in screen_text(app)  # +1 day counts from today when overdue
        await pilot.press("enter")  # the first choice: +1 day
        await settle(pilot)
        assert activity(demo_db, act.id)["due_at"] == "2026-11-28"
        assert table(app).current is not None and table(app).current.id == act.id  # followed
        assert "Overdue" in screen_text(app)
        await pilot.press("r")
        await settle(pilot)
        app.screen.query_one("#date", Input).focus()
        await pilot.press(*"2026-12-15", "enter")
        await settle(pilot)
        assert activity(demo_db, act.id)["due_at"] == "2026-12-15"
        assert act.id not in [a.id for a in table(app).activities]  # beyond the week
        assert not warnings(app)


def test_quick_dates_count_from_the_due_date_when_it_is_ahead() -> None:
    act = Activity(1, "call", "s", 1, None, "o", None, "2026-12-02", None, None, "x")
    day = date(2026, 11, 27)  # a Friday
    assert quick_dates(act, day) == [
        ("+1 day", date(2026, 12, 3)),
        ("+1 week", date(2026, 12, 9)),
        ("next Monday", date(2026, 11, 30)),
    ]


async def test_cancel_with_a_reason_and_u_restores_it_exactly(make_app: Any, demo_db: Path) -> None:
    before = query(demo_db, ROWS)
    cache = query(demo_db, CACHE)
    app = make_app("today")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        act = await select(pilot, lambda a: True)
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, CancelActivityForm)
        await pilot.press(*"Customer postponed", "enter")
        await settle(pilot)
        row = activity(demo_db, act.id)
        assert row["state"] == "cancelled" and row["cancel_reason"] == "Customer postponed"
        assert act.id not in [a.id for a in table(app).activities]
        await pilot.press("u")
        await settle(pilot)
        assert query(demo_db, ROWS) == before and query(demo_db, CACHE) == cache
        assert act.id in [a.id for a in table(app).activities]


async def test_edit_writes_only_what_changed_and_refuses_a_stale_edit(
    make_app: Any, demo_db: Path
) -> None:
    app = make_app("today")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        act = await select(pilot, lambda a: a.owner != "Ben Okafor")
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, ActivityEditForm)
        await fill(pilot, "#subject", "Call the CFO")
        await fill(pilot, "#owner", "ben okafor")
        await pilot.press("ctrl+s")
        await settle(pilot)
        row = activity(demo_db, act.id)
        assert (row["subject"], row["owner"], row["kind"], row["due_at"], row["notes"]) == (
            "Call the CFO", "Ben Okafor", act.kind, act.due_at, act.notes
        )  # fmt: skip
        sql = "SELECT after FROM events WHERE entity_id = ? AND entity = 'activities' "
        after = query(demo_db, sql + "ORDER BY id DESC LIMIT 1", (act.id,))
        assert sorted(set(json.loads(after[0][0])) - {"updated_at"}) == ["owner_id", "subject"]

        await pilot.press("e")  # opened on 'Call the CFO'; another program renames it
        await settle(pilot)
        other = Store(demo_db, actor="Other")
        activity_service.edit(other, act.id, {"subject": "Theirs"})
        other.close()
        await fill(pilot, "#subject", "Mine")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert any("changed" in m for m in warnings(app))
        assert activity(demo_db, act.id)["subject"] == "Theirs"


async def test_owner_filter_defaults_to_mine_when_an_owner_is_configured(
    make_app: Any, demo_db: Path, monkeypatch: Any
) -> None:
    monkeypatch.delenv("PIPELINE_OWNER")
    store = Store(demo_db)
    settings.set_value(store, "owner", "Ana Ruiz")
    store.close()
    mine = section_ids(demo_db, None, "2026-12-05", "Ana Ruiz")
    everyone = section_ids(demo_db, None, "2026-12-05")
    app = make_app("today")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert "owner: mine (Ana Ruiz)" in screen_text(app)
        assert sorted(a.id for a in table(app).activities) == sorted(mine)
        await pilot.press("o")
        await settle(pilot)
        assert "owner: everyone" in screen_text(app)
        assert sorted(a.id for a in table(app).activities) == sorted(everyone)
        await pilot.press("o")
        await settle(pilot)
        assert {a.owner for a in table(app).activities} == {"Ben Okafor"}
        await pilot.press("o", "o")  # Chloé Martin, then mine again
        await settle(pilot)
        assert "owner: mine (Ana Ruiz)" in screen_text(app)


async def test_enter_opens_the_deal_or_the_lead(make_app: Any, demo_db: Path) -> None:
    app = make_app("today")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        act = await select(pilot, lambda a: a.deal_id is not None)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DealsScreen)
        current = app.screen.query_one(DealTable).current
        assert current is not None and current.id == act.deal_id
        await pilot.press("t")
        await settle(pilot)
        lead_act = await select(pilot, lambda a: a.lead_id is not None)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, LeadsScreen)
        lead = app.screen.query_one(LeadTable).current
        assert lead is not None and lead.id == lead_act.lead_id


async def test_another_programs_change_shows_without_a_key(make_app: Any, demo_db: Path) -> None:
    app = make_app("today", poll=0.05)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        act = table(app).current
        assert act is not None
        other = Store(demo_db, actor="Other")
        activity_service.done(other, act.id, "elsewhere")
        other.close()
        for _ in range(50):
            await pilot.pause(0.05)
            if act.id not in [a.id for a in table(app).activities]:
                break
        assert act.id not in [a.id for a in table(app).activities]


async def _deal_with_planned(pilot: Any, db: Path) -> tuple[int, ActivityList]:
    """Put the deals table on a deal with two planned activities; focus its activity list."""
    app = pilot.app
    deal_id = query(db, f"SELECT id FROM deals WHERE id IN (SELECT deal_id FROM activities "
                        f"WHERE {OPEN}) AND status = 'open' ORDER BY id LIMIT 1")[0][0]  # fmt: skip
    app.screen.show_deal(deal_id)
    await settle(pilot)
    acts = app.screen.query_one(ActivityList)
    acts.focus()
    await settle(pilot)
    return deal_id, acts


async def test_deal_detail_activities_take_the_same_keys(make_app: Any, demo_db: Path) -> None:
    before = query(demo_db, ROWS)
    app = make_app("deals")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        deal_id, acts = await _deal_with_planned(pilot, demo_db)
        text = screen_text(app)
        assert "due 2026-" in text and "(esc: back)" in text
        planned = [a for a in acts.activities if a.state == "planned"]
        first_done = next(a for a in acts.activities if a.state == "done")
        acts.cursor = acts.activities.index(first_done)
        await pilot.press("x")  # already done: refused, no form
        await settle(pilot)
        assert isinstance(app.screen, DealsScreen)
        assert any("only a planned one" in w for w in warnings(app))
        target = planned[0]
        acts.cursor = acts.activities.index(target)
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, RescheduleForm)
        await pilot.press("down", "enter")  # +1 week
        await settle(pilot)
        expected = quick_dates(target, date(2026, 11, 27))[1][1].isoformat()
        assert activity(demo_db, target.id)["due_at"] == expected
        assert app.focused is acts and acts.selected_activity() is not None
        assert acts.selected_activity().id == target.id  # type: ignore[union-attr]
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, ActivityEditForm)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        await pilot.press(*"Done from the detail", "enter")
        await settle(pilot)
        assert isinstance(app.screen, PlanForm)
        await pilot.press("escape")
        await settle(pilot)
        assert activity(demo_db, target.id)["outcome"] == "Done from the detail"
        assert "Done from the detail" in screen_text(app)
        others = [a for a in planned if a.id != target.id]
        if others:
            acts.cursor = next(i for i, a in enumerate(acts.activities) if a.id == others[0].id)
            await pilot.press("c", "enter")
            await settle(pilot)
            assert activity(demo_db, others[0].id)["state"] == "cancelled"
            await pilot.press("u")
            await settle(pilot)
        await pilot.press("u", "u")
        await settle(pilot)
        assert query(demo_db, ROWS) == before
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.focused, DealTable)
        assert app.screen.query_one(DealTable).current.id == deal_id  # type: ignore[union-attr]


async def test_hostile_subjects_and_outcomes_are_drawn_literally(
    hostile_db: Path, hostile_app: Any
) -> None:
    subjects = {r[0] for r in query(hostile_db, f"SELECT subject FROM activities WHERE {OPEN} "
                                                "AND due_at < '2026-12-05'")}  # fmt: skip
    assert subjects & set(HOSTILE)
    app = hostile_app("today")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        healthy(app)
        text = screen_text(app)
        t = table(app)
        shown = {ln.activity.subject for ln in t.lines[: t.size.height] if ln.activity}
        assert shown & set(HOSTILE) and shown <= subjects
        for subject in shown:
            assert drawn(subject) in text, subject
        act = table(app).current
        assert act is not None
        await pilot.press("x")
        await settle(pilot)
        await paste(pilot, WON + FORMULA)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert activity(hostile_db, act.id)["outcome"] == WON + FORMULA
        assert any(drawn(act.subject) in m for m in messages(app))


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_today_fits_and_works_without_colour(
    make_app: Any, demo_db: Path, monkeypatch: Any, size: tuple[int, int]
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app("today")
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert "Today (t)" in text and "Overdue (" in text and "? Help" in text
        assert "x Done" in text
        first = table(app).current
        assert first is not None and (first.due_at or "")[:10] in text
