"""The Today list: section titles and planned activities, a Line API widget with a cursor.

Each section (overdue, today, the next seven days) is bounded by the screen
(screens/today.py), so the widget holds a few hundred lines at most and draws only the
visible ones, like the leads table (widgets/lead_table.py). The cursor rests only on
activities; titles and "N more" lines are skipped.
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

from pipeline_tui.models import Activity
from pipeline_tui.tui.widgets.lead_table import cell
from pipeline_tui.tui.widgets.strips import text_strip


@dataclass(frozen=True)
class Line:
    """One drawn line: a section title, an activity of a section, or a note ("N more")."""

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


class TodayTable(ScrollView, can_focus=True):
    """Sections of planned activities with a cursor on one activity."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "cursor(-1)", "Up", show=False),
        Binding("down", "cursor(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home", "jump(0)", "First", show=False),
        Binding("end", "jump(-1)", "Last", show=False),
    ]
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "today-table--cursor",
        "today-table--title",
        "today-table--overdue",
        "today-table--today",
        "today-table--note",
    }

    cursor: reactive[int] = reactive(0, init=False)
    """Index of the highlighted line (always an activity's, when there is one)."""

    @dataclass
    class Highlighted(Message):
        """The cursor rests on an activity (None when there is none)."""

        activity: Activity | None

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.lines: list[Line] = []

    def show(self, lines: list[Line], keep: int | None = None) -> None:
        """Draw ``lines``; the cursor goes to activity ``keep`` if listed, else near where
        it was (the next activity after a completed one, say)."""
        self.lines = lines
        self.virtual_size = Size(self.size.width, len(lines))
        found = next((i for i, ln in enumerate(lines) if ln.activity and ln.activity.id == keep),
                     None)  # fmt: skip
        target = found if found is not None else self._nearest(self.cursor, 1)
        self.set_reactive(TodayTable.cursor, target)
        self._scroll_to_cursor()
        self.refresh()
        self.post_message(self.Highlighted(self.current))

    @property
    def current(self) -> Activity | None:
        if 0 <= self.cursor < len(self.lines):
            return self.lines[self.cursor].activity
        return None

    @property
    def activities(self) -> list[Activity]:
        return [ln.activity for ln in self.lines if ln.activity is not None]

    def _nearest(self, index: int, direction: int) -> int:
        """The activity line at ``index`` or the first one from there in ``direction`` (then
        the other way); 0 when there is none."""
        index = max(0, min(index, len(self.lines) - 1))
        for step in (direction, -direction):
            i = index
            while 0 <= i < len(self.lines):
                if self.lines[i].activity is not None:
                    return i
                i += step
        return 0

    # -- drawing ------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        index = round(self.scroll_offset.y) + y
        width = self.scrollable_content_region.width
        if index >= len(self.lines):
            return Strip.blank(width, self.rich_style)
        line = self.lines[index]
        if line.activity is None:
            name = "today-table--title" if line.title else "today-table--note"
            text = Text(line.text, style=self.get_component_rich_style(name, partial=True))
        else:
            text = self._row(line.activity, line.section, width)
        if index == self.cursor and line.activity is not None:
            cursor = self.get_component_rich_style("today-table--cursor")
            text.stylize(cursor)
            text.style = self.rich_style + cursor
        text.truncate(width, pad=True)
        return text_strip(text, width, self.app.console)

    def _row(self, act: Activity, section: str, width: int) -> Text:
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

    # -- moving -------------------------------------------------------------------------

    def watch_cursor(self, old: int, new: int) -> None:
        self._scroll_to_cursor()
        self.refresh()
        self.post_message(self.Highlighted(self.current))

    def _scroll_to_cursor(self) -> None:
        height = max(1, self.scrollable_content_region.height)
        top = round(self.scroll_offset.y)
        # Show the section title above the first activity of the list.
        want = 0 if self.cursor == self._nearest(0, 1) else self.cursor
        if want < top:
            self.scroll_to(y=want, animate=False, immediate=True)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False, immediate=True)

    def move_to(self, index: int, direction: int = 1) -> None:
        if self.activities:
            self.cursor = self._nearest(index, direction)

    def action_cursor(self, delta: int) -> None:
        self.move_to(self.cursor + delta, 1 if delta > 0 else -1)

    def action_page(self, direction: int) -> None:
        step = max(1, self.scrollable_content_region.height - 1)
        self.move_to(self.cursor + direction * step, direction)

    def action_jump(self, where: int) -> None:
        if where < 0:
            self.move_to(len(self.lines) - 1, -1)
        else:
            self.move_to(0, 1)

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is not None:
            self.focus()
            index = round(self.scroll_offset.y) + offset.y
            if 0 <= index < len(self.lines) and self.lines[index].activity is not None:
                self.cursor = index

    def on_resize(self, event: events.Resize) -> None:
        self.virtual_size = Size(event.size.width, len(self.lines))
