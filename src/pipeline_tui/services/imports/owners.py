"""`pipeline import owners FILE`: owners from a users file, keeping their old CRM's ids."""

# A deal or lead export names its owner by id (Salesforce's OwnerId): the users file
# (User.csv) says whose id it is. Owners keep that id (owners.external_id), so that
# `import deals` resolves OwnerId to the owner's name (import_session.py, temp.imp_owner).

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


def _rows(path: str, opts: dict[str, Any], result: OwnersResult) -> list[tuple[int, str, str, Any]]:
    side = open_side_file("owners", path, maps=opts.get("maps") or [], dayfirst=None,
                          decimal=None, zone=None, encoding=opts.get("encoding"),
                          delimiter=opts.get("delimiter"))  # fmt: skip
    result.columns = [(c, f) for c, f in side.mapping.describe() if f != "custom"]
    out: list[tuple[int, str, str, Any]] = []
    seen: dict[str, int] = {}
    try:
        for line, cells in side.rows():
            result.rows += 1
            ext = cells.get("external_id", "").strip()
            name = SPACES.sub(" ", cells.get("name", "").strip())
            if not name:
                parts = (cells.get("first_name", "").strip(), cells.get("last_name", "").strip())
                name = " ".join(p for p in parts if p)
            try:
                if not ext:
                    raise BadValue("no id")
                if not name:
                    raise BadValue(f"no name for owner {ext!r}")
                if ext in seen:
                    raise BadValue(f"same id {ext!r} as line {seen[ext]}")
                email = read_email(cells.get("email", ""))
            except BadValue as exc:
                result.rejects.append((line, str(exc)))
                continue
            seen[ext] = line
            out.append((line, ext, name, email))
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
    for line, ext, name, email in users:
        key = name_key(name)
        found = by_ext.get(ext) or by_key.get(name_key(ext)) or by_key.get(key)
        if found is not None and found["external_id"] not in (None, ext):
            result.rejects.append((line, f"owner {name!r} already has the id "
                                   f"{found['external_id']!r}"))  # fmt: skip
            continue
        other = by_key.get(key)
        if (other is not None and other is not found) or taken.get(key, line) != line:
            result.rejects.append((line, f"another owner is already named {name!r}"))
            continue
        taken[key] = line
        values = {"name": name, "name_key": key, "external_id": ext}
        if email:
            values["email"] = email
        if found is None:
            plans.append((None, values))
            result.created += 1
        elif any(found.get(k) != v for k, v in values.items()):
            plans.append((found, values))
            result.updated += 1
        else:
            result.unchanged += 1
    if result.rejects and not skip_invalid and not dry_run:
        raise InvalidOwners(result)
    if dry_run or not plans:
        return result
    with store.tx(f"import owners {Path(result.source).name}") as tx:
        for found, values in plans:
            if found is None:
                tx.insert("owners", {**values, "created_at": tx.now})
            else:
                tx.update("owners", int(found["id"]), values)
    return result


class InvalidOwners(PipelineError):
    """Some rows of a users file are invalid: nothing was written."""

    def __init__(self, result: OwnersResult) -> None:
        self.result = result
        super().__init__(
            f"{len(result.rejects):,} invalid row(s) in {result.source}; nothing was imported "
            "(fix them, or give --skip-invalid to import the rest)"
        )
