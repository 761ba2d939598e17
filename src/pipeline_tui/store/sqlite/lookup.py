"""Owners, companies and contacts: found by normalised keys, created on the fly."""

from __future__ import annotations

import re

from pipeline_tui.models.errors import NotFoundError
from pipeline_tui.store.sqlite.core import Store, Tx

_SPACES = re.compile(r"\s+")
_CONTACT = re.compile(r"^\s*(?P<name>[^<]*?)\s*<(?P<email>[^>]+)>\s*$")


def name_key(name: str) -> str:
    """Case- and space-insensitive key: 'ACME  Corp ' and 'acme corp' are one company."""
    return _SPACES.sub(" ", name.strip()).casefold()


def email_key(email: str) -> str:
    return email.strip().casefold()


def split_contact(text: str) -> tuple[str | None, str | None]:
    """'Jane Doe <jane@x.com>' -> (name, email); a bare email or a bare name also works."""
    m = _CONTACT.match(text)
    if m:
        return (m.group("name") or None), m.group("email").strip()
    if "@" in text and " " not in text.strip():
        return None, text.strip()
    return text.strip() or None, None


def owner_id(store: Store, name: str) -> int:
    found = store.scalar("SELECT id FROM owners WHERE name_key = ?", (name_key(name),))
    if found is None:
        raise NotFoundError(f"no owner named {name!r}")
    return int(found)


def ensure_owner(tx: Tx, name: str) -> int:
    found = tx.store.scalar("SELECT id FROM owners WHERE name_key = ?", (name_key(name),))
    if found is not None:
        return int(found)
    clean = _SPACES.sub(" ", name.strip())
    return tx.insert("owners", {"name": clean, "name_key": name_key(name), "created_at": tx.now})


def ensure_company(tx: Tx, name: str) -> int:
    key = name_key(name)
    found = tx.store.scalar("SELECT id FROM companies WHERE name_key = ?", (key,))
    if found is not None:
        return int(found)
    return tx.insert("companies", {"name": name.strip(), "name_key": key, "created_at": tx.now})


def ensure_contact(tx: Tx, text: str, company_id: int | None, phone: str | None = None) -> int:
    name, email = split_contact(text)
    if email:
        found = tx.store.one(
            "SELECT id, name FROM contacts WHERE email_key = ?", (email_key(email),)
        )
        if found is not None:
            if name and not found["name"]:
                tx.update("contacts", found["id"], {"name": name})
            return int(found["id"])
    elif name:
        found_id = tx.store.scalar(
            "SELECT id FROM contacts WHERE lower(name) = lower(?) AND "
            "coalesce(company_id, 0) = coalesce(?, 0) ORDER BY id LIMIT 1",
            (name, company_id),
        )
        if found_id is not None:
            return int(found_id)
    return tx.insert(
        "contacts",
        {
            "name": name,
            "email": email,
            "email_key": email_key(email) if email else None,
            "phone": phone,
            "company_id": company_id,
            "created_at": tx.now,
        },
    )


def owner_names(store: Store) -> list[str]:
    return [r[0] for r in store.all("SELECT name FROM owners ORDER BY name_key")]
