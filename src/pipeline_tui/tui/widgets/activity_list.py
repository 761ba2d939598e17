"""A deal's activity timeline in its detail pane, with a cursor: tab to it, then act on one.

The keys are the Today screen's (screens/activity_actions.py). A change posts ``Changed``;
the screen holding the detail reloads it (screens/deals.py, screens/detail.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.console import RenderableType
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from pipeline_tui.models import Activity
from pipeline_tui.tui.screens.activity_actions import ActivityActions

WHEN = 15  # the date column: "due 2026-12-01 " and "cancelled 2026-12-01 " end in a space


def when_of(act: Activity) -> str:
    """The date column of one activity, always followed by a space before its kind."""
    if act.cancelled_at:
        when = f"cancelled {act.cancelled_at[:10]}"
    elif act.done_at:
        when = act.done_at[:10]
    else:
        when = f"due {(act.due_at or '')[:10]}"
    return f"{when:<{WHEN - 1}} "


def activity_text(act: Activity, from_lead: bool, selected: bool) -> Text:
    """One activity (and its notes) as literal Text; the selected one is marked with '>'."""
    text = Text()
    if selected:  # seen without colour too; the others keep the width they always had
        text.append("> ", style="bold")
    text.append(when_of(act), style="dim" if act.state != "planned" else "bold")
    text.append(f"{act.kind:<9}")
    text.append(act.subject)
    if act.outcome:
        text.append(f" → {act.outcome}", style="italic")
    if act.cancel_reason:
        text.append(f" ({act.cancel_reason})", style="dim")
    if from_lead:
        text.append("  (from the lead)", style="dim")
    for line in (act.notes or "").splitlines():
        text.append(f"\n{'':<{WHEN}}{line}", style="dim")
    if selected:
        text.stylize("reverse")
    return text


class ActivityList(ActivityActions, Widget, can_focus=True):
    """The activities of one deal; the cursor shows while the list has focus."""

    DEFAULT_CSS = "ActivityList { height: auto; }"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "cursor(-1)", "Up", show=False),
        Binding("down", "cursor(1)", "Down", show=False),
        *ActivityActions.ACTIVITY_BINDINGS,
        Binding(
            "escape", "leave", "Back", tooltip="Back to the list of deals", id="activity.leave"
        ),  # fmt: skip
    ]

    cursor: reactive[int] = reactive(0)

    @dataclass
    class Changed(Message):
        """An activity of the deal was changed from here."""

        activity_id: int | None

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.activities: list[Activity] = []
        self.from_lead: set[int] = set()
        self._tops: list[int] = []  # first drawn line of each activity

    def show(self, activities: list[Activity], from_lead: set[int]) -> None:
        """Draw the timeline; the cursor stays on the same activity when it is still listed."""
        current = self.selected_activity()
        self.activities, self.from_lead = activities, from_lead
        ids = [a.id for a in activities]
        index = ids.index(current.id) if current and current.id in ids else self.cursor
        self.set_reactive(ActivityList.cursor, max(0, min(index, len(activities) - 1)))
        self.refresh(layout=True)

    def render(self) -> RenderableType:
        out = Text("Activities", style="bold underline")
        if not self.activities:
            return out.append("\nnone yet", style="dim")
        out.append("  (tab to them)" if not self.has_focus else "  (esc: back)", style="dim")
        width = max(1, self.size.width)
        self._tops, top = [], 1
        for i, act in enumerate(self.activities):
            one = activity_text(act, act.id in self.from_lead, self.has_focus and i == self.cursor)
            self._tops.append(top)
            top += len(one.wrap(self.app.console, width))
            out.append("\n")
            out.append_text(one)
        return out

    def selected_activity(self) -> Activity | None:
        if 0 <= self.cursor < len(self.activities):
            return self.activities[self.cursor]
        return None

    def activity_changed(self, activity_id: int | None) -> None:
        self.post_message(self.Changed(activity_id))

    def watch_cursor(self) -> None:
        self.refresh()
        self.call_after_refresh(self._scroll_to_cursor)

    def _scroll_to_cursor(self) -> None:
        if not self._tops or self.parent is None or not isinstance(self.parent, Widget):
            return
        i = min(self.cursor, len(self._tops) - 1)
        end = self._tops[i + 1] if i + 1 < len(self._tops) else self.size.height
        region = self.virtual_region
        self.parent.scroll_to_region(
            Region(0, region.y + self._tops[i], region.width, max(1, end - self._tops[i])),
            animate=False, immediate=True,
        )  # fmt: skip

    def on_focus(self, _event: events.Focus) -> None:
        self.refresh()
        self.call_after_refresh(self._scroll_to_cursor)

    def on_blur(self, _event: events.Blur) -> None:
        self.refresh()

    def action_cursor(self, delta: int) -> None:
        if self.activities:
            self.cursor = max(0, min(self.cursor + delta, len(self.activities) - 1))

    def action_leave(self) -> None:
        from pipeline_tui.tui.widgets.deal_table import DealTable

        tables = self.screen.query(DealTable)
        if tables:
            tables.first().focus()
        elif isinstance(self.parent, Widget):
            self.parent.focus()

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        self.focus()
        if offset is not None and self._tops and offset.y >= self._tops[0]:
            self.cursor = max(i for i, top in enumerate(self._tops) if top <= offset.y)
