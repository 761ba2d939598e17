"""`pipeline import owners FILE`: owners from a users file, keeping their old CRM's ids."""

# A deal or lead export names its owner by id (Salesforce's OwnerId): the users file
# (User.csv) says whose id it is. Owners keep that id (owners.external_id), so that
# `import deals` resolves OwnerId to the owner's name (import_session.py, temp.imp_owner).
# A teams file (Maven's sales_teams.csv: sales_agent, manager, regional_office) names owners
# by name and gives each a manager (an owner too, created when missing) and a team, which
# `kpi --by team` and `review --by team` group by.

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline_tui.models.errors import PipelineError
from pipeline_tui.models.keys import SPACES, name_key
from pipeline_tui.services.imports.cells import BadValue, read_email
from pipeline_tui.services.imports.small_file import open_side_file
from pipeline_tui.store.api import Store


@dataclass
class OwnersResult:
    source: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejects: list[tuple[int, str]] = field(default_factory=list)
    columns: list[tuple[str, str]] = field(default_factory=list)
    dry_run: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "entity": "owners",
            "source": self.source,
            "dry_run": self.dry_run,
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": len(self.rejects),
            "rejects": [{"line": n, "reason": r} for n, r in self.rejects],
            "columns": [{"column": c, "field": f} for c, f in self.columns],
        }


User = tuple[int, str, str, Any, str, str]  # line, id, name, email, manager, team


def _rows(path: str, opts: dict[str, Any], result: OwnersResult) -> list[User]:
    side = open_side_file("owners", path, maps=opts.get("maps") or [], dayfirst=None,
                          decimal=None, zone=None, encoding=opts.get("encoding"),
                          delimiter=opts.get("delimiter"))  # fmt: skip
    result.columns = [(c, f) for c, f in side.mapping.describe() if f != "custom"]
    by_name = "external_id" not in side.mapping.fields  # a teams file
    out: list[User] = []
    seen: dict[str, int] = {}
    try:
        for line, cells in side.rows():
            result.rows += 1
            ext = cells.get("external_id", "").strip()
            name = SPACES.sub(" ", cells.get("name", "").strip())
            if not name:
                parts = (cells.get("first_name", "").strip(), cells.get("last_name", "").strip())
                name = " ".join(p for p in parts if p)
            manager = SPACES.sub(" ", cells.get("manager", "").strip())
            team = SPACES.sub(" ", cells.get("team", "").strip())
            key = name_key(name) if by_name else ext
            try:
                if not ext and not by_name:
                    raise BadValue("no id")
                if not name:
                    raise BadValue(f"no name for owner {ext!r}" if ext else "no name")
                if key in seen:
                    what = "name" if by_name else "id"
                    raise BadValue(f"same {what} {(name if by_name else ext)!r} as line "
                                   f"{seen[key]}")  # fmt: skip
                if manager and name_key(manager) == name_key(name):
                    raise BadValue(f"{name!r} cannot be their own manager")
                email = read_email(cells.get("email", ""))
            except BadValue as exc:
                result.rejects.append((line, str(exc)))
                continue
            seen[key] = line
            out.append((line, ext, name, email, manager, team))
    finally:
        side.src.close()
    result.rejects += side.rejects
    return out


