"""The board: a column per stage of one pipeline, cards in next-activity order."""

from __future__ import annotations

import bisect
import threading
import time
from dataclasses import dataclass
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Static
from textual.worker import get_current_worker

from pipeline_tui.models import Pipeline, Stage, dates
from pipeline_tui.services.attention import attention
from pipeline_tui.services.deals import step_deal
from pipeline_tui.store.api import DealQuery, DealRow, StageTotals, Store
from pipeline_tui.tui.screens.base import FilteredScreen
from pipeline_tui.tui.widgets.filter_box import FilterBox
from pipeline_tui.tui.widgets.footer import FittedFooter
from pipeline_tui.tui.widgets.mode_tabs import ModeTabs
from pipeline_tui.tui.widgets.stage_column import BoardColumns, BoardKey, StageColumn, StageHeader

FIRST_CARDS = 15  # cards per column fetched with the board, so the first paint is whole


def _totals_into(store: Store, q: DealQuery, box: dict[str, Any]) -> None:
    try:
        box["totals"] = store.pages.stage_totals(q)
    except Exception as exc:  # handed back to the worker, which reports it
        box["error"] = exc


def _stalled(store: object, ids: list[int]) -> set[int]:
    return {i for i, a in attention(store, ids).items() if a.stalled}  # type: ignore[arg-type]


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
        Binding(
            "slash",
            "filter",
            "Filter",
            key_display="/",
            tooltip="Filter cards by text",
            id="board.filter",
        ),  # fmt: skip
        Binding("o", "owner", "Owner", tooltip="Cycle the owner filter", id="board.owner"),
        Binding("p", "pipeline", "Pipeline", tooltip="Switch pipeline", id="board.pipeline"),
        Binding("escape", "clear", "Clear filter", show=False, id="board.clear"),
    ]

    @dataclass
    class Loaded(Message):
        """The whole board, fresh from the database."""

        pipeline: Pipeline
        stages: list[Stage]
        keys: dict[int, list[BoardKey]]
        totals: dict[int, StageTotals]
        cards: list[DealRow]
        stalled: set[int]
        started: float

    @dataclass
    class StalledFound(Message):
        """Which of the first cards the attention service calls stalled."""

        ids: set[int]

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
        self.last_move_s: float | None = None

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
        self._load(self.pipeline.name if self.pipeline else None, time.perf_counter())

    @work(thread=True, exclusive=True, group="board", exit_on_error=False)
    def _load(self, pipeline_name: str | None, started: float) -> None:
        store = self.papp.reader
        pipeline = store.stages.pipeline_by_name(pipeline_name)
        stage_list = store.stages.stages(pipeline.id)
        q = self._query(pipeline.id)
        # The totals run beside the ordering, on a second connection: SQLite releases the
        # GIL, so on two cores this saves a quarter of the first paint at 100k deals.
        totals_box: dict[str, Any] = {}
        side = threading.Thread(target=_totals_into, args=(self.papp.aux, q, totals_box))
        side.start()
        keys = store.pages.board_keys(q, dates.today().isoformat())
        side.join()
        if "error" in totals_box:
            raise totals_box["error"]
        totals = totals_box["totals"]
        first = [k[2] for s in stage_list for k in keys.get(s.id, [])[:FIRST_CARDS]]
        cards = store.pages.rows_by_ids(first)
        if not get_current_worker().is_cancelled:
            loaded = self.Loaded(pipeline, stage_list, keys, totals, cards, set(), started)
            self.post_message(loaded)
            # The attention service is the slow part: let the board paint before it.
            self.post_message(self.StalledFound(_stalled(store, first)))

    @on(StalledFound)
    def _mark_stalled(self, event: StalledFound) -> None:
        for column in self.columns:
            column.add_cards([], event.ids & {k[2] for k in column.keys[:FIRST_CARDS]})

    @on(Loaded)
    def _loaded(self, event: Loaded) -> None:
        keep = self.selected_deal_id()
        self.pipeline = event.pipeline
        stage_ids = [s.id for s in event.stages]
        if [c.stage_id for c in self.columns] != stage_ids:
            self._build_columns(event.stages)
        self.stage_names = {s.id: s.name for s in event.stages}
        for column, header in zip(self.columns, self.headers, strict=True):
            column.set_keys(event.keys.get(column.stage_id, []))
            column.forget_cards()
            column.add_cards([c for c in event.cards if c.stage_id == column.stage_id], set())
            header.show(self.stage_names[column.stage_id], event.totals.get(column.stage_id))
        self._fit_columns()
        self._restore(keep)
        self._show_title()
        self.call_after_refresh(self._painted, event.started)

    def _painted(self, started: float) -> None:
        self.last_paint_s = time.perf_counter() - started

    def _build_columns(self, stage_list: list[Stage]) -> None:
        holder = self.query_one(BoardColumns)
        holder.remove_children()
        self.columns = [StageColumn(s.id) for s in stage_list]
        self.headers = [StageHeader(classes="stage-header") for _ in stage_list]
        holder.mount_all(
            Vertical(header, column, classes="stage")
            for header, column in zip(self.headers, self.columns, strict=True)
        )
        self.column = min(self.column, max(0, len(self.columns) - 1))

    def on_resize(self) -> None:
        self._fit_columns()

    def _fit_columns(self) -> None:
        self.query_one(BoardColumns).fit(self.size.width, self.headers)

    def _restore(self, deal_id: int | None) -> None:
        """Select the deal that was selected, wherever it is now; else stay in place."""
        for i, column in enumerate(self.columns):
            index = column.index_of(deal_id) if deal_id is not None else None
            if index is not None:
                self._select(i, index)
                return
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
        stalled = _stalled(store, ids)
        self.app.call_from_thread(column.add_cards, rows, stalled)

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
        if not self.columns:
            return
        target = max(0, min(self.column + delta, len(self.columns) - 1))
        column = self.columns[target]
        current = self.columns[self.column].selected or 0
        self._select(target, min(current, len(column.keys) - 1) if column.keys else None)

    def action_card(self, delta: int) -> None:
        if not self.columns:
            return
        column = self.columns[self.column]
        if column.keys:
            current = column.selected if column.selected is not None else -1
            self._select(self.column, max(0, min(current + delta, len(column.keys) - 1)))

    @on(StageColumn.CardClicked)
    def _clicked(self, event: StageColumn.CardClicked) -> None:
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
        stalled = bool(_stalled(store, [deal_id]))
        moved = self.Moved(deal_id, source, deal.stage_id, key, totals, card, stalled, started)
        self.post_message(moved)

    @on(Moved)
    def _moved(self, event: Moved) -> None:
        by_stage = {c.stage_id: (i, c) for i, c in enumerate(self.columns)}
        if event.source not in by_stage or event.target not in by_stage:
            self.reload()
            return
        _i, source = by_stage[event.source]
        target_index, target = by_stage[event.target]
        old = source.index_of(event.deal_id)
        if old is not None:
            source.set_keys(source.keys[:old] + source.keys[old + 1 :])
        if event.key is not None and target.index_of(event.deal_id) is None:
            keys = list(target.keys)
            bisect.insort(keys, event.key)
            target.set_keys(keys)
        if event.card is not None:
            target.add_cards([event.card], {event.deal_id} if event.stalled else set())
        for stage_id in (event.source, event.target):
            i, _c = by_stage[stage_id]
            self.headers[i].show(self.stage_names.get(stage_id, ""), event.totals.get(stage_id))
        self._fit_columns()
        if self.selected_deal_id() in (None, event.deal_id) or old is not None:
            self._select(target_index, target.index_of(event.deal_id))
        self.call_after_refresh(self._move_painted, event.started)

    def _move_painted(self, started: float) -> None:
        self.last_move_s = time.perf_counter() - started

    def after_change(self, deal_id: int | None) -> None:
        self.reload()

    # -- filters (the text filter's handlers are FilteredScreen's, in screens/base.py) -------

    def action_owner(self) -> None:
        self.papp.cycle_owner()

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
