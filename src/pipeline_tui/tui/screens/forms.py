"""Modal forms: new and edit deal, log or plan activity, move, won, lost, new lead.

Each form checks what it can before closing (required fields, dates, amounts) and shows
the message under the field at fault. It closes with plain values; the screen then runs
the service in a worker, so the change is journalled and can be undone like the CLI's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime
from functools import partial
from typing import Any, ClassVar, TypeVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Button, Input, Label, OptionList, Select, Static, TextArea
from textual.widgets.option_list import Option

from pipeline_tui.models import ActivityKind, Deal, PipelineError, Stage
from pipeline_tui.models.dates import not_future, parse_date, parse_moment
from pipeline_tui.models.errors import StaleError
from pipeline_tui.models.money import (
    check_currency,
    parse_amount,
    plain_amount,
    to_minor,
)
from pipeline_tui.services.common import clean_text
from pipeline_tui.tui.screens.data import Meta, owner_check, owner_hint

T = TypeVar("T")
Values = dict[str, Any]


class Invalid(Exception):
    """A field's value was refused; the message is already shown under it."""


class FormScreen(ModalScreen[T]):
    """A titled column of labelled fields with an error line under each."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", tooltip="Close without saving", id="form.cancel"),
        Binding("ctrl+s", "submit", "Save", tooltip="Check and save the form", id="form.save"),
    ]
    heading = "Form"
    AUTO_FOCUS = ""  # on_mount focuses the first field

    def __init__(self, subject: str = "") -> None:
        super().__init__()
        self.subject = subject
        self._failed = False

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="form"):
            title = Text(self.heading, style="bold")
            if self.subject:
                title.append(": ")
                title.append(self.subject)
            yield Static(title, classes="form-title")
            yield from self.fields()
            with Horizontal(classes="form-buttons"):
                yield Button("Save", variant="primary", id="save")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        # Not AUTO_FOCUS: it focuses before the layout, then scrolls the field to the top of
        # a tall form, hiding the heading that names the deal being changed.
        fields = self.query("Input, Select, OptionList, TextArea")
        first = next((w for w in fields if w.focusable), None)
        if first is not None:
            self.set_focus(first, scroll_visible=False)

    def fields(self) -> Iterator[Any]:
        yield from ()

    def field(
        self,
        name: str,
        label: str,
        value: str = "",
        placeholder: str = "",
        suggest: list[str] | None = None,
    ) -> ComposeResult:
        yield Label(label, classes="field-label")
        suggester = SuggestFromList(suggest, case_sensitive=False) if suggest else None
        yield Input(value, placeholder=placeholder, id=name, suggester=suggester)
        yield Static("", id=f"{name}-error", classes="field-error")

    def text(self, name: str) -> str:
        widget = self.query_one(f"#{name}")
        if isinstance(widget, TextArea):
            return widget.text
        return self.query_one(f"#{name}", Input).value

    def error(self, name: str, message: str) -> None:
        note = self.query_one(f"#{name}-error", Static)
        note.update(Text(message))
        note.add_class("-shown")
        if not self._failed:
            self.query_one(f"#{name}").focus()
        self._failed = True

    def check(self, name: str, parse: Callable[[str], Any]) -> Any:
        """Parse a field's text, showing a refusal under the field."""
        try:
            return parse(self.text(name))
        except PipelineError as exc:
            self.error(name, str(exc))
            raise Invalid(name) from None

    def collect(self) -> T:
        raise NotImplementedError

    def action_submit(self) -> None:
        self._failed = False
        for note in self.query(".field-error"):
            note.remove_class("-shown")
            if isinstance(note, Static):
                note.update("")
        try:
            result = self.collect()
        except Invalid:
            return
        if not self._failed:
            self.dismiss(result)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_submit()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "save":
            self.action_submit()
        else:
            self.action_cancel()


def _optional(text: str, what: str) -> str | None:
    return clean_text(text, what)


def _required(what: str) -> Callable[[str], str]:
    return lambda text: clean_text(text, what, required=True) or ""


def _day(text: str) -> date | None:
    return parse_date(text) if text.strip() else None


def _closed_at(text: str) -> datetime | None:
    """A closing moment: blank means now; a date may not lie in the future."""
    if not text.strip():
        return None
    return not_future(parse_moment(text), "closing date", text)


# The edit form's input for each field edit_deal takes (category has none).
_INPUTS = {"title": "title", "value_minor": "value", "currency": "currency", "company": "company",
           "contact": "contact", "owner": "owner", "probability": "probability",
           "close_date": "close", "next_step": "next_step", "next_due": "next_due"}  # fmt: skip