def import_owners(
    store: Store, path: str, *, dry_run: bool = False, skip_invalid: bool = False,
    **opts: Any,
) -> OwnersResult:  # fmt: skip
    """Create or update one owner per user: found by its id, else by the bare id an earlier
    import named it after (renamed now), else by its name; all in one journalled command."""
    result = OwnersResult("stdin" if path == "-" else path, dry_run=dry_run)
    users = _rows(path, opts, result)
    if result.rejects and not skip_invalid and not dry_run:
        raise InvalidOwners(result)
    owners = store.imports.owners_index()
    by_ext = {o["external_id"]: o for o in owners if o["external_id"]}
    by_key = {o["name_key"]: o for o in owners}
    plans: list[tuple[dict[str, Any] | None, dict[str, Any]]] = []
    taken: dict[str, int] = {}
    managers = _managers(users, by_key, plans, result)
    for line, ext, name, email, manager, team in users:
        key = name_key(name)
        found = (by_ext.get(ext) or by_key.get(name_key(ext))) if ext else None
        found = found or by_key.get(key) or managers.get(key)
        if found is not None and ext and found["external_id"] not in (None, ext):
            result.rejects.append((line, f"owner {name!r} already has the id "
                                   f"{found['external_id']!r}"))  # fmt: skip
            continue
        other = by_key.get(key) or managers.get(key)
        if (other is not None and other is not found) or taken.get(key, line) != line:
            result.rejects.append((line, f"another owner is already named {name!r}"))
            continue
        taken[key] = line
        values: dict[str, Any] = {"name": name, "name_key": key}
        for field_name, value in (("external_id", ext), ("email", email), ("team", team)):
            if value:
                values[field_name] = value
        if manager:
            values["manager"] = name_key(manager)  # resolved to an id when written
        if found is not None and found.get("planned"):  # a manager this file also lists
            found["values"].update(values)
        elif found is None:
            plans.append((None, values))
            result.created += 1
        elif _differs(found, values, by_key):
            plans.append((found, values))
            result.updated += 1
        else:
            result.unchanged += 1
    if result.rejects and not skip_invalid and not dry_run:
        raise InvalidOwners(result)
    if dry_run or not plans:
        return result
    with store.tx(f"import owners {Path(result.source).name}") as tx:
        ids = {o["name_key"]: int(o["id"]) for o in owners}
        later: list[tuple[int, str]] = []
        for found, values in plans:
            manager = values.pop("manager", None)
            if found is None:
                oid = tx.insert("owners", {**values, "created_at": tx.now})
                ids[values["name_key"]] = oid
            else:
                oid = int(found["id"])
                tx.update("owners", oid, values)
            if manager is not None:
                later.append((oid, manager))
        for oid, manager in later:  # every manager exists by now
            tx.update("owners", oid, {"manager_id": ids[manager]})
    return result


def _managers(
    users: list[User],
    by_key: dict[str, dict[str, Any]],
    plans: list[tuple[dict[str, Any] | None, dict[str, Any]]],
    result: OwnersResult,
) -> dict[str, dict[str, Any]]:
    """Plan the managers that are not owners yet: in the team of their people when those
    are all in one team. Returns them by name key (a row naming one fills in its plan)."""
    teams: dict[str, set[str]] = {}
    names: dict[str, str] = {}
    for _, _, _, _, manager, team in users:
        if manager:
            key = name_key(manager)
            names.setdefault(key, manager)
            teams.setdefault(key, set()).update([team] if team else [])
    planned: dict[str, dict[str, Any]] = {}
    for key, name in names.items():
        if key in by_key:
            continue
        values: dict[str, Any] = {"name": name, "name_key": key}
        if len(teams[key]) == 1:
            values["team"] = next(iter(teams[key]))
        planned[key] = {"planned": True, "values": values, "external_id": None}
        plans.append((None, values))
        result.created += 1
    return planned


def _differs(found: dict[str, Any], values: dict[str, Any], by_key: dict[str, Any]) -> bool:
    for k, v in values.items():
        if k == "manager":
            boss = by_key.get(v)
            if boss is None or found.get("manager_id") != boss["id"]:
                return True
        elif found.get(k) != v:
            return True
    return False


class InvalidOwners(PipelineError):
    """Some rows of a users file are invalid: nothing was written."""

    def __init__(self, result: OwnersResult) -> None:
        self.result = result
        super().__init__(
            f"{len(result.rejects):,} invalid row(s) in {result.source}; nothing was imported "
            "(fix them, or give --skip-invalid to import the rest)"
        )
