"""store.changes() moves when another connection commits, and only then."""

from __future__ import annotations

import pytest

from pipeline_tui.services import deals
from pipeline_tui.services.deals import DealInput
from pipeline_tui.store.api import Store
from tests.store_contract.helpers import deal_values


def test_the_token_is_an_int_that_holds_still_without_writes(store: Store) -> None:
    token = store.changes()
    assert isinstance(token, int)
    store.deals.deal_count()
    assert store.changes() == token


def test_another_connections_commit_changes_the_token(store: Store, second_store: Store) -> None:
    token = store.changes()
    with second_store.tx("elsewhere") as tx:
        tx.insert("deals", deal_values(second_store, "From afar"))
    assert store.changes() != token
    assert store.deals.deal_count() == 1  # and the write is there to be read


def test_every_commit_elsewhere_is_noticed(store: Store, second_store: Store) -> None:
    seen = {store.changes()}
    for title in ("One", "Two", "Three"):
        deals.add_deal(second_store, DealInput(title, 1))
        token = store.changes()
        assert token not in seen
        seen.add(token)


def test_a_rolled_back_write_elsewhere_leaves_the_token(store: Store, second_store: Store) -> None:
    token = store.changes()
    with pytest.raises(RuntimeError), second_store.tx("abandoned") as tx:
        tx.insert("deals", deal_values(second_store, "Never"))
        raise RuntimeError("abandon")
    assert store.changes() == token
    assert store.deals.deal_count() == 0


def test_a_commit_elsewhere_is_noticed_by_the_writer_too(store: Store, second_store: Store) -> None:
    """Both directions: the connection that wrote before can still notice the other."""
    with store.tx("mine") as tx:
        tx.insert("deals", deal_values(store, "Mine"))
    token = store.changes()
    with second_store.tx("theirs") as tx:
        tx.insert("deals", deal_values(second_store, "Theirs"))
    assert store.changes() != token
