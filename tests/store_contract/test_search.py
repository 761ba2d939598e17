"""Search is kept in step with every write: inside the transaction, on rollback, on undo."""

from __future__ import annotations

import pytest

from pipeline_tui.store.api import Store
from tests.store_contract.helpers import PAST, deal_values, insert_deal


def _hits(store: Store, text: str) -> list[tuple[str, int, str]]:
    return [(h.kind, h.id, h.matched) for h in store.search.search(text, 50)]


def test_a_write_is_searchable_inside_its_transaction_and_gone_on_rollback(store: Store) -> None:
    with pytest.raises(RuntimeError), store.tx("add then fail") as tx:
        deal_id = tx.insert("deals", deal_values(store, "Zanzibar rollout"))
        assert _hits(store, "zanzib") == [("deal", deal_id, "title")]
        raise RuntimeError("boom")
    assert _hits(store, "zanzib") == []


def test_updates_deletes_and_undo_keep_the_index_in_step(store: Store) -> None:
    deal_id = insert_deal(store, "Quartz renewal")
    with store.tx("rename") as tx:
        tx.update("deals", deal_id, {"title": "Basalt renewal"})
    assert _hits(store, "quartz") == [] and _hits(store, "BASALT") == [("deal", deal_id, "title")]
    with store.tx("person") as tx:
        person = tx.insert(
            "contacts",
            {
                "name": "Ada Byron",
                "email": "ada@engine.example",
                "email_key": "ada@engine.example",
                "created_at": PAST,
            },
        )
        tx.insert(
            "notes",
            {
                "body": "Wants the analytical add-on",
                "deal_id": deal_id,
                "created_at": PAST,
                "updated_at": PAST,
            },
        )
    assert _hits(store, "engine.ex") == [("person", person, "email")]
    assert _hits(store, "ANALYTICAL") == [("deal", deal_id, "note 1")]
    undo = store.journal.last_undoable()
    assert undo is not None
    with store.tx("undo", kind="undo") as tx:
        tx.revert_command(undo["id"])
    assert _hits(store, "engine.ex") == [] and _hits(store, "analytical") == []
    undo = store.journal.last_undoable()
    assert undo is not None
    with store.tx("undo", kind="undo") as tx:
        tx.revert_command(undo["id"])
    assert _hits(store, "quartz") == [("deal", deal_id, "title")] and _hits(store, "basalt") == []


@pytest.mark.parametrize(
    "text", ['"', 'a"b', "OR", "NEAR(x y)", "*", "-x", "col:val", "\\", "%", "_", "ü", "ab"]
)
def test_any_text_is_a_literal_search(store: Store, text: str) -> None:
    """Query syntax, LIKE wildcards and short text are searched for as they are, never parsed."""
    deal_id = insert_deal(store, f"Plan {text} here")
    other = insert_deal(store, "Plain deal")
    found = [h.id for h in store.search.search(text, 50) if h.kind == "deal"]
    assert deal_id in found and other not in found


def test_search_folds_case_beyond_ascii(store: Store) -> None:
    deal_id = insert_deal(store, "Déjà Vu Énergie")
    assert [h.id for h in store.search.search("énergie", 50)] == [deal_id]
    assert [h.id for h in store.search.search("DÉJÀ", 50)] == [deal_id]
