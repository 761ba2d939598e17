"""Turning one CSV record into one spool row, per entity: the hot loop of an import."""

# Every format was decided once for the file (formats.py); here each cell costs a dict lookup
# or a slice. Text is kept exactly as it came; keys (emails, names) are normalised beside it.
# A bad cell raises BadValue and the row is rejected with that reason. Each builder returns
# (line, err, *SPOOL_COLUMNS[entity], *custom cells): see store/records.py.

from __future__ import annotations

from collections.abc import Callable

from pipeline_tui.models.enums import ActivityKind
from pipeline_tui.models.keys import email_key, name_key, split_contact
from pipeline_tui.services.imports.amounts import make_money_converter, to_minor_units
from pipeline_tui.services.imports.cells import (
    CATEGORY,
    DEAL_STATUS,
    DONE,
    KIND,
    LEAD_STATUS,
    BadValue,
    Builder,
    Row,
    Seen,
    Spec,
    blank_nulls,
    cell,
    custom_json,
    id_reader,
    mapper,
    namer,
    read_email,
    read_probability,
    remember,
    sql_lower,
    text_or_none,
)
from pipeline_tui.services.imports.dates import date_reader, make_date_converter
from pipeline_tui.services.imports.stage_names import SeenStage


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
    status = mapper(LEAD_STATUS, "lead status", "new, working, qualified or disqualified")
    company = namer("company", seen, collapse=False)
    owner = namer("owner", seen, collapse=True)
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
        custom = (custom_json(r[i_custom]) or "") if i_custom >= 0 else ""
        co = r[i_co].strip() if i_co >= 0 else ""
        ckey = (ckeys.get(co) or remember(ckeys, co, company)) if co else ""
        ow = r[i_owner].strip() if i_owner >= 0 else ""
        okey = (okeys.get(ow) or remember(okeys, ow, owner)) if ow else ""
        ekey = (email.lower() if email.isascii() else sql_lower(email)) if email else ""
        if email_first and ekey:
            ident = "e:" + ekey
        elif by_id and (ext or self_id):
            ident = "x:" + ext if ext else "s:" + self_id
        elif by_email and ekey:
            ident = "e:" + ekey
        else:
            ident = ""
        # Blank text cells become NULL in the spool writer (open_spool in store/api.py).
        return (line, "", ident, ext, self_id, name, email, r[i_phone] if i_phone >= 0 else "",
                ckey, r[i_src] if i_src >= 0 else "", okey, code,
                r[i_notes] if i_notes >= 0 else "", when, r[i_disq] if i_disq >= 0 else "",
                email.casefold() if email else "", custom, *[r[i] for i in xs])  # fmt: skip

    return build


def deals(spec: Spec, seen: Seen) -> Builder:
    get = cell
    f = spec.fields
    ix = {k: f.get(k) for k in ("external_id", "title", "company", "contact", "contact_email",
                                "owner", "pipeline", "stage", "status", "value", "currency",
                                "probability", "category", "next_step", "lost_reason", "lead",
                                "product", "custom", "is_won", "is_closed",
                                "stage_order", "company_ref")}  # fmt: skip
    flags = ix["is_won"] is not None or ix["is_closed"] is not None
    ids, lead_ids = id_reader(spec.db_key, "deal"), id_reader(spec.db_key, "lead")
    close, due = (
        date_reader(spec, "close_date", timestamp=False),
        date_reader(spec, "next_due", timestamp=False),
    )
    created, closed = (
        date_reader(spec, "created_at", timestamp=True),
        date_reader(spec, "closed_at", timestamp=True),
    )
    money = make_money_converter(spec.formats.get("value", "."))
    status = mapper(DEAL_STATUS, "deal status", "open, won or lost")
    category = mapper(CATEGORY, "forecast category", "pipeline, best case, commit or omitted")
    company = namer("company", seen, collapse=False)
    owner = namer("owner", seen, collapse=True)
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
        if st is None and flags:
            st = flag_status(
                get(r, ix["is_closed"]),
                get(r, ix["is_won"]),
                ix["is_closed"] is not None,
                ix["is_won"] is not None,
            )
        cat = category(raw_category) if raw_category.strip() else None
        prob = read_probability(get(r, ix["probability"]))
        dates = [c(r[f[n]]) if c else None for c, n in ((close, "close_date"), (due, "next_due"),
                 (created, "created_at"), (closed, "closed_at"))]  # fmt: skip
        custom = custom_json(get(r, ix["custom"]))
        contact, c_email = split_contact(get(r, ix["contact"])) if ix["contact"] is not None \
            else (None, None)  # fmt: skip
        c_email = read_email(get(r, ix["contact_email"])) or (
            read_email(c_email) if c_email else None
        )
        co = get(r, ix["company"]).strip() or None
        title, auto = text_or_none(get(r, ix["title"])), 0
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
        if st is not None and st != "open":
            s.closed[st] += 1
        if ix["stage_order"] is not None:
            order = read_order(get(r, ix["stage_order"]))
            if order is not None and (s.order is None or order < s.order):
                s.order = order
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
                skey, st, minor, cur, prob, cat, dates[0], text_or_none(get(r, ix["next_step"])),
                dates[1], text_or_none(get(r, ix["lost_reason"])), dates[2], dates[3], lead_ext,
                lead_self, get(r, ix["company_ref"]).strip() or None, custom,
                *[text_or_none(r[i]) for i in xs])  # fmt: skip

    return blank_nulls(build)


