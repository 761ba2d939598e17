"""Server targets (``postgresql://`` URLs, ``service=NAME``): recognised and masked, psycopg-free.

This module is what ``store/api.py`` and ``config.py`` consult to tell a server from a file,
so it must stay cheap: it never imports psycopg (about 120 ms) nor anything of ours.
"""

from __future__ import annotations

import re

SCHEMES = ("postgresql://", "postgres://")
SERVICE = "service="
INSTALL = "pip install 'pipeline-tui[postgres]'"

# user:password@ in a URL, and password=... in a keyword connection string.
_URL_PASSWORD = re.compile(r"(://[^:/@?#]*):[^@/?#]*@")
_KEY_PASSWORD = re.compile(r"(password\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)", re.IGNORECASE)
_QUERY_PASSWORD = re.compile(r"([?&]password=)[^&#]*", re.IGNORECASE)


def is_server(target: object) -> bool:
    """True when ``target`` names a PostgreSQL server rather than a SQLite file."""
    text = str(target).strip()
    return text.startswith(SCHEMES) or text.startswith(SERVICE)


def masked(target: str) -> str:
    """``target`` with any password replaced by ***, fit for messages and logs."""
    if not target.strip().startswith(SCHEMES):  # key=value words: service=x password=y
        return _KEY_PASSWORD.sub(r"\1***", target)
    return _QUERY_PASSWORD.sub(r"\1***", _URL_PASSWORD.sub(r"\1:***@", target))


def mask_in(message: str, target: str) -> str:
    """``message`` with ``target``'s password masked wherever a driver may have echoed it."""
    secret = _password_of(target)
    text = message.replace(target, masked(target))
    return text.replace(secret, "***") if secret else text


def _password_of(target: str) -> str | None:
    found = _URL_PASSWORD.search(target)
    if found:
        return target[found.end(1) + 1 : found.end() - 1] or None
    url = target.strip().startswith(SCHEMES)
    found = (_QUERY_PASSWORD if url else _KEY_PASSWORD).search(target)
    if found:
        value = target[found.end(1) : found.end()]
        return value.strip("'") or None
    return None
