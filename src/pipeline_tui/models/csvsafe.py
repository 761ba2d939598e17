"""CSV cells that spreadsheets will not execute (OWASP CSV injection)."""

from __future__ import annotations

from typing import Any

_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """Prefix a text cell that a spreadsheet would read as a formula with a quote.

    Numbers are returned untouched: a negative amount must stay a number.
    """
    if isinstance(value, str) and value.startswith(_TRIGGERS):
        return "'" + value
    return value
