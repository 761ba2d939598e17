"""The Today screen: overdue, due today and the next seven days of planned activities.

Each section is counted, then read a page at a time as it is scrolled through the open
plans' partial index (store.pages.record_page, schema M003), so every planned activity is
listed and a database with a million of them still draws at once.
"""

from __future__ import annotations

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
from pipeline_tui.store.api import RecordQuery
from pipeline_tui.tui.screens.activity_actions import ActivityActions
from pipeline_tui.tui.screens.base import PipelineScreen
from pipeline_tui.tui.widgets.common import one_line
from pipeline_tui.tui.widgets.footer import FittedFooter
from pipeline_tui.tui.widgets.mode_tabs import ModeTabs
from pipeline_tui.tui.widgets.paged_table import PAGE
from pipeline_tui.tui.widgets.today_table import Span, TodayHeader, TodayTable, spans_of

WEEK = 7  # days after today in the last section


def sections_of(owner: str | None, day: date) -> list[tuple[str, str, RecordQuery]]:
    """(key, title, query) of the three sections for ``owner`` (None: everyone)."""
    iso = day.isoformat()
    tomorrow = (day + timedelta(days=1)).isoformat()
    end = (day + timedelta(days=WEEK + 1)).isoformat()
    spans = [
        ("overdue", "Overdue", None, iso),
        ("today", f"Due today, {iso}", iso, tomorrow),
        ("week", f"Next {WEEK} days, to {(day + timedelta(days=WEEK)).isoformat()}", tomorrow, end),
    ]
    return [(key, title, RecordQuery("planned", owner=owner, start=start, end=stop))
            for key, title, start, stop in spans]  # fmt: skip


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
        self.queries: list[RecordQuery] = []  # of the sections shown, in order

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
        sections = sections_of(owner, today())
        counts = [store.pages.record_count(q) for _k, _t, q in sections]
        spans = spans_of([(k, t, n) for (k, t, _q), n in zip(sections, counts, strict=True)])
        position = None
        for span, (_k, _t, q) in zip(spans, sections, strict=True):
            found = store.pages.record_position(q, keep) if keep is not None else None
            if found is not None:
                position = span.start + 1 + found
        queries = [q for _k, _t, q in sections]
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._loaded, owner, decided, mine, queries, spans,
                                      position)  # fmt: skip

    def _loaded(self, owner: str | None, decided: bool, mine: str | None,
                queries: list[RecordQuery], spans: list[Span],
                position: int | None) -> None:  # fmt: skip
        if not decided:
            if self._owner_set:
                return  # decided meanwhile; a newer list is on its way
            self._owner_set, self.mine, self.owner = True, mine, mine
        elif owner != self.owner:
            return  # the filter changed meanwhile
        self.queries = queries
        self.totals = (spans[0].count, spans[1].count, spans[2].count)
        self.table.show_spans(spans, position)
        self._show_title()

    @on(TodayTable.PageWanted)
    def _page_wanted(self, event: TodayTable.PageWanted) -> None:
        """The page's activities, section by section: keyset after the row above when it
        is loaded and of the same section, else at the offset in the section."""
        table, first = self.table, event.page * PAGE
        parts: list[tuple[int, RecordQuery, int, int, int | None]] = []
        for span, q in zip(table.spans, self.queries, strict=False):
            lo, hi = max(first, span.start + 1), min(first + PAGE, span.start + 1 + span.count)
            if lo < hi:
                above = table.rows.get(lo - 1) if lo - 1 > span.start else None
                parts.append((lo, q, lo - span.start - 1, hi - lo, above.id if above else None))
        self._load_page(table, event.page, event.generation, parts)

    @work(thread=True, exit_on_error=False)
    def _load_page(self, table: TodayTable, page: int, generation: int,
                   parts: list[tuple[int, RecordQuery, int, int, int | None]]) -> None:  # fmt: skip
        rows: list[Activity | None] = [None] * PAGE
        for lo, q, offset, n, after in parts:
            for i, act in enumerate(self.papp.reader.pages.record_page(q, offset, n, after)):
                rows[lo - page * PAGE + i] = act
        self.app.call_from_thread(table.set_page, page, generation, rows)

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
        act: Activity | None = event.row
        line = Text()
        if act is not None:
            record = f"deal {act.deal_id}" if act.deal_id else f"lead {act.lead_id}"
            line.append(f"activity {act.id} · {record} · due {act.due_at or ''}")
            if act.notes:
                line.append(" · ")
                line.append(one_line(act.notes))
        self.query_one("#today-status", Static).update(line)
