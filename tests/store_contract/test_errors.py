"""The store's error types: Conflict, Busy, SchemaTooNew and a bad target, as one-liners."""

from __future__ import annotations

import time

import pytest

from pipeline_tui.models import PipelineError
from pipeline_tui.store.api import (
    Busy,
    Conflict,
    Corrupt,
    SchemaTooNew,
    Store,
    StoreError,
    open_store,
)
from tests.store_contract.conftest import Backend
from tests.store_contract.helpers import deal_values, events, insert_deal, row

BUSY_MS = 200


def _one_line(exc: BaseException) -> str:
    text = str(exc)
    assert text.strip() and "\n" not in text, f"not a one-line message: {text!r}"
    return text


def test_the_error_types_are_store_errors() -> None:
    for kind in (Busy, Conflict, Corrupt, SchemaTooNew):
        assert issubclass(kind, StoreError)
    assert issubclass(StoreError, PipelineError)  # so the faces print it as one line


def test_a_duplicate_unique_key_is_a_conflict(store: Store) -> None:
    with store.tx("add owner") as tx:
        owner_id = tx.ensure_owner("Ana Ruiz")
        taken = tx.row("owners", owner_id)
    journal_before = events(store)
    with pytest.raises(Conflict) as raised, store.tx("add her again") as tx:
        tx.insert("deals", deal_values(store, "Written before the clash"))
        tx.insert("owners", {k: v for k, v in taken.items() if k != "id"})
    assert isinstance(raised.value, StoreError)
    _one_line(raised.value)
    assert store.directory.owner_names() == ["Ana Ruiz"]
    assert store.deals.deal_count() == 0  # the whole transaction went
    assert events(store) == journal_before


def test_a_missing_reference_is_a_conflict(store: Store) -> None:
    with pytest.raises(Conflict) as raised, store.tx("dangling") as tx:
        tx.insert("deals", deal_values(store, "Nowhere", stage_id=999_999))
    _one_line(raised.value)
    assert store.deals.deal_count() == 0


def test_an_update_that_breaks_a_unique_key_is_a_conflict(store: Store) -> None:
    with store.tx("two owners") as tx:
        first = tx.row("owners", tx.ensure_owner("Ana Ruiz"))
        second_id = tx.ensure_owner("Bo Chen")
    with pytest.raises(Conflict), store.tx("rename") as tx:
        tx.update("owners", second_id, {"name_key": first["name_key"]})
    assert sorted(store.directory.owner_names()) == ["Ana Ruiz", "Bo Chen"]


def test_the_store_works_after_a_conflict(store: Store) -> None:
    with pytest.raises(Conflict), store.tx("dangling") as tx:
        tx.insert("deals", deal_values(store, "Nowhere", stage_id=999_999))
    deal_id = insert_deal(store, "Fine")
    assert row(store, "deals", deal_id) is not None


def test_a_writer_held_past_the_busy_timeout_is_busy(backend: Backend, store: Store) -> None:
    if not backend.busy_timeout_settable:
        pytest.skip(f"{backend.name}: the busy timeout cannot be shortened for a test")
    waiting = backend.open(busy_timeout_ms=BUSY_MS)
    try:
        with store.tx("holds the lock") as tx:
            tx.insert("deals", deal_values(store, "Held"))
            started = time.monotonic()
            with pytest.raises(Busy) as raised, waiting.tx("wants the lock") as other:
                other.insert("deals", deal_values(waiting, "Blocked"))
            waited = time.monotonic() - started
        assert isinstance(raised.value, StoreError)
        _one_line(raised.value)
        assert BUSY_MS / 1000 * 0.8 <= waited < 5  # it waited the shortened timeout only
        assert waiting.deals.deal_count() == 1  # only the holder's deal
        with waiting.tx("now free") as other:  # and the waiter recovers once it is free
            other.insert("deals", deal_values(waiting, "Unblocked"))
        assert store.deals.deal_count() == 2
    finally:
        waiting.close()


def test_a_newer_schema_is_refused(backend: Backend) -> None:
    current = backend.open()
    insert_deal(current, "Kept")
    current.close()
    backend.make_schema_newer()
    with pytest.raises(SchemaTooNew) as raised:
        backend.open()
    text = _one_line(raised.value)
    assert "newer" in text and "upgrade" in text
    with pytest.raises(SchemaTooNew):  # refusing did not alter it: still too new
        backend.open()


def test_a_target_that_is_not_a_database_is_refused(backend: Backend) -> None:
    target = backend.not_a_database()
    with pytest.raises(Corrupt) as raised:
        open_store(target)
    text = _one_line(raised.value)
    assert target in text  # names the file or server the user gave


def test_someone_elses_database_is_refused(backend: Backend) -> None:
    target = backend.foreign_database()
    with pytest.raises(Corrupt, match="not a pipeline database") as caught:
        open_store(target).close()
    assert len(str(caught.value).splitlines()) == 1
