"""A deal's detail as a modal, for the board (the deals screen has it as a pane)."""

from __future__ import annotations

from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import ModalScreen
from textual.worker import Worker, WorkerState, get_current_worker

from pipeline_tui.tui.screens.data import load_detail
from pipeline_tui.tui.widgets.activity_list import ActivityList
from pipeline_tui.tui.widgets.deal_detail import DealDetail


class DetailScreen(ModalScreen[None]):
    """One deal: every field, its stage history and its activities."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape,enter,q", "dismiss", "Close", tooltip="Back to the board", id="detail.close"
        ),  # fmt: skip
    ]

    def __init__(self, deal_id: int) -> None:
        super().__init__()
        self.deal_id = deal_id

    def compose(self) -> ComposeResult:
        yield DealDetail(id="detail-modal")

    def on_mount(self) -> None:
        self.query_one(DealDetail).focus()
        self._load(self.deal_id)

    @work(thread=True, exclusive=True, exit_on_error=False)
    def _load(self, deal_id: int) -> None:
        data = load_detail(self.app.reader, deal_id)  # type: ignore[attr-defined]
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self.query_one(DealDetail).show, data)

    @on(ActivityList.Changed)
    def _activity_changed(self, _event: ActivityList.Changed) -> None:
        self._load(self.deal_id)

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(None)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            self.app.report_error(event.worker.error)  # type: ignore[attr-defined]