class DealForm(FormScreen[Values]):
    """New deal (deal None) or edit of an existing one."""

    # An edit sends only the fields whose input changed, with their opened values as
    # ``expected``: the service refuses a stale edit rather than revert another's change.

    def __init__(
        self,
        meta: Meta,
        deal: Deal | None,
        pipeline_id: int | None = None,
        *,
        typed: dict[str, str] | None = None,
        stale: StaleError | None = None,
    ) -> None:
        super().__init__(deal.title if deal else "")
        self.heading = "Edit deal" if deal else "New deal"
        self.meta = meta
        self.deal = deal
        self.stages: list[Stage] = meta.stages_of(pipeline_id)
        self.typed = typed or {}
        self.stale = stale
        self.opened: dict[str, str] = {}  # each input's text as the form opened

    def fields(self) -> Iterator[Any]:
        d = self.deal
        value = plain_amount(d.value_minor, d.currency) if d and d.value_minor is not None else ""
        yield from self.field("title", "Title *", d.title if d else "", "Annual plan, 40 seats")
        yield from self.field("value", "Value", value, "12500, 12.5k, EUR 9,000")
        yield from self.field("currency", "Currency", d.currency if d else self.meta.currency)
        yield from self.field("company", "Company", (d.company or "") if d else "")
        yield from self.field("contact", "Contact", (d.contact or "") if d else "", "Name <email>")
        yield from self.field("owner", "Owner", (d.owner or "") if d else self.meta.owner,
                              owner_hint(self.meta.owners), self.meta.owners)  # fmt: skip
        if d is None:
            yield Label("Stage", classes="field-label")
            yield Select(
                [(Text(s.name), s.name) for s in self.stages],
                value=self.stages[0].name if self.stages else Select.NULL,
                allow_blank=not self.stages,
                id="stage",
            )
        prob = "" if d is None or d.probability_override is None else str(d.probability_override)
        yield from self.field("probability", "Probability % (blank: the stage's)", prob)
        yield from self.field("close", "Expected close", (d.close_date or "") if d else "",
                              "2026-12-01, +30d, next friday")  # fmt: skip
        yield from self.field("next_step", "Next step", (d.next_step or "") if d else "")
        yield from self.field("next_due", "Next step due", (d.next_due or "") if d else "")

    def field(
        self,
        name: str,
        label: str,
        value: str = "",
        placeholder: str = "",
        suggest: list[str] | None = None,
    ) -> ComposeResult:
        self.opened[name] = value
        yield from super().field(name, label, self.typed.get(name, value), placeholder, suggest)

    def on_mount(self) -> None:
        super().on_mount()
        if self.stale is not None:
            at = next((_INPUTS[k] for k in self.stale.fields if k in _INPUTS), "title")
            self.error(at, str(self.stale))

    def _money(self) -> tuple[int, str]:
        currency = self.check("currency", lambda t: check_currency(t or self.meta.currency))
        text = self.text("value").strip()
        if not text:
            return 0, currency
        amount, found = self.check("value", lambda t: parse_amount(t, self.meta.decimal))
        if found and found != currency:
            self.error("value", f"amount {text!r} is in {found} but the currency says {currency}")
            raise Invalid("value")
        return self.check("value", lambda t: to_minor(amount, currency, t)), currency

    def _probability(self, text: str) -> int | None:
        if not text.strip():
            return None
        try:
            p = int(text)
        except ValueError:
            raise PipelineError(f"invalid probability {text!r}: use 0 to 100") from None
        if not 0 <= p <= 100:
            raise PipelineError(f"invalid probability {p}: use 0 to 100")
        return p

    def collect(self) -> Values:
        values: Values = {"title": self.check("title", _required("title"))}
        minor, currency = self._money()
        values.update(value_minor=minor, currency=currency)
        for name in ("company", "contact", "next_step"):
            values[name] = self.check(name, partial(_optional, what=name.replace("_", " ")))
        values["owner"] = self.check("owner", owner_check(self.meta.owners, self.meta.owner))
        values["probability"] = self.check("probability", self._probability)
        values["close_date"] = self.check("close", _day)
        values["next_due"] = self.check("next_due", _day)
        if values["next_due"] and not values["next_step"]:
            self.error("next_due", "a due date needs a next step")
        if self.deal is None:
            from pipeline_tui.services.deals import DealInput

            stage = self.query_one("#stage", Select).value
            values["stage"] = None if stage is Select.NULL else str(stage)
            return {"input": DealInput(**values)}
        return self._changes(values)

    def _changes(self, values: Values) -> Values:
        """The edit: the fields whose input changed, what they were, and the typed text."""
        from pipeline_tui.services.deals import editable_fields

        was = editable_fields(self.deal) if self.deal else {}
        touched = {name for name, text in self.opened.items() if self.text(name) != text}
        if touched & {"value", "currency"}:  # an amount is read in its currency
            touched |= {"value", "currency"}
        plain = {k: v.isoformat() if isinstance(v, date) else v for k, v in values.items()}
        fields = {
            k: values[k] for k, name in _INPUTS.items() if name in touched and plain[k] != was[k]
        }
        return {
            "fields": fields,
            "expected": {key: was[key] for key in fields},
            "typed": {name: self.text(name) for name in touched},
        }


