"""Shared rules: default owner and currency, and validation of user text."""

from __future__ import annotations

import getpass
import os

from pipeline_tui.models import PipelineError
from pipeline_tui.models.money import check_currency
from pipeline_tui.store.api import Store

MAX_TEXT = 100_000


def default_owner(store: Store) -> str:
    """$PIPELINE_OWNER, else the `owner` setting, else the login name."""
    env = os.environ.get("PIPELINE_OWNER", "").strip()
    if env:
        return env
    configured = store.settings.get_setting("owner")
    if configured:
        return configured
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "me"


def default_currency(store: Store) -> str:
    return store.settings.get_setting("currency") or "USD"


def clean_text(value: str | None, field: str, *, required: bool = False) -> str | None:
    """Keep user text exactly as typed, but refuse what SQLite or terminals cannot hold."""
    if value is None:
        if required:
            raise PipelineError(f"{field} is required")
        return None
    if "\x00" in value:
        raise PipelineError(f"{field} contains a NUL byte")
    if len(value) > MAX_TEXT:
        raise PipelineError(f"{field} is longer than {MAX_TEXT} characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise PipelineError(f"{field} is not valid text (lone surrogate)") from None
    if required and not value.strip():
        raise PipelineError(f"{field} must not be empty")
    return value if value.strip() else None


def currency_or_default(store: Store, currency: str | None) -> str:
    return check_currency(currency) if currency else default_currency(store)


def check_probability(p: int | None) -> int | None:
    if p is not None and not 0 <= p <= 100:
        raise PipelineError(f"invalid probability {p}: use 0 to 100")
    return p
