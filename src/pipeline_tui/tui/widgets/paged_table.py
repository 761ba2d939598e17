"""A Line API table over a list of any length, drawn from pages its screen loads on demand.

The pattern of the deals table (widgets/deal_table.py), shared by the leads, contacts and
Today lists: the screen counts the rows first (so the scrollbar is right at once), calls
``reset``, and answers each ``PageWanted`` by loading that page in a thread worker and
handing it to ``set_page``. Only the rows of pages drawn are ever loaded; a reset starts a
new generation, and pages of an older one are dropped when they arrive. A subclass says
what its rows are (``row_id``) and how one is drawn (``draw_row``); a list with lines that
are not records (Today's section titles) draws them in ``fixed_line`` and refuses them the
cursor in ``selectable``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from pipeline_tui.tui.widgets.common import one_line
from pipeline_tui.tui.widgets.strips import text_strip

PAGE = 100  # rows a page holds: a page is a query of its own, and screens are < 100 high


def cell(text: str | Text, width: int, right: bool = False) -> Text:
    """User text fitted to a cell: literal (a Text, never markup), on one line."""
    out = text.copy() if isinstance(text, Text) else Text(text)
    out.plain = one_line(out.plain)
    out.truncate(width, overflow="ellipsis")
    if right:
        out.pad_left(width - out.cell_len)
    else:
        out.pad_right(width - out.cell_len)
    return out


def flex_layout(columns: list[Any], width: int) -> list[tuple[Any, int]]:
    """(column, width) for columns with a fixed ``width`` or a ``flex`` share of the rest,
    one space apart; the last flexible column takes what rounding left over."""
    spare = max(0, width - sum(c.width for c in columns) - (len(columns) - 1))
    flexed = [c for c in columns if c.flex]
    total = sum(c.flex for c in flexed)
    out, given = [], 0
    for column in columns:
        w = column.width
        if column.flex:
            w = spare - given if column is flexed[-1] else spare * column.flex // total
            given += w
            w = max(w, 4)
        out.append((column, w))
    return out


class PagedTable(ScrollView, can_focus=True):
    """Rows by index from a sparse page cache, a cursor, and requests for missing pages."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "cursor(-1)", "Up", show=False),
        Binding("down", "cursor(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home", "jump(0)", "First", show=False),
        Binding("end", "jump(-1)", "Last", show=False),
    ]
    PREFIX: ClassVar[str] = "paged-table"  # of the component classes: PREFIX--cursor, --dim

    cursor: reactive[int] = reactive(0, init=False)
    """Index of the highlighted row."""

    @dataclass
    class PageWanted(Message):
        """Rows of a page must be drawn but are not loaded."""

        page: int
        generation: int

    @dataclass
    class Highlighted(Message):
        """The cursor rests on a row (None: on nothing, or on a row not loaded yet)."""

        row: Any

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.total = 0
        self.rows: dict[int, Any] = {}
        self.generation = 0
        self._requested: set[int] = set()

    # -- what a subclass says -------------------------------------------------------------

    def row_id(self, row: Any) -> int:
        return int(row.id)

    def draw_row(self, row: Any, width: int, index: int) -> Text:
        raise NotImplementedError

    def fixed_line(self, index: int, width: int) -> Text | None:
        """A line that is no record (a section title), or None."""
        return None

    def selectable(self, index: int) -> bool:
        return 0 <= index < self.total

    # -- data in --------------------------------------------------------------------------

    def reset(self, total: int, cursor: int | None = None) -> None:
        """Forget every loaded row (the data or the query changed) and show ``total`` rows;
        the cursor goes to ``cursor``, else stays where it was (clamped)."""
        self.generation += 1
        self.total = total
        self.rows.clear()
        self._requested.clear()
        self.virtual_size = Size(0, total)  # as wide as the view: never scrolls sideways
        target = self.cursor if cursor is None else cursor
        self.set_reactive(PagedTable.cursor, self._nearest(target, 1))
        self._scroll_to_cursor()
        self.refresh()
        if not self.selectable(self.cursor):
            self.post_message(self.Highlighted(None))

    def set_page(self, page: int, generation: int, rows: list[Any]) -> None:
        """Rows of ``page`` arrive from a worker (None: a line that is no record); rows of
        an older generation are dropped."""
        if generation != self.generation:
            return
        for i, row in enumerate(rows):
            if row is not None:
                self.rows[page * PAGE + i] = row
        self.refresh()
        if page * PAGE <= self.cursor < page * PAGE + len(rows) and self.current is not None:
            self.post_message(self.Highlighted(self.current))

    @property
    def current(self) -> Any:
        return self.rows.get(self.cursor) if self.selectable(self.cursor) else None

    @property
    def loaded(self) -> list[Any]:
        """The rows loaded so far, in order."""
        return [self.rows[i] for i in sorted(self.rows)]

    def index_of(self, record_id: int) -> int | None:
        """Where a loaded record is, if it is."""
        return next((i for i, r in self.rows.items() if self.row_id(r) == record_id), None)

    # -- drawing --------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        index = round(self.scroll_offset.y) + y
        width = self.scrollable_content_region.width  # not size: a cell under the scrollbar is lost
        if index >= self.total:
            return Strip.blank(width, self.rich_style)
        text = self.fixed_line(index, width)
        if text is None:
            row = self.rows.get(index)
            if row is None:
                self._want(index // PAGE)
                dim = self.get_component_rich_style(f"{self.PREFIX}--dim", partial=True)
                text = Text("  …", style=dim)
            else:
                text = self.draw_row(row, width, index)
        if index == self.cursor and self.selectable(index):
            cursor = self.get_component_rich_style(f"{self.PREFIX}--cursor")
            text.stylize(cursor)
            text.style = self.rich_style + cursor
        text.truncate(width, pad=True)
        return text_strip(text, width, self.app.console)

    def _want(self, page: int) -> None:
        if page not in self._requested:
            self._requested.add(page)
            self.post_message(self.PageWanted(page, self.generation))

    # -- moving ---------------------------------------------------------------------------

    def watch_cursor(self, old: int, new: int) -> None:
        self._scroll_to_cursor()
        self.refresh()
        if self.current is not None:
            self.post_message(self.Highlighted(self.current))

    def _scroll_to_cursor(self) -> None:
        height = max(1, self.scrollable_content_region.height)
        top = round(self.scroll_offset.y)
        # The first row that may hold the cursor shows the lines above it too (a title).
        want = 0 if self.cursor == self._nearest(0, 1) else self.cursor
        if want < top:
            self.scroll_to(y=want, animate=False, immediate=True)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False, immediate=True)

    def _nearest(self, index: int, direction: int) -> int:
        """The selectable row at ``index`` or the first from there in ``direction`` (then
        the other way); 0 when there is none. Only a few lines are not selectable."""
        index = max(0, min(index, self.total - 1))
        for step in (direction, -direction):
            i = index
            while 0 <= i < self.total:
                if self.selectable(i):
                    return i
                i += step
        return 0

    def move_to(self, index: int, direction: int = 1) -> None:
        if self.total:
            self.cursor = self._nearest(index, direction)
            self._scroll_to_cursor()  # also when it stays: the view may have lost it

    def action_cursor(self, delta: int) -> None:
        self.move_to(self.cursor + delta, 1 if delta > 0 else -1)

    def action_page(self, direction: int) -> None:
        step = max(1, self.scrollable_content_region.height - 1)
        self.move_to(self.cursor + direction * step, direction)

    def action_jump(self, where: int) -> None:
        if where < 0:
            self.move_to(self.total - 1, -1)
        else:
            self.move_to(0, 1)

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is not None:
            self.focus()
            index = round(self.scroll_offset.y) + offset.y
            if self.selectable(index):
                self.cursor = index

    def on_resize(self, event: events.Resize) -> None:
        self.virtual_size = Size(0, self.total)
        # A smaller view may have left the cursor below it (the window shrank, say).
        self.call_after_refresh(self._scroll_to_cursor)