_TRUE = {"1", "true", "yes", "y", "x", "wahr", "ja", "vrai", "oui", "si", "sí"}
_FALSE = {"0", "false", "no", "n", "", "falsch", "nein", "faux", "non"}


def _flag(value: str, what: str) -> bool:
    v = value.strip().lower()
    if v in _TRUE:
        return True
    if v in _FALSE:
        return False
    raise BadValue(f"invalid {what} {value.strip()!r}: use 1 or 0")


def flag_status(closed: str, won: str, has_closed: bool, has_won: bool) -> str | None:
    """IsClosed/IsWon -> won, lost or open. IsWon alone says only which deals were won,
    IsClosed alone only which are open: the stage decides the rest."""
    if not has_closed:
        return "won" if _flag(won, "IsWon") else None
    if not _flag(closed, "IsClosed"):
        return "open"
    if not has_won:
        return None
    return "won" if _flag(won, "IsWon") else "lost"


def read_order(value: str) -> int | None:
    v = value.strip()
    if not v:
        return None
    try:
        return int(float(v))
    except ValueError:
        raise BadValue(f"invalid stage order {v!r}: use a number") from None


def activities(spec: Spec, seen: Seen) -> Builder:
    get = cell
    f = spec.fields
    ix = {k: f.get(k) for k in ("external_id", "kind", "subject", "deal", "lead", "owner",
                                "status", "outcome", "notes", "custom")}  # fmt: skip
    ids = id_reader(spec.db_key, "activity")
    deal_ids, lead_ids = id_reader(spec.db_key, "deal"), id_reader(spec.db_key, "lead")
    done_c, created = (
        date_reader(spec, "done_at", timestamp=True),
        date_reader(spec, "created_at", timestamp=True),
    )
    due_ts = date_reader(spec, "due_at", timestamp=True)
    kind = mapper(KIND, "activity kind", ", ".join(k.value for k in ActivityKind))
    done_map = mapper(DONE, "activity status", "done or planned")
    owner = namer("owner", seen, collapse=True)
    xs, match = spec.custom, spec.match

    def due(value: str) -> str | None:
        """A bare due date stays a date, as `activity plan` stores it; a time makes a stamp."""
        stamp = due_ts(value) if due_ts else None
        return stamp[:10] if stamp and stamp.endswith("T12:00:00Z") and ":" not in value else stamp

    def build(r: list[str], line: int) -> Row:
        ext, self_id = ids(get(r, ix["external_id"]))
        subject = text_or_none(get(r, ix["subject"]))
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
        custom = custom_json(get(r, ix["custom"]))
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
                text_or_none(get(r, ix["outcome"])), text_or_none(get(r, ix["notes"])), when,
                custom, *[text_or_none(r[i]) for i in xs])  # fmt: skip

    return blank_nulls(build)


from pipeline_tui.services.imports.contact_rows import companies, people  # noqa: E402

BUILDERS: dict[str, Callable[..., Builder]] = {
    "leads": leads,
    "deals": deals,
    "activities": activities,
    "companies": companies,
    "people": people,
}
