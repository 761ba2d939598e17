"""The detail of one company or person: fields, deals with totals, people and the timeline.

The deals are an OptionList, so the cursor can pick one (enter opens it in the deals table);
the rest is Text built from plain strings, never markup.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from pipeline_tui.models import Deal
from pipeline_tui.models.contacts import Company, Person, TimelineItem, role_label
from pipeline_tui.models.money import format_money
from pipeline_tui.services.companies import totals
from pipeline_tui.tui.widgets.common import one_line


@dataclass(frozen=True)
class ContactView:
    """What the detail shows: a company (with its people) or a person (with their roles)."""

    record: Company | Person
    deals: list[tuple[Deal, str | None]]  # each deal, and the person's role on it
    people: list[dict[str, Any]] = field(default_factory=list)
    timeline: list[TimelineItem] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return "company" if isinstance(self.record, Company) else "person"

    @property
    def name(self) -> str:
        r = self.record
        return r.name if isinstance(r, Company) else r.label


def _field(text: Text, label: str, value: str | None) -> None:
    if value:
        text.append(f"{label:<10}", style="dim")
        text.append(one_line(value))
        text.append("\n")


def render_head(view: ContactView) -> Text:
    """The name, the fields that are set, and the totals of the deals per currency."""
    r = view.record
    text = Text()
    name = r.name if isinstance(r, Company) else r.label
    text.append(one_line(name), style="bold")
    text.append(f"  {view.kind} #{r.id}\n", style="dim")
    if isinstance(r, Company):
        for label, value in (("Domain", r.domain), ("Industry", r.industry), ("Size", r.size)):
            _field(text, label, value)
        place = ", ".join(p for p in (r.city, r.country) if p)
        _field(text, "Place", place)
    else:
        _field(text, "Title", r.title)
        _field(text, "Company", r.company)
        _field(text, "Email", ", ".join(r.emails))
        _field(text, "Phone", ", ".join(r.phones))
    _field(text, "Owner", r.owner)
    _field(text, "Notes", r.notes)
    for t in totals([d for d, _role in view.deals]):
        cur = t["currency"]
        text.append(f"{'Won':<10}", style="dim")
        text.append(f"{format_money(t['won_minor'], cur)} lifetime ({t['won']} won)  ")
        text.append("Open ", style="dim")
        text.append(f"{format_money(t['open_minor'], cur)} ({t['open']} open)  ")
        text.append("Lost ", style="dim")
        text.append(f"{t['lost']}\n")
    text.rstrip()  # the deals' title keeps its own margin
    return text


def deal_option(deal: Deal, role: str | None) -> Option:
    """One deal of the list: status, title, role, stage, value and its date."""
    line = Text(no_wrap=True, overflow="ellipsis")
    style = {"won": "", "lost": "dim"}.get(deal.status, "bold")
    line.append(f"{deal.status:<5} ", style=style)
    line.append(f"#{deal.id} ", style="dim")
    line.append(one_line(deal.title))
    if role:
        line.append(f" · {role_label(role)}", style="italic")
    when = deal.close_date if deal.status == "open" else (deal.closed_at or "")[:10]
    stage = f" · {deal.stage}" if deal.status == "open" else ""
    line.append(f"{stage} · {format_money(deal.value_minor, deal.currency)} · {when or '—'}",
                style="dim")  # fmt: skip
    return Option(line, id=str(deal.id))


def render_rest(view: ContactView) -> Text:
    """The people with their roles (a company's) and the timeline, newest first."""
    text = Text()
    if view.kind == "company":
        text.append("People\n", style="bold underline")
        if not view.people:
            text.append("none yet\n", style="dim")
        for p in view.people:
            text.append(f"#{p['id']:<4} ", style="dim")
            text.append(one_line(p["name"] or ""))
            if p["title"]:
                text.append(f" · {one_line(p['title'])}", style="dim")
            if p["roles"]:
                text.append(" — " + ", ".join(one_line(r) for r in p["roles"]), style="italic")
            text.append("\n")
        text.append("\n")
    text.append("Timeline\n", style="bold underline")
    if not view.timeline:
        text.append("nothing yet\n", style="dim")
    for item in view.timeline:
        when = item.at[:16].replace("T", " ")
        planned = item.state == "planned"
        text.append(f"{when:<17}", style="bold" if planned else "dim")
        text.append(f"{item.kind:<8} ")  # "proposal" is 8 letters
        text.append(("planned: " if planned else "") + one_line(item.text))
        if item.regarding:
            text.append(f"  ({one_line(item.regarding)})", style="dim")
        text.append("\n")
    return text


class ContactDetail(VerticalScroll):
    """A scrolling pane with one company or person; its deals can be picked."""

    DEFAULT_CSS = """
    ContactDetail > OptionList { height: auto; max-height: 12; }
    """

    def compose(self) -> ComposeResult:
        yield Static(Text("Nothing selected.", style="dim"), id="contact-head")
        title = Text("Deals", style="bold underline") + Text("  enter opens one", style="dim")
        yield Static(title, id="contact-deals-title")
        yield OptionList(id="contact-deals")
        yield Static("", id="contact-rest")

    @property
    def deals(self) -> OptionList:
        return self.query_one("#contact-deals", OptionList)

    def show(self, view: ContactView | None) -> None:
        head = self.query_one("#contact-head", Static)
        deals = self.deals
        highlighted = deals.highlighted
        deals.clear_options()
        if view is None:
            head.update(Text("It no longer exists.", style="dim"))
            self.query_one("#contact-rest", Static).update("")
            return
        head.update(render_head(view))
        deals.add_options([deal_option(d, role) for d, role in view.deals])
        if view.deals:
            deals.highlighted = min(highlighted or 0, len(view.deals) - 1)
        else:
            deals.add_option(Option(Text("no deals yet", style="dim"), disabled=True))
        self.query_one("#contact-rest", Static).update(render_rest(view))

    def show_loading(self) -> None:
        self.query_one("#contact-head", Static).update(Text("Loading…", style="dim"))
        self.deals.clear_options()
        self.query_one("#contact-rest", Static).update("")

    def selected_deal(self) -> int | None:
        deals = self.deals
        if deals.highlighted is None:
            return None
        option = deals.get_option_at_index(deals.highlighted)
        return int(option.id) if option.id and not option.disabled else None
