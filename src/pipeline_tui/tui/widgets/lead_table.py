"""The leads table: a Line API widget over a list of leads, with columns that fit the width.

Leads are few next to deals, so the screen hands over the whole (capped) list at once; the
widget draws only the visible lines, like the deals table (widgets/deal_table.py).
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

from pipeline_tui.models import Lead
from pipeline_tui.tui.widgets.common import one_line
from pipeline_tui.tui.widgets.strips import text_strip


@dataclass(frozen=True)
class LeadColumn:
    key: str
    label: str
    width: int = 0  # fixed width, or 0 for a share of what is left
    flex: int = 0
    right: bool = False


COLUMNS = [
    LeadColumn("id", "ID", 5, right=True),
    LeadColumn("name", "Name", flex=3),
    LeadColumn("company", "Company", flex=3),
    LeadColumn("email", "Email", flex=3),
    LeadColumn("status", "Status", 12),
    LeadColumn("owner", "Owner", 12),
    LeadColumn("source", "Source", 10),
    LeadColumn("created", "Created", 10),
]
# Dropped in this order while the name would be narrower than _MIN_NAME: the name, the id
# and the status always stay (the status says what qualify and disqualify may do).
_DROP_ORDER = ["source", "email", "owner", "company", "created"]
_MIN_NAME = 16


def _name_share(columns: list[LeadColumn], width: int) -> int:
    fixed = sum(c.width for c in columns) + len(columns) - 1
    return (width - fixed) * 3 // max(sum(c.flex for c in columns), 1)


def lead_layout(width: int) -> list[tuple[LeadColumn, int]]:
    """(column, width) of the columns that fit, one space apart."""
    columns = list(COLUMNS)
    for key in _DROP_ORDER:
        if _name_share(columns, width) >= _MIN_NAME:
            break
        columns = [c for c in columns if c.key != key]
    spare = max(0, width - sum(c.width for c in columns) - (len(columns) - 1))
    flexed = [c for c in columns if c.flex]
    flex_total = sum(c.flex for c in flexed)
    out, given = [], 0
    for column in columns:
        if column.flex:
            w = spare * column.flex // flex_total
            if column is flexed[-1]:
                w = spare - given
            given += w
            w = max(w, 4)
        else:
            w = column.width
        out.append((column, w))
    return out


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


class LeadHeader(Widget):
    """The column titles of the leads table."""

    DEFAULT_CSS = "LeadHeader { height: 1; }"

    def render(self) -> Text:
        line = Text(no_wrap=True)
        for column, w in lead_layout(self.size.width):
            line.append_text(cell(column.label, w, column.right))
            line.append(" ")
        return line


class LeadTable(ScrollView, can_focus=True):
    """Rows of leads with a cursor."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "cursor(-1)", "Up", show=False),
        Binding("down", "cursor(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home", "jump(0)", "First", show=False),
        Binding("end", "jump(-1)", "Last", show=False),
    ]
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "lead-table--cursor",
        "lead-table--new",
        "lead-table--qualified",
        "lead-table--disqualified",
    }

    cursor: reactive[int] = reactive(0, init=False)
    """Index of the highlighted row."""

    @dataclass
    class Highlighted(Message):
        """The cursor rests on a lead (None when the table is empty)."""

        lead_id: int | None

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.leads: list[Lead] = []

    def show(self, leads: list[Lead], keep: int | None = None) -> None:
        """Draw ``leads``; the cursor goes to lead ``keep`` if listed, else stays in place."""
        self.leads = leads
        self.virtual_size = Size(self.size.width, len(leads))
        ids = [lead.id for lead in leads]
        target = ids.index(keep) if keep in ids else self.cursor
        self.set_reactive(LeadTable.cursor, max(0, min(target, len(leads) - 1)))
        self._scroll_to_cursor()
        self.refresh()
        current = self.current
        self.post_message(self.Highlighted(current.id if current else None))

    @property
    def current(self) -> Lead | None:
        return self.leads[self.cursor] if 0 <= self.cursor < len(self.leads) else None

    # -- drawing ------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        index = round(self.scroll_offset.y) + y
        width = self.scrollable_content_region.width
        if index >= len(self.leads):
            return Strip.blank(width, self.rich_style)
        text = self._line(self.leads[index], width)
        if index == self.cursor:
            cursor = self.get_component_rich_style("lead-table--cursor")
            text.stylize(cursor)
            text.style = self.rich_style + cursor
        text.truncate(width, pad=True)
        return text_strip(text, width, self.app.console)

    def _line(self, lead: Lead, width: int) -> Text:
        line = Text(no_wrap=True, style=self.rich_style)
        for column, w in lead_layout(width):
            value: str | Text
            if column.key == "id":
                value = str(lead.id)
            elif column.key == "status":
                value = self._status(lead.status)
            elif column.key == "created":
                value = (lead.created_at or "—")[:10]
            else:
                value = getattr(lead, column.key) or ""
            line.append_text(cell(value, w, column.right))
            line.append(" ")
        return line

    def _status(self, status: str) -> Text:
        if status in ("new", "qualified", "disqualified"):
            style = self.get_component_rich_style(f"lead-table--{status}", partial=True)
            return Text(status, style)
        return Text(status)

    # -- moving -------------------------------------------------------------------------

    def watch_cursor(self, old: int, new: int) -> None:
        self._scroll_to_cursor()
        self.refresh()
        current = self.current
        if current is not None:
            self.post_message(self.Highlighted(current.id))

    def _scroll_to_cursor(self) -> None:
        height = max(1, self.scrollable_content_region.height)
        top = round(self.scroll_offset.y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False, immediate=True)

    def move_to(self, index: int) -> None:
        if self.leads:
            self.cursor = max(0, min(index, len(self.leads) - 1))

    def action_cursor(self, delta: int) -> None:
        self.move_to(self.cursor + delta)

    def action_page(self, direction: int) -> None:
        self.move_to(self.cursor + direction * max(1, self.scrollable_content_region.height - 1))

    def action_jump(self, where: int) -> None:
        self.move_to(len(self.leads) - 1 if where < 0 else 0)

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is not None:
            self.focus()
            self.move_to(round(self.scroll_offset.y) + offset.y)

    def on_resize(self, event: events.Resize) -> None:
        self.virtual_size = Size(event.size.width, len(self.leads))
