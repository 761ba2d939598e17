"""Hostile test data for the TUI: a database full of hostile names, and step helpers."""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from textual import events

from pipeline_tui.models import PipelineError
from pipeline_tui.services import activities, leads, owners, stages, targets
from pipeline_tui.services.deals import DealInput, add_deal, lose_deal, win_deal
from pipeline_tui.store.sqlite import SqliteStore as Store
from pipeline_tui.store.sqlite.stages import pipeline_by_name
from pipeline_tui.store.sqlite.stages import stages as stages_of
from pipeline_tui.tui.app import PipelineApp
from pipeline_tui.tui.widgets.deal_table import DealTable
from tests.tui.conftest import settle

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
