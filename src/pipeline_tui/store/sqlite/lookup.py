"""Owners, companies and contacts: found by normalised keys, created on the fly."""

from __future__ import annotations

from pipeline_tui.models.errors import NotFoundError
from pipeline_tui.models.keys import SPACES, email_key, name_key, split_contact  # noqa: F401
from pipeline_tui.store.sqlite.core import Reader, Tx


def owner_id(store: Reader, name: str) -> int:
    found = store.scalar("SELECT id FROM owners WHERE name_key = ?", (name_key(name),))
    if found is None:
        raise NotFoundError(f"no owner named {name!r}")
    return int(found)


def ensure_owner(tx: Tx, name: str) -> int:
    found = tx.store.scalar("SELECT id FROM owners WHERE name_key = ?", (name_key(name),))
    if found is not None:
        return int(found)
    clean = SPACES.sub(" ", name.strip())
    return tx.insert("owners", {"name": clean, "name_key": name_key(name), "created_at": tx.now})


def ensure_company(tx: Tx, name: str) -> int:
    key = name_key(name)
    found = tx.store.scalar("SELECT id FROM companies WHERE name_key = ?", (key,))
    if found is not None:
        return int(found)
    return tx.insert("companies", {"name": name.strip(), "name_key": key, "created_at": tx.now})


def ensure_contact(tx: Tx, text: str, company_id: int | None, phone: str | None = None) -> int:
    name, email = split_contact(text)
    if email:
        found = tx.store.one(
            "SELECT id, name FROM contacts WHERE email_key = ?", (email_key(email),)
        )
        if found is not None:
            if name and not found["name"]:
                tx.update("contacts", found["id"], {"name": name})
            return int(found["id"])
    elif name:
        found_id = tx.store.scalar(
            # idx_contacts_list's key, which is lower(name) wherever there is a name.
            "SELECT id FROM contacts WHERE lower(coalesce(name, email, '')) = lower(?) AND "
            "name IS NOT NULL AND coalesce(company_id, 0) = coalesce(?, 0) ORDER BY id LIMIT 1",
            (name, company_id),
        )
        if found_id is not None:
            return int(found_id)
    return tx.insert(
        "contacts",
        {
            "name": name,
            "email": email,
            "email_key": email_key(email) if email else None,
            "phone": phone,
            "company_id": company_id,
            "created_at": tx.now,
        },
    )


def owner_names(store: Reader) -> list[str]:
    return [r[0] for r in store.all("SELECT name FROM owners ORDER BY name_key")]


def owners(store: Reader) -> list[dict[str, object]]:
    """Every owner with their email and count of open deals, by name."""
    rows = store.all(
        "SELECT o.id, o.name, o.email, "
        "(SELECT count(*) FROM deals d WHERE d.owner_id = o.id AND d.status = 'open') "
        "AS open_deals "
        "FROM owners o ORDER BY o.name_key"
    )
    return [dict(r) for r in rows]


def canonical_owner(store: Reader, name: str) -> str | None:
    """The stored spelling of the owner ``name`` names, or None."""
    found = store.scalar("SELECT name FROM owners WHERE name_key = ?", (name_key(name),))
    return None if found is None else str(found)


def owner_names_by_id(store: Reader) -> dict[int, str]:
    return {int(r[0]): r[1] for r in store.all("SELECT id, name FROM owners")}


def owner_teams(store: Reader) -> dict[str, str | None]:
    """Each owner's name -> their team (None when they have none)."""
    return {r[0]: r[1] for r in store.all("SELECT name, team FROM owners")}


# What an owner holds, by kind: (table, condition on the row). Every reference to owners.id
# in the schema (store/sqlite/schema.py) is here, so that handing all of them over leaves
# nothing pointing at a removed owner.
_HOLDINGS = (
    ("open deals", "deals", "status = 'open'"),
    ("closed deals", "deals", "status <> 'open'"),
    ("planned activities", "activities", "done_at IS NULL"),
    ("logged activities", "activities", "done_at IS NOT NULL"),
    ("leads", "leads", "1"),
    ("stage changes", "stage_changes", "1"),
    ("targets", "targets", "1"),
    ("companies", "companies", "1"),
    ("people", "contacts", "1"),
    ("notes", "notes", "1"),
)


def owner_holdings(store: Reader, owner: int) -> dict[str, tuple[str, list[int]]]:
    """Every row that names the owner, by kind: kind -> (table, ids)."""
    held: dict[str, tuple[str, list[int]]] = {}
    for kind, table, condition in _HOLDINGS:
        rows = store.all(
            f"SELECT id FROM {table} WHERE owner_id = ? AND {condition} ORDER BY id", (owner,)
        )
        held[kind] = (table, [int(r[0]) for r in rows])
    return held
