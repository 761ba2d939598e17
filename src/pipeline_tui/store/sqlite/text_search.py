"""LIKE patterns for text a user types: their % and _ match themselves, not any text."""

from __future__ import annotations

from collections.abc import Sequence

# Backslash as LIKE's escape: SQLite has no default one, so every LIKE here names it.
ESCAPE = "ESCAPE '\\'"


def literal(text: str) -> str:
    """``text`` as a LIKE pattern that matches only itself (the escape character first)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def containing(text: str) -> str:
    """A LIKE pattern for any value that holds ``text``."""
    return f"%{literal(text)}%"


def any_like(columns: Sequence[str], param: str = "?") -> str:
    """SQL true when any of ``columns`` matches the pattern bound at ``param``."""
    return "(" + " OR ".join(f"{column} LIKE {param} {ESCAPE}" for column in columns) + ")"
