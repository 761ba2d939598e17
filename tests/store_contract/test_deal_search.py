"""The command palette's deal search, on every backend."""

from __future__ import annotations

from pipeline_tui.services import deals
from pipeline_tui.services.deals import DealInput
from pipeline_tui.store.api import Store


def test_deal_titles_match_the_company_as_well_as_the_title(store: Store) -> None:
    """The command palette's search: a deal is found by its company's name too."""
    titled = deals.add_deal(store, DealInput("Greenhouse rollout", value_minor=100))
    by_company = deals.add_deal(
        store, DealInput("Annual plan", value_minor=100, company="Greenleaf Ltd")
    )
    deals.add_deal(store, DealInput("Other plan", value_minor=100, company="Acme"))
    hits = store.pages.deal_titles("green", 10)
    assert sorted(h[:3] for h in hits) == sorted(
        [(titled.id, "Greenhouse rollout", None), (by_company.id, "Annual plan", "Greenleaf Ltd")]
    )
