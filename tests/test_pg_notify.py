"""The change feed of a server: other connections' commits by command id, nothing else."""

from __future__ import annotations

import statistics
import time
from collections.abc import Iterator

import pytest

from pipeline_tui.store.api import Store, open_store
from tests.store_contract.helpers import deal_values


@pytest.fixture
def pair(pg_url: str) -> Iterator[tuple[Store, Store]]:
    watcher, writer = open_store(pg_url, actor="Watcher"), open_store(pg_url, actor="Writer")
    watcher.wait_changes(0.0)  # LISTEN before anything is written
    yield watcher, writer
    watcher.close()
    writer.close()


def _add(store: Store, title: str) -> int:
    with store.tx(f"add {title}") as tx:
        tx.insert("deals", deal_values(store, title))
        return tx.command_id


def test_a_commit_arrives_with_its_command_id(pair: tuple[Store, Store]) -> None:
    watcher, writer = pair
    command = _add(writer, "Seen")
    assert watcher.wait_changes(0.5) == [command]
    assert watcher.wait_changes(0.05) == []  # delivered once


def test_a_rollback_and_ones_own_commit_announce_nothing(pair: tuple[Store, Store]) -> None:
    watcher, writer = pair
    with pytest.raises(RuntimeError), writer.tx("doomed") as tx:
        tx.insert("deals", deal_values(writer, "Doomed"))
        raise RuntimeError("no")
    _add(watcher, "Mine")
    assert watcher.wait_changes(0.5) == []


def test_latency_of_200_commits(pair: tuple[Store, Store]) -> None:
    watcher, writer = pair
    delays = []
    for n in range(200):
        start = time.monotonic()
        command = _add(writer, f"Deal {n}")
        assert watcher.wait_changes(0.5) == [command]
        delays.append(time.monotonic() - start)
    assert statistics.median(delays) < 0.05 and max(delays) < 0.5


def test_a_file_has_no_feed(tmp_path: object) -> None:
    store = open_store(f"{tmp_path}/p.db")
    try:
        assert store.capabilities.change_watch == "data_version"
        assert store.wait_changes(0.0) == []
    finally:
        store.close()
