"""The deals screen: a keyset-paged table of every deal, filters, sorting and a detail pane."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Static
from textual.worker import get_current_worker

from pipeline_tui.services.attention import Attention, attention
from pipeline_tui.store.api import DEAL_SORTS, DealQuery, DealRow
from pipeline_tui.tui.screens.base import FilteredScreen
from pipeline_tui.tui.screens.data import load_detail
from pipeline_tui.tui.screens.filter_keys import TableFocus, clear_key, filter_key, owner_key
from pipeline_tui.tui.widgets.activity_list import ActivityList
from pipeline_tui.tui.widgets.deal_detail import DealDetail
from pipeline_tui.tui.widgets.deal_table import PAGE, SORTABLE, DealHeader, DealTable
from pipeline_tui.tui.widgets.filter_box import FilterBox
from pipeline_tui.tui.widgets.footer import FittedFooter
from pipeline_tui.tui.widgets.mode_tabs import ModeTabs

STATUSES: list[str | None] = ["open", "won", "lost", None]
CHUNK = 10_000  # ids per attention() call: SQLite caps the number of bound parameters


def attention_of(store: Any, ids: list[int]) -> dict[int, Attention]:
    """The attention service over any number of ids, a chunk at a time."""
    out: dict[int, Attention] = {}
    for start in range(0, len(ids), CHUNK):
        out.update(attention(store, ids[start : start + CHUNK]))
    return out


class DealsScreen(TableFocus, FilteredScreen):
    """Every deal, a page at a time, with the selected one in detail."""

    mode = "deals"
    AUTO_FOCUS = "DealTable"
    BINDINGS: ClassVar[list[BindingType]] = [
        filter_key("deals"),
        owner_key("deals"),
        Binding("g", "stage", "Stage", tooltip="Cycle the stage filter", id="deals.stage"),
        Binding("f", "status", "Status", tooltip="Open, won, lost or all", id="deals.status"),
        Binding("x", "stalled", "Stalled", tooltip="Only stalled deals", id="deals.stalled"),
        Binding("s", "sort", "Sort", tooltip="Sort by the next column", id="deals.sort"),
        Binding(
            "r", "reverse", "Reverse", show=False, tooltip="Reverse the sort", id="deals.reverse"
        ),  # fmt: skip
        Binding(
            "enter",
            "detail",
            "Detail",
            show=False,
            tooltip="Open the deal full screen",
            id="deals.detail",
        ),  # fmt: skip
        Binding("n", "new_deal", "New", tooltip="Add a deal", id="deals.new"),
        Binding("e", "edit_deal", "Edit", tooltip="Edit the selected deal", id="deals.edit"),
        Binding(
            "a", "log_activity", "Activity", tooltip="Log or plan an activity", id="deals.activity"
        ),  # fmt: skip
        Binding("m", "move_deal", "Move", tooltip="Move to another stage", id="deals.move"),
        # Kept out of the footer, which has no room for it at 120 columns: '?' lists it.
        Binding(
            "p",
            "add_person",
            "Person",
            show=False,
            tooltip="Add a person to the deal, with a role",
            id="deals.person",
        ),  # fmt: skip
        Binding("w", "win_deal", "Won", tooltip="Mark the deal won", id="deals.won"),
        Binding(
            "l",
            "lose_deal",
            "Lost",
            tooltip="Mark the deal lost (reason required)",
            id="deals.lost",
        ),  # fmt: skip
        clear_key("deals", tooltip="Remove every filter"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.sort = "close"
        self.descending = False
        self.status: str | None = "open"
        self.stage_id: int | None = None
        self.text = ""
        self.stalled_only = False
        self.ids: list[int] | None = None  # set when the order is computed in Python
        self._keep: int | None = None
        self._status = ""

    def compose(self) -> ComposeResult:
        yield ModeTabs("deals")
        with Horizontal(id="deals-main"):
            with Vertical(id="deals-left"):
                yield FilterBox(placeholder="Filter: title, company or owner", id="deals-filter")
                yield DealHeader(id="deals-header")
                yield DealTable(id="deals-table")
                yield Static(id="deals-status")
            yield DealDetail(id="deals-detail")
        yield FittedFooter()

    @property
    def table(self) -> DealTable:
        return self.query_one(DealTable)

    def query_now(self) -> DealQuery:
        sort = self.sort if self.sort in DEAL_SORTS else "close"
        return DealQuery(
            status=self.status,
            owner=self.papp.owner,
            stage_id=self.stage_id,
            text=self.text or None,
            sort=sort,
            descending=self.descending,
        )

    # -- loading --------------------------------------------------------------------------

    def reload(self, keep: int | None = None) -> None:
        self._keep = keep if keep is not None else self.selected_deal_id()
        if self.is_mounted:  # the stalled filter and attention sort take seconds at 100k
            self.query_one("#deals-status", Static).update(Text(self._status + " · loading…"))
        self._count(self.query_now(), self.sort == "attention", self.stalled_only, self._keep)

    @work(thread=True, exclusive=True, group="deals-count", exit_on_error=False)
    def _count(self, q: DealQuery, by_attention: bool, stalled: bool, keep: int | None) -> None:
        store = self.papp.reader
        ids: list[int] | None = None
        if by_attention or stalled:
            ids = store.pages.ordered_ids(q)
            scores = attention_of(store, ids)
            if stalled:
                ids = [i for i in ids if i in scores and scores[i].stalled]
            if by_attention:
                sign = -1 if self.descending else 1
                ids.sort(key=lambda i: sign * (scores[i].score if i in scores else -1.0))
            total = len(ids)
            position = ids.index(keep) if keep in ids else None
        else:
            total = store.pages.count(q)
            position = store.pages.position_of(q, keep) if keep is not None else None
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._counted, q, ids, total, position)

    def _counted(
        self, q: DealQuery, ids: list[int] | None, total: int, position: int | None
    ) -> None:
        if q != self.query_now():
            return  # the filters changed meanwhile; a newer count is on its way
        self.ids = ids
        self.table.reset(total, position)
        self._show_status()

    @on(DealTable.PageWanted)
    def _page_wanted(self, event: DealTable.PageWanted) -> None:
        table = self.table
        first = event.page * PAGE
        before, after = table.rows.get(first - 1), table.rows.get(first + PAGE)
        window = None if self.ids is None else self.ids[first : first + PAGE]
        self._load_page(event.page, event.generation, self.query_now(), window, before, after)

    @work(thread=True, exit_on_error=False)
    def _load_page(
        self,
        page: int,
        generation: int,
        q: DealQuery,
        window: list[int] | None,
        before: DealRow | None,
        after: DealRow | None,
    ) -> None:
        store = self.papp.reader
        if window is not None:
            rows = store.pages.rows_by_ids(window)
        elif before is not None:  # sequential scrolling: a keyset page
            rows = store.pages.page_after(q, (before.sort_key, before.id), PAGE)
        elif after is not None:
            rows = store.pages.page_after(q, (after.sort_key, after.id), PAGE, backwards=True)
        else:  # a jump far from anything loaded
            rows = store.pages.page_at(q, page * PAGE, PAGE)
        scores = attention_of(store, [r.id for r in rows if r.status == "open"])
        self.app.call_from_thread(self.table.set_page, page, generation, rows, scores)

    @on(DealTable.Highlighted)
    def _highlighted(self, event: DealTable.Highlighted) -> None:
        self._show_status()
        if event.deal_id is None:
            self.query_one(DealDetail).show(None)
        else:
            self._load_detail(event.deal_id)

    @on(ActivityList.Changed)
    def _activity_changed(self, _event: ActivityList.Changed) -> None:
        self.reload(keep=self.selected_deal_id())

    @work(thread=True, exclusive=True, group="deals-detail", exit_on_error=False)
    def _load_detail(self, deal_id: int) -> None:
        data = load_detail(self.papp.reader, deal_id)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self.query_one(DealDetail).show, data)

    def _show_status(self) -> None:
        table = self.table
        parts = [
            f"{table.cursor + 1:,} of {table.total:,}" if table.total else "No deals match",
            self.status or "all statuses",
            f"owner: {self.papp.owner or 'everyone'}",
            f"stage: {self._stage_name() or 'all'}",
        ]
        if self.stalled_only:
            parts.append("stalled only")
        if self.text:
            parts.append(f"text: {self.text}")
        parts.append(f"sort: {self.sort}{' ▼' if self.descending else ' ▲'}")
        self._status = " · ".join(parts)
        self.query_one("#deals-status", Static).update(Text(self._status))
        self.query_one(DealHeader).sort = (self.sort, self.descending)
        self.table.sort_key = self.sort

    def _stage_name(self) -> str | None:
        for _p, stages in self.papp.meta.pipelines:
            for s in stages:
                if s.id == self.stage_id:
                    return s.name
        return None

    # -- the selected deal ----------------------------------------------------------------

    def selected_deal_id(self) -> int | None:
        row = self.table.current if self.is_mounted else None
        return row.id if row else None

    def _deal_title(self, deal_id: int) -> str:
        row = self.table.current
        return row.title if row and row.id == deal_id else f"deal {deal_id}"

    def _deal_stage_id(self, deal_id: int) -> int | None:
        row = self.table.current
        return row.stage_id if row and row.id == deal_id else None

    def after_change(self, deal_id: int | None) -> None:
        self.reload(keep=deal_id)

    def show_deal(self, deal_id: int) -> None:
        """Clear the filters that would hide a deal, then put the cursor on it."""
        self.status, self.stage_id, self.text, self.stalled_only = None, None, "", False
        self.papp.set_reactive(type(self.papp).owner, None)
        self.query_one("#deals-filter", Input).value = ""
        self.reload(keep=deal_id)

    # -- filters and sorting ----------------------------------------------------------------

    def filters_cleared(self) -> None:
        self.text, self.stage_id, self.stalled_only, self.status = "", None, False, "open"
        self.reload()

    def action_stage(self) -> None:
        choices: list[int | None] = [None]
        for _p, stages in self.papp.meta.pipelines:
            choices += [s.id for s in stages]
        index = choices.index(self.stage_id) if self.stage_id in choices else 0
        self.stage_id = choices[(index + 1) % len(choices)]
        self.reload()

    def action_status(self) -> None:
        self.status = STATUSES[(STATUSES.index(self.status) + 1) % len(STATUSES)]
        self.reload()

    def action_stalled(self) -> None:
        self.stalled_only = not self.stalled_only
        self.reload()

    def action_sort(self) -> None:
        self.set_sort(SORTABLE[(SORTABLE.index(self.sort) + 1) % len(SORTABLE)])

    def action_reverse(self) -> None:
        self.descending = not self.descending
        self.reload()

    def set_sort(self, key: str, descending: bool | None = None) -> None:
        self.sort = key
        self.descending = (key == "attention") if descending is None else descending
        self.reload()

    @on(DealHeader.SortClicked)
    def _sort_clicked(self, event: DealHeader.SortClicked) -> None:
        if event.key == self.sort:
            self.action_reverse()
        else:
            self.set_sort(event.key)
