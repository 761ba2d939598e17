"""Text search is literal: a user's % and _ match themselves, in every list that searches."""

from __future__ import annotations

import pytest

from pipeline_tui.services import deals, leads
from pipeline_tui.services.deals import DealInput
from pipeline_tui.store.api import DealFilter, DealQuery
from pipeline_tui.store.sqlite import SqliteStore as Store

pytestmark = pytest.mark.both_backends

# Each name holds the search text literally in one field, or only as a LIKE wildcard would.
LEADS = [
    ("Rita", {"company": "Up 50% Ltd"}),  # literal 50%
    ("Sam", {"company": "500 Club"}),  # 50 then anything: a wildcard match only
    ("Tia", {"email": "a_b@x.example"}),  # literal a_b
    ("Uma", {"email": "axb@x.example"}),  # a, any one character, b
    ("Vic\\tor", {}),  # a backslash, the escape character itself
]


@pytest.fixture
def lead_store(store: Store) -> Store:
    for name, fields in LEADS:
        leads.add_lead(store, name, **fields)
    return store


@pytest.mark.parametrize(
    ("search", "found"),
    [("50%", ["Rita"]), ("a_b", ["Tia"]), ("%", ["Rita"]), ("_", ["Tia"]), ("c\\t", ["Vic\\tor"])],
)
def test_lead_search_matches_percent_and_underscore_literally(
    lead_store: Store, search: str, found: list[str]
) -> None:
    hits = lead_store.leads.list_leads(None, None, search, None)
    assert [lead.name for lead in hits] == found


@pytest.mark.parametrize(("search", "found"), [("50%", ["Up 50% off"]), ("a_b", ["a_b plan"])])
def test_deal_searches_match_percent_and_underscore_literally(
    store: Store, search: str, found: list[str]
) -> None:
    for title in ("Up 50% off", "500 seats", "a_b plan", "axb plan"):
        deals.add_deal(store, DealInput(title=title, value_minor=100, currency="USD"))
    listed = store.deals.list_deals(DealFilter(search=search))
    assert [d.title for d in listed] == found
    ids = store.pages.ordered_ids(DealQuery(text=search))  # the TUI's deals table and board
    assert [r.title for r in store.pages.rows_by_ids(ids)] == found
    titles = store.pages.deal_titles(search, 10)  # the command palette's fuzzy search
    assert [t[1] for t in titles] == found
