"""The detail of one deal: every field, its people and notes, the stage history and the
activity timeline (a selectable list: widgets/activity_list.py)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from pipeline_tui.models import dates
from pipeline_tui.models.contacts import role_label
from pipeline_tui.models.money import format_money
from pipeline_tui.services.deal_detail import DealDetailData
from pipeline_tui.tui.widgets.activity_list import ActivityList
from pipeline_tui.tui.widgets.common import one_line


def _field(text: Text, label: str, value: str | None) -> None:
    text.append(f"{label:<13}", style="dim")
    text.append(value if value else "—")
    text.append("\n")


def render_detail(data: DealDetailData) -> Text:
    """The whole detail as one Text: user text is appended, never parsed as markup."""
    d = data.deal
    text = Text()
    text.append(d.title, style="bold")
    text.append(f"  #{d.id}\n", style="dim")
    _field(text, "Status", d.status + (f" ({d.lost_reason})" if d.lost_reason else ""))
    _field(text, "Stage", f"{d.pipeline} › {d.stage}")
    _field(text, "Value", format_money(d.value_minor, d.currency))
    prob = f"{d.probability}%" + (" (override)" if d.probability_override is not None else "")
    _field(text, "Probability", prob)
    _field(text, "Weighted", format_money(d.weighted_minor, d.currency))
    _field(text, "Company", d.company)
    _field(text, "Contact", d.contact)
    _field(text, "Owner", d.owner)
    _field(text, "Close date", d.close_date)
    step = d.next_step
    if step and d.next_due:
        state = " (OVERDUE)" if d.next_due < dates.today().isoformat() else ""
        step = f"{step} · due {d.next_due}{state}"
    _field(text, "Next step", step)
    _field(text, "Created", d.created_at)
    if d.closed_at:
        _field(text, "Closed", d.closed_at)
    if data.attention is not None:
        a = data.attention
        _field(text, "Attention", f"{a.score:.1f}")
        for term in a.terms:
            text.append(f"{'':<13}+{term.points:.1f} {term.detail}\n", style="dim")
        if a.stalled:
            text.append("⚑ Stalled: ", style="bold")
            text.append("; ".join(a.stalled_reasons) + "\n")
    _people_section(text, data)
    text.append("\nStage history\n", style="bold underline")
    for change in data.history:
        moved = f"{change.from_stage} → {change.to_stage}" if change.from_stage else change.to_stage
        text.append(f"{change.changed_at[:16].replace('T', ' ')}  ", style="dim")
        text.append(moved)
        if change.by:
            text.append(f"  by {change.by}", style="dim")
        text.append("\n")
    # The activities follow, selectable, in their own widget (widgets/activity_list.py).
    return text


def _people_section(text: Text, data: DealDetailData) -> None:
    """The buying committee with roles (the deals screen's 'p' adds one), then the notes."""
    text.append("\nPeople\n", style="bold underline")
    if not data.people:
        text.append("none yet\n", style="dim")
    for p in data.people:
        text.append(one_line(p.name or p.email or f"person {p.person_id}"))
        text.append(f" · {role_label(p.role)}", style="italic")
        if p.title:
            text.append(f" · {one_line(p.title)}", style="dim")
        text.append("\n")
    if data.notes:
        text.append("\nNotes\n", style="bold underline")
    for note in data.notes:
        text.append(f"{note.created_at[:10]:<14}", style="dim")
        lines = note.body.splitlines() or [""]
        text.append(lines[0] + "\n")
        for line in lines[1:]:
            text.append(f"{'':<14}{line}\n")


class DealDetail(VerticalScroll):
    """A scrolling pane that shows one DealDetailData (or a hint when there is none)."""

    def compose(self) -> ComposeResult:
        yield Static(Text("No deal selected.", style="dim"), id="detail-body")
        yield ActivityList(id="detail-activities")

    def show(self, data: DealDetailData | None) -> None:
        body = self.query_one("#detail-body", Static)
        acts = self.query_one(ActivityList)
        acts.display = data is not None
        if data is None:
            body.update(Text("No deal selected.", style="dim"))
        else:
            body.update(render_detail(data))
            acts.show(data.activities, {a.id for a in data.activities if data.from_lead(a)})
