"""Owners: the salespeople. Named explicitly, so a typo never creates a new one."""

from __future__ import annotations

from pipeline_tui.models import ConflictError, NotFoundError
from pipeline_tui.services.common import clean_text, default_owner
from pipeline_tui.store import Store
from pipeline_tui.store.sqlite.lookup import ensure_owner, name_key


def owners(store: Store) -> list[dict[str, object]]:
    rows = store.all(
        "SELECT o.id, o.name, o.email, "
        "(SELECT count(*) FROM deals d WHERE d.owner_id = o.id AND d.status = 'open') "
        "AS open_deals "
        "FROM owners o ORDER BY o.name_key"
    )
    return [dict(r) for r in rows]


def add_owner(store: Store, name: str, email: str | None = None) -> dict[str, object]:
    name = (clean_text(name, "owner name", required=True) or "").strip()
    if store.scalar("SELECT 1 FROM owners WHERE name_key = ?", (name_key(name),)):
        raise ConflictError(f"owner {name!r} already exists")
    with store.tx(f"add owner {name!r}") as tx:
        owner_id = ensure_owner(tx, name)
        if email:
            tx.update("owners", owner_id, {"email": clean_text(email, "email")})
    return next(o for o in owners(store) if o["id"] == owner_id)


def known_owner(store: Store, name: str | None) -> str | None:
    """The canonical name of an existing owner; the default owner is added on first use."""
    if name is None:
        return None
    found = store.scalar("SELECT name FROM owners WHERE name_key = ?", (name_key(name),))
    if found is not None:
        return str(found)
    if name_key(name) == name_key(default_owner(store)):
        return name.strip()
    names = ", ".join(str(o["name"]) for o in owners(store)) or "none yet"
    raise NotFoundError(
        f"no owner named {name!r} (owners: {names}); add one with 'pipeline owner add NAME'"
    )
