"""The detail of one lead: every field and its activities, newest plans included."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from pipeline_tui.models import Activity, Lead


def _field(text: Text, label: str, value: str | None) -> None:
    text.append(f"{label:<10}", style="dim")
    text.append(value if value else "—")
    text.append("\n")


def render_lead(lead: Lead, activities: list[Activity]) -> Text:
    """The whole detail as one Text: user text is appended, never parsed as markup."""
    text = Text()
    text.append(lead.name, style="bold")
    text.append(f"  #{lead.id}\n", style="dim")
    status = lead.status
    if lead.disqualify_reason:
        status += f" ({lead.disqualify_reason})"
    _field(text, "Status", status)
    if lead.deal_id is not None:
        _field(text, "Deal", f"#{lead.deal_id} (enter opens it)")
    _field(text, "Company", lead.company)
    _field(text, "Email", lead.email)
    _field(text, "Phone", lead.phone)
    _field(text, "Source", lead.source)
    _field(text, "Owner", lead.owner)
    _field(text, "Created", (lead.created_at or "—")[:16].replace("T", " "))
    _field(text, "Notes", lead.notes)
    text.append("\nActivities\n", style="bold underline")
    if not activities:
        text.append("none yet\n", style="dim")
    for act in activities:
        when = (act.done_at or "")[:10] if act.done_at else f"due {(act.due_at or '')[:10]}"
        # 15: "due 2026-12-01" is 14 cells and must not run into the kind.
        text.append(f"{when:<15}", style="dim" if act.done_at else "bold")
        text.append(f"{act.kind:<9}")
        text.append(act.subject)
        if act.outcome:
            text.append(f" → {act.outcome}", style="italic")
        text.append("\n")
        if act.notes:
            for line in act.notes.splitlines():
                text.append(f"{'':<15}{line}\n", style="dim")
    return text


class LeadDetail(VerticalScroll):
    """A scrolling pane that shows one lead (or a hint when there is none)."""

    def compose(self) -> ComposeResult:
        yield Static(Text("No lead selected.", style="dim"), id="lead-detail-body")

    def show(self, lead: Lead | None, activities: list[Activity] | None = None) -> None:
        body = self.query_one("#lead-detail-body", Static)
        if lead is None:
            body.update(Text("No lead selected.", style="dim"))
        else:
            body.update(render_lead(lead, activities or []))
