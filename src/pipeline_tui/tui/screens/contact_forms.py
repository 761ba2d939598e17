"""Modal forms of companies and people: new company, new person, a note, and a person on a
deal with a role (picked by name or email with suggestions, or created).

Like the deal forms (screens/forms.py) they check what they can before closing; the screen
then runs services/companies.py, people.py or notes.py in a worker, journalled and undoable.
Looking a person up reads the database, so it runs in a worker while the user types.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import on, work
from textual.suggester import Suggester
from textual.widgets import Input, Label, Select, Static, TextArea
from textual.worker import get_current_worker

from pipeline_tui.models import PipelineError
from pipeline_tui.models.contacts import ROLES, DealPerson, Person, role_label
from pipeline_tui.services.common import clean_text
from pipeline_tui.services.people import add_new_to_deal, add_to_deal, check_email
from pipeline_tui.store.api import Store
from pipeline_tui.tui.screens.data import Meta, owner_check, owner_hint
from pipeline_tui.tui.screens.forms import FormScreen, Invalid

Values = dict[str, Any]
SUGGESTIONS = 20  # people read per keystroke to find one whose name or email completes it
_ANGLED = re.compile(r"<([^<>]+)>\s*$")


def _optional(form: FormScreen[Any], name: str, what: str) -> str | None:
    value = form.check(name, lambda t: clean_text(t, what))
    return value.strip() or None if isinstance(value, str) else None


def _name(text: str) -> str:
    return (clean_text(text, "name", required=True) or "").strip()


def _owner(form: FormScreen[Any], meta: Meta) -> str | None:
    """An existing owner, or none: a company or person needs no owner."""
    if not form.text("owner").strip():
        return None
    return str(form.check("owner", owner_check(meta.owners, meta.owner)))


class CompanyForm(FormScreen[Values]):
    """A new company."""

    heading = "New company"

    def __init__(self, meta: Meta) -> None:
        super().__init__()
        self.meta = meta

    def fields(self) -> Iterator[Any]:
        yield from self.field("name", "Name *", "", "Northwind Traders")
        yield from self.field("domain", "Domain", "", "northwind.example")
        yield from self.field("industry", "Industry")
        yield from self.field("city", "City")
        yield from self.field("country", "Country")
        yield from self.field("owner", "Owner", "", owner_hint(self.meta.owners), self.meta.owners)

    def collect(self) -> Values:
        values: Values = {"name": self.check("name", _name)}
        for name in ("domain", "industry", "city", "country"):
            values[name] = _optional(self, name, name)
        values["owner"] = _owner(self, self.meta)
        return values


class PersonForm(FormScreen[Values]):
    """A new person (at the company given, if any)."""

    heading = "New person"

    def __init__(self, meta: Meta, company: str | None = None) -> None:
        super().__init__()
        self.meta = meta
        self.company = company or ""

    def fields(self) -> Iterator[Any]:
        yield from self.field("name", "Name *", "", "Tom Reed")
        yield from self.field("email", "Email", "", "tom@northwind.example")
        yield from self.field("phone", "Phone")
        yield from self.field("title", "Job title", "", "CFO")
        yield from self.field("company", "Company", self.company)
        yield from self.field("owner", "Owner", "", owner_hint(self.meta.owners), self.meta.owners)

    def collect(self) -> Values:
        values: Values = {"name": self.check("name", _name)}
        email = self.text("email").strip()
        values["emails"] = [self.check("email", check_email)] if email else []
        phone = _optional(self, "phone", "phone")
        values["phones"] = [phone] if phone else []
        values["title"] = _optional(self, "title", "title")
        values["company"] = _optional(self, "company", "company")
        values["owner"] = _owner(self, self.meta)
        return values


class NoteForm(FormScreen[str]):
    """A note on a deal, a person or a company."""

    heading = "Add a note"

    def fields(self) -> Iterator[Any]:
        yield Label("Note *", classes="field-label")
        yield TextArea("", id="body", classes="notes")
        yield Static("", id="body-error", classes="field-error")

    def collect(self) -> str:
        return str(self.check("body", lambda t: clean_text(t, "note", required=True)))


def suggestion(person: Person) -> str:
    """How a person is offered in the person field: 'Name <email>' (the email decides)."""
    email = person.emails[0] if person.emails else None
    if person.name and email:
        return f"{person.name} <{email}>"
    return person.label


@dataclass(frozen=True)
class Found:
    """What the person field names: an existing person, a new one, or nothing usable."""

    typed: str  # the field's text this answers
    label: str = ""  # an existing person, as suggestion() names them
    person_id: int | None = None
    new_name: str | None = None
    problem: str | None = None

    def line(self) -> Text:
        if self.person_id is not None:
            return Text(f"→ person #{self.person_id}: ") + Text(self.label)
        if self.new_name is not None:
            return Text("→ a new person: ") + Text(self.new_name)
        return Text(self.problem or "")


def find_person(store: Store, text: str) -> Found:
    """Read what the person field names: an email (alone or in '<…>'), or a name only one
    person has; an unknown name is a new person (services/people.py: resolve_person)."""
    typed = text.strip()
    if not typed:
        return Found(text, problem="type a name or an email")
    angled = _ANGLED.search(typed)
    email = angled.group(1).strip() if angled else (typed if "@" in typed else None)
    if email is not None:
        found = store.people.person_with_email(email)
        if found is None:
            return Found(text, problem=f"no person with email {email!r}")
        return Found(text, suggestion(store.people.get_person(found)), person_id=found)
    ids = store.people.people_named(typed)
    if len(ids) == 1:
        return Found(text, suggestion(store.people.get_person(ids[0])), person_id=ids[0])
    if len(ids) > 1:
        listed = ", ".join(str(i) for i in ids[:10])
        return Found(text, problem=f"{len(ids)} people are named {typed!r} (ids {listed}): "
                                   "type one's email")  # fmt: skip
    return Found(text, new_name=typed)


class PeopleSuggester(Suggester):
    """Completes a name or an email from the people in the database (read off the UI thread)."""

    def __init__(self, store: Store) -> None:
        super().__init__(use_cache=False, case_sensitive=False)
        self.store = store

    def _lookup(self, value: str) -> str | None:
        for person in self.store.people.list_people(value.strip(), None, None, SUGGESTIONS):
            offered = suggestion(person)
            if offered.casefold().startswith(value):
                return offered
            for email in person.emails:
                if email.casefold().startswith(value):
                    return email
        return None

    async def get_suggestion(self, value: str) -> str | None:
        if not value.strip():
            return None
        return await asyncio.to_thread(self._lookup, value)


class DealPersonForm(FormScreen[Values]):
    """A person on a deal with a role: an existing one by name or email, or a new one."""

    heading = "Add a person to the deal"

    def __init__(self, store: Store, deal_title: str, company: str | None) -> None:
        super().__init__(deal_title)
        self.store = store
        self.company = company or ""
        self.found: Found | None = None

    def fields(self) -> Iterator[Any]:
        yield Label("Person * (name or email; → accepts a suggestion)", classes="field-label")
        yield Input("", placeholder="Tom Reed, tom@northwind.example", id="person",
                    suggester=PeopleSuggester(self.store))  # fmt: skip
        yield Static("", id="person-found", classes="field-hint")
        yield Static("", id="person-error", classes="field-error")
        yield Label("Role", classes="field-label")
        yield Select([(Text(label), key) for key, label in ROLES.items()], value="champion",
                     allow_blank=False, id="role")  # fmt: skip
        yield from self.field("email", "Email (a new person)", "", "tom@northwind.example")
        yield from self.field("company", "Company (a new person)", self.company)

    @on(Input.Changed, "#person")
    def _person_changed(self, event: Input.Changed) -> None:
        self.found = None
        self._look_up(event.value)

    @work(thread=True, exclusive=True, group="find-person", exit_on_error=False)
    def _look_up(self, text: str) -> None:
        try:
            found = find_person(self.store, text)
        except PipelineError as exc:
            found = Found(text, problem=str(exc))
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show_found, found)

    def _show_found(self, found: Found) -> None:
        if found.typed != self.text("person"):
            return  # typed on since; a newer lookup is on its way
        self.found = found
        self.query_one("#person-found", Static).update(found.line())

    def collect(self) -> Values:
        found = self.found
        role = str(self.query_one("#role", Select).value)
        if found is None:
            self.error("person", "still looking the person up: save again in a moment")
            raise Invalid("person")
        if found.problem is not None:
            self.error("person", found.problem)
            raise Invalid("person")
        if found.person_id is not None:
            return {"person_id": found.person_id, "role": role}
        name = self.check("person", _name)
        email = self.text("email").strip()
        return {
            "name": name,
            "emails": [self.check("email", check_email)] if email else [],
            "company": _optional(self, "company", "company"),
            "role": role,
        }


@dataclass(frozen=True)
class Linked:
    """What adding a person to a deal did, for the toast (tui/app.py: describe)."""

    found: DealPerson

    @property
    def confirmation(self) -> str:
        p = self.found
        name = p.name or p.email or f"person {p.person_id}"
        return f"Deal {p.deal_id}: {name} is {role_label(p.role)}"


def link_person(store: Store, deal_id: int, values: Values) -> Linked:
    """Run `pipeline deal person add`'s services with what the form collected (in the write
    worker): an existing person gets the role; a new one is created with it, as one command."""
    fields = dict(values)
    role = fields.pop("role")
    person_id = fields.pop("person_id", None)
    if person_id is not None:
        return Linked(add_to_deal(store, deal_id, person_id, role))
    return Linked(add_new_to_deal(store, deal_id, fields.pop("name"), role, **fields))
