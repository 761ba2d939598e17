"""Keyset and offset paging of deals: disjoint, ordered pages that cover every match."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest

from pipeline_tui.services import deals
from pipeline_tui.services.deals import DealInput
from pipeline_tui.store.api import NONE_PLANNED, DealQuery, DealRow, Store

PAGE = 7
WORDS = ("alpha", "Bravo", "CHARLIE", "delta", "Echo", "foxtrot")
OWNERS = ("Ana Ruiz", "Bo Chen", "Cy Diaz")


@dataclass(frozen=True)
class Seeded:
    id: int
    title: str
    value_minor: int
    close_date: str | None
    owner: str
    status: str


def _seed(store: Store) -> list[Seeded]:
    """50 deals with many ties on value and title, some undated, five won; one command."""
    out: list[Seeded] = []
    with store.tx("seed deals"):
        for i in range(50):
            # Titles repeat every 12 deals, in another case: ties for lower(title).
            word = WORDS[i % len(WORDS)]
            title = (word.upper() if (i // 12) % 2 else word.lower()) + f"{i % 12:02d}"
            close = None if i % 7 == 0 else date(2026, 1, 1) + timedelta(days=(i * 13) % 40)
            d = deals.add_deal(
                store,
                DealInput(
                    title,
                    value_minor=(i * 37) % 11 * 1000,  # 11 distinct values for 50 deals
                    owner=OWNERS[i % 3],
                    close_date=close,
                ),
            )
            if i % 10 == 3:
                d = deals.win_deal(store, d.id)  # winning sets the close date to today
            out.append(Seeded(d.id, title, d.value_minor, d.close_date, OWNERS[i % 3], d.status))
    return out


@pytest.fixture
def seeded(store: Store) -> list[Seeded]:
    return _seed(store)


KEYS: dict[str, Callable[[Seeded], Any]] = {
    "value": lambda s: s.value_minor,
    "title": lambda s: s.title.lower(),
    "close": lambda s: s.close_date or NONE_PLANNED,
}
QUERIES = [
    DealQuery(sort="value"),
    DealQuery(sort="value", descending=True),
    DealQuery(sort="title"),
    DealQuery(sort="title", descending=True, status=None),
    DealQuery(sort="close", status=None),
    DealQuery(sort="close", descending=True, owner="bo chen"),
]


def _expected(seeded: list[Seeded], q: DealQuery) -> list[int]:
    """The ids the query matches, in its order: sort key, then id, both reversed if
    descending. Computed from what was written, not asked of the store."""
    matching = [
        s
        for s in seeded
        if (q.status is None or s.status == q.status)
        and (q.owner is None or s.owner.lower() == q.owner.lower())
    ]
    key = KEYS[q.sort]
    matching.sort(key=lambda s: (key(s), s.id), reverse=q.descending)
    return [s.id for s in matching]


def _ids(rows: list[DealRow]) -> list[int]:
    return [r.id for r in rows]


def _query_id(q: DealQuery) -> str:
    return f"{q.sort}-{'desc' if q.descending else 'asc'}-{q.status}-{q.owner}"


pytestmark = pytest.mark.parametrize("q", QUERIES, ids=_query_id)


def test_count_and_order_match_what_was_written(
    store: Store, seeded: list[Seeded], q: DealQuery
) -> None:
    expected = _expected(seeded, q)
    assert len(expected) >= 10  # the seed gives every query several pages
    assert store.pages.count(q) == len(expected)
    assert store.pages.ordered_ids(q) == expected


def test_forward_keyset_pages_are_disjoint_ordered_and_complete(
    store: Store, seeded: list[Seeded], q: DealQuery
) -> None:
    expected = _expected(seeded, q)
    pages: list[list[int]] = []
    rows = store.pages.page_after(q, None, PAGE)
    while rows:
        assert len(rows) <= PAGE
        pages.append(_ids(rows))
        last = rows[-1]
        rows = store.pages.page_after(q, (last.sort_key, last.id), PAGE)
        assert len(pages) <= len(expected), "paging does not end"
    flat = [i for p in pages for i in p]
    assert len(flat) == len(set(flat))  # no deal on two pages
    assert flat == expected
    assert all(len(p) == PAGE for p in pages[:-1])


def test_backward_keyset_pages_rebuild_the_same_order(
    store: Store, seeded: list[Seeded], q: DealQuery
) -> None:
    expected = _expected(seeded, q)
    [last] = store.pages.page_at(q, len(expected) - 1, 1)
    assert last.id == expected[-1]
    collected = [last.id]
    first = last
    while True:
        rows = store.pages.page_after(q, (first.sort_key, first.id), PAGE, backwards=True)
        if not rows:
            break
        assert len(rows) <= PAGE
        assert not set(_ids(rows)) & set(collected)
        collected = _ids(rows) + collected  # each page comes in the query's own order
        first = rows[0]
        assert len(collected) <= len(expected), "paging does not end"
    assert collected == expected


def test_backward_page_from_the_middle_is_the_rows_just_before(
    store: Store, seeded: list[Seeded], q: DealQuery
) -> None:
    expected = _expected(seeded, q)
    middle = len(expected) // 2
    [pivot] = store.pages.page_at(q, middle, 1)
    before = store.pages.page_after(q, (pivot.sort_key, pivot.id), PAGE, backwards=True)
    assert _ids(before) == expected[middle - PAGE : middle]
    after = store.pages.page_after(q, (pivot.sort_key, pivot.id), PAGE)
    assert _ids(after) == expected[middle + 1 : middle + 1 + PAGE]


def test_offset_pages_match_the_order(store: Store, seeded: list[Seeded], q: DealQuery) -> None:
    expected = _expected(seeded, q)
    for offset in range(0, len(expected), PAGE):
        assert _ids(store.pages.page_at(q, offset, PAGE)) == expected[offset : offset + PAGE]
    assert store.pages.page_at(q, len(expected), PAGE) == []


def test_position_of_every_deal(store: Store, seeded: list[Seeded], q: DealQuery) -> None:
    expected = _expected(seeded, q)
    for position, deal_id in enumerate(expected):
        assert store.pages.position_of(q, deal_id) == position
    for s in seeded:
        if s.id not in expected:
            assert store.pages.position_of(q, s.id) is None
    assert store.pages.position_of(q, 999_999) is None


def test_rows_carry_the_deal_they_name(store: Store, seeded: list[Seeded], q: DealQuery) -> None:
    by_id = {s.id: s for s in seeded}
    for r in store.pages.page_at(q, 0, PAGE):
        s = by_id[r.id]
        assert (r.title, r.value_minor, r.close_date, r.owner, r.status) == (
            s.title,
            s.value_minor,
            s.close_date,
            s.owner,
            s.status,
        )
