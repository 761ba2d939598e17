"""The contacts screen: companies or people, filters, and one record in detail with its deals.

The list and the detail take the whole screen in turn: enter opens the selected record
(its deals with totals, its people with roles, the timeline), escape goes back to the list,
and enter on one of its deals opens that deal in the deals table.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.worker import get_current_worker

from pipeline_tui.models import NotFoundError
from pipeline_tui.services import companies as company_service
from pipeline_tui.services import notes as note_service
from pipeline_tui.services import people as people_service
from pipeline_tui.store.api import RecordQuery, Store
from pipeline_tui.tui.screens.filter_keys import TableFocus, clear_key, filter_key, owner_key
from pipeline_tui.tui.screens.paged_list import PagedListScreen
from pipeline_tui.tui.widgets.contact_detail import ContactDetail, ContactView
from pipeline_tui.tui.widgets.contact_table import (
    COMPANIES,
    PEOPLE,
    ContactHeader,
    ContactTable,
    record_id,
    value_of,
)
from pipeline_tui.tui.widgets.filter_box import FilterBox
from pipeline_tui.tui.widgets.footer import FittedFooter
from pipeline_tui.tui.widgets.mode_tabs import ModeTabs

_BACK = "Back to the list; on the list, remove every filter"
# The actions that act on the list, hidden from the footer while a record is open.
_LIST_ONLY = {"filter", "kind", "open_record"}


def load_view(store: Store, kind: str, record: int) -> ContactView | None:
    """Everything the detail shows of one company or person; None if it is gone."""
    try:
        if kind == COMPANIES:
            c = company_service.company_detail(store, record)
            return ContactView(c.company, [(d, None) for d in c.deals], c.people, c.timeline)
        p = people_service.person_detail(store, record)
        deals: list[tuple[Any, str | None]] = list(p.deals)
        return ContactView(p.person, deals, [], p.timeline)
    except NotFoundError:
        return None


class ContactsScreen(TableFocus, PagedListScreen):
    """Companies or people, and one of them in detail."""

    mode = "contacts"
    AUTO_FOCUS = "ContactTable"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "enter",
            "open_record",
            "Open",
            tooltip="The selected company or person, with its deals (enter on a deal opens it)",
            id="contacts.open",
        ),  # fmt: skip
        Binding(
            "p", "kind", "Companies/People", tooltip="List companies or people", id="contacts.kind"
        ),  # fmt: skip
        filter_key("contacts"),
        owner_key("contacts"),
        Binding(
            "n", "new_record", "New", tooltip="Add a company or a person", id="contacts.new"
        ),  # fmt: skip
        Binding("a", "add_note", "Note", tooltip="Add a note", id="contacts.note"),
        clear_key("contacts", "Back", _BACK, show=True, name="back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.kind = COMPANIES
        self.opened: tuple[str, int] | None = None  # the record in detail, if one is open
        self.view: ContactView | None = None

    def compose(self) -> ComposeResult:
        yield ModeTabs("contacts")
        with Vertical(id="contacts-list"):
            yield FilterBox(placeholder="Filter: name, email, domain, industry, place",
                            id="contacts-filter")  # fmt: skip
            yield ContactHeader(id="contacts-header")
            yield ContactTable(id="contacts-table")
            yield Static(id="contacts-status")
        yield ContactDetail(id="contacts-detail")
        yield FittedFooter()

    @property
    def table(self) -> ContactTable:
        return self.query_one(ContactTable)

    def list_query(self) -> RecordQuery:
        return RecordQuery(self.kind, owner=self.papp.owner, text=self.text or None)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Hidden while a record is open: the list they act on is not on screen.
        return not (action in _LIST_ONLY and self.opened is not None)

    # -- loading --------------------------------------------------------------------------

    def reload(self, keep: int | None = None) -> None:
        current = self.table.current if self.is_mounted else None
        if keep is None and current is not None and self.table.kind == self.kind:
            keep = record_id(current)  # an id of the other list would name another record
        if self.is_mounted:
            self.table.show_kind(self.kind)
        self.load_list(keep)
        if self.opened is not None:
            self._load_view(*self.opened)

    def list_counted(self) -> None:
        self.query_one(ContactHeader).kind = self.kind
        self._show_status()

    @on(ContactTable.Highlighted)
    def _highlighted(self, _event: ContactTable.Highlighted) -> None:
        self._show_status()

    def _show_status(self) -> None:
        table = self.table
        total = table.total
        what = "companies" if self.kind == COMPANIES else "people"
        count = f"{table.cursor + 1:,} of {total:,} {what}" if total else f"No {what} match"
        parts = [count, f"owner: {self.papp.owner or 'everyone'}"]
        if self.text:
            parts.append(f"text: {self.text}")
        parts.append("p: companies/people")
        self.query_one("#contacts-status", Static).update(Text(" · ".join(parts)))

    @work(thread=True, exclusive=True, group="contacts-detail", exit_on_error=False)
    def _load_view(self, kind: str, record: int) -> None:
        view = load_view(self.papp.reader, kind, record)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._viewed, kind, record, view)

    def _viewed(self, kind: str, record: int, view: ContactView | None) -> None:
        if self.opened != (kind, record):
            return  # closed, or another record opened meanwhile
        self.view = view
        self.query_one(ContactDetail).show(view)

    # -- the list and the detail ----------------------------------------------------------

    def filters_cleared(self) -> None:
        self.text = ""
        self.reload()

    def action_clear(self) -> None:
        if self.opened is not None:
            self.close_record()
        else:
            super().action_clear()

    def action_kind(self) -> None:
        self.kind = PEOPLE if self.kind == COMPANIES else COMPANIES
        self.reload()

    def action_open_record(self) -> None:
        current = self.table.current
        if current is None:
            self.notify("Select a company or a person first.", severity="warning")
            return
        self.open_record(self.kind, record_id(current))

    def open_record(self, kind: str, record: int) -> None:
        """Show one company or person in detail (from the list, or the command palette)."""
        if kind != self.kind:
            self.kind = kind
            self.reload(keep=record)
        self.opened, self.view = (kind, record), None
        self.add_class("-detail")
        detail = self.query_one(ContactDetail)
        detail.show_loading()
        detail.deals.focus()
        detail.scroll_home(animate=False)
        self.refresh_bindings()
        self._load_view(kind, record)

    def close_record(self) -> None:
        self.opened, self.view = None, None
        self.remove_class("-detail")
        self.table.focus()
        self.refresh_bindings()

    @on(OptionList.OptionSelected, "#contact-deals")
    def _deal_chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.app.run_worker(self.papp.jump_to_deal(int(event.option.id)), exclusive=True,
                                group="jump")  # fmt: skip

    # -- adding ---------------------------------------------------------------------------

    def _target(self) -> tuple[str, int, str] | None:
        """The record a note goes on: the open one, else the selected one."""
        if self.opened is not None:
            kind, record = self.opened
            return kind, record, self.view.name if self.view else f"{kind} {record}"
        current = self.table.current
        if current is None:
            self.notify("Select a company or a person first.", severity="warning")
            return None
        return self.kind, record_id(current), value_of(current, "name")

    def action_add_note(self) -> None:
        from pipeline_tui.tui.screens.contact_forms import NoteForm

        target = self._target()
        if target is None:
            return
        kind, record, name = target
        on = {"company_id": record} if kind == COMPANIES else {"person_id": record}

        def done(body: str | None) -> None:
            if body is not None:
                self.papp.change(note_service.add_note, body, then=lambda _n: self.reload(),
                                 **on)  # fmt: skip

        self.app.push_screen(NoteForm(name), done)

    def action_new_record(self) -> None:
        from pipeline_tui.tui.screens.contact_forms import CompanyForm, PersonForm

        meta = self.papp.meta
        company = None
        if self.opened is not None and self.opened[0] == COMPANIES and self.view is not None:
            company = self.view.name  # a new person at the open company
        if self.kind == COMPANIES and company is None:

            def company_done(values: dict[str, Any] | None) -> None:
                if values is not None:
                    self.papp.change(company_service.add_company, values.pop("name"),
                                     then=self._added, **values)  # fmt: skip

            self.app.push_screen(CompanyForm(meta), company_done)
            return

        def person_done(values: dict[str, Any] | None) -> None:
            if values is not None:
                self.papp.change(people_service.add_person, values.pop("name"),
                                 then=self._added, **values)  # fmt: skip

        self.app.push_screen(PersonForm(meta, company), person_done)

    def _added(self, record: Any) -> None:
        """Show the new company or person: in the list, or in the open company's detail."""
        if self.opened is not None:
            self.reload()
            return
        self.reload(keep=record.id)
