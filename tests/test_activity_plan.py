"""Queries over planned and done activities read an index in their own order (m008).

SQLite has no statistics here (no ANALYZE), so it picks indexes by shape alone; these plans
are the ones it uses on a million activities too. Before m008 it counted overdue activities
through idx_activities_done (done_at IS NULL) and read every planned row: 2 s in `review`.
"""

from __future__ import annotations

from typing import Any

import pytest

from pipeline_tui.store.records import LIVE, ActivityFilter
from pipeline_tui.store.sqlite import SqliteStore as Store
from pipeline_tui.store.sqlite.activities import list_activities
from pipeline_tui.store.sqlite.review import overdue_activities


class Recorder:
    """A reader that keeps every statement it runs, to explain them afterwards."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.statements: list[tuple[str, Any]] = []

    def all(self, sql: str, params: Any = ()) -> list[Any]:
        self.statements.append((sql, params))
        return self.store.all(sql, params)

    def scalar(self, sql: str, params: Any = ()) -> Any:
        self.statements.append((sql, params))
        return self.store.scalar(sql, params)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.store, name)


def plans(store: Store, recorder: Recorder) -> list[list[str]]:
    return [
        [row[3] for row in store.all("EXPLAIN QUERY PLAN " + sql, params)]
        for sql, params in recorder.statements
    ]


def test_overdue_activities_read_the_open_index(store: Store) -> None:
    rec = Recorder(store)
    overdue_activities(rec, LIVE, "2026-12-01", None, 20)  # type: ignore[arg-type]
    count, page = plans(store, rec)
    assert count == ["SEARCH a USING INDEX idx_activities_open (due_at<?)"], count
    # The page walks planned activities in due order and stops after 20 (the outer sort
    # is of those 20 only).
    assert "SEARCH a USING INDEX idx_activities_planned (due_at<?)" in page, page
    assert not any("idx_activities_done" in step for step in count + page)


@pytest.mark.parametrize(
    ("status", "index"),
    [
        ("planned", "idx_activities_planned"),
        ("done", "idx_activities_done"),
        (None, "idx_activities_when"),
    ],
)
def test_activity_list_pages_come_from_an_index(store: Store, status: str | None, index: str):
    for after in (None, 1):
        rec = Recorder(store)
        list_activities(rec, ActivityFilter(status=status, limit=20, after=after))  # type: ignore[arg-type]
        (steps,) = plans(store, rec)
        assert index in steps[0], steps
        assert "USE TEMP B-TREE FOR ORDER BY" not in steps, steps
