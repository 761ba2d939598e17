"""`pipeline search` finds text, not its trigrams: the full-text index only proposes rows."""

from __future__ import annotations

import pytest

from pipeline_tui.services import people
from pipeline_tui.services.search import search
from pipeline_tui.store.sqlite import SqliteStore as Store
from pipeline_tui.store.sqlite.search import BATCH, trigram_query

pytestmark = pytest.mark.both_backends


def _people(store: Store, text: str, limit: int = 50) -> list[str]:
    return [h.name for h in search(store, text, limit) if h.kind == "person"]


def test_every_trigram_of_the_text_is_not_the_text(store: Store) -> None:
    # "abc" and "bcd" are both in this person's fields, "abcd" is not.
    people.add_person(store, "Abc Smith", emails=["xbcd@example.com"], title="Bcd lead")
    people.add_person(store, "Ann Abcd", emails=["ann@example.com"])
    assert _people(store, "abcd") == ["Ann Abcd"]
    assert _people(store, "bcd@") == ["Abc Smith"]
    assert sorted(_people(store, "abc")) == ["Abc Smith", "Ann Abcd"]
    assert _people(store, "abcde") == []


def test_case_is_folded_beyond_ascii_and_query_syntax_is_text(store: Store) -> None:
    people.add_person(store, "ZOË Ärger", title='says "hi" AND NOT* ^no')
    people.add_person(store, "Zoe Arger", title="says hi and not")
    assert _people(store, "zoë är") == ["ZOË Ärger"]
    assert _people(store, '"hi" AND NOT*') == ["ZOË Ärger"]
    assert _people(store, "^no") == ["ZOË Ärger"]
    assert _people(store, "hi and not") == ["Zoe Arger"]


def test_hits_past_a_batch_of_candidates_that_are_not(store: Store) -> None:
    """The oldest people hold the text; the newer ones, more than a batch of them, hold
    only its trigrams. The search reads on until it has its hits, newest first."""
    people.add_person(store, "Old Wxyz One")
    people.add_person(store, "Old Wxyz Two")
    for i in range(BATCH + 10):
        people.add_person(store, f"Wxy Xyz {i}")
    assert _people(store, "wxyz") == ["Old Wxyz Two", "Old Wxyz One"]
    assert _people(store, "wxy xyz", limit=3) == [f"Wxy Xyz {i}" for i in (209, 208, 207)]


def test_the_query_quotes_each_trigram() -> None:
    assert trigram_query("abcd") == '"abc" AND "bcd"'
    assert trigram_query('a"bc') == '"""bc" AND "a""b"'
    assert trigram_query("aaaa") == '"aaa"'