class ActivityForm(FormScreen[Values]):
    """Log a done activity (no due date) or plan one (a due date)."""

    heading = "Log or plan an activity"

    def fields(self) -> Iterator[Any]:
        yield Label("Kind", classes="field-label")
        yield Select([(k.value, k.value) for k in ActivityKind], value="call", allow_blank=False,
                     id="kind")  # fmt: skip
        yield from self.field("subject", "Subject *", "", "Discovery call")
        yield from self.field("due", "Due (blank: done now)", "", "tomorrow, +3d, 2026-12-01")
        yield from self.field("outcome", "Outcome (done only)")
        yield Label("Notes", classes="field-label")
        yield TextArea("", id="notes", classes="notes")
        yield Static("", id="notes-error", classes="field-error")

    def collect(self) -> Values:
        return {
            "kind": str(self.query_one("#kind", Select).value),
            "subject": self.check("subject", _required("subject")),
            "due": self.check("due", _day),
            "outcome": self.check("outcome", lambda t: _optional(t, "outcome")),
            "notes": self.check("notes", lambda t: _optional(t, "notes")),
        }


class MoveForm(FormScreen[str]):
    """Pick the stage to move a deal to."""

    heading = "Move to stage"

    def __init__(self, subject: str, stages: list[Stage], current: int | None) -> None:
        super().__init__(subject)
        self.stages = stages
        self.current = current

    def fields(self) -> Iterator[Any]:
        options = [
            Option(Text(s.name + ("  (current)" if s.id == self.current else "")), id=str(s.id))
            for s in self.stages
        ]
        yield OptionList(*options, id="stage")
        yield Static("", id="stage-error", classes="field-error")

    def on_mount(self) -> None:
        stage_list = self.query_one("#stage", OptionList)
        index = next((i for i, s in enumerate(self.stages) if s.id == self.current), 0)
        stage_list.highlighted = min(index + 1, len(self.stages) - 1) if self.stages else None
        stage_list.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_submit()

    def collect(self) -> str:
        index = self.query_one("#stage", OptionList).highlighted
        if index is None:
            self.error("stage", "pick a stage")
            raise Invalid("stage")
        stage = self.stages[index]
        if stage.id == self.current:
            self.error("stage", f"the deal is already in {stage.name}")
            raise Invalid("stage")
        return stage.name


class WonForm(FormScreen[Values]):
    """Confirm a win, optionally backdated."""

    heading = "Mark won"

    def fields(self) -> Iterator[Any]:
        yield from self.field("at", "Won on (blank: now)", "", "yesterday, 2026-11-20")

    def collect(self) -> Values:
        return {"at": self.check("at", _closed_at)}


class LostForm(FormScreen[Values]):
    """Mark a deal lost; the reason is required."""

    heading = "Mark lost"

    def fields(self) -> Iterator[Any]:
        yield from self.field("reason", "Reason *", "", "Chose a competitor")
        yield from self.field("at", "Lost on (blank: now)")

    def collect(self) -> Values:
        return {
            "reason": self.check("reason", _required("lost reason")),
            "at": self.check("at", _closed_at),
        }


class LeadForm(FormScreen[Values]):
    """A new lead."""

    heading = "New lead"

    def __init__(self, owner: str, owners: list[str] | None = None) -> None:
        super().__init__()
        self.owner = owner
        self.owners = owners or ([owner] if owner else [])

    def fields(self) -> Iterator[Any]:
        yield from self.field("name", "Name *")
        yield from self.field("company", "Company")
        yield from self.field("email", "Email")
        yield from self.field("phone", "Phone")
        yield from self.field("source", "Source", "", "webinar, referral")
        yield from self.field("owner", "Owner", self.owner, owner_hint(self.owners), self.owners)
        yield from self.field("notes", "Notes")

    def collect(self) -> Values:
        values = {"name": self.check("name", _required("name"))}
        for name in ("company", "email", "phone", "source", "notes"):
            values[name] = self.check(name, partial(_optional, what=name))
        email = values["email"]
        if email and ("@" not in email or " " in email.strip()):
            self.error("email", f"invalid email {email!r}")
        values["owner"] = self.check("owner", owner_check(self.owners, self.owner))
        return values
