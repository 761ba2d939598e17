"""Full-text search over deals, companies, people, notes and activity subjects (FTS5)."""

from __future__ import annotations

from collections.abc import Callable

from pipeline_tui.models.contacts import SearchHit
from pipeline_tui.store.sqlite.core import IDS, Reader, id_list
from pipeline_tui.store.sqlite.errors import translated
from pipeline_tui.store.sqlite.schema_contacts import FTS
from pipeline_tui.store.sqlite.text_search import any_like, containing

# The trigram tokenizer matches text of three characters or more through its index;
# anything shorter is looked for by scanning the table itself.
TRIGRAM = 3
BATCH = 200  # candidates read at a time while looking for hits


IdFinder = Callable[[Reader, str, str, int], list[int]]


def trigram_query(text: str) -> str:
    """An FTS5 query for the rows that hold every trigram of ``text``, each a quoted string
    (a quote doubled), so that no character of it is query syntax."""
    grams = sorted({text[i : i + TRIGRAM] for i in range(len(text) - TRIGRAM + 1)})
    return " AND ".join('"' + g.replace('"', '""') + '"' for g in grams)


def _fts_ids(store: Reader, table: str, text: str, limit: int) -> list[int]:
    """Ids of ``table``'s rows whose indexed text holds ``text``, newest first."""
    cols = FTS[table]
    if len(text) < TRIGRAM:
        sql = f"SELECT id FROM {table} WHERE {any_like(cols)} ORDER BY id DESC LIMIT ?"
        return [int(r[0]) for r in store.all(sql, (*[containing(text)] * len(cols), limit))]
    # The index records which rows hold a trigram, not where (detail=none, schema_changes.
    # M012_COVERED): a row with every trigram of the text is a candidate, and a hit when one
    # of its columns holds the text itself, case aside as the tokenizer folds it.
    needle = text.lower()
    fts = f"fts_{table}"
    sql = f"SELECT rowid, {', '.join(cols)} FROM {fts} WHERE {fts} MATCH ? ORDER BY rowid DESC"
    ids: list[int] = []
    with translated():
        cur = store.cursor().execute(sql, (trigram_query(text),))
        while len(ids) < limit and (rows := cur.fetchmany(BATCH)):
            ids += [int(r[0]) for r in rows if any(needle in v.lower() for v in r[1:] if v)]
        cur.close()
    return ids[:limit]


def _matched(text: str, fields: list[tuple[str, str | None]]) -> tuple[str, str]:
    """(field, value) of the first field that holds ``text``, case aside."""
    needle = text.casefold()
    for name, value in fields:
        if value and needle in value.casefold():
            return name, value
    return next(((n, v) for n, v in fields if v), ("", ""))


def search(store: Reader, text: str, limit: int) -> list[SearchHit]:
    """Records holding ``text``: deals, companies, people, then deals, people, companies
    and leads found through a note or an activity's subject."""
    return search_with(store, text, limit, _fts_ids)


def search_with(store: Reader, text: str, limit: int, _ids: IdFinder) -> list[SearchHit]:
    """``search``, with ``_ids`` finding a table's matching ids (FTS5 here; the server
    backend passes its own, store/postgres/search.py)."""
    import json

    hits: list[SearchHit] = []
    ids = _ids(store, "deals", text, limit)
    for r in store.all(
        f"SELECT id, title FROM deals WHERE id IN {IDS} ORDER BY id DESC", (id_list(ids),)
    ):
        hits.append(SearchHit("deal", r[0], r[1], "title", r[1]))
    ids = _ids(store, "companies", text, limit)
    for r in store.all(
        f"SELECT id, name, domain, industry, city, country FROM companies WHERE id IN {IDS} "
        "ORDER BY id DESC",
        (id_list(ids),),
    ):
        field, value = _matched(text, list(zip(FTS["companies"], r[1:], strict=True)))
        hits.append(SearchHit("company", r[0], r[1], field, value))
    ids = _ids(store, "contacts", text, limit)
    for r in store.all(
        f"SELECT id, name, email, more_emails, phone, more_phones, title FROM contacts "
        f"WHERE id IN {IDS} ORDER BY id DESC",
        (id_list(ids),),
    ):
        fields: list[tuple[str, str | None]] = [("name", r[1]), ("email", r[2])]
        fields += [("email", e) for e in json.loads(r[3] or "[]")]
        fields += [("phone", r[4])] + [("phone", p) for p in json.loads(r[5] or "[]")]
        fields.append(("title", r[6]))
        field, value = _matched(text, fields)
        hits.append(SearchHit("person", r[0], r[1] or r[2] or f"person {r[0]}", field, value))
    ids = _ids(store, "notes", text, limit)
    for r in store.all(
        "SELECT n.id, n.body, n.deal_id, d.title, n.person_id, coalesce(p.name, p.email), "
        "n.company_id, c.name FROM notes n LEFT JOIN deals d ON d.id = n.deal_id "
        "LEFT JOIN contacts p ON p.id = n.person_id LEFT JOIN companies c ON c.id = n.company_id "
        f"WHERE n.id IN {IDS} ORDER BY n.id DESC",
        (id_list(ids),),
    ):
        kind, rid, name = (
            ("deal", r[2], r[3])
            if r[2]
            else ("person", r[4], r[5])
            if r[4]
            else ("company", r[6], r[7])
        )
        hits.append(SearchHit(kind, rid, name or "", f"note {r[0]}", r[1]))
    ids = _ids(store, "activities", text, limit)
    for r in store.all(
        "SELECT a.id, a.subject, a.deal_id, d.title, a.lead_id, l.name FROM activities a "
        "LEFT JOIN deals d ON d.id = a.deal_id LEFT JOIN leads l ON l.id = a.lead_id "
        f"WHERE a.id IN {IDS} ORDER BY a.id DESC",
        (id_list(ids),),
    ):
        kind, rid, name = ("deal", r[2], r[3]) if r[2] else ("lead", r[4], r[5])
        hits.append(SearchHit(kind, rid, name or "", f"activity {r[0]}", r[1]))
    return hits
