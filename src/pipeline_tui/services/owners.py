"""Owners: the salespeople. Named explicitly, so a typo never creates a new one."""

from __future__ import annotations

from pipeline_tui.models import ConflictError, NotFoundError
from pipeline_tui.models.keys import name_key
from pipeline_tui.services.common import clean_text, default_owner
from pipeline_tui.store.api import Store


def owners(store: Store) -> list[dict[str, object]]:
    return store.directory.owners()


def add_owner(store: Store, name: str, email: str | None = None) -> dict[str, object]:
    name = (clean_text(name, "owner name", required=True) or "").strip()
    if store.directory.canonical_owner(name) is not None:
        raise ConflictError(f"owner {name!r} already exists")
    with store.tx(f"add owner {name!r}") as tx:
        owner_id = tx.ensure_owner(name)
        if email:
            tx.update("owners", owner_id, {"email": clean_text(email, "email")})
    return next(o for o in owners(store) if o["id"] == owner_id)


def known_owner(store: Store, name: str | None) -> str | None:
    """The canonical name of an existing owner; the default owner is added on first use."""
    if name is None:
        return None
    found = store.directory.canonical_owner(name)
    if found is not None:
        return found
    if name_key(name) == name_key(default_owner(store)):
        return name.strip()
    names = ", ".join(str(o["name"]) for o in owners(store)) or "none yet"
    raise NotFoundError(
        f"no owner named {name!r} (owners: {names}); add one with 'pipeline owner add NAME'"
    )
