"""Modal forms of the leads screen: qualify a lead into a deal, disqualify it with a reason.

Like the deal forms (screens/forms.py) they check what they can before closing and close
with plain values; the screen runs services/leads.py in a worker, journalled and undoable.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from rich.text import Text
from textual.widgets import Label, Select

from pipeline_tui.models import Lead, Stage
from pipeline_tui.models.dates import parse_date
from pipeline_tui.models.money import check_currency, parse_amount, to_minor
from pipeline_tui.services.common import clean_text
from pipeline_tui.tui.screens.data import Meta
from pipeline_tui.tui.screens.forms import FormScreen, Invalid

Values = dict[str, Any]


def default_title(lead: Lead) -> str:
    """The deal title services/leads.py: qualify_lead gives when none is typed."""
    return f"{lead.company} - {lead.name}" if lead.company else lead.name


def _close(text: str) -> date | None:
    # future=True as on the CLI (cli/commands/common.py: day): "Jan 15" typed in
    # November is the coming January.
    return parse_date(text, future=True) if text.strip() else None


class QualifyForm(FormScreen[Values]):
    """Qualify a lead: the deal it becomes (value, currency, close date, stage, title)."""

    heading = "Qualify into a deal"

    def __init__(self, meta: Meta, lead: Lead) -> None:
        super().__init__(lead.name)
        self.meta = meta
        self.lead = lead
        self.stages: list[Stage] = meta.stages_of(None)
        self.title_text = default_title(lead)

    def fields(self) -> Iterator[Any]:
        yield from self.field("value", "Value *", "", "12500, 12.5k, EUR 9,000")
        yield from self.field("currency", "Currency", self.meta.currency)
        yield from self.field("close", "Expected close", "", "2026-12-01, +30d, next friday")
        yield Label("Stage", classes="field-label")
        yield Select(
            [(Text(s.name), s.name) for s in self.stages],
            value=self.stages[0].name if self.stages else Select.NULL,
            allow_blank=not self.stages,
            id="stage",
        )
        yield from self.field("title", "Deal title", self.title_text)

    def _money(self) -> tuple[int, str]:
        """The value in minor units and its currency. An amount typed with its own
        currency ('EUR 9,000') wins over the untouched default, as on the CLI."""
        text = self.text("value")
        if not text.strip():
            self.error("value", "a value is required (0 is allowed)")
            raise Invalid("value")
        amount, found = self.check("value", lambda t: parse_amount(t, self.meta.decimal))
        typed = self.text("currency").strip()
        if found and typed.upper() in ("", self.meta.currency.upper()):
            typed = found
        currency = self.check("currency", lambda _t: check_currency(typed or self.meta.currency))
        if found and found != currency:
            self.error("value", f"amount {text!r} is in {found} but the currency says {currency}")
            raise Invalid("value")
        return self.check("value", lambda t: to_minor(amount, currency, t)), currency

    def collect(self) -> Values:
        minor, currency = self._money()
        close = self.check("close", _close)
        stage = self.query_one("#stage", Select).value
        title_text = self.text("title")
        title = None
        if title_text != self.title_text:  # untouched: the service names the deal itself
            title = self.check("title", lambda t: clean_text(t, "title", required=True))
        return {
            "value_minor": minor,
            "currency": currency,
            "close_date": close,
            "stage": None if stage is Select.NULL else str(stage),
            "title": title,
        }


class DisqualifyForm(FormScreen[str]):
    """Disqualify a lead; the reason is required."""

    heading = "Disqualify"

    def fields(self) -> Iterator[Any]:
        yield from self.field("reason", "Reason *", "", "No budget this year")

    def collect(self) -> str:
        return self.check("reason", lambda t: clean_text(t, "reason", required=True)) or ""
