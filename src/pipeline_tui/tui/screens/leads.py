"""The leads screen: open leads by default, filters, and qualify/disqualify/activity forms."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Static
from textual.worker import get_current_worker

from pipeline_tui.models import Deal, Lead, NotFoundError
from pipeline_tui.services import activities as activity_service
from pipeline_tui.services import leads as lead_service
from pipeline_tui.store.api import RecordQuery, Store
from pipeline_tui.tui.screens.filter_keys import TableFocus, clear_key, filter_key, owner_key
from pipeline_tui.tui.screens.paged_list import PagedListScreen
from pipeline_tui.tui.widgets.filter_box import FilterBox
from pipeline_tui.tui.widgets.footer import FittedFooter
from pipeline_tui.tui.widgets.lead_detail import LeadDetail
from pipeline_tui.tui.widgets.lead_table import LeadHeader, LeadTable
from pipeline_tui.tui.widgets.mode_tabs import ModeTabs

# "open" is new and working together: the leads someone still has to work.
STATUSES: list[str | None] = ["open", "new", "working", "qualified", "disqualified", None]


def lead_query(status: str | None, owner: str | None, text: str | None) -> RecordQuery:
    """The leads list's query: "open" is new and working; None is any status."""
    statuses = ("new", "working") if status == "open" else (status,) if status else None
    return RecordQuery("leads", statuses, owner, text)


@dataclass(frozen=True)
class Qualified:
    """What qualifying did: the lead and the deal it became."""

    lead_id: int
    deal: Deal

    @property
    def confirmation(self) -> str:
        """The toast (tui/app.py: describe); the title stays literal there."""
        d = self.deal
        return f"Lead {self.lead_id} qualified into deal {d.id}: {d.title} ({d.stage})"


def qualify(store: Store, lead_id: int, values: dict[str, Any]) -> Qualified:
    """Run the CLI's qualify service with what the form collected (in the write worker)."""
    fields = dict(values)
    minor = fields.pop("value_minor")
    return Qualified(lead_id, lead_service.qualify_lead(store, lead_id, minor, **fields))


