"""Turning one CSV record into one spool row for `import companies` and `import people`."""

# Like rows.py: each builder returns (line, err, *SPOOL_COLUMNS[entity], *custom cells), a
# bad cell raises BadValue and rejects its row. A company is one per normalised name (the
# companies.name_key is unique), a person one per normalised email (contacts.email_key), so
# those are the rows' keys within the file.

from __future__ import annotations

from pipeline_tui.models.keys import SPACES, email_key, name_key
from pipeline_tui.services.imports.cells import (
    BadValue,
    Builder,
    Row,
    Seen,
    Spec,
    blank_nulls,
    cell,
    custom_json,
    id_reader,
    namer,
    read_email,
    text_or_none,
)
from pipeline_tui.services.imports.dates import date_reader


def _domain(value: str) -> str | None:
    """A website column holds a URL: 'http://www.edgecomm.com/about' -> 'edgecomm.com'."""
    v = value.strip().lower()
    if not v:
        return None
    for prefix in ("https://", "http://"):
        if v.startswith(prefix):
            v = v[len(prefix) :]
    v = v.split("/", 1)[0]
    return v[4:] if v.startswith("www.") else v


def companies(spec: Spec, seen: Seen) -> Builder:
    get = cell
    f = spec.fields
    ix = {k: f.get(k) for k in ("external_id", "name", "domain", "industry", "size", "city",
                                "country", "owner", "notes", "custom")}  # fmt: skip
    ids = id_reader(spec.db_key, "company")
    created = date_reader(spec, "created_at", timestamp=True)
    owner = namer("owner", seen, collapse=True)
    xs = spec.custom

    def build(r: list[str], line: int) -> Row:
        ext, self_id = ids(get(r, ix["external_id"]))
        name = get(r, ix["name"]).strip()
        if not name:
            raise BadValue("no name")
        key = name_key(name)
        ow = get(r, ix["owner"]).strip() or None
        return (line, None, f"c:{key}", ext, self_id, name, key,
                _domain(get(r, ix["domain"])), text_or_none(get(r, ix["industry"])),
                text_or_none(get(r, ix["size"])), text_or_none(get(r, ix["city"])),
                text_or_none(get(r, ix["country"])), owner(ow) if ow else None,
                text_or_none(get(r, ix["notes"])),
                created(r[f["created_at"]]) if created else None,
                custom_json(get(r, ix["custom"])),
                *[text_or_none(r[i]) for i in xs])  # fmt: skip

    return blank_nulls(build)


def people(spec: Spec, seen: Seen) -> Builder:
    get = cell
    f = spec.fields
    ix = {k: f.get(k) for k in ("external_id", "name", "first_name", "last_name", "email",
                                "phone", "title", "company", "company_ref", "owner", "notes",
                                "custom")}  # fmt: skip
    ids = id_reader(spec.db_key, "person")
    created = date_reader(spec, "created_at", timestamp=True)
    owner = namer("owner", seen, collapse=True)
    company = namer("company", seen, collapse=False)
    xs = spec.custom

    def build(r: list[str], line: int) -> Row:
        ext, self_id = ids(get(r, ix["external_id"]))
        name = SPACES.sub(" ", get(r, ix["name"]).strip())
        if not name:
            parts = (get(r, ix["first_name"]).strip(), get(r, ix["last_name"]).strip())
            name = " ".join(p for p in parts if p)
        email = read_email(get(r, ix["email"]))
        if not name and not email:
            raise BadValue("no name and no email")
        ekey = email_key(email) if email else None
        co = get(r, ix["company"]).strip()
        ow = get(r, ix["owner"]).strip() or None
        ident = f"e:{ekey}" if ekey else (f"x:{ext}" if ext else None)
        return (line, None, ident, ext, self_id, name or None, email, ekey,
                text_or_none(get(r, ix["phone"])), text_or_none(get(r, ix["title"])),
                get(r, ix["company_ref"]).strip() or None, company(co) if co else None,
                owner(ow) if ow else None, text_or_none(get(r, ix["notes"])),
                created(r[f["created_at"]]) if created else None,
                custom_json(get(r, ix["custom"])),
                *[text_or_none(r[i]) for i in xs])  # fmt: skip

    return blank_nulls(build)
