"""Turning one CSV record into one staging row, per entity: the hot loop of an import.

Every format was decided once for the file (services.parsing); here each cell costs a dict
lookup or a slice. Text is kept exactly as it came; keys (emails, names) are normalised
beside it. A bad cell raises BadValue and the row is rejected with that reason.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pipeline_tui.models.enums import ActivityKind
from pipeline_tui.services.mapping import norm
from pipeline_tui.services.parsing import (
    BadValue,
    make_date_converter,
    make_money_converter,
    to_minor_units,
)
from pipeline_tui.services.stagemap import SeenStage
from pipeline_tui.store.lookup import email_key, name_key, split_contact

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
DEAL_STATUS = {
    "open": "open", "offen": "open", "ouvert": "open", "abierto": "open", "won": "won",
    "closedwon": "won", "gewonnen": "won", "gagne": "won", "ganado": "won", "lost": "lost",
    "closedlost": "lost", "verloren": "lost", "perdu": "lost", "perdido": "lost",
}  # fmt: skip
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
    """What a worker needs to read its range: decided once by the importer, picklable."""

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


def _text(value: str) -> str | None:
    return value if value.strip() else None


def _mapper(table: dict[str, Any], what: str, choices: str) -> Callable[[str], Any]:
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


def _namer(kind: str, seen: Seen, collapse: bool) -> Callable[[str], str]:
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


def _remember(cache: dict[str, str], raw: str, key: Callable[[str], str]) -> str:
    if len(cache) > NAMES_MAX:
        cache.clear()
    found = cache[raw] = key(raw)
    return found


def _ids(db_key: str, kind: str) -> Callable[[str], tuple[str | None, int | None]]:
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


def _dates(spec: Spec, name: str, *, timestamp: bool) -> Callable[[str], str | None] | None:
    if name not in spec.fields:
        return None
    convert = make_date_converter(spec.formats[name], as_timestamp=timestamp, zone=spec.zone)
    column = name.replace("_", " ")

    def read(value: str) -> str | None:
        if not value.strip():
            return None
        try:
            return convert(value.strip())
        except BadValue as exc:
            raise BadValue(f"invalid {column} {value.strip()!r}: {exc}") from None

    return read


def _email(value: str) -> str | None:
    email = value.strip()
    if not email:
        return None
    if "@" not in email or " " in email or "\n" in email:
        raise BadValue(f"invalid email {email!r}")
    return email


def _custom_json(value: str) -> str | None:
    if not value.strip():
        return None
    try:
        data = json.loads(value)
    except ValueError:
        raise BadValue(f"custom fields are not JSON: {value[:60]!r}") from None
    if not isinstance(data, dict):
        raise BadValue("custom fields must be a JSON object")
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _probability(value: str) -> int | None:
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


def _get(r: list[str], i: int | None) -> str:
    return r[i] if i is not None else ""


_NEUTRALISED = ("'=", "'+", "'-", "'@", "'\t", "'\r")


def unquoted(build: Builder) -> Builder:
    """Drop the quote our own CSV export puts before '=', '+', '-' or '@' (OWASP), so that
    an export re-imports as the same data. Only files that have such cells pay for this."""

    def wrapped(r: list[str], line: int) -> Row:
        return build([v[1:] if v.startswith(_NEUTRALISED) else v for v in r], line)

    return wrapped


def _blank_nulls(build: Builder) -> Builder:
    """None becomes '' (the staging INSERT turns '' back into NULL): binding None costs the
    sqlite3 module three times what binding a string does."""

    def wrapped(r: list[str], line: int) -> Row:
        return tuple("" if v is None else v for v in build(r, line))

    return wrapped


def leads(spec: Spec, seen: Seen) -> Builder:
    """The million-row path: no helper calls per cell, caches for every repeated value."""
    f = spec.fields
    i_ext, i_name, i_first, i_last, i_co, i_email, i_phone, i_src, i_owner, i_status, \
        i_notes, i_disq, i_custom, i_created = (f.get(k, -1) for k in (
            "external_id", "name", "first_name", "last_name", "company", "email", "phone",
            "source", "owner", "status", "notes", "disqualify_reason", "custom",
            "created_at"))  # fmt: skip
    created = (
        make_date_converter(spec.formats["created_at"], as_timestamp=True, zone=spec.zone)
        if i_created >= 0
        else None
    )
    status = _mapper(LEAD_STATUS, "lead status", "new, working, qualified or disqualified")
    company = _namer("company", seen, collapse=False)
    owner = _namer("owner", seen, collapse=True)
    ckeys: dict[str, str] = {}
    okeys: dict[str, str] = {}
    prefix = f"{spec.db_key}:lead:"
    by_id, by_email = "id" in spec.match, "email" in spec.match
    email_first = spec.match[:1] == ["email"]
    xs = spec.custom
    status_cache: dict[str, str] = {"": ""}

    def build(r: list[str], line: int) -> Row:
        ext = r[i_ext].strip() if i_ext >= 0 else ""
        self_id = ""
        if ext.startswith(prefix) and ext[len(prefix) :].isdigit():
            ext, self_id = "", ext[len(prefix) :]
        name = r[i_name] if i_name >= 0 else ""
        if not name.strip():
            first = r[i_first].strip() if i_first >= 0 else ""
            last = r[i_last].strip() if i_last >= 0 else ""
            name = f"{first} {last}" if first and last else first or last
        email = r[i_email].strip() if i_email >= 0 else ""
        if email and ("@" not in email or " " in email or "\n" in email):
            raise BadValue(f"invalid email {email!r}")
        if not name and not email:
            raise BadValue("no name and no email")
        st = r[i_status] if i_status >= 0 else ""
        code = status_cache.get(st)
        if code is None:
            code = status_cache[st] = status(st) if st.strip() else ""
        when = r[i_created].strip() if created is not None else ""
        if when and created is not None:
            try:
                when = created(when)
            except BadValue as exc:
                raise BadValue(f"invalid created at {when!r}: {exc}") from None
        custom = (_custom_json(r[i_custom]) or "") if i_custom >= 0 else ""
        co = r[i_co].strip() if i_co >= 0 else ""
        ckey = (ckeys.get(co) or _remember(ckeys, co, company)) if co else ""
        ow = r[i_owner].strip() if i_owner >= 0 else ""
        okey = (okeys.get(ow) or _remember(okeys, ow, owner)) if ow else ""
        ekey = (email.lower() if email.isascii() else sql_lower(email)) if email else ""
        if email_first and ekey:
            ident = "e:" + ekey
        elif by_id and (ext or self_id):
            ident = "x:" + ext if ext else "s:" + self_id
        elif by_email and ekey:
            ident = "e:" + ekey
        else:
            ident = ""
        # Blank text cells become NULL in the staging INSERT (Staging.write), not here.
        return (line, "", ident, ext, self_id, name, email, r[i_phone] if i_phone >= 0 else "",
                ckey, r[i_src] if i_src >= 0 else "", okey, code,
                r[i_notes] if i_notes >= 0 else "", when, r[i_disq] if i_disq >= 0 else "",
                custom, *[r[i] for i in xs])  # fmt: skip

    return build


def deals(spec: Spec, seen: Seen) -> Builder:
    get = _get
    f = spec.fields
    ix = {k: f.get(k) for k in ("external_id", "title", "company", "contact", "contact_email",
                                "owner", "pipeline", "stage", "status", "value", "currency",
                                "probability", "category", "next_step", "lost_reason", "lead",
                                "product", "custom")}  # fmt: skip
    ids, lead_ids = _ids(spec.db_key, "deal"), _ids(spec.db_key, "lead")
    close, due = (
        _dates(spec, "close_date", timestamp=False),
        _dates(spec, "next_due", timestamp=False),
    )
    created, closed = (
        _dates(spec, "created_at", timestamp=True),
        _dates(spec, "closed_at", timestamp=True),
    )
    money = make_money_converter(spec.formats.get("value", "."))
    status = _mapper(DEAL_STATUS, "deal status", "open, won or lost")
    category = _mapper(CATEGORY, "forecast category", "pipeline, best case, commit or omitted")
    company = _namer("company", seen, collapse=False)
    owner = _namer("owner", seen, collapse=True)
    stages, xs, match = seen.stages, spec.custom, spec.match
    fixed = spec.currency

    def amount(r: list[str]) -> tuple[int | None, str | None]:
        raw = get(r, ix["value"])
        column = get(r, ix["currency"]).strip().upper() or None
        if column is not None and not (len(column) == 3 and column.isalpha()):
            raise BadValue(f"invalid currency {column!r}: use a 3-letter ISO code")
        if not raw.strip():
            return None, column
        num, named = money(raw)
        for other in (column, fixed):
            if named and other and named != other:
                raise BadValue(f"amount {raw.strip()!r} is in {named} but the currency is {other}")
        cur = column or named or fixed or spec.default_currency
        return to_minor_units(num, cur, raw.strip()), cur

    def build(r: list[str], line: int) -> Row:
        ext, self_id = ids(get(r, ix["external_id"]))
        lead_ext, lead_self = lead_ids(get(r, ix["lead"]))
        minor, cur = amount(r)
        raw_status, raw_category = get(r, ix["status"]), get(r, ix["category"])
        st = status(raw_status) if raw_status.strip() else None
        cat = category(raw_category) if raw_category.strip() else None
        prob = _probability(get(r, ix["probability"]))
        dates = [c(r[f[n]]) if c else None for c, n in ((close, "close_date"), (due, "next_due"),
                 (created, "created_at"), (closed, "closed_at"))]  # fmt: skip
        custom = _custom_json(get(r, ix["custom"]))
        contact, c_email = split_contact(get(r, ix["contact"])) if ix["contact"] is not None \
            else (None, None)  # fmt: skip
        c_email = _email(get(r, ix["contact_email"])) or (_email(c_email) if c_email else None)
        co = get(r, ix["company"]).strip() or None
        title, auto = _text(get(r, ix["title"])), 0
        if title is None:
            product = get(r, ix["product"]).strip()
            title, auto = " - ".join(p for p in (co, product) if p) or ext or "", 1
            if not title:
                raise BadValue("no title")
        pipe, stage = get(r, ix["pipeline"]).strip(), get(r, ix["stage"]).strip()
        pkey, skey = name_key(pipe), name_key(stage)
        s = stages.get((pkey, skey))
        if s is None:
            s = stages[(pkey, skey)] = SeenStage(pipe, stage, line)
        s.rows += 1
        if prob is not None:
            s.probabilities[prob] += 1
        ow = get(r, ix["owner"]).strip() or None
        ckey = company(co) if co else None
        tkey = sql_lower(title.strip()) if not auto else None
        ident = None
        for key in match:
            if key == "id" and (ext or self_id):
                ident = f"x:{ext}" if ext else f"s:{self_id}"
            elif key == "title" and tkey:
                ident = f"t:{tkey}|{ckey or ''}"
            if ident:
                break
        return (line, None, ident, ext, self_id, title, auto, tkey, ckey, contact, c_email,
                email_key(c_email) if c_email else None, owner(ow) if ow else None, pkey,
                skey, st, minor, cur, prob, cat, dates[0], _text(get(r, ix["next_step"])),
                dates[1], _text(get(r, ix["lost_reason"])), dates[2], dates[3], lead_ext,
                lead_self, custom, *[_text(r[i]) for i in xs])  # fmt: skip

    return _blank_nulls(build)


def activities(spec: Spec, seen: Seen) -> Builder:
    get = _get
    f = spec.fields
    ix = {k: f.get(k) for k in ("external_id", "kind", "subject", "deal", "lead", "owner",
                                "status", "outcome", "notes", "custom")}  # fmt: skip
    ids = _ids(spec.db_key, "activity")
    deal_ids, lead_ids = _ids(spec.db_key, "deal"), _ids(spec.db_key, "lead")
    done_c, created = (
        _dates(spec, "done_at", timestamp=True),
        _dates(spec, "created_at", timestamp=True),
    )
    due_ts = _dates(spec, "due_at", timestamp=True)
    kind = _mapper(KIND, "activity kind", ", ".join(k.value for k in ActivityKind))
    done_map = _mapper(DONE, "activity status", "done or planned")
    owner = _namer("owner", seen, collapse=True)
    xs, match = spec.custom, spec.match

    def due(value: str) -> str | None:
        """A bare due date stays a date, as `activity plan` stores it; a time makes a stamp."""
        stamp = due_ts(value) if due_ts else None
        return stamp[:10] if stamp and stamp.endswith("T12:00:00Z") and ":" not in value else stamp

    def build(r: list[str], line: int) -> Row:
        ext, self_id = ids(get(r, ix["external_id"]))
        subject = _text(get(r, ix["subject"]))
        if subject is None:
            raise BadValue("no subject")
        raw_kind = get(r, ix["kind"])
        k = kind(raw_kind) if raw_kind.strip() else None
        deal_ext, deal_self = deal_ids(get(r, ix["deal"]))
        lead_raw = get(r, ix["lead"]).strip()
        lead_ekey = sql_lower(lead_raw) if "@" in lead_raw else None
        lead_ext, lead_self = lead_ids(lead_raw) if lead_ekey is None else (None, None)
        if not (deal_ext or deal_self or lead_ext or lead_self or lead_ekey):
            raise BadValue("no deal or lead to attach the activity to")
        done_at = done_c(r[f["done_at"]]) if done_c else None
        due_at = due(r[f["due_at"]]) if due_ts else None
        when = created(r[f["created_at"]]) if created else None
        state = get(r, ix["status"])
        is_done = done_map(state) if state.strip() else None
        if is_done is False:
            done_at = None
        elif is_done and done_at is None:
            done_at = (due_at if len(due_at or "") > 10 else f"{due_at}T12:00:00Z") if due_at \
                else when  # fmt: skip
        if done_at is None and due_at is None:
            if when is None:
                raise BadValue("no done date and no due date")
            done_at = when
        custom = _custom_json(get(r, ix["custom"]))
        ow = get(r, ix["owner"]).strip() or None
        ident = None
        for key in match:
            if key == "id" and (ext or self_id):
                ident = f"x:{ext}" if ext else f"s:{self_id}"
            elif key == "subject":
                ref = deal_ext or deal_self or lead_ext or lead_self or lead_ekey
                ident = f"n:{ref}|{k or 'task'}|{subject}|{done_at or due_at}"
            if ident:
                break
        return (line, None, ident, ext, self_id, k, subject, deal_ext, deal_self, lead_ext,
                lead_self, lead_ekey, owner(ow) if ow else None, done_at, due_at,
                _text(get(r, ix["outcome"])), _text(get(r, ix["notes"])), when, custom,
                *[_text(r[i]) for i in xs])  # fmt: skip

    return _blank_nulls(build)


BUILDERS: dict[str, Callable[..., Builder]] = {
    "leads": leads,
    "deals": deals,
    "activities": activities,
}
