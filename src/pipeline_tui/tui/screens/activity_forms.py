"""Modal forms for one planned activity: complete, reschedule, edit, cancel, plan the next.

Like the deal forms (screens/forms.py) they check what they can and close with plain
values; screens/activity_actions.py runs services/activities.py in a worker.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from rich.text import Text
from textual.widgets import Label, OptionList, Select, Static, TextArea
from textual.widgets.option_list import Option

from pipeline_tui.models import Activity, ActivityKind, PipelineError
from pipeline_tui.models.dates import parse_date, today
from pipeline_tui.services.common import clean_text
from pipeline_tui.tui.screens.data import owner_check, owner_hint
from pipeline_tui.tui.screens.forms import FormScreen, Invalid

Values = dict[str, Any]


def _due(text: str) -> date:
    if not text.strip():
        raise PipelineError("a planned activity needs a due date")
    return parse_date(text)


def _notes_field(value: str = "") -> Iterator[Any]:
    yield Label("Notes", classes="field-label")
    yield TextArea(value, id="notes", classes="notes")
    yield Static("", id="notes-error", classes="field-error")


def quick_dates(activity: Activity, day: date | None = None) -> list[tuple[str, date]]:
    """The reschedule shortcuts. +1 day and +1 week count from the due date, or from today
    when that is past (an overdue call moved '+1 day' lands tomorrow, not still overdue)."""
    day = day or today()
    due = date.fromisoformat((activity.due_at or day.isoformat())[:10])
    base = max(due, day)
    return [
        ("+1 day", base + timedelta(days=1)),
        ("+1 week", base + timedelta(days=7)),
        ("next Monday", parse_date("next monday", day)),
    ]


class CompleteForm(FormScreen[Values]):
    """Mark a planned activity done, with what came of it."""

    heading = "Complete"

    def fields(self) -> Iterator[Any]:
        yield from self.field("outcome", "Outcome", "", "Went well, proposal next")

    def collect(self) -> Values:
        return {"outcome": self.check("outcome", lambda t: clean_text(t, "outcome") or None)}


class RescheduleForm(FormScreen[date]):
    """Pick a new due date: a shortcut, or a typed date."""

    heading = "Reschedule"

    def __init__(self, activity: Activity) -> None:
        super().__init__(activity.subject)
        self.activity = activity
        self.choices = quick_dates(activity)

    def fields(self) -> Iterator[Any]:
        yield Label(Text(f"Due {(self.activity.due_at or '')[:10]}"), classes="field-label")
        yield OptionList(
            *(Option(f"{label:<12} {day.isoformat()}", id=label) for label, day in self.choices),
            id="quick",
        )
        yield from self.field("date", "Or a date (enter saves it)", "", "2026-12-01, +3d, friday")

    def on_mount(self) -> None:
        quick = self.query_one("#quick", OptionList)
        quick.highlighted = 0
        quick.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.choices[event.option_index][1])

    def collect(self) -> date:
        if self.text("date").strip():
            return self.check("date", parse_date)
        index = self.query_one("#quick", OptionList).highlighted
        if index is None:
            self.error("date", "pick a choice or type a date")
            raise Invalid("date")
        return self.choices[index][1]


class CancelActivityForm(FormScreen[Values]):
    """Cancel a planned activity; the reason is optional."""

    heading = "Cancel activity"

    def fields(self) -> Iterator[Any]:
        yield from self.field("reason", "Reason (optional)", "", "Customer postponed")

    def collect(self) -> Values:
        return {"reason": self.check("reason", lambda t: clean_text(t, "reason") or None)}


class ActivityEditForm(FormScreen[Values]):
    """Edit a planned activity's subject, kind, due date, notes and owner. It closes with
    only the fields changed and the values they had (services/activities.py: edit)."""

    heading = "Edit activity"

    def __init__(self, activity: Activity, owners: list[str], mine: str) -> None:
        super().__init__(activity.subject)
        self.activity = activity
        self.owners = owners
        self.mine = mine

    def fields(self) -> Iterator[Any]:
        a = self.activity
        yield from self.field("subject", "Subject *", a.subject)
        yield Label("Kind", classes="field-label")
        yield Select([(k.value, k.value) for k in ActivityKind], value=a.kind, allow_blank=False,
                     id="kind")  # fmt: skip
        yield from self.field("due", "Due *", (a.due_at or "")[:10], "tomorrow, +3d, 2026-12-01")
        yield from _notes_field(a.notes or "")
        yield from self.field("owner", "Owner", a.owner or "", owner_hint(self.owners),
                              self.owners)  # fmt: skip

    def collect(self) -> Values:
        a = self.activity
        changes: Values = {}
        subject = self.check("subject", lambda t: clean_text(t, "subject", required=True))
        if subject != a.subject:
            changes["subject"] = subject
        kind = str(self.query_one("#kind", Select).value)
        if kind != a.kind:
            changes["kind"] = kind
        if self.text("due").strip() != (a.due_at or "")[:10]:
            changes["due_at"] = self.check("due", _due)
        notes = self.check("notes", lambda t: clean_text(t, "notes") or None)
        if notes != (a.notes or None):
            changes["notes"] = notes
        if self.text("owner") != (a.owner or ""):
            owner = self.check("owner", owner_check(self.owners, self.mine))
            if owner != a.owner:
                changes["owner"] = owner
        from pipeline_tui.services.activities import editable_fields

        was = editable_fields(a)
        return {"changes": changes, "seen": {k: was[k] for k in changes}}


class PlanForm(FormScreen[Values]):
    """Plan an activity on a deal or lead (after completing one: its next step)."""

    heading = "Plan the next step"

    def __init__(self, regarding: str, kind: str = "call") -> None:
        super().__init__(regarding)
        self.kind = kind

    def fields(self) -> Iterator[Any]:
        yield Static(Text("Escape skips: nothing is planned.", style="dim"))
        yield Label("Kind", classes="field-label")
        yield Select([(k.value, k.value) for k in ActivityKind], value=self.kind,
                     allow_blank=False, id="kind")  # fmt: skip
        yield from self.field("subject", "Subject *", "", "Send the proposal")
        yield from self.field("due", "Due *", "", "tomorrow, +3d, next friday, 2026-12-01")
        yield from _notes_field()

    def collect(self) -> Values:
        return {
            "kind": str(self.query_one("#kind", Select).value),
            "subject": self.check("subject", lambda t: clean_text(t, "subject", required=True)),
            "due": self.check("due", _due),
            "notes": self.check("notes", lambda t: clean_text(t, "notes") or None),
        }
