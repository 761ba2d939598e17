"""Which file column feeds which field, from the header of a CRM export or a spreadsheet."""

# The known spellings of each field live in aliases.py; this module matches a header to them
# and applies the user's --map overrides.

from __future__ import annotations

from dataclasses import dataclass, field

from pipeline_tui.models.errors import PipelineError
from pipeline_tui.models.outcomes import fold
from pipeline_tui.services.imports.aliases import ALIASES, ENTITIES, OWN_PREFIXES

IGNORE = ("-", "ignore")


def norm(header: str) -> str:
    """'Deal - Expected close date' -> 'dealexpectedclosedate'; accents and case folded."""
    return fold(header)


@dataclass
class Mapping:
    """The decision for one file: field -> column index, and what is kept as custom."""

    entity: str
    header: list[str]
    fields: dict[str, int] = field(default_factory=dict)
    custom: list[tuple[int, str]] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)

    def has(self, name: str) -> bool:
        return name in self.fields

    def column(self, name: str) -> str:
        return self.header[self.fields[name]]

    def describe(self) -> list[tuple[str, str]]:
        """(column, field) pairs in file order, for the summary."""
        by_index = {i: f for f, i in self.fields.items()}
        out = []
        for i, name in enumerate(self.header):
            if i in by_index:
                out.append((name, by_index[i]))
            elif any(i == c for c, _ in self.custom):
                out.append((name, "custom"))
            else:
                out.append((name, "ignored"))
        return out


def _find_column(header: list[str], wanted: str) -> int:
    exact = [i for i, h in enumerate(header) if h.strip() == wanted.strip()]
    if exact:
        return exact[0]
    loose = [i for i, h in enumerate(header) if norm(h) == norm(wanted)]
    if loose:
        return loose[0]
    shown = ", ".join(repr(h) for h in header)
    raise PipelineError(f"--map {wanted!r}: the file has no such column (columns: {shown})")


def parse_overrides(entity: str, header: list[str], pairs: list[str]) -> dict[int, str]:
    """--map 'Source Column=field' options -> column index -> field (or '-' to ignore)."""
    fields = ALIASES[entity]
    out: dict[int, str] = {}
    for pair in pairs:
        if "=" not in pair:
            raise PipelineError(f"--map {pair!r}: use 'Column=field'")
        column, _, target = pair.rpartition("=")
        target = target.strip().lower().replace(" ", "_")
        if target not in fields and target not in IGNORE:
            choices = ", ".join([*fields, "-"])
            raise PipelineError(f"--map {pair!r}: unknown field {target!r} (fields: {choices})")
        out[_find_column(header, column)] = "-" if target in IGNORE else target
    return out


def map_header(entity: str, header: list[str], overrides: list[str] | None = None) -> Mapping:
    """Decide which column feeds each field; columns left over become custom fields."""
    if entity not in ALIASES:
        raise PipelineError(f"cannot import {entity!r}: use one of {', '.join(ENTITIES)}")
    m = Mapping(entity, header)
    forced = parse_overrides(entity, header, overrides or [])
    for index, target in forced.items():
        if target == "-":
            m.ignored.append(header[index])
        elif target == "custom":
            m.custom.append((index, header[index].strip()))
        elif target in m.fields:
            raise PipelineError(
                f"--map: columns {header[m.fields[target]]!r} and {header[index]!r} "
                f"both map to {target!r}"
            )
        else:
            m.fields[target] = index
    normed = [norm(h) for h in header]
    prefixes = OWN_PREFIXES[entity]
    stripped = []
    for n in normed:
        short = next((n[len(p) :] for p in prefixes if n.startswith(p) and len(n) > len(p)), "")
        stripped.append(short)
    for target, aliases in ALIASES[entity].items():
        if target in m.fields:
            continue
        for alias in aliases:
            found = next(
                (
                    i
                    for i in range(len(header))
                    if i not in forced
                    and i not in m.fields.values()
                    and (normed[i] == alias or stripped[i] == alias)
                ),
                None,
            )
            if found is not None:
                m.fields[target] = found
                break
    used = set(m.fields.values()) | set(forced)
    for i, name in enumerate(header):
        if i not in used and name.strip():
            m.custom.append((i, name.strip()))
    for kept in ("product", "company_ref"):  # used, and kept as a custom field too
        if kept in m.fields:
            i = m.fields[kept]
            m.custom.append((i, header[i].strip()))
            m.custom.sort()
    _check_required(m)
    return m


def _check_required(m: Mapping) -> None:
    need = {
        "leads": (("name", "first_name", "last_name", "email"), "a name or an email"),
        "deals": (("title", "company", "product", "external_id"), "a title"),
        "activities": (("subject",), "a subject"),
        "companies": (("name",), "the company's name"),
        "people": (("name", "first_name", "last_name", "email"), "a name or an email"),
        "owners": (("name", "first_name", "last_name"), "a name"),
        "history": (("deal",), "the deal's id"),
    }[m.entity]
    teams = "manager" in m.fields or "team" in m.fields  # a teams file names owners by name
    if m.entity == "owners" and "external_id" not in m.fields and not teams:
        shown = ", ".join(repr(h) for h in m.header)
        raise PipelineError(f"no column for the owner's id in the file (columns: {shown}); "
                            "name one with --map 'Column=external_id'")  # fmt: skip
    if (
        m.entity == "history"
        and not any(f in m.fields for f in ("stage", "status"))
        or (m.entity == "history" and "changed_at" not in m.fields)
    ):
        shown = ", ".join(repr(h) for h in m.header)
        raise PipelineError(f"a history file needs a deal id, a stage and a date column "
                            f"(columns: {shown}); name them with --map")  # fmt: skip
    if not any(f in m.fields for f in need[0]):
        shown = ", ".join(repr(h) for h in m.header)
        raise PipelineError(
            f"no column for {need[1]} in the file (columns: {shown}); "
            f"name one with --map 'Column={need[0][0]}'"
        )
