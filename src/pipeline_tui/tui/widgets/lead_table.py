"""The leads table: its columns, which fit the width, and how a lead is drawn.

The paging, cursor and scrolling are the shared paged table's (widgets/paged_table.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.widget import Widget

from pipeline_tui.models import Lead
from pipeline_tui.tui.widgets.paged_table import PagedTable, cell, flex_layout


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
    return flex_layout(columns, width)


class LeadHeader(Widget):
    """The column titles of the leads table."""

    DEFAULT_CSS = "LeadHeader { height: 1; }"

    def render(self) -> Text:
        line = Text(no_wrap=True)
        for column, w in lead_layout(self.size.width):
            line.append_text(cell(column.label, w, column.right))
            line.append(" ")
        return line


class LeadTable(PagedTable):
    """Rows of leads with a cursor, newest first, a page at a time."""

    PREFIX = "lead-table"
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "lead-table--cursor",
        "lead-table--dim",
        "lead-table--new",
        "lead-table--qualified",
        "lead-table--disqualified",
    }

    @property
    def leads(self) -> list[Lead]:
        """The leads loaded so far, in order."""
        return self.loaded

    def draw_row(self, lead: Lead, width: int, index: int) -> Text:
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
