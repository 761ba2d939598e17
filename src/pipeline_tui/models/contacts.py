"""Companies and people as records, a person's role on a deal, notes, timelines and hits."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# The buying committee: how a person stands on a deal (stored as the key, shown as the label).
ROLES = {
    "champion": "champion",
    "economic_buyer": "economic buyer",
    "decision_maker": "decision maker",
    "influencer": "influencer",
    "user": "user",
    "blocker": "blocker",
    "other": "other",
}
# A deal's contact (deals.contact_id) who has no role of their own on it.
CONTACT_ROLE = "contact"


def role_key(text: str) -> str | None:
    """'Economic buyer', 'economic-buyer' and 'economic_buyer' are one role; None if unknown."""
    key = "_".join(text.strip().lower().replace("-", " ").replace("_", " ").split())
    return key if key in ROLES else None


def role_label(key: str) -> str:
    return ROLES.get(key, key)


def fields_of(record: Any) -> dict[str, Any]:
    """A record's fields by name, in the order the class declares them (its generated
    __init__ sets them in that order), the values not copied."""
    return dict(vars(record))


@dataclass(frozen=True)
class Company:
    id: int
    name: str
    domain: str | None = None
    industry: str | None = None
    size: str | None = None
    city: str | None = None
    country: str | None = None
    owner: str | None = None
    notes: str | None = None
    custom: dict[str, Any] = field(default_factory=dict)
    external_id: str | None = None
    created_at: str | None = None
    updated_at: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return fields_of(self)


@dataclass(frozen=True)
class Person:
    id: int
    name: str | None
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    title: str | None = None
    company: str | None = None
    company_id: int | None = None
    owner: str | None = None
    notes: str | None = None
    custom: dict[str, Any] = field(default_factory=dict)
    external_id: str | None = None
    created_at: str | None = None
    updated_at: str | None = None

    @property
    def label(self) -> str:
        """The name, else the first email: how a person is named in one line."""
        return self.name or (self.emails[0] if self.emails else f"person {self.id}")

    def to_dict(self) -> dict[str, Any]:
        return {**fields_of(self), "emails": list(self.emails), "phones": list(self.phones)}


@dataclass(frozen=True)
class DealPerson:
    """A person on a deal, with their role (``contact`` for the deal's contact without one)."""

    deal_id: int
    person_id: int
    name: str | None
    email: str | None
    title: str | None
    company: str | None
    role: str

    def to_dict(self) -> dict[str, Any]:
        return {**fields_of(self), "role": role_label(self.role)}


@dataclass(frozen=True)
class Note:
    id: int
    body: str
    deal_id: int | None
    person_id: int | None
    company_id: int | None
    owner: str | None
    created_at: str

    def to_dict(self) -> dict[str, Any]:
        return fields_of(self)


@dataclass(frozen=True)
class TimelineItem:
    """One line of a timeline: a note or an activity, with what it is about."""

    at: str
    kind: str  # "note", or the activity's kind
    item_id: int
    text: str
    regarding: str | None
    owner: str | None
    state: str  # "done", "planned" or "note"

    def to_dict(self) -> dict[str, Any]:
        return {
            "at": self.at,
            "kind": self.kind,
            "id": self.item_id,
            "text": self.text,
            "regarding": self.regarding,
            "owner": self.owner,
            "state": self.state,
        }


@dataclass(frozen=True)
class SearchHit:
    """A record the search found: what it is, and the text that matched."""

    kind: str  # deal, company, person, lead
    id: int
    name: str
    matched: str  # the field that matched: "title", "email", "note 4", "activity 9"...
    text: str

    def to_dict(self) -> dict[str, Any]:
        return fields_of(self)
