"""What the board reads, and the messages that bring it: first paint first, the rest after."""

from __future__ import annotations

import threading
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any

from textual.message import Message

from pipeline_tui.models import Pipeline, Stage, dates
from pipeline_tui.services.attention import attention
from pipeline_tui.store.api import DealQuery, DealRow, StageTotals, Store
from pipeline_tui.tui.widgets.stage_column import CARD_HEIGHT, BoardKey, StageColumn

FIRST_CARDS = 15  # keys per column read before the first paint, at least


@dataclass(frozen=True)
class Want:
    """What one column needs before it is painted: the cards ``start:stop`` of its order
    (those on screen) drawn, and its first ``keys`` keys (down to the selected card too)."""

    start: int
    stop: int
    keys: int

    @staticmethod
    def all_of(columns: list[StageColumn], height: int) -> dict[int | None, Want]:
        """What each column shown needs, by stage id, so what is in view stays in view; under
        None what a new column needs in a screen ``height`` lines tall."""
        wants: dict[int | None, Want] = {None: Want(0, max(1, height // CARD_HEIGHT + 1), 0)}
        for column in columns:
            start, stop = column.on_screen()
            wants[column.stage_id] = Want(start, stop, (column.selected or 0) + 1)
        return wants


@dataclass
class FirstLoad:
    """The first screenful of a board: whole headers, the first keys of each column."""

    pipeline: Pipeline
    stages: list[Stage]
    heads: dict[int, list[BoardKey]]
    complete: set[int]  # the stages whose heads are their whole column
    totals: dict[int, StageTotals]
    cards: list[DealRow]


@dataclass
class Loaded(Message):
    """The first screenful of the board, fresh from the database."""

    data: FirstLoad
    generation: int
    started: float
    painted: threading.Event  # set once drawn: the worker then reads the rest


@dataclass
class StalledFound(Message):
    """Which of the cards first shown the attention service calls stalled."""

    generation: int
    ids: set[int]


@dataclass
class RestLoaded(Message):
    """Every column's whole order, read after the first paint."""

    generation: int
    keys: dict[int, list[BoardKey]]


def _totals_into(store: Store, q: DealQuery, box: dict[str, Any]) -> None:
    try:
        box["totals"] = store.pages.stage_totals(q)
    except Exception as exc:  # handed back to the worker, which reports it
        box["error"] = exc


def stalled(store: Store, ids: list[int]) -> set[int]:
    """Which of these deals the attention service calls stalled."""
    return {i for i, a in attention(store, ids).items() if a.stalled}


def first_load(
    store: Store, aux: Store, pipeline_name: str | None, query: DealQuery,
    wants: dict[int | None, Want],
) -> FirstLoad:  # fmt: skip
    """The totals of every stage (on ``aux``, side by side) and the first keys and cards
    of each column; ``query`` without its pipeline, which is found here by name."""
    pipeline = store.stages.pipeline_by_name(pipeline_name)
    stage_list = store.stages.stages(pipeline.id)
    q = DealQuery(pipeline_id=pipeline.id, owner=query.owner, text=query.text)
    # The totals run beside the keys, on a second connection: SQLite releases the GIL, so
    # on two cores the first paint waits only for the slower of the two.
    box: dict[str, Any] = {}
    side = threading.Thread(target=_totals_into, args=(aux, q, box))
    side.start()
    want = {s.id: wants.get(s.id, wants[None]) for s in stage_list}
    limits = {stage_id: max(w.keys, w.stop, FIRST_CARDS) for stage_id, w in want.items()}
    heads = store.pages.board_heads(q, dates.today().isoformat(), limits)
    side.join()
    if "error" in box:
        raise box["error"]
    complete = {stage_id for stage_id, keys in heads.items() if len(keys) < limits[stage_id]}
    shown = [k[2] for s, w in want.items() for k in heads.get(s, [])[w.start : w.stop]]
    return FirstLoad(pipeline, stage_list, heads, complete, box["totals"],
                     store.pages.rows_by_ids(shown))  # fmt: skip


def start_first_load(store: Store, aux: Store, pipeline_name: str | None, query: DealQuery,
                     wants: dict[int | None, Want]) -> Future[FirstLoad]:  # fmt: skip
    """first_load, begun at once in a thread of its own (a worker starts only once the event
    loop gets to it, after whatever layout and drawing is queued before it)."""
    future: Future[FirstLoad] = Future()

    def run() -> None:
        try:
            future.set_result(first_load(store, aux, pipeline_name, query, wants))
        except BaseException as exc:  # handed to the worker that waits for it
            future.set_exception(exc)

    threading.Thread(target=run, name="board-first-load", daemon=True).start()
    return future


def rest_of(store: Store, data: FirstLoad, query: DealQuery) -> dict[int, list[BoardKey]] | None:
    """Every column's whole order, if the first load read only the start of some."""
    if len(data.complete) == len(data.stages):
        return None
    q = DealQuery(pipeline_id=data.pipeline.id, owner=query.owner, text=query.text)
    return store.pages.board_keys(q, dates.today().isoformat())
