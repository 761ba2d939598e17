"""Shared rules: who the user is, default owner and currency, validation of user text."""

from __future__ import annotations

import getpass
import os

from pipeline_tui.models import PipelineError
from pipeline_tui.models.money import check_currency
from pipeline_tui.store.api import Store, WriteTx

MAX_TEXT = 100_000


def owner_source(store: Store) -> tuple[str, str]:
    """Who the user is, and how we know: $PIPELINE_OWNER ("env"), else the `owner` setting
    ("setting"), else the login name ("login")."""
    env = os.environ.get("PIPELINE_OWNER", "").strip()
    if env:
        return env, "env"
    configured = store.settings.get_setting("owner")
    if configured:
        return configured, "setting"
    try:
        return getpass.getuser(), "login"
    except (KeyError, OSError):
        return "me", "login"


def actor_name(store: Store) -> str:
    """The name the journal records as having run a command (never refused)."""
    return owner_source(store)[0]


def default_owner(store: Store) -> str:
    """The owner of a new record when none is named: $PIPELINE_OWNER, else the `owner`
    setting, else the login name, but the login only if it is an owner already or no owner
    exists yet (it is then created as the first); otherwise the command is refused, so that
    a login such as 'root' never joins the owners unasked."""
    name, source = owner_source(store)
    if source != "login":
        return name
    found = store.directory.canonical_owner(name)
    if found is not None:
        return found
    if not store.directory.owner_names():
        return name
    raise PipelineError(
        f"no owner given and your login {name!r} is not an owner: use --owner NAME, "
        "or set yours once with 'pipeline config set owner NAME'"
    )


def suggested_owner(store: Store) -> str:
    """The owner a form offers for a new record: the default owner, or blank when the
    login names no owner (the user then picks one)."""
    try:
        return default_owner(store)
    except PipelineError:
        return ""


def first_owner_pending(store: Store) -> str | None:
    """The login name when a new record would create it as the database's first owner."""
    name, source = owner_source(store)
    if source == "login" and not store.directory.owner_names():
        return name
    return None


def acting_owner_id(store: Store, tx: WriteTx) -> int | None:
    """The owner recorded as making a change (a stage move): the store's actor, created if
    the user named it (env or setting); None for a login that names no owner."""
    actor = store.actor
    if not actor:
        return None
    if store.directory.canonical_owner(actor) is None and owner_source(store) == (actor, "login"):
        return None
    return tx.ensure_owner(actor)


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