class LeadsScreen(TableFocus, PagedListScreen):
    """Leads, newest first, with the selected one in detail."""

    mode = "leads"
    AUTO_FOCUS = "LeadTable"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("c", "qualify", "Qualify", tooltip="Qualify into a deal", id="leads.qualify"),
        Binding(
            "x",
            "disqualify",
            "Disqualify",
            tooltip="Disqualify (reason required)",
            id="leads.disqualify",
        ),  # fmt: skip
        Binding(
            "a", "log_activity", "Activity", tooltip="Log or plan an activity", id="leads.activity"
        ),  # fmt: skip
        filter_key("leads"),
        Binding(
            "f",
            "status",
            "Status",
            tooltip="Open, new, working, qualified, disqualified or all",
            id="leads.status",
        ),  # fmt: skip
        owner_key("leads"),
        Binding("n", "new_lead", "New", tooltip="Add a lead", id="leads.new"),
        Binding(
            "enter",
            "open_deal",
            "Deal",
            show=False,
            tooltip="Open the deal a qualified lead became",
            id="leads.deal",
        ),  # fmt: skip
        clear_key("leads", tooltip="Remove every filter (open leads again)"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.status: str | None = "open"

    def compose(self) -> ComposeResult:
        yield ModeTabs("leads")
        # The detail goes under the table, not beside it: eight columns need the width.
        with Vertical(id="leads-main"):
            yield FilterBox(placeholder="Filter: name, company or email", id="leads-filter")
            yield LeadHeader(id="leads-header")
            yield LeadTable(id="leads-table")
            yield Static(id="leads-status")
            yield LeadDetail(id="leads-detail")
        yield FittedFooter()

    @property
    def table(self) -> LeadTable:
        return self.query_one(LeadTable)

    def list_query(self) -> RecordQuery:
        return lead_query(self.status, self.papp.owner, self.text or None)

    # -- loading --------------------------------------------------------------------------

    def reload(self, keep: int | None = None) -> None:
        current = self.table.current if self.is_mounted else None
        self.load_list(keep if keep is not None else (current.id if current else None))

    def list_counted(self) -> None:
        self._show_status()

    @on(LeadTable.Highlighted)
    def _highlighted(self, event: LeadTable.Highlighted) -> None:
        self._show_status()
        if event.row is None:
            self.query_one(LeadDetail).show(None)
        else:
            self._load_detail(event.row.id)

    @work(thread=True, exclusive=True, group="leads-detail", exit_on_error=False)
    def _load_detail(self, lead_id: int) -> None:
        store = self.papp.reader
        try:
            lead: Lead | None = store.leads.get_lead(lead_id)
        except NotFoundError:
            lead = None
        acts = store.activities.for_lead(lead_id) if lead else []
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self.query_one(LeadDetail).show, lead, acts)

    def _show_status(self) -> None:
        table = self.table
        total = table.total
        count = f"{table.cursor + 1:,} of {total:,}" if total else "No leads match"
        status = {"open": "open (new, working)", None: "all statuses"}.get(
            self.status, str(self.status)
        )
        parts = [count, status, f"owner: {self.papp.owner or 'everyone'}"]
        if self.text:
            parts.append(f"text: {self.text}")
        self.query_one("#leads-status", Static).update(Text(" · ".join(parts)))

    # -- filters --------------------------------------------------------------------------

    def filters_cleared(self) -> None:
        self.text, self.status = "", "open"
        self.reload()

    def action_status(self) -> None:
        self.status = STATUSES[(STATUSES.index(self.status) + 1) % len(STATUSES)]
        self.reload()

    # -- the selected lead ----------------------------------------------------------------

    def _need_lead(self, workable: bool = False) -> Lead | None:
        lead = self.table.current
        if lead is None:
            self.notify("Select a lead first.", severity="warning")
        elif workable and lead.status in ("qualified", "disqualified"):
            self.notify(f"Lead {lead.id} is already {lead.status}.", severity="warning")
            return None
        return lead

    def after_change(self, deal_id: int | None) -> None:
        self.reload()

    def show_lead(self, lead_id: int) -> None:
        """Clear the filters that would hide a lead, then put the cursor on it."""
        self.status, self.text = None, ""
        self.papp.set_reactive(type(self.papp).owner, None)
        self.query_one("#leads-filter", FilterBox).value = ""
        self.reload(keep=lead_id)

    def _after_lead(self, lead_id: int) -> None:
        self.reload(keep=lead_id)

    def action_qualify(self) -> None:
        from pipeline_tui.tui.screens.lead_forms import QualifyForm

        lead = self._need_lead(workable=True)
        if lead is None:
            return

        def done(values: dict[str, Any] | None) -> None:
            if values is not None:
                self.papp.change(qualify, lead.id, values, then=lambda _q: self.reload())

        self.app.push_screen(QualifyForm(self.papp.meta, lead), done)

    def action_disqualify(self) -> None:
        from pipeline_tui.tui.screens.lead_forms import DisqualifyForm

        lead = self._need_lead(workable=True)
        if lead is None:
            return

        def done(reason: str | None) -> None:
            if reason is not None:
                self.papp.change(lead_service.disqualify_lead, lead.id, reason,
                                 then=lambda _l: self.reload())  # fmt: skip

        self.app.push_screen(DisqualifyForm(lead.name), done)

    def action_log_activity(self) -> None:
        from pipeline_tui.tui.screens.forms import ActivityForm

        lead = self._need_lead()
        if lead is None:
            return
        lead_id = lead.id

        def done(values: dict[str, Any] | None) -> None:
            if values is None:
                return
            kind, subject, due = values.pop("kind"), values.pop("subject"), values.pop("due")
            then = lambda _a: self._after_lead(lead_id)  # noqa: E731
            if due is None:
                self.papp.change(activity_service.log_activity, kind, subject, lead_id=lead_id,
                                 then=then, **values)  # fmt: skip
            else:
                values.pop("outcome", None)
                self.papp.change(activity_service.plan_activity, kind, subject, due,
                                 lead_id=lead_id, then=then, **values)  # fmt: skip

        self.app.push_screen(ActivityForm(lead.name), done)

    def action_new_lead(self) -> None:
        from pipeline_tui.tui.screens.forms import LeadForm

        def done(values: dict[str, Any] | None) -> None:
            if values is not None:
                self.papp.change(lead_service.add_lead, values.pop("name"),
                                 then=lambda lead: self._after_lead(lead.id), **values)  # fmt: skip

        self.app.push_screen(LeadForm(self.papp.meta.owner), done)

    def action_open_deal(self) -> None:
        lead = self._need_lead()
        if lead is None:
            return
        if lead.deal_id is None:
            self.notify(f"Lead {lead.id} has no deal yet: c qualifies it.", markup=False)
            return
        self.app.run_worker(self.papp.jump_to_deal(lead.deal_id), exclusive=True, group="jump")
