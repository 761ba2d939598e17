"""Match keys: how names and emails are compared, and a contact split into name and email."""

from __future__ import annotations

import re

SPACES = re.compile(r"\s+")
CONTACT_RE = re.compile(r"^\s*(?P<name>[^<]*?)\s*<(?P<email>[^>]+)>\s*$")


def name_key(name: str) -> str:
    """Case- and space-insensitive key: 'ACME  Corp ' and 'acme corp' are one company."""
    return SPACES.sub(" ", name.strip()).casefold()


def email_key(email: str) -> str:
    return email.strip().casefold()


def split_contact(text: str) -> tuple[str | None, str | None]:
    """'Jane Doe <jane@x.com>' -> (name, email); a bare email or a bare name also works."""
    m = CONTACT_RE.match(text)
    if m:
        return (m.group("name") or None), m.group("email").strip()
    if "@" in text and " " not in text.strip():
        return None, text.strip()
    return text.strip() or None, None
