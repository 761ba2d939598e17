"""The TUI under hostile data: every screen and form, on a database full of hostile names."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from textual import events
from textual.widgets import Input, OptionList, Select

from pipeline_tui.app import PipelineApp
from pipeline_tui.models import PipelineError
from pipeline_tui.models.money import format_money
from pipeline_tui.screens.board import BoardScreen
from pipeline_tui.screens.deals import DealsScreen
from pipeline_tui.screens.detail import DetailScreen
from pipeline_tui.screens.forms import ActivityForm, DealForm, LeadForm, LostForm, MoveForm
from pipeline_tui.screens.help import HelpScreen
from pipeline_tui.screens.kpi import KpiScreen
from pipeline_tui.services import activities, leads, owners, stages, targets
from pipeline_tui.services.deals import DealInput, add_deal, lose_deal, win_deal
from pipeline_tui.store import Store
from pipeline_tui.store.stages import pipeline_by_name
from pipeline_tui.store.stages import stages as stages_of
from pipeline_tui.widgets.deal_table import SORTABLE, DealTable

from .conftest import screen_text, settle

WON = "[bold red]WON[/]"
OBRIEN = "O'Brien [/]"
LINK = "[link=https://x]click[/link]"
FORMULA = '=HYPERLINK("http://evil")'
ANSI = "\x1b[31mred\x1b[0m"
CJK = "株式会社テスト 🚀"
RTL = "שלום"
CLOSE = "[/]"
ESCAPED = "\\[escaped]"
BACKSLASH = "foo\\"
MINUS = "-1"
NEWLINE = "line1\nline2"
TAB = "tab\there"
C1 = "c1\x9b31mX"  # the one-byte CSI: a terminal command too
HOSTILE = [WON, OBRIEN, LINK, FORMULA, ANSI, CJK, RTL, CLOSE, ESCAPED, BACKSLASH, MINUS,
           NEWLINE, TAB, C1]  # fmt: skip
LONG = "L" * 4990 + "[/]end[b]"  # 5,000 characters
HUGE = 99_999_999_999_999  # 999,999,999,999.99 USD
OWNERS = [WON, OBRIEN, LINK, BACKSLASH, RTL, CJK, ANSI, "Test Owner"]
HOSTILE_STAGES = [CLOSE, ESCAPED]
SIZE = (240, 50)  # wide enough that no hostile name is cut on the table or a card


def drawn(text: str) -> str:
    """How user text must look on a one-line cell: literal, line breaks and tabs as spaces,
    and no control character (those would be terminal commands)."""
    one = text.replace("\n", " ").replace("\t", " ")
    return "".join(c for c in one if not (ord(c) < 32 or 0x7F <= ord(c) <= 0x9F))


def build(db: Path, day: date) -> None:
    """A database where every name a user can give is hostile."""
    store = Store(db, actor="Test Owner")
    with pytest.raises(PipelineError, match="NUL"):  # the one thing the services refuse
        add_deal(store, DealInput(title="nul\x00byte"))
    for name in OWNERS[:-1]:
        owners.add_owner(store, name)
    stages.add_stage(store, CLOSE, 50, after="Demo")
    stages.add_stage(store, ESCAPED, 70, after="Proposal")
    stages.add_pipeline(store, CJK)
    names = [s.name for s in stages_of(store, pipeline_by_name(store, None).id)]
    n = len(HOSTILE)
    for i in range(42):
        title = HOSTILE[i % n] if i < n else f"{HOSTILE[i % n]} #{i}"
        deal = add_deal(store, DealInput(
            title=title, value_minor=123_456 * (i + 1), company=HOSTILE[(i + 1) % n],
            contact=HOSTILE[(i + 2) % n], owner=OWNERS[i % len(OWNERS)],
            stage=names[i % len(names)], close_date=day + timedelta(days=i - 10),
            next_step=HOSTILE[(i + 3) % n], next_due=day + timedelta(days=i % 5 - 2)))  # fmt: skip
        activities.log_activity(store, "call", HOSTILE[(i + 4) % n], deal_id=deal.id,
                                notes=HOSTILE[(i + 5) % n],
                                outcome=HOSTILE[(i + 6) % n])  # fmt: skip
        activities.plan_activity(store, "email", HOSTILE[(i + 7) % n],
                                 day + timedelta(days=i % 7 - 3), deal_id=deal.id)  # fmt: skip
        if i % 10 == 9:
            win_deal(store, deal.id)
        elif i % 10 == 8:
            lose_deal(store, deal.id, HOSTILE[(i + 8) % n])
    add_deal(store, DealInput(title=LONG, value_minor=HUGE, company=LONG, owner=WON,
                              next_step=LONG))  # fmt: skip
    add_deal(store, DealInput(title=MINUS, value_minor=1, owner=OBRIEN))
    for i, title in enumerate((RTL, ESCAPED)):
        add_deal(store, DealInput(title=title, pipeline=CJK, owner=OWNERS[i], company=LINK))
    lead = leads.add_lead(store, WON, company=OBRIEN, source=LINK, owner=RTL, notes=ANSI)
    activities.log_activity(store, "note", FORMULA, lead_id=lead.id, notes=NEWLINE)
    month = day.strftime("%Y-%m")
    targets.set_target(store, 500_000_00, "USD", month)
    targets.set_target(store, 100_000_00, "USD", month, owner=WON)
    store.close()


@pytest.fixture
def hostile_db(db_path: Path, frozen: date) -> Path:
    build(db_path, frozen)
    return db_path


@pytest.fixture
def hostile_app(hostile_db: Path) -> Iterator[Callable[..., PipelineApp]]:
    apps: list[PipelineApp] = []

    def make(mode: str = "deals") -> PipelineApp:
        app = PipelineApp(hostile_db, mode, poll_interval=3600.0)
        apps.append(app)
        return app

    yield make
    for app in apps:
        app.close_stores()


def healthy(app: PipelineApp) -> None:
    """Still running, and the user was told of no error. Nor of a warning: every step here
    is valid, so a warning would be a service refusing what a form let through."""
    assert app.is_running
    bad = [(n.severity, n.message) for n in app._notifications if n.severity != "information"]
    assert not bad, bad


async def step(pilot: Any, *keys: str) -> None:
    """Press keys, wait for the workers, and check that the app is healthy."""
    await pilot.press(*keys)
    await settle(pilot)
    healthy(pilot.app)


async def type_into(pilot: Any, selector: str, text: str) -> None:
    """Focus a field (scrolled into view) and type into it, key by key."""
    pilot.app.screen.query_one(selector).focus()
    await step(pilot, *text)


async def paste(pilot: Any, text: str) -> None:
    """What a terminal sends for a paste: the one way ESC or a line break gets into a field."""
    pilot.app.post_message(events.Paste(text))
    await settle(pilot)


def deal_row(db: Path, deal_id: int) -> dict[str, Any]:
    """The deal as stored, names joined in, read on a connection of its own."""
    con = sqlite3.connect(db)
    con.row_factory = sqlite3.Row
    try:
        row = con.execute(
            "SELECT d.title, co.name AS company, ct.name AS contact, o.name AS owner, "
            "s.name AS stage, d.next_step, d.value_minor, d.status, d.lost_reason, "
            "d.probability FROM deals d LEFT JOIN companies co ON co.id = d.company_id "
            "LEFT JOIN contacts ct ON ct.id = d.contact_id "
            "LEFT JOIN owners o ON o.id = d.owner_id JOIN stages s ON s.id = d.stage_id "
            "WHERE d.id = ?",
            (deal_id,),
        ).fetchone()
        return dict(row)
    finally:
        con.close()


def query(db: Path, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    con = sqlite3.connect(db)
    try:
        return [tuple(r) for r in con.execute(sql, params)]
    finally:
        con.close()


def table(app: PipelineApp) -> DealTable:
    return app.screen.query_one(DealTable)


def current_id(app: PipelineApp) -> int:
    row = table(app).current
    assert row is not None
    return row.id


async def test_deals_screen_filters_sorting_palette_and_help(hostile_app: Any) -> None:
    app = hostile_app()
    db = app.db_path
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        healthy(app)
        text = screen_text(app)
        assert "\x1b" not in text and "\x9b" not in text  # no terminal command drawn
        for name in HOSTILE:  # every title, drawn literally: nothing read as markup
            assert drawn(name) in text, name
        first = table(app).current
        assert first is not None and first.title == WON
        for label, value in (("Company", OBRIEN), ("Contact", LINK), ("Owner", WON),
                             ("Next step", FORMULA)):  # fmt: skip
            assert f"{label:<13}{value}" in text, label  # the detail pane
        assert f"call     {drawn(ANSI)} → {RTL}" in text and f"{'':<14}{CJK}" in text
        assert "1T USD" in text and "999,999,999,9…" not in text  # the huge value, not cut

        open_deals = query(db, "SELECT count(*) FROM deals WHERE status = 'open'")[0][0]
        assert table(app).total == open_deals
        await step(pilot, "slash", *"[/]", "enter")  # brackets, LIKE's wildcards
        text = screen_text(app)
        expected = query(db, "SELECT count(*) FROM deals d JOIN owners o ON o.id = d.owner_id "
                         "LEFT JOIN companies c ON c.id = d.company_id WHERE d.status = 'open' "
                         "AND (instr(d.title, '[/]') OR instr(c.name, '[/]') "
                         "OR instr(o.name, '[/]'))")[0][0]  # fmt: skip
        assert table(app).total == expected > 0
        assert "text: [/]" in text
        await step(pilot, "escape")
        await step(pilot, "slash", *BACKSLASH, "enter")  # LIKE's escape character itself
        rows = table(app).rows.values()
        assert rows and all(BACKSLASH in f"{r.title}{r.company}{r.owner}" for r in rows)
        await step(pilot, "escape")
        assert table(app).total == open_deals

        seen = []
        for _ in OWNERS:  # each owner in turn, named literally in the status line
            await step(pilot, "o")
            text = screen_text(app)
            assert app.owner is not None and f"owner: {drawn(app.owner)}" in text
            seen.append(app.owner)
        assert sorted(seen) == sorted(OWNERS)
        await step(pilot, "o")
        assert app.owner is None

        for _ in range(4):  # Lead In, Qualified, Demo, then the stage named '[/]'
            await step(pilot, "g")
            text = screen_text(app)
        assert "stage: [/]" in text and table(app).total > 0
        assert all(r.stage == CLOSE for r in table(app).rows.values())
        await step(pilot, "escape")

        await step(pilot, "f", "f")  # lost deals: their hostile reasons in the detail
        text = screen_text(app)
        row = table(app).current
        assert row is not None and row.status == "lost"
        assert f"lost ({drawn(deal_row(db, row.id)['lost_reason'])})" in text
        await step(pilot, "f", "f", "x")  # open again, stalled only
        assert 0 < table(app).total < open_deals
        await step(pilot, "x")

        screen = app.screen
        assert isinstance(screen, DealsScreen)
        at = SORTABLE.index("close")
        for key in [*SORTABLE[at + 1 :], *SORTABLE[: at + 1]]:  # every sort, back to close
            await step(pilot, "s")
            assert screen.sort == key and table(app).total == open_deals
        await step(pilot, "r")
        assert screen.descending
        await pilot.click("#deals-table", offset=(4, 5))  # the mouse: the sixth row
        await step(pilot)
        text = screen_text(app)
        row = table(app).current
        assert row is not None and table(app).cursor == 5
        assert f"{drawn(row.title)[:40]}" in text

        await step(pilot, "ctrl+p", *"HYPERLINK")
        await pilot.pause(0.3)  # the palette debounces its search
        await step(pilot)
        text = screen_text(app)
        assert f"Deal: {FORMULA}" in text
        await step(pilot, "enter")
        assert isinstance(app.screen, DealsScreen)
        row = table(app).current
        assert row is not None and row.title.startswith(FORMULA)

        await step(pilot, "question_mark")
        text = screen_text(app)
        assert isinstance(app.screen, HelpScreen) and "Every key binding" in text
        await step(pilot, "escape")
        assert isinstance(app.screen, DealsScreen)


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
                     "done_at IS NULL", (deal_id,)) == [(ANSI, "2026-11-30")]  # fmt: skip

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


async def test_board_cards_moves_filters_and_pipelines(hostile_app: Any) -> None:
    app = hostile_app("board")
    db = app.db_path
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        healthy(app)
        board = app.screen
        assert isinstance(board, BoardScreen)
        text = screen_text(app)
        assert "\x1b" not in text and "\x9b" not in text
        for name in [*HOSTILE, *HOSTILE_STAGES]:  # card titles, companies, column headers
            assert drawn(name) in text, name
        assert f"{CLOSE}  " in text and f"{ESCAPED}  " in text  # the headers with counts
        assert "1T USD" in text  # the huge deal's card and its column's total

        await step(pilot, "right", "right", "down", "left", "up", "right")
        assert board.column == 2  # Demo
        deal_id = board.selected_deal_id()
        assert deal_id is not None
        await step(pilot, "enter")
        text = screen_text(app)
        assert isinstance(app.screen, DetailScreen)
        assert drawn(deal_row(db, deal_id)["title"]) in text
        await step(pilot, "escape")
        await step(pilot, "shift+right")  # into the stage named '[/]'
        assert deal_row(db, deal_id)["stage"] == CLOSE and board.column == 3
        await step(pilot, "shift+right", "shift+right")  # Proposal, then '\[escaped]'
        assert deal_row(db, deal_id)["stage"] == ESCAPED
        await step(pilot, "shift+left", "shift+left", "shift+left")
        assert deal_row(db, deal_id)["stage"] == "Demo"

        await pilot.click(board.columns[4], offset=(3, 6))  # the second card of Proposal
        await step(pilot)
        assert board.column == 4 and board.columns[4].selected == 1
        card = board.selected_deal_id()
        assert card is not None
        title = drawn(deal_row(db, card)["title"].splitlines()[0])  # headings may wrap
        await step(pilot, "l")
        assert isinstance(app.screen, LostForm) and f"Mark lost: {title}" in screen_text(app)
        await step(pilot, "escape")
        await step(pilot, "e")
        assert isinstance(app.screen, DealForm) and f"Edit deal: {title}" in screen_text(app)
        await step(pilot, "escape")
        assert deal_row(db, card)["status"] == "open"  # both cancelled

        await step(pilot, "slash", *"O'Brien", "enter")
        text = screen_text(app)
        assert "filter: O'Brien" in text
        shown = [k[2] for c in board.columns for k in c.keys]
        assert shown and all(
            "o'brien" in f"{r['title']}{r['company']}{r['owner']}".casefold()
            for r in (deal_row(db, i) for i in shown)
        )
        await step(pilot, "escape")
        for _ in OWNERS:
            await step(pilot, "o")
            text = screen_text(app)
            assert f"owner: {drawn(app.owner or '')}" in text
        await step(pilot, "o")
        assert app.owner is None

        await step(pilot, "p")  # the pipeline named with CJK and an emoji
        text = screen_text(app)
        assert board.pipeline is not None and board.pipeline.name == CJK
        assert CJK in text and RTL in text and ESCAPED in text
        await step(pilot, "p")
        assert board.pipeline is not None and board.pipeline.name == "Sales"


async def test_kpi_screen_names_every_owner_literally(hostile_app: Any) -> None:
    app = hostile_app("kpi")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        healthy(app)
        assert isinstance(app.screen, KpiScreen)
        text = screen_text(app)
        assert "\x1b" not in text
        for name in OWNERS:  # the per-owner table
            assert drawn(name) in text, name
        total = query(
            app.db_path,
            "SELECT sum(value_minor) FROM deals d JOIN owners o ON "
            "o.id = d.owner_id WHERE o.name = ? AND d.status = 'open'",
            (WON,),
        )[0][0]
        assert total > HUGE and format_money(total, "USD") in text  # the huge deal, uncut
        for keys in ("p", "left_square_bracket", "right_square_bracket", "right_square_bracket"):
            await step(pilot, keys)
        assert "Q1 2027" in screen_text(app)
        await step(pilot, "o")
        text = screen_text(app)
        assert f"owner: {drawn(ANSI)}" in text
        await step(pilot, "o")
        text = screen_text(app)
        assert f"owner: {WON}" in text
        await step(pilot, "question_mark")
        assert isinstance(app.screen, HelpScreen)
        await step(pilot, "escape", "d")
        assert isinstance(app.screen, DealsScreen)
