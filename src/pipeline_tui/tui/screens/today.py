"""The Today screen: overdue, due today and the next seven days of planned activities.

Each section is read through the open plans' partial index (store.activities
.planned_section, schema M003) and bounded at CAP rows with its full count, so a database
with a million planned activities still draws at once; "N more" says what is left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Static
from textual.worker import get_current_worker

from pipeline_tui.models import Activity
from pipeline_tui.models.dates import today
from pipeline_tui.models.keys import name_key
from pipeline_tui.store.api import Store
from pipeline_tui.tui.screens.activity_actions import ActivityActions
from pipeline_tui.tui.screens.base import PipelineScreen
from pipeline_tui.tui.widgets.common import one_line
from pipeline_tui.tui.widgets.footer import FittedFooter
from pipeline_tui.tui.widgets.mode_tabs import ModeTabs
from pipeline_tui.tui.widgets.today_table import Line, TodayHeader, TodayTable

CAP = 100  # activities listed per section; the rest are counted
WEEK = 7  # days after today in the last section
MORE = {
    "overdue": "pipeline activity list --overdue",
    "today": "pipeline activity list --due-before tomorrow",
    "week": "pipeline activity list --status planned",
}


@dataclass(frozen=True)
class Section:
    key: str  # overdue, today or week
    title: str
    activities: list[Activity]
    total: int


def load_today(store: Store, owner: str | None, day: date, cap: int = CAP) -> list[Section]:
    """The three sections for ``owner`` (None: everyone), each at most ``cap`` long."""
    key = name_key(owner) if owner else None
    iso = day.isoformat()
    tomorrow = (day + timedelta(days=1)).isoformat()
    end = (day + timedelta(days=WEEK + 1)).isoformat()
    spans = [
        ("overdue", "Overdue", None, iso),
        ("today", f"Due today, {iso}", iso, tomorrow),
        ("week", f"Next {WEEK} days, to {(day + timedelta(days=WEEK)).isoformat()}", tomorrow, end),
    ]
    out = []
    for name, title, start, stop in spans:
        found, total = store.activities.planned_section(start, stop, key, cap)
        out.append(Section(name, title, found, total))
    return out


def lines_of(sections: list[Section]) -> list[Line]:
    """Each section's title, its activities, and what was left out."""
    lines: list[Line] = []
    for s in sections:
        lines.append(Line(f"{s.title} ({s.total:,})", section=s.key, title=True))
        lines += [Line("", a, s.key) for a in s.activities]
        if not s.total:
            lines.append(Line("  nothing planned", section=s.key))
        elif s.total > len(s.activities):
            left = s.total - len(s.activities)
            lines.append(Line(f"  … {left:,} more: {MORE[s.key]}", section=s.key))
    return lines


class TodayScreen(ActivityActions, PipelineScreen):
    """What to do now: planned activities across deals and leads, soonest first."""

    mode = "today"
    AUTO_FOCUS = "TodayTable"
    BINDINGS: ClassVar[list[BindingType]] = [
        *ActivityActions.ACTIVITY_BINDINGS,
        Binding(
            "enter", "open", "Open", tooltip="Open the deal or lead in its mode", id="today.open"
        ),  # fmt: skip
        Binding(
            "o", "owner", "Owner", tooltip="Mine, everyone, or each owner in turn", id="today.owner"
        ),  # fmt: skip
    ]

    def __init__(self) -> None:
        super().__init__()
        self.owner: str | None = None
        self.mine: str | None = None  # the configured owner (config set owner), if any
        self._owner_set = False  # the default (mine or everyone) is decided on first load
        self.totals = (0, 0, 0)

    def compose(self) -> ComposeResult:
        yield ModeTabs("today")
        with Vertical(id="today-main"):
            yield Static(id="today-title")
            yield TodayHeader(id="today-header")
            yield TodayTable(id="today-table")
            yield Static(id="today-status")
        yield FittedFooter()

    def on_mount(self) -> None:
        self.table.focus()

    @property
    def table(self) -> TodayTable:
        return self.query_one(TodayTable)

    # -- loading --------------------------------------------------------------------------

    def reload(self, keep: int | None = None) -> None:
        current = self.table.current if self.is_mounted else None
        keep = keep if keep is not None else (current.id if current else None)
        self._load(self.owner, self._owner_set, keep)

    @work(thread=True, exclusive=True, group="today-list", exit_on_error=False)
    def _load(self, owner: str | None, decided: bool, keep: int | None) -> None:
        store = self.papp.reader
        mine = None
        if not decided:
            from pipeline_tui.services.common import owner_source

            name, source = owner_source(store)
            mine = store.directory.canonical_owner(name) if source != "login" else None
            owner = mine
        sections = load_today(store, owner, today(), CAP)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._loaded, owner, decided, mine, sections, keep)

    def _loaded(self, owner: str | None, decided: bool, mine: str | None,
                sections: list[Section], keep: int | None) -> None:  # fmt: skip
        if not decided:
            if self._owner_set:
                return  # decided meanwhile; a newer list is on its way
            self._owner_set, self.mine, self.owner = True, mine, mine
        elif owner != self.owner:
            return  # the filter changed meanwhile
        self.totals = (sections[0].total, sections[1].total, sections[2].total)
        self.table.show(lines_of(sections), keep)
        self._show_title()

    def _show_title(self) -> None:
        overdue, due, week = self.totals
        if self.owner is None:
            who = "everyone"
        elif self.owner == self.mine:
            who = f"mine ({self.owner})"
        else:
            who = self.owner
        line = Text(f"Today · {overdue:,} overdue · {due:,} due today · {week:,} this week · "
                    f"owner: ")  # fmt: skip
        line.append(who)  # user text: appended, never markup
        self.query_one("#today-title", Static).update(line)

    # -- actions --------------------------------------------------------------------------

    def selected_activity(self) -> Activity | None:
        return self.table.current if self.is_mounted else None

    def activity_changed(self, activity_id: int | None) -> None:
        self.reload(keep=activity_id)

    def selected_deal_id(self) -> int | None:
        current = self.selected_activity()
        return current.deal_id if current else None

    def action_owner(self) -> None:
        """Mine first (when configured), then everyone, then each other owner."""
        choices: list[str | None] = [None, *self.papp.meta.owners]
        if self.mine:
            choices = [self.mine, None, *[o for o in self.papp.meta.owners if o != self.mine]]
        index = choices.index(self.owner) if self.owner in choices else -1
        self.owner = choices[(index + 1) % len(choices)]
        self._owner_set = True
        self.notify(f"Owner: {self.owner or 'everyone'}", markup=False, timeout=2)
        self.reload()

    def action_open(self) -> None:
        activity = self.selected_activity()
        if activity is None:
            self.notify("Select an activity first.", severity="warning")
        elif activity.deal_id is not None:
            self.app.run_worker(self.papp.jump_to_deal(activity.deal_id), exclusive=True,
                                group="jump")  # fmt: skip
        elif activity.lead_id is not None:
            self.app.run_worker(self.papp.jump_to_lead(activity.lead_id), exclusive=True,
                                group="jump")  # fmt: skip

    @on(TodayTable.Highlighted)
    def _highlighted(self, event: TodayTable.Highlighted) -> None:
        """Under the list: the selected activity's id, record and notes (cut to a line)."""
        act = event.activity
        line = Text()
        if act is not None:
            record = f"deal {act.deal_id}" if act.deal_id else f"lead {act.lead_id}"
            line.append(f"activity {act.id} · {record} · due {act.due_at or ''}")
            if act.notes:
                line.append(" · ")
                line.append(one_line(act.notes))
        self.query_one("#today-status", Static).update(line)
