"""Full-text search on the server: ILIKE over the columns SQLite's FTS5 tables index.

The same hits, in the same order, as store/sqlite/search.py; only finding the ids differs
(FTS5's trigram MATCH there, a case-insensitive scan here).
"""

from __future__ import annotations

from typing import Any

from pipeline_tui.models.contacts import SearchHit
from pipeline_tui.store.sqlite import search as lite
from pipeline_tui.store.sqlite.binding import Family
from pipeline_tui.store.sqlite.schema_contacts import FTS
from pipeline_tui.store.sqlite.text_search import any_like, containing


def _ids(store: Any, table: str, text: str, limit: int) -> list[int]:
    cols = FTS[table]
    sql = f"SELECT id FROM {table} WHERE {any_like(cols)} ORDER BY id DESC LIMIT ?"
    return [int(r[0]) for r in store.all(sql, (*[containing(text)] * len(cols), limit))]


def search(store: Any, text: str, limit: int) -> list[SearchHit]:
    """store/sqlite/search.py's search, with its ids found by ILIKE."""
    return lite.search_with(store, text, limit, _ids)


class Search(Family):
    search = search
