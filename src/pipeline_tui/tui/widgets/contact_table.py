"""The contacts table: companies or people, a Line API widget with columns that fit the width.

One widget serves both lists, each with its own columns; the paging, cursor and scrolling
are the shared paged table's (widgets/paged_table.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from pipeline_tui.models.contacts import Person
from pipeline_tui.tui.widgets.paged_table import PagedTable, cell, flex_layout

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
    return flex_layout(columns, width)


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


class ContactTable(PagedTable):
    """Rows of companies or of people, with a cursor, a page at a time."""

    PREFIX = "contact-table"
    COMPONENT_CLASSES: ClassVar[set[str]] = {"contact-table--cursor", "contact-table--dim"}

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.kind = COMPANIES

    @property
    def records(self) -> list[Any]:
        """The records loaded so far, in order."""
        return self.loaded

    def show_kind(self, kind: str) -> None:
        """The rows to come are of ``kind``: a cursor index of the other list means nothing."""
        if kind != self.kind:
            self.kind = kind
            self.reset(self.total, 0)

    def row_id(self, row: Any) -> int:
        return record_id(row)

    def draw_row(self, record: Any, width: int, index: int) -> Text:
        line = Text(no_wrap=True, style=self.rich_style)
        for column, w in layout(self.kind, width):
            value = value_of(record, column.key)
            text = Text(value)
            if column.key == "open_deals" and value == "0":
                text.stylize(self.get_component_rich_style("contact-table--dim", partial=True))
            line.append_text(cell(text, w, column.right))
            line.append(" ")
        return line
