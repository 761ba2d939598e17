"""Owners: the salespeople. Named explicitly, so a typo never creates a new one."""

from __future__ import annotations

from dataclasses import dataclass, field

from pipeline_tui.models import ConflictError, NotFoundError, PipelineError
from pipeline_tui.models.keys import name_key
from pipeline_tui.services.common import clean_text, owner_source
from pipeline_tui.store.api import Store, WriteTx


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
    mine, source = owner_source(store)
    # The user's own configured name may be named before it exists (it is created on first
    # use); the login name only while there is no owner at all (services/common.py).
    if name_key(name) == name_key(mine) and (
        source != "login" or not store.directory.owner_names()
    ):
        return name.strip()
    names = ", ".join(str(o["name"]) for o in owners(store)) or "none yet"
    raise NotFoundError(
        f"no owner named {name!r} (owners: {names}); add one with 'pipeline owner add NAME'"
    )


def _existing(store: Store, name: str) -> tuple[int, str]:
    found = store.directory.canonical_owner(name)
    if found is None:
        names = ", ".join(store.directory.owner_names()) or "none yet"
        raise NotFoundError(f"no owner named {name!r} (owners: {names})")
    return store.directory.owner_id(found), found


def _follow_setting(store: Store, tx: WriteTx, old: str, new: str) -> None:
    """The `owner` setting names people by name: keep it naming the same person. Renaming
    the owner made from the login name (none configured) configures the new name, so that
    the user stays that owner."""
    configured = store.settings.get_setting("owner")
    if configured is None:
        mine, source = owner_source(store)
        configured = mine if source == "login" else None
    if configured is not None and name_key(configured) == name_key(old):
        tx.put_setting("owner", new)


def rename_owner(store: Store, old: str, new: str) -> tuple[str, str]:
    """Rename an owner, returning (old name, new name); their deals, leads and activities
    follow, since they point at the owner's id."""
    import shlex

    new = (clean_text(new, "new owner name", required=True) or "").strip()
    owner_id, current = _existing(store, old)
    with store.tx(f"rename owner {current!r} to {new!r}") as tx:
        taken = store.directory.canonical_owner(new)
        if taken is not None and name_key(taken) != name_key(current):
            raise ConflictError(
                f"owner {taken!r} already exists; to hand everything of {current!r} to them, "
                f"use: pipeline owner remove {shlex.quote(current)} --to {shlex.quote(taken)}"
            )
        if new == current:
            raise PipelineError(f"owner {current!r} already has that name")
        tx.update("owners", owner_id, {"name": new, "name_key": name_key(new)})
        _follow_setting(store, tx, current, new)
    return current, new


@dataclass(frozen=True)
class Handover:
    """What removing an owner handed to another: rows by kind ("open deals"...)."""

    removed: str
    to: str | None
    counts: dict[str, int] = field(default_factory=dict)


def remove_owner(store: Store, name: str, to: str | None = None) -> Handover:
    """Remove an owner, first handing every row that names them (deals open and closed,
    activities, leads, stage history, targets) to the owner ``to``."""
    owner_id, current = _existing(store, name)
    with store.tx(f"remove owner {current!r}") as tx:
        held = store.directory.owner_holdings(owner_id)
        counts = {kind: len(ids) for kind, (_, ids) in held.items() if ids}
        if to is None:
            if counts:
                what = ", ".join(f"{n} {kind}" for kind, n in counts.items())
                raise ConflictError(
                    f"owner {current!r} has {what}; give --to OWNER to hand them over"
                )
            tx.delete("owners", owner_id)
            return Handover(current, None)
        to_id, heir = _existing(store, to)
        if to_id == owner_id:
            raise PipelineError("--to must name another owner")
        for table, ids in held.values():
            for row_id in ids:
                if table == "targets":
                    _hand_target(store, tx, row_id, to_id)
                else:
                    tx.update(table, row_id, {"owner_id": to_id})
        _follow_setting(store, tx, current, heir)
        tx.delete("owners", owner_id)
    return Handover(current, heir, counts)


def _hand_target(store: Store, tx: WriteTx, target_id: int, to_id: int) -> None:
    """A target moves to the heir; where the heir has one for the same period and
    currency already, the two quotas are added (they took over the territory)."""
    row = tx.row("targets", target_id)
    theirs = store.targets.find_target(to_id, str(row["period"]), str(row["currency"]))
    if theirs is None:
        tx.update("targets", target_id, {"owner_id": to_id})
        return
    tx.delete("targets", target_id)
    tx.update(
        "targets", theirs.id, {"amount_minor": theirs.amount_minor + int(row["amount_minor"])}
    )
