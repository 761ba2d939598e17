"""The contacts table: companies or people, a Line API widget with columns that fit the width.

Like the leads table (widgets/lead_table.py) it gets the whole capped list at once and draws
only the visible lines; one widget serves both lists, each with its own columns.
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
from textual.widget import Widget

from pipeline_tui.models.contacts import Person
from pipeline_tui.tui.widgets.lead_table import cell
from pipeline_tui.tui.widgets.strips import text_strip

COMPANIES, PEOPLE = "companies", "people"


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    width: int = 0  # fixed width, or 0 for a share of what is left
    flex: int = 0
    right: bool = False


COLUMNS = {
    COMPANIES: [
        Column("id", "ID", 5, right=True),
        Column("name", "Name", flex=4),
        Column("industry", "Industry", flex=2),
        Column("city", "City", flex=2),
        Column("country", "Country", 7),
        Column("owner", "Owner", 12),
        Column("open_deals", "Open deals", 10, right=True),
    ],
    PEOPLE: [
        Column("id", "ID", 5, right=True),
        Column("name", "Name", flex=3),
        Column("title", "Title", flex=2),
        Column("company", "Company", flex=3),
        Column("email", "Email", flex=3),
        Column("owner", "Owner", 12),
    ],
}
# Dropped in this order while the name would be narrower than _MIN_NAME.
_DROP = {
    COMPANIES: ["country", "city", "industry", "owner"],
    PEOPLE: ["owner", "title", "email", "company"],
}
_MIN_NAME = 24


def _name_width(columns: list[Column], width: int) -> int:
    fixed = sum(c.width for c in columns) + len(columns) - 1
    name = next(c for c in columns if c.key == "name")
    return (width - fixed) * name.flex // max(sum(c.flex for c in columns), 1)


def layout(kind: str, width: int) -> list[tuple[Column, int]]:
    """(column, width) of the columns that fit, one space apart."""
    columns = list(COLUMNS[kind])
    for key in _DROP[kind]:
        if _name_width(columns, width) >= _MIN_NAME:
            break
        columns = [c for c in columns if c.key != key]
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


def record_id(record: Any) -> int:
    return int(record.id if isinstance(record, Person) else record["id"])


def value_of(record: Any, key: str) -> str:
    """A column's text for a company (a dict from list_companies) or a Person."""
    if isinstance(record, Person):
        if key == "name":
            return record.label
        if key == "email":
            return record.emails[0] if record.emails else ""
        value = getattr(record, key)
    else:
        value = record.get(key)
    return "" if value is None else str(value)


class ContactHeader(Widget):
    """The column titles of the contacts table."""

    DEFAULT_CSS = "ContactHeader { height: 1; }"

    kind: reactive[str] = reactive(COMPANIES)

    def render(self) -> Text:
        line = Text(no_wrap=True)
        for column, w in layout(self.kind, self.size.width):
            line.append_text(cell(column.label, w, column.right))
            line.append(" ")
        return line


class ContactTable(ScrollView, can_focus=True):
    """Rows of companies or of people, with a cursor."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "cursor(-1)", "Up", show=False),
        Binding("down", "cursor(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home", "jump(0)", "First", show=False),
        Binding("end", "jump(-1)", "Last", show=False),
    ]
    COMPONENT_CLASSES: ClassVar[set[str]] = {"contact-table--cursor", "contact-table--dim"}

    cursor: reactive[int] = reactive(0, init=False)

    @dataclass
    class Highlighted(Message):
        """The cursor rests on a record (None when the table is empty)."""

        record_id: int | None

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.kind = COMPANIES
        self.records: list[Any] = []

    def show(self, kind: str, records: list[Any], keep: int | None = None) -> None:
        """Draw ``records``; the cursor goes to record ``keep`` if listed, else stays."""
        if kind != self.kind:
            self.kind = kind
            self.set_reactive(ContactTable.cursor, 0)
        self.records = records
        self.virtual_size = Size(0, len(records))  # as wide as the view: never scrolls sideways
        ids = [record_id(r) for r in records]
        target = ids.index(keep) if keep in ids else self.cursor
        self.set_reactive(ContactTable.cursor, max(0, min(target, len(records) - 1)))
        self._scroll_to_cursor()
        self.refresh()
        current = self.current
        self.post_message(self.Highlighted(record_id(current) if current is not None else None))

    @property
    def current(self) -> Any:
        return self.records[self.cursor] if 0 <= self.cursor < len(self.records) else None

    def render_line(self, y: int) -> Strip:
        index = round(self.scroll_offset.y) + y
        width = self.scrollable_content_region.width
        if index >= len(self.records):
            return Strip.blank(width, self.rich_style)
        line = Text(no_wrap=True, style=self.rich_style)
        for column, w in layout(self.kind, width):
            value = value_of(self.records[index], column.key)
            text = Text(value)
            if column.key == "open_deals" and value == "0":
                text.stylize(self.get_component_rich_style("contact-table--dim", partial=True))
            line.append_text(cell(text, w, column.right))
            line.append(" ")
        if index == self.cursor:
            cursor = self.get_component_rich_style("contact-table--cursor")
            line.stylize(cursor)
            line.style = self.rich_style + cursor
        line.truncate(width, pad=True)
        return text_strip(line, width, self.app.console)

    def watch_cursor(self, old: int, new: int) -> None:
        self._scroll_to_cursor()
        self.refresh()
        current = self.current
        if current is not None:
            self.post_message(self.Highlighted(record_id(current)))

    def _scroll_to_cursor(self) -> None:
        height = max(1, self.scrollable_content_region.height)
        top = round(self.scroll_offset.y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False, immediate=True)

    def move_to(self, index: int) -> None:
        if self.records:
            self.cursor = max(0, min(index, len(self.records) - 1))

    def action_cursor(self, delta: int) -> None:
        self.move_to(self.cursor + delta)

    def action_page(self, direction: int) -> None:
        self.move_to(self.cursor + direction * max(1, self.scrollable_content_region.height - 1))

    def action_jump(self, where: int) -> None:
        self.move_to(len(self.records) - 1 if where < 0 else 0)

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is not None:
            self.focus()
            self.move_to(round(self.scroll_offset.y) + offset.y)
