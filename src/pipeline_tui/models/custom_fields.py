"""A record's custom fields, read from their stored JSON text in one order on every backend."""

from __future__ import annotations

import json
from typing import Any


def custom_fields(text: str | None) -> dict[str, Any]:
    """The fields of ``text`` by name: PostgreSQL's jsonb keeps an object's keys in an order
    of its own and SQLite's JSON in the file's, so the same import showed them in two orders;
    by name, every face and backend shows one."""
    return dict(sorted(json.loads(text).items())) if text else {}
