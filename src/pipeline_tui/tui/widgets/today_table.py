"""The Today list: section titles and planned activities, a Line API widget with a cursor.

Each section (overdue, today, the next seven days) is listed whole: its title, then its
activities, which load a page at a time like every paged table (widgets/paged_table.py).
The cursor rests only on activities; titles and "nothing planned" lines are skipped.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.widget import Widget

from pipeline_tui.models import Activity
from pipeline_tui.tui.widgets.paged_table import PagedTable, cell


@dataclass(frozen=True)
class Line:
    """One drawn line: a section title, an activity of a section, or a note."""

    text: str
    activity: Activity | None = None
    section: str = ""  # overdue, today or week
    title: bool = False


# (key, label, width or 0 for a share of the rest, share)
COLUMNS = [
    ("mark", "", 1, 0),
    ("due", "Due", 10, 0),
    ("kind", "Kind", 8, 0),
    ("subject", "Subject", 0, 3),
    ("regarding", "Deal / lead", 0, 2),
    ("owner", "Owner", 12, 0),
]


def today_layout(width: int) -> list[tuple[str, str, int]]:
    """(key, label, width) of each column, one space apart; the owner goes when narrow."""
    columns = COLUMNS if width >= 70 else [c for c in COLUMNS if c[0] != "owner"]
    fixed = sum(c[2] for c in columns) + len(columns) - 1
    spare = max(0, width - fixed)
    shares = sum(c[3] for c in columns)
    out, given = [], 0
    flexed = [c for c in columns if c[3]]
    for key, label, w, share in columns:
        if share:
            w = spare - given if key == flexed[-1][0] else spare * share // shares
            given += w
            w = max(w, 4)
        out.append((key, label, w))
    return out


def regarding(activity: Activity) -> str:
    """The deal's title, or the lead's name marked as a lead."""
    name = activity.regarding or ""
    return name if activity.deal_id is not None else f"lead: {name}"


class TodayHeader(Widget):
    """The column titles of the Today list."""

    DEFAULT_CSS = "TodayHeader { height: 1; }"

    def render(self) -> Text:
        line = Text(no_wrap=True)
        for _key, label, w in today_layout(self.size.width):
            line.append_text(cell(label, w))
            line.append(" ")
        return line


@dataclass(frozen=True)
class Span:
    """Where one section lies in the list: its title at ``start``, then its ``count``
    activities (or one "nothing planned" line)."""

    key: str  # overdue, today or week
    title: str
    start: int
    count: int

    @property
    def end(self) -> int:
        return self.start + 1 + max(self.count, 1)


def spans_of(sections: list[tuple[str, str, int]]) -> list[Span]:
    """The spans of (key, title, count) sections laid one after another."""
    out, start = [], 0
    for key, title, n in sections:
        out.append(Span(key, title, start, n))
        start = out[-1].end
    return out


class TodayTable(PagedTable):
    """Sections of planned activities with a cursor on one activity, a page at a time."""

    PREFIX = "today-table"
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "today-table--cursor",
        "today-table--dim",
        "today-table--title",
        "today-table--overdue",
        "today-table--today",
        "today-table--note",
    }

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.spans: list[Span] = []

    def show_spans(self, spans: list[Span], cursor: int | None = None) -> None:
        """Lay the sections out (their rows load by page); the cursor goes to ``cursor``,
        else near where it was (the next activity after a completed one, say)."""
        self.spans = spans
        self.reset(spans[-1].end if spans else 0, cursor)

    def span_at(self, index: int) -> Span | None:
        return next((s for s in self.spans if s.start <= index < s.end), None)

    def selectable(self, index: int) -> bool:
        span = self.span_at(index)
        return span is not None and span.start < index <= span.start + span.count

    @property
    def activities(self) -> list[Activity]:
        """The activities loaded so far, in order."""
        return self.loaded

    @property
    def lines(self) -> list[Line]:
        """Every line as drawn (titles, activities; an activity not loaded is "…")."""
        out = []
        for i in range(self.total):
            span = self.span_at(i)
            key = span.key if span else ""
            if i in self.rows:
                out.append(Line("", self.rows[i], key))
            elif span is not None and i == span.start:
                out.append(Line(self._title(span), section=key, title=True))
            else:
                out.append(Line("  nothing planned" if span and not span.count else "…",
                                section=key))  # fmt: skip
        return out

    @staticmethod
    def _title(span: Span) -> str:
        return f"{span.title} ({span.count:,})"

    # -- drawing ------------------------------------------------------------------------

    def fixed_line(self, index: int, width: int) -> Text | None:
        span = self.span_at(index)
        if span is None or span.start < index <= span.start + span.count:
            return None
        if index == span.start:
            return Text(self._title(span), self.get_component_rich_style("today-table--title",
                                                                         partial=True))  # fmt: skip
        note = self.get_component_rich_style("today-table--note", partial=True)
        return Text("  nothing planned", style=note)

    def draw_row(self, act: Activity, width: int, index: int) -> Text:
        span = self.span_at(index)
        section = span.key if span else ""
        line = Text(no_wrap=True, style=self.rich_style)
        late = section == "overdue"
        for key, _label, w in today_layout(width):
            value: str | Text
            if key == "mark":
                value = "!" if late else " "  # overdue, seen without colour too
            elif key == "due":
                due = (act.due_at or "")[:10]
                style = {"overdue": "today-table--overdue", "today": "today-table--today"}
                value = Text(due, self.get_component_rich_style(style[section], partial=True)) \
                    if section in style else due  # fmt: skip
            elif key == "regarding":
                value = regarding(act)
            else:
                value = getattr(act, key) or ""
            line.append_text(cell(value, w))
            line.append(" ")
        return line
