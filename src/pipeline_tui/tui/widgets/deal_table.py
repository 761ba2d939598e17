"""The deals table: a Line API widget that draws only visible rows from pages it asks for.

After toolong: a DataTable with 100,000 rows is slow to fill and to clear, so this widget
keeps a sparse dict of loaded rows by index and posts PageWanted for the holes it has to
draw. The owning screen loads pages in thread workers (keyset queries) and hands them back.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widget import Widget

from pipeline_tui.models import dates
from pipeline_tui.models.money import format_money
from pipeline_tui.services.attention import Attention
from pipeline_tui.store.api import DealRow
from pipeline_tui.tui.widgets.common import one_line, short_money
from pipeline_tui.tui.widgets.strips import text_strip

PAGE = 100


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    width: int = 0  # fixed width, or 0 for a share of what is left
    flex: int = 0
    right: bool = False


COLUMNS = [
    Column("stalled", "", 1),
    Column("title", "Title", flex=4),
    Column("company", "Company", flex=3),
    Column("owner", "Owner", 11),
    Column("stage", "Stage", 11),
    Column("value", "Value", 14, right=True),
    Column("close", "Close", 10),
    Column("next", "Next step", flex=3),
    Column("attention", "Attn", 5, right=True),
]
SORTABLE = [c.key for c in COLUMNS if c.key != "stalled"]


# Dropped in this order when the table is narrow, so the title always stays readable; the
# last two only when the title would otherwise be unreadable. The sorted column never is.
_DROP_ORDER = ["next", "company", "close", "owner"]
_LAST_RESORT = ["attention", "stage"]
_MIN_TITLE = 18
_MIN_TITLE_AT_ALL = 10


def _title_share(columns: list[Column], width: int) -> int:
    fixed = sum(c.width for c in columns) + len(columns) - 1
    return (width - fixed) * 4 // max(sum(c.flex for c in columns), 1)


def _columns_for(width: int, sort: str) -> list[Column]:
    columns = list(COLUMNS)
    for drops, least in ((_DROP_ORDER, _MIN_TITLE), (_LAST_RESORT, _MIN_TITLE_AT_ALL)):
        for key in drops:
            if _title_share(columns, width) >= least:
                break
            if key != sort:
                columns = [c for c in columns if c.key != key]
    return columns


def layout(width: int, sort: str = "") -> list[tuple[Column, int, int]]:
    """(column, x, width) of the columns that fit, one space apart; the sorted one always."""
    columns = _columns_for(width, sort)
    fixed = sum(c.width for c in columns) + len(columns) - 1
    flex_total = sum(c.flex for c in columns)
    spare = max(0, width - fixed)
    out, x = [], 0
    given = 0
    flexed = [c for c in columns if c.flex]
    for column in columns:
        if column.flex:
            w = spare * column.flex // flex_total
            if column is flexed[-1]:
                w = spare - given
            given += w
            w = max(w, 4)
        else:
            w = column.width
        out.append((column, x, w))
        x += w + 1
    return out


def sort_label(label: str, width: int, descending: bool) -> str:
    """A column title with the sort arrow, which stays when the title is cut to fit."""
    arrow = "▼" if descending else "▲"
    for full in (f"{label} {arrow}", f"{label}{arrow}"):
        if len(full) <= width:
            return full
    return label[: max(0, width - 2)] + "…" + arrow


def _cell(text: str | Text, width: int, right: bool = False) -> Text:
    cell = text if isinstance(text, Text) else Text(text)
    cell.plain = one_line(cell.plain)  # before measuring: a tab or line break is a space
    cell.truncate(width, overflow="ellipsis")
    if right:
        cell.pad_left(width - cell.cell_len)
    else:
        cell.pad_right(width - cell.cell_len)
    return cell


class DealHeader(Widget):
    """The column titles; clicking one sorts by it."""

    DEFAULT_CSS = "DealHeader { height: 1; }"

    sort: reactive[tuple[str, bool]] = reactive(("close", False))
    """The sort column and whether it is descending."""

    @dataclass
    class SortClicked(Message):
        """A column title was clicked."""

        key: str

    def render(self) -> Text:
        line = Text(no_wrap=True)
        for column, _x, w in layout(self.size.width, self.sort[0]):
            label = column.label
            if column.key == self.sort[0]:
                label = sort_label(label, w, self.sort[1])
            line.append_text(_cell(label, w, column.right))
            line.append(" ")
        return line

    def on_click(self, event: events.Click) -> None:
        for column, x, w in layout(self.size.width, self.sort[0]):
            if x <= event.x < x + w and column.key in SORTABLE:
                self.post_message(self.SortClicked(column.key))


class DealTable(ScrollView, can_focus=True):
    """Rows of deals, drawn line by line from a sparse page cache."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "cursor(-1)", "Up", show=False),
        Binding("down", "cursor(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home", "jump(0)", "First", show=False),
        Binding("end", "jump(-1)", "Last", show=False),
    ]
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "deal-table--cursor",
        "deal-table--overdue",
        "deal-table--today",
        "deal-table--none",
        "deal-table--stalled",
        "deal-table--won",
        "deal-table--lost",
        "deal-table--dim",
    }

    cursor: reactive[int] = reactive(0, init=False)
    """Index of the highlighted row."""
    sort_key: reactive[str] = reactive("close")
    """The column sorted by: the narrow layout keeps it (see layout)."""

    @dataclass
    class PageWanted(Message):
        """Rows of a page must be drawn but are not loaded."""

        page: int
        generation: int

    @dataclass
    class Highlighted(Message):
        """The cursor rests on a deal (None when the table is empty)."""

        deal_id: int | None

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.total = 0
        self.rows: dict[int, DealRow] = {}
        self.attention: dict[int, Attention] = {}
        self.generation = 0
        self._requested: set[int] = set()

    # -- data in ------------------------------------------------------------------------

    def reset(self, total: int, cursor: int | None = None) -> None:
        """Forget every loaded row (the data or the query changed) and show ``total`` rows."""
        self.generation += 1
        self.total = total
        self.rows.clear()
        self.attention.clear()
        self._requested.clear()
        self.virtual_size = Size(self.size.width, total)
        target = self.cursor if cursor is None else cursor
        self.set_reactive(DealTable.cursor, max(0, min(target, total - 1)))
        self._scroll_to_cursor()
        self.refresh()
        if total == 0:
            self.post_message(self.Highlighted(None))

    def set_page(
        self, page: int, generation: int, rows: list[DealRow], attention: dict[int, Attention]
    ) -> None:
        """Rows of ``page`` arrive from a worker; stale generations are dropped."""
        if generation != self.generation:
            return
        for i, row in enumerate(rows):
            self.rows[page * PAGE + i] = row
        self.attention.update(attention)
        self.refresh()
        if page * PAGE <= self.cursor < page * PAGE + len(rows):
            self.post_message(self.Highlighted(self.rows[self.cursor].id))

    @property
    def current(self) -> DealRow | None:
        return self.rows.get(self.cursor)

    # -- drawing ------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        index = round(self.scroll_offset.y) + y
        width = self.scrollable_content_region.width  # not size: a cell under the scrollbar is lost
        if index >= self.total:
            return Strip.blank(width, self.rich_style)
        row = self.rows.get(index)
        if row is None:
            self._want(index // PAGE)
            text = Text("  …", style=self.get_component_rich_style("deal-table--dim", partial=True))
        else:
            text = self._line(row, width)
        if index == self.cursor:  # over the cells, and as base style for the padding too
            cursor = self.get_component_rich_style("deal-table--cursor")
            text.stylize(cursor)
            text.style = self.rich_style + cursor
        text.truncate(width, pad=True)
        return text_strip(text, width, self.app.console)

    def _want(self, page: int) -> None:
        if page not in self._requested:
            self._requested.add(page)
            self.post_message(self.PageWanted(page, self.generation))

    def _line(self, row: DealRow, width: int) -> Text:
        today = dates.today().isoformat()
        attn = self.attention.get(row.id)
        style = self.get_component_rich_style
        line = Text(no_wrap=True, style=self.rich_style)
        for column, _x, w in layout(width, self.sort_key):
            cell: str | Text
            if column.key == "stalled":
                cell = (
                    Text("⚑", style("deal-table--stalled", partial=True))
                    if attn and attn.stalled
                    else ""
                )
            elif column.key == "title":
                cell = row.title
            elif column.key == "company":
                cell = row.company or ""
            elif column.key == "owner":
                cell = row.owner or ""
            elif column.key == "stage":
                cell = self._stage(row)
            elif column.key == "value":
                cell = format_money(row.value_minor, row.currency)
                if len(cell) > w:  # a figure cut short by an ellipsis reads as another figure
                    cell = short_money(row.value_minor, row.currency)
            elif column.key == "close":
                cell = row.close_date or ""
            elif column.key == "next":
                cell = self._next(row, today)
            else:
                cell = f"{attn.score:.1f}" if attn else ""
            line.append_text(_cell(cell, w, column.right))
            line.append(" ")
        return line

    def _stage(self, row: DealRow) -> Text:
        if row.status in ("won", "lost"):
            style = self.get_component_rich_style(f"deal-table--{row.status}", partial=True)
            return Text(f"{row.status.capitalize()} ({row.stage})", style)
        return Text(row.stage)

    def _next(self, row: DealRow, today: str) -> Text:
        if not row.next_step:
            return Text(
                "nothing planned", self.get_component_rich_style("deal-table--none", partial=True)
            )
        if not row.next_due:
            return Text(row.next_step)
        if row.next_due < today:
            text = Text(f"{row.next_step} · overdue {row.next_due}")
            text.stylize(self.get_component_rich_style("deal-table--overdue", partial=True))
            return text
        if row.next_due == today:
            text = Text(f"{row.next_step} · today")
            text.stylize(self.get_component_rich_style("deal-table--today", partial=True))
            return text
        return Text(f"{row.next_step} · {row.next_due}")

    # -- moving -------------------------------------------------------------------------

    def watch_cursor(self, old: int, new: int) -> None:
        self._scroll_to_cursor()
        self.refresh()
        row = self.rows.get(new)
        if row is not None:
            self.post_message(self.Highlighted(row.id))

    def _scroll_to_cursor(self) -> None:
        height = max(1, self.scrollable_content_region.height)
        top = round(self.scroll_offset.y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False, immediate=True)

    def move_to(self, index: int) -> None:
        if self.total:
            self.cursor = max(0, min(index, self.total - 1))

    def action_cursor(self, delta: int) -> None:
        self.move_to(self.cursor + delta)

    def action_page(self, direction: int) -> None:
        self.move_to(self.cursor + direction * max(1, self.scrollable_content_region.height - 1))

    def action_jump(self, where: int) -> None:
        self.move_to(self.total - 1 if where < 0 else 0)

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is not None:
            self.focus()
            self.move_to(round(self.scroll_offset.y) + offset.y)

    def on_resize(self, event: events.Resize) -> None:
        self.virtual_size = Size(event.size.width, self.total)
