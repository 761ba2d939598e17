"""Refusing stale edits: a change based on values someone else has changed since."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from pipeline_tui.models import PipelineError
from pipeline_tui.models.errors import StaleError

Show = Callable[[str, Any, bool], str]


def _plain(value: Any) -> Any:
    if isinstance(value, str) and not value.strip():
        return None  # blank text clears a field (services/common.py clean_text)
    return value.isoformat() if isinstance(value, date) else value


def shown(value: Any) -> str:
    """A value in a one-line message: user text as repr, so it is never markup."""
    plain = _plain(value)
    return "blank" if plain is None else repr(plain)


def check_stale(
    what: str,
    current: Mapping[str, Any],
    expected: Mapping[str, Any],
    wanted: Mapping[str, Any],
    show: Show | None = None,
) -> None:
    """Refuse when a field in ``expected`` no longer holds the value the caller saw."""
    unknown = [k for k in expected if k not in current]
    if unknown:
        raise PipelineError(f"unknown {what.split()[0]} field {unknown[0]!r}")

    def fmt(key: str, value: Any, mine: bool) -> str:  # show: amounts need their currency
        return show(key, value, mine) if show else shown(value)

    clashes, stale = [], []
    for key, seen in expected.items():
        now = _plain(current[key])
        if now == _plain(seen) or (key in wanted and now == _plain(wanted[key])):
            continue  # unchanged, or already what the caller wants: nothing would be lost
        label = key.removesuffix("_minor").replace("_", " ")
        yours = (
            f"you changed it to {fmt(key, wanted[key], True)}"
            if key in wanted
            else f"you saw {fmt(key, seen, True)}"
        )
        clashes.append(f"{label} is now {fmt(key, now, False)} ({yours})")
        stale.append(key)
    if clashes:
        raise StaleError(
            f"{what} changed since you opened it: {'; '.join(clashes)}; reload and try again",
            stale,
        )
