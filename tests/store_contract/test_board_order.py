"""The board's order: the first keys of each column are the start of its whole order."""

from __future__ import annotations

import pytest

from pipeline_tui.store.api import DealQuery, Store

from .test_paging import OWNERS, Seeded, _seed


@pytest.fixture
def seeded(store: Store) -> list[Seeded]:
    return _seed(store)


def test_board_heads_are_the_start_of_the_board_order(store: Store, seeded: list[Seeded]) -> None:
    pipeline = store.stages.pipeline_by_name(None)
    stage_ids = [s.id for s in store.stages.stages(pipeline.id)]
    for q in (
        DealQuery(pipeline_id=pipeline.id),
        DealQuery(pipeline_id=pipeline.id, owner=OWNERS[1]),
    ):
        whole = store.pages.board_keys(q, "2026-01-20")
        assert sum(len(k) for k in whole.values()) == sum(
            1 for s in seeded if s.status == "open" and (q.owner in (None, s.owner))
        )
        for limit in (1, 7, 1000):
            heads = store.pages.board_heads(q, "2026-01-20", {i: limit for i in stage_ids})
            assert set(heads) == set(stage_ids)
            for stage_id in stage_ids:
                assert heads[stage_id] == whole.get(stage_id, [])[:limit]
