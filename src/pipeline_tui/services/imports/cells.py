"""Reading single cells of imported rows: vocabularies, ids, emails, names, custom fields."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pipeline_tui.models.enums import ActivityKind
from pipeline_tui.models.keys import name_key
from pipeline_tui.models.outcomes import DEAL_STATUSES
from pipeline_tui.services.imports.columns import norm
from pipeline_tui.services.imports.stage_names import SeenStage


class BadValue(ValueError):
    """One cell that cannot be read; the row is rejected with this reason."""


Row = tuple[Any, ...]
Builder = Callable[[list[str], int], Row]
NAMES_MAX = 200_000

LEAD_STATUS = {
    "new": "new", "open": "new", "opennotcontacted": "new", "neu": "new", "nouveau": "new",
    "nuevo": "new", "working": "working", "inprogress": "working", "attemptedtocontact": "working",
    "connected": "working", "contacted": "working", "workingcontacted": "working",
    "badtiming": "working", "nurturing": "working", "inbearbeitung": "working",
    "encours": "working", "enproceso": "working", "qualified": "qualified",
    "opendeal": "qualified", "closedconverted": "qualified", "converted": "qualified",
    "qualifiziert": "qualified", "qualifie": "qualified", "calificado": "qualified",
    "disqualified": "disqualified", "unqualified": "disqualified", "junk": "disqualified",
    "closednotconverted": "disqualified", "disqualifiziert": "disqualified",
    "disqualifie": "disqualified", "descalificado": "disqualified",
}  # fmt: skip
DEAL_STATUS = DEAL_STATUSES
CATEGORY = {
    "pipeline": "pipeline", "bestcase": "best_case", "commit": "commit", "omitted": "omitted",
    "mostlikely": "commit", "upside": "best_case", "closed": None, "closedwon": None,
    "closedlost": None,
}  # fmt: skip
KIND = {k.value: k.value for k in ActivityKind} | {
    "phonecall": "call", "anruf": "call", "appel": "call", "llamada": "call",
    "mail": "email", "listemail": "email", "emailsent": "email", "event": "meeting",
    "besprechung": "meeting", "termin": "meeting", "reunion": "meeting", "angebot": "proposal",
    "notiz": "note", "todo": "task", "aufgabe": "task", "tache": "task", "tarea": "task",
    "cadence": "task", "prep": "task", "followup": "task",
}  # fmt: skip
DONE = {"done": True, "completed": True, "complete": True, "closed": True, "erledigt": True,
        "termine": True, "completado": True, "true": True, "yes": True, "1": True,
        "planned": False, "open": False, "notstarted": False, "inprogress": False,
        "waiting": False, "deferred": False, "false": False, "no": False, "0": False}  # fmt: skip
_ASCII_LOWER = {c: c + 32 for c in range(65, 91)}


def sql_lower(text: str) -> str:
    """Lower-case as SQLite's lower() does (ASCII only), so keys match its index."""
    return text.translate(_ASCII_LOWER)


@dataclass
class Spec:
    """What a worker needs to read its range: decided once per file (run.py), picklable."""

    entity: str
    path: str
    encoding: str
    delimiter: str
    width: int
    fields: dict[str, int]
    custom: list[int]
    formats: dict[str, str]
    zone: str | None
    currency: str | None
    default_currency: str
    db_key: str
    match: list[str]
    stage_column: bool = False


@dataclass
class Seen:
    """Distinct names met in the rows, so the main process can create them set-based.
    Memory grows with the number of distinct companies and owners, not with rows."""

    names: dict[tuple[str, str], str] = field(default_factory=dict)
    stages: dict[tuple[str, str], SeenStage] = field(default_factory=dict)


def text_or_none(value: str) -> str | None:
    return value if value.strip() else None


def mapper(table: dict[str, Any], what: str, choices: str) -> Callable[[str], Any]:
    cache: dict[str, Any] = {}

    def convert(value: str) -> Any:
        if value in cache:
            return cache[value]
        key = norm(value)
        if key not in table:
            raise BadValue(f"unknown {what} {value.strip()!r}: use {choices}")
        cache[value] = table[key]
        return table[key]

    return convert


def namer(kind: str, seen: Seen, collapse: bool) -> Callable[[str], str]:
    keys: dict[str, str] = {}
    names = seen.names

    def key(raw: str) -> str:
        found = keys.get(raw)
        if found is None:
            found = name_key(raw)
            if len(keys) > NAMES_MAX:  # a cache only: the names themselves are kept below
                keys.clear()
            keys[raw] = found
            if (kind, found) not in names:
                names[(kind, found)] = " ".join(raw.split()) if collapse else raw.strip()
        return found

    return key


def remember(cache: dict[str, str], raw: str, key: Callable[[str], str]) -> str:
    if len(cache) > NAMES_MAX:
        cache.clear()
    found = cache[raw] = key(raw)
    return found


def id_reader(db_key: str, kind: str) -> Callable[[str], tuple[str | None, int | None]]:
    """'ab12cd34:deal:17' from this database's own export is row 17, not an external id."""
    prefix = f"{db_key}:{kind}:"

    def split(value: str) -> tuple[str | None, int | None]:
        v = value.strip()
        if not v:
            return None, None
        if v.startswith(prefix) and v[len(prefix) :].isdigit():
            return None, int(v[len(prefix) :])
        return v, None

    return split


def read_email(value: str) -> str | None:
    email = value.strip()
    if not email:
        return None
    if "@" not in email or " " in email or "\n" in email:
        raise BadValue(f"invalid email {email!r}")
    return email


def custom_json(value: str) -> str | None:
    if not value.strip():
        return None
    try:
        data = json.loads(value)
    except ValueError:
        raise BadValue(f"custom fields are not JSON: {value[:60]!r}") from None
    if not isinstance(data, dict):
        raise BadValue("custom fields must be a JSON object")
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def read_probability(value: str) -> int | None:
    v = value.strip().rstrip("%").strip()
    if not v:
        return None
    try:
        p = float(v.replace(",", "."))
    except ValueError:
        raise BadValue(f"invalid probability {value.strip()!r}") from None
    if not 0 <= p <= 100 or p != int(p):
        raise BadValue(f"invalid probability {value.strip()!r}: use a whole number 0 to 100")
    return int(p)


def cell(r: list[str], i: int | None) -> str:
    return r[i] if i is not None else ""


_NEUTRALISED = ("'=", "'+", "'-", "'@", "'\t", "'\r")


def unquoted(build: Builder) -> Builder:
    """Drop the quote our own CSV export puts before '=', '+', '-' or '@' (OWASP), so that
    an export re-imports as the same data. Only files that have such cells pay for this."""

    def wrapped(r: list[str], line: int) -> Row:
        return build([v[1:] if v.startswith(_NEUTRALISED) else v for v in r], line)

    return wrapped


def blank_nulls(build: Builder) -> Builder:
    """None becomes '' (the spool writer turns '' back into NULL): binding None costs the
    SQLite driver three times what binding a string does."""

    def wrapped(r: list[str], line: int) -> Row:
        return tuple("" if v is None else v for v in build(r, line))

    return wrapped
