"""What the mode screens share: reloading, worker errors, the deal forms, the text filter.

The forms (new, edit, activity, move, won, lost) and the text filter are the same on the
deals table and the board; each screen only says which deal is selected, where focus goes
back to and what else escape clears.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from textual import on, work
from textual.screen import Screen
from textual.widgets import Input, Tabs
from textual.worker import Worker, WorkerState

from pipeline_tui.models.errors import StaleError
from pipeline_tui.services import activities as activity_service
from pipeline_tui.services import deals as deal_service
from pipeline_tui.tui.widgets.filter_box import FilterBox
from pipeline_tui.tui.widgets.mode_tabs import ModeTabs

if TYPE_CHECKING:
    from pipeline_tui.models import Deal
    from pipeline_tui.store.api import Store
    from pipeline_tui.tui.app import PipelineApp


class PipelineScreen(Screen[None]):
    """A mode screen: it reloads its data in workers, and when it comes back into view
    after a change made elsewhere."""

    mode = ""
    stale = True  # nothing loaded yet

    @property
    def papp(self) -> PipelineApp:
        return cast("PipelineApp", self.app)

    def reload(self) -> None:
        """Start the workers that fetch what this screen shows."""

    def selected_deal_id(self) -> int | None:
        """The deal under the cursor, if the screen has one."""
        return None

    def pipeline_id(self) -> int | None:
        """The pipeline this screen shows (None: the default one)."""
        return None

    def after_change(self, deal_id: int | None) -> None:
        """A change made here has been committed; show it."""
        self.reload()

    @on(Tabs.TabActivated)
    def _tab(self, event: Tabs.TabActivated) -> None:
        if event.tab.id and event.tab.id != self.mode:
            self.app.switch_mode(event.tab.id)

    def on_screen_resume(self) -> None:
        for tabs in self.query(ModeTabs):
            tabs.active = self.mode
        if self.stale:
            self.stale = False
            self.reload()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            self.papp.report_error(event.worker.error)

    def action_detail(self) -> None:
        from pipeline_tui.tui.screens.detail import DetailScreen

        deal_id = self._need_deal()
        if deal_id is not None:
            self.app.push_screen(DetailScreen(deal_id))

    # -- the deal forms -------------------------------------------------------------------

    def _need_deal(self) -> int | None:
        deal_id = self.selected_deal_id()
        if deal_id is None:
            self.notify("Select a deal first.", severity="warning")
        return deal_id

    def action_new_deal(self) -> None:
        from pipeline_tui.tui.screens.forms import DealForm

        def done(values: dict[str, Any] | None) -> None:
            if values is not None:
                self.papp.change(deal_service.add_deal, values["input"], then=self._after_deal)

        self.app.push_screen(DealForm(self.papp.meta, None, self.pipeline_id()), done)

    def action_edit_deal(self) -> None:
        deal_id = self._need_deal()
        if deal_id is not None:
            self._open_edit(deal_id)

    @work(thread=True, exclusive=True, group="form-load", exit_on_error=False)
    def _open_edit(self, deal_id: int) -> None:
        deal = self.papp.reader.deals.get_deal(deal_id)
        self.app.call_from_thread(self._push_edit, deal)

    def _push_edit(
        self, deal: Deal, typed: dict[str, str] | None = None, stale: StaleError | None = None
    ) -> None:
        from pipeline_tui.tui.screens.forms import DealForm

        def done(values: dict[str, Any] | None) -> None:
            if values is None:
                return
            if not values["fields"]:
                self.notify("Nothing changed.", markup=False)
            else:
                self.papp.change(self._save_edit, deal.id, values, then=self._after_deal)

        self.app.push_screen(DealForm(self.papp.meta, deal, typed=typed, stale=stale), done)

    def _save_edit(self, store: Store, deal_id: int, values: dict[str, Any]) -> Deal:
        """Save an edit form's changes (in the write worker), or reopen it if they are stale."""
        try:
            return deal_service.edit_deal(
                store, deal_id, expected=values["expected"], **values["fields"]
            )
        except StaleError as exc:
            # Open the form again on the deal as it is now, keeping what the user typed, so
            # a second save keeps their value knowingly; the error still becomes a toast.
            fresh = store.deals.get_deal(deal_id)
            self.app.call_from_thread(self._push_edit, fresh, values["typed"], exc)
            raise

    def _after_deal(self, deal: Any) -> None:
        self.after_change(deal.id)

    def action_log_activity(self) -> None:
        from pipeline_tui.tui.screens.forms import ActivityForm

        deal_id = self._need_deal()
        if deal_id is None:
            return

        def done(values: dict[str, Any] | None) -> None:
            if values is None:
                return
            due = values.pop("due")
            if due is None:
                self.papp.change(
                    activity_service.log_activity,
                    values.pop("kind"),
                    values.pop("subject"),
                    deal_id=deal_id,
                    then=lambda _a: self.after_change(deal_id),
                    **values,
                )
            else:
                values.pop("outcome", None)
                self.papp.change(
                    activity_service.plan_activity,
                    values.pop("kind"),
                    values.pop("subject"),
                    due,
                    deal_id=deal_id,
                    then=lambda _a: self.after_change(deal_id),
                    **values,
                )

        self.app.push_screen(ActivityForm(self._deal_title(deal_id)), done)

    def action_move_deal(self) -> None:
        from pipeline_tui.tui.screens.forms import MoveForm

        deal_id = self._need_deal()
        if deal_id is None:
            return
        current = self._deal_stage_id(deal_id)
        stages = self.papp.meta.stages_of_stage(current)

        def done(stage: str | None) -> None:
            if stage is not None:
                self.papp.change(deal_service.move_deal, deal_id, stage, then=self._after_deal)

        self.app.push_screen(MoveForm(self._deal_title(deal_id), stages, current), done)

    def action_win_deal(self) -> None:
        from pipeline_tui.tui.screens.forms import WonForm

        deal_id = self._need_deal()
        if deal_id is None:
            return

        def done(values: dict[str, Any] | None) -> None:
            if values is not None:
                self.papp.change(
                    deal_service.win_deal, deal_id, at=values["at"], then=self._after_deal
                )

        self.app.push_screen(WonForm(self._deal_title(deal_id)), done)

    def action_lose_deal(self) -> None:
        from pipeline_tui.tui.screens.forms import LostForm

        deal_id = self._need_deal()
        if deal_id is None:
            return

        def done(values: dict[str, Any] | None) -> None:
            if values is not None:
                self.papp.change(
                    deal_service.lose_deal,
                    deal_id,
                    values["reason"],
                    at=values["at"],
                    then=self._after_deal,
                )

        self.app.push_screen(LostForm(self._deal_title(deal_id)), done)

    def action_add_person(self) -> None:
        deal_id = self._need_deal()
        if deal_id is not None:
            self._open_add_person(deal_id)

    @work(thread=True, exclusive=True, group="form-load", exit_on_error=False)
    def _open_add_person(self, deal_id: int) -> None:
        deal = self.papp.reader.deals.get_deal(deal_id)
        self.app.call_from_thread(self._push_add_person, deal)

    def _push_add_person(self, deal: Deal) -> None:
        """Put a person on the deal with a role, as `pipeline deal person add` does."""
        from pipeline_tui.tui.screens.contact_forms import DealPersonForm, link_person

        def done(values: dict[str, Any] | None) -> None:
            if values is not None:
                self.papp.change(link_person, deal.id, values,
                                 then=lambda _l: self.after_change(deal.id))  # fmt: skip

        self.app.push_screen(DealPersonForm(self.papp.reader, deal.title, deal.company), done)

    def _deal_title(self, deal_id: int) -> str:
        """The selected deal's title, from what the screen has drawn."""
        return f"deal {deal_id}"

    def _deal_stage_id(self, deal_id: int) -> int | None:
        return None


class FilteredScreen(PipelineScreen):
    """A mode screen with one FilterBox: '/' opens it, typing filters by it, enter parks it
    and escape clears it."""

    text = ""  # the filter text, stripped, as the screen's query takes it

    def leave_filter(self) -> None:
        """Give focus back once the filter is parked or cleared: to the screen itself."""
        self.set_focus(None)

    def filters_cleared(self) -> None:
        """Escape emptied the filter box; a screen with other filters resets them here."""

    def action_filter(self) -> None:
        self.query_one(FilterBox).open()

    def action_owner(self) -> None:
        """'o': the next owner filter, the app's, which every mode screen follows."""
        self.papp.cycle_owner()

    @on(Input.Changed, "FilterBox")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.text = event.value.strip()
        self.reload()

    @on(Input.Submitted, "FilterBox")
    def _filter_done(self) -> None:
        self.query_one(FilterBox).park()
        self.leave_filter()

    def action_clear(self) -> None:
        self.query_one(FilterBox).close()
        self.leave_filter()
        self.filters_cleared()
