"""The board: a column per stage of one pipeline, cards in next-activity order."""

from __future__ import annotations

import threading
import time
from concurrent.futures import Future
from dataclasses import dataclass
from functools import partial
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Static
from textual.worker import get_current_worker

from pipeline_tui.models import Pipeline, dates
from pipeline_tui.services.deals import step_deal
from pipeline_tui.store.api import DealQuery, DealRow, StageTotals
from pipeline_tui.tui.screens.base import FilteredScreen
from pipeline_tui.tui.screens.board_data import (
    FirstLoad,
    Loaded,
    RestLoaded,
    StalledFound,
    Want,
    rest_of,
    stalled,
    start_first_load,
)
from pipeline_tui.tui.screens.filter_keys import clear_key, filter_key, owner_key
from pipeline_tui.tui.widgets.filter_box import FilterBox
from pipeline_tui.tui.widgets.footer import FittedFooter
from pipeline_tui.tui.widgets.mode_tabs import ModeTabs
from pipeline_tui.tui.widgets.stage_column import BoardColumns, BoardKey, StageColumn, StageHeader


class BoardScreen(FilteredScreen):
    """Stage columns with totals; keys move the selection and the deals."""

    mode = "board"
    AUTO_FOCUS = None  # the screen itself takes the keys; the filter box only on '/'
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "left", "column(-1)", "←", show=False, tooltip="Previous column", id="board.left"
        ),  # fmt: skip
        Binding("right", "column(1)", "→", show=False, tooltip="Next column", id="board.right"),
        Binding("up", "card(-1)", "↑", show=False, tooltip="Previous card", id="board.up"),
        Binding("down", "card(1)", "↓", show=False, tooltip="Next card", id="board.down"),
        Binding("pageup", "card(-5)", "Page up", show=False, id="board.pageup"),
        Binding("pagedown", "card(5)", "Page down", show=False, id="board.pagedown"),
        Binding(
            "shift+right,greater_than_sign",
            "step(1)",
            "Next stage",
            key_display=">",
            tooltip="Move the deal to the next stage (also shift+→)",
            id="board.next",
        ),  # fmt: skip
        Binding(
            "shift+left,less_than_sign",
            "step(-1)",
            "Prev stage",
            key_display="<",
            tooltip="Move the deal to the previous stage (also shift+←)",
            id="board.prev",
        ),  # fmt: skip
        Binding("enter", "detail", "Detail", tooltip="Open the deal", id="board.detail"),
        Binding("w", "win_deal", "Won", tooltip="Mark the deal won", id="board.won"),
        Binding(
            "l",
            "lose_deal",
            "Lost",
            tooltip="Mark the deal lost (reason required)",
            id="board.lost",
        ),  # fmt: skip
        Binding(
            "a", "log_activity", "Activity", tooltip="Log or plan an activity", id="board.activity"
        ),  # fmt: skip
        Binding("n", "new_deal", "New", show=False, tooltip="Add a deal", id="board.new"),
        Binding("e", "edit_deal", "Edit", show=False, tooltip="Edit the deal", id="board.edit"),
        Binding(
            "m", "move_deal", "Move", show=False, tooltip="Move to any stage", id="board.move"
        ),  # fmt: skip
        filter_key("board", "Filter cards by text"),
        owner_key("board"),
        Binding("p", "pipeline", "Pipeline", tooltip="Switch pipeline", id="board.pipeline"),
        clear_key("board", "Clear filter"),
    ]

    @dataclass
    class Moved(Message):
        """A deal changed stage; only the two columns concerned are updated."""

        deal_id: int
        source: int
        target: int
        key: BoardKey | None
        totals: dict[int, StageTotals]
        card: DealRow | None
        stalled: bool
        started: float

    def __init__(self) -> None:
        super().__init__()
        self.pipeline: Pipeline | None = None
        self.text = ""
        self.column = 0
        self.columns: list[StageColumn] = []
        self.headers: list[StageHeader] = []
        self.stage_names: dict[int, str] = {}
        self.last_paint_s: float | None = None
        self.painted_at: float | None = None  # perf_counter of the first frame with cards
        self.last_move_s: float | None = None
        self._generation = 0  # of the newest load: messages of older ones are dropped
        self._loading = False  # a load has not delivered all it reads yet
        self._pending: int | None = None  # a deal to select once the rest of the keys is in
        # The first load starts now (the app is mounting this screen), not once the screen is
        # composed and its worker scheduled: its queries run beside Textual's start.
        self._early: tuple[DealQuery, Future[FirstLoad]] | None = None
        self._early = (self._query(None), self._first_load(None, self._query(None)))

    def _first_load(self, name: str | None, query: DealQuery) -> Future[FirstLoad]:
        wants = Want.all_of(self.columns, self.size.height or self.app.size.height)
        return start_first_load(self.papp.reader, self.papp.aux, name, query, wants)

    def compose(self) -> ComposeResult:
        yield ModeTabs("board")
        with Horizontal(id="board-bar"):
            yield Static(id="board-title")
            yield FilterBox(placeholder="Filter cards: title, company or owner", id="board-filter")
        yield BoardColumns(id="board-columns")
        yield FittedFooter()

    def pipeline_id(self) -> int | None:
        return self.pipeline.id if self.pipeline else None

    def _query(self, pipeline_id: int | None) -> DealQuery:
        return DealQuery(pipeline_id=pipeline_id, owner=self.papp.owner, text=self.text or None)

    # -- loading ----------------------------------------------------------------------------

    def reload(self) -> None:
        self._generation += 1
        self._loading = True
        query, early, self._early = self._query(None), self._early, None
        name = self.pipeline.name if self.pipeline else None
        if not (early and early[0] == query and name is None):  # not what the screen shows
            early = (query, self._first_load(name, query))
        self._load(early[1], query, self._generation, time.perf_counter())

    @work(thread=True, exclusive=True, group="board", exit_on_error=False)
    def _load(self, first: Future[FirstLoad], query: DealQuery, generation: int,
              started: float) -> None:  # fmt: skip
        store = self.papp.reader
        data = first.result()
        worker = get_current_worker()
        if worker.is_cancelled:
            return
        painted = threading.Event()
        self.post_message(Loaded(data, generation, started, painted))
        # The rest waits for the first paint: the attention service (the slow part) and the
        # whole order (130 ms at 100,000 deals) would take the GIL in turns with drawing.
        painted.wait(timeout=2.0)
        shown = [c.id for c in data.cards]
        if shown and not worker.is_cancelled:
            self.post_message(StalledFound(generation, stalled(store, shown)))
        keys = None if worker.is_cancelled else rest_of(store, data, query)
        if keys is not None and not worker.is_cancelled:
            self.post_message(RestLoaded(generation, keys))

    @on(StalledFound)
    def _mark_stalled(self, event: StalledFound) -> None:
        if event.generation == self._generation:
            for column in self.columns:
                column.add_cards([], event.ids & set(column.cards))

    @on(Loaded)
    def _loaded(self, event: Loaded) -> None:
        if event.generation != self._generation:
            event.painted.set()
            return
        data = event.data
        keep = self._pending if self._pending is not None else self.selected_deal_id()
        self.pipeline = data.pipeline
        if [c.stage_id for c in self.columns] != [s.id for s in data.stages]:
            self.columns, self.headers = self.query_one(BoardColumns).build(data.stages)
            self.column = min(self.column, max(0, len(self.columns) - 1))
        self.stage_names = {s.id: s.name for s in data.stages}
        for column, header in zip(self.columns, self.headers, strict=True):
            stage_id = column.stage_id
            totals = data.totals.get(stage_id)
            whole = stage_id in data.complete
            column.set_keys(data.heads.get(stage_id, []),
                            None if whole else totals.count if totals else 0)  # fmt: skip
            column.forget_cards()
            column.add_cards([c for c in data.cards if c.stage_id == stage_id], set())
            header.show(self.stage_names[stage_id], totals)
        self._loading = len(data.complete) < len(data.stages)
        self._fit_columns()
        self._restore(keep)
        self._show_title()
        if self.columns:  # the column selected is the one surely in view
            self.columns[self.column].when_drawn(
                partial(self._painted, event.started, event.painted)
            )
        else:
            self.call_after_refresh(self._painted, event.started, event.painted)

    @on(RestLoaded)
    def _rest_loaded(self, event: RestLoaded) -> None:
        if event.generation != self._generation:
            return
        for column in self.columns:
            column.set_keys(event.keys.get(column.stage_id, []))
        self._loading = False
        if self._pending is not None:
            self._restore(self._pending)

    def _painted(self, started: float, painted: threading.Event) -> None:
        now = time.perf_counter()
        self.last_paint_s = now - started
        if self.painted_at is None:
            self.painted_at = now
        painted.set()

    def on_resize(self) -> None:
        self._fit_columns()

    def _fit_columns(self) -> None:
        self.query_one(BoardColumns).fit(self.size.width, self.headers)

    def _restore(self, deal_id: int | None) -> None:
        """Select the deal that was selected, wherever it is now; else stay in place (and
        look again when the rest of the keys is in, if they are still coming)."""
        self._pending = None
        for i, column in enumerate(self.columns):
            index = column.index_of(deal_id) if deal_id is not None else None
            if index is not None:
                self._select(i, index)
                return
        if deal_id is not None and not all(c.complete for c in self.columns):
            self._pending = deal_id
        if self.columns:
            if not self.columns[self.column].keys:  # e.g. a filter emptied it: go where cards are
                filled = [i for i, c in enumerate(self.columns) if c.keys]
                self.column = filled[0] if filled else self.column
            column = self.columns[self.column]
            current = column.selected if column.selected is not None else 0
            self._select(self.column, min(current, len(column.keys) - 1) if column.keys else None)

    def _show_title(self) -> None:
        text = Text()
        text.append(self.pipeline.name if self.pipeline else "", style="bold")
        text.append(f"  owner: {self.papp.owner or 'everyone'}")
        if self.text:
            text.append("  filter: ")
            text.append(self.text)
        self.query_one("#board-title", Static).update(text)

    @on(StageColumn.CardsWanted)
    def _cards_wanted(self, event: StageColumn.CardsWanted) -> None:
        self._load_cards(event.column, event.ids)

    @work(thread=True, exit_on_error=False)
    def _load_cards(self, column: StageColumn, ids: list[int]) -> None:
        store = self.papp.reader
        rows = store.pages.rows_by_ids(ids)
        self.app.call_from_thread(column.add_cards, rows, stalled(store, ids))

    # -- selection --------------------------------------------------------------------------

    def _select(self, column_index: int, card: int | None) -> None:
        for i, column in enumerate(self.columns):
            if i != column_index and column.selected is not None:
                column.select(None)
        self.column = column_index
        if self.columns:
            self.columns[column_index].select(card)
            self.call_after_refresh(
                self.query_one(BoardColumns).show, column_index
            )  # once laid out
            for i, holder in enumerate(self.query(".stage")):
                holder.set_class(i == column_index, "-active")

    def selected_deal_id(self) -> int | None:
        if not self.columns:
            return None
        return self.columns[self.column].selected_id

    def _deal_title(self, deal_id: int) -> str:
        card = self.columns[self.column].cards.get(deal_id) if self.columns else None
        return card.title if card else f"deal {deal_id}"

    def _deal_stage_id(self, deal_id: int) -> int | None:
        return self.columns[self.column].stage_id if self.columns else None

    def action_column(self, delta: int) -> None:
        self._pending = None  # the user chose: a load finishing later keeps their choice
        if not self.columns:
            return
        target = max(0, min(self.column + delta, len(self.columns) - 1))
        column = self.columns[target]
        current = self.columns[self.column].selected or 0
        self._select(target, min(current, len(column.keys) - 1) if column.keys else None)

    def action_card(self, delta: int) -> None:
        self._pending = None
        if not self.columns:
            return
        column = self.columns[self.column]
        if column.keys:
            current = column.selected if column.selected is not None else -1
            self._select(self.column, max(0, min(current + delta, len(column.keys) - 1)))

    @on(StageColumn.CardClicked)
    def _clicked(self, event: StageColumn.CardClicked) -> None:
        self._pending = None
        self._select(self.columns.index(event.column), event.index)

    # -- moving -----------------------------------------------------------------------------

    def action_step(self, direction: int) -> None:
        deal_id = self.selected_deal_id()
        if deal_id is None:
            self.notify("Select a deal first.", severity="warning")
            return
        self._step(deal_id, self.columns[self.column].stage_id, direction, time.perf_counter())

    @work(thread=True, group="board-move", exit_on_error=False)
    def _step(self, deal_id: int, source: int, direction: int, started: float) -> None:
        deal = self.papp.write(step_deal, deal_id, direction)
        store = self.papp.reader
        found = store.pages.board_key(deal_id, dates.today().isoformat())
        totals: dict[int, StageTotals] = {}
        for stage_id in (source, deal.stage_id):
            q = DealQuery(pipeline_id=deal.pipeline_id, stage_id=stage_id, owner=self.papp.owner,
                          text=self.text or None)  # fmt: skip
            totals.update(store.pages.stage_totals(q))
        cards = store.pages.rows_by_ids([deal_id])
        key = found[1] if found else None
        card = cards[0] if cards else None
        flag = bool(stalled(store, [deal_id]))
        moved = self.Moved(deal_id, source, deal.stage_id, key, totals, card, flag, started)
        self.post_message(moved)

    @on(Moved)
    def _moved(self, event: Moved) -> None:
        by_stage = {c.stage_id: (i, c) for i, c in enumerate(self.columns)}
        if event.source not in by_stage or event.target not in by_stage:
            self.reload()
            return
        _i, source = by_stage[event.source]
        target_index, target = by_stage[event.target]
        loading = self._loading or not (source.complete and target.complete)
        counts = {s: t.count for s, t in event.totals.items()}
        old = source.take(event.deal_id, counts.get(event.source, 0))
        target.place(event.key, counts.get(event.target, 0))
        if event.card is not None:
            target.add_cards([event.card], {event.deal_id} if event.stalled else set())
        for stage_id in (event.source, event.target):
            i, _c = by_stage[stage_id]
            self.headers[i].show(self.stage_names.get(stage_id, ""), event.totals.get(stage_id))
        self._fit_columns()
        if self.selected_deal_id() in (None, event.deal_id) or old is not None:
            self._select(target_index, target.index_of(event.deal_id))
            if target.index_of(event.deal_id) is None:
                self._pending = event.deal_id
        if loading:  # a load on its way may have read before the move: read again
            self.reload()
        self.call_after_refresh(self._move_painted, event.started)

    def _move_painted(self, started: float) -> None:
        self.last_move_s = time.perf_counter() - started

    def after_change(self, deal_id: int | None) -> None:
        self.reload()

    # -- filters (the text and owner filters' handlers are FilteredScreen's, screens/base.py)

    def action_pipeline(self) -> None:
        self._next_pipeline(self.pipeline.id if self.pipeline else None)

    @work(thread=True, exclusive=True, group="board-pipeline", exit_on_error=False)
    def _next_pipeline(self, current: int | None) -> None:
        names = self.papp.reader.stages.pipelines()
        ids = [p.id for p in names]
        index = ids.index(current) if current in ids else -1
        chosen = names[(index + 1) % len(names)]
        self.app.call_from_thread(self._switch_pipeline, chosen)

    def _switch_pipeline(self, chosen: Pipeline) -> None:
        self.pipeline = chosen
        self.column = 0
        self.reload()
