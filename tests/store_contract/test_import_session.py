"""The import session: an import writes all its rows as one command, or none at all."""

# Driven through the import service (services/imports/run.py), which reaches the database
# only through store.import_session; results are read back through store/api.py alone.

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline_tui.models import PipelineError
from pipeline_tui.services import journal
from pipeline_tui.services.imports.run import ImportOptions, run_import
from pipeline_tui.store.api import Store
from tests.store_contract.helpers import events

HEADER = "title,value,currency,stage,owner\n"
GOOD = "Alpha,100,USD,Demo,Ana Ruiz\nBravo,200,USD,Lead In,Ana Ruiz\n"


def _csv(tmp_path: Path, body: str) -> str:
    path = tmp_path / "deals.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    return str(path)


def _state(store: Store) -> tuple[object, ...]:
    pipeline = store.stages.pipeline_by_name(None)
    return (
        store.deals.deal_count(),
        events(store),
        store.journal.last_undoable(),
        store.directory.owner_names(),
        [s.name for s in store.stages.stages(pipeline.id)],
    )


def test_one_bad_row_leaves_nothing_written(store: Store, tmp_path: Path) -> None:
    before = _state(store)
    bad = _csv(tmp_path, GOOD + "Charlie,not a number,USD,Demo,Bo Chen\n")
    with pytest.raises(PipelineError, match="nothing was imported"):
        run_import(store, ImportOptions("deals", bad))
    assert _state(store) == before


def test_one_bad_row_creates_no_stage_either(store: Store, tmp_path: Path) -> None:
    before = _state(store)
    bad = _csv(tmp_path, "Alpha,100,USD,Brand new stage,Ana Ruiz\nBravo,oops,USD,Demo,Bo\n")
    with pytest.raises(PipelineError):
        run_import(store, ImportOptions("deals", bad, create_stages=True))
    assert _state(store) == before


def test_an_import_is_one_command_that_undo_takes_back_whole(store: Store, tmp_path: Path) -> None:
    before = _state(store)
    result = run_import(store, ImportOptions("deals", _csv(tmp_path, GOOD)))
    assert (result.created, result.rejected) == (2, 0)
    assert store.deals.deal_count() == 2
    assert len({e.command_id for e in events(store)}) == 1
    journal.undo(store)
    assert store.deals.deal_count() == 0
    assert store.directory.owner_names() == before[3]
    assert store.journal.last_undoable() is None
