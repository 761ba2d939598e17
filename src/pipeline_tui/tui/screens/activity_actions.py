"""The keys on a selected planned activity: complete, reschedule, edit, cancel.

The Today screen and the deal detail's activity list (widgets/activity_list.py) share them
through ``ActivityActions``: each says which activity is selected and how to show a change.
The services (services/activities.py) run in the app's write worker, journalled, so `u`
undoes each change exactly as `pipeline undo` does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar, cast

from textual.binding import Binding, BindingType

from pipeline_tui.models import Activity
from pipeline_tui.models.errors import StaleError
from pipeline_tui.services import activities as service
from pipeline_tui.store.api import Store

if TYPE_CHECKING:
    from textual.app import App

    from pipeline_tui.tui.app import PipelineApp


@dataclass(frozen=True)
class Closed:
    """A completed or cancelled activity, and the hint when its deal has no next step."""

    activity: Activity
    verb: str
    hint: str | None

    @property
    def confirmation(self) -> str:
        """The toast (tui/app.py: describe); the subject stays literal there."""
        return f"{self.activity.kind.capitalize()} {self.verb}: {self.activity.subject}"


def complete(store: Store, activity_id: int, outcome: str | None) -> Closed:
    """Mark it done (in the write worker), with the no-next-step hint of its deal."""
    activity = service.done(store, activity_id, outcome)
    return Closed(activity, "done", service.next_step_hint(store, activity))


def cancel(store: Store, activity_id: int, reason: str | None) -> Closed:
    activity = service.cancel(store, activity_id, reason)
    return Closed(activity, "cancelled", service.next_step_hint(store, activity))


def reschedule(store: Store, activity_id: int, due: date, seen: str | None) -> Activity:
    """Move the due date, refused if someone else moved it since the list was drawn."""
    return service.edit(store, activity_id, {"due_at": due}, {"due_at": seen})


def where(activity: Activity) -> str:
    """'Acme renewal (deal 5)' or 'Ana Silva (lead 3)': the plan form's subject line."""
    record = f"deal {activity.deal_id}" if activity.deal_id else f"lead {activity.lead_id}"
    return f"{activity.regarding or ''} ({record})"


BINDINGS: list[BindingType] = [
    Binding(
        "space,x",
        "complete_activity",
        "Done",
        key_display="x",
        tooltip="Complete the activity (outcome), then plan the next step",
        id="activity.done",
    ),
    Binding(
        "r",
        "reschedule_activity",
        "Reschedule",
        tooltip="+1 day, +1 week, next Monday or a typed date",
        id="activity.reschedule",
    ),
    Binding(
        "e",
        "edit_activity",
        "Edit",
        tooltip="Edit subject, kind, due, notes, owner",
        id="activity.edit",
    ),
    Binding(
        "c,delete",
        "cancel_activity",
        "Cancel",
        key_display="c",
        tooltip="Cancel the activity (optional reason)",
        id="activity.cancel",
    ),
]


class ActivityActions:
    """Complete, reschedule, edit and cancel the selected activity (a Screen or Widget mixin)."""

    ACTIVITY_BINDINGS: ClassVar[list[BindingType]] = BINDINGS
    app: App[Any]

    @property
    def _papp(self) -> PipelineApp:
        return cast("PipelineApp", self.app)

    def selected_activity(self) -> Activity | None:
        """The activity under the cursor."""
        raise NotImplementedError

    def activity_changed(self, activity_id: int | None) -> None:
        """A change was committed: show it (keep the cursor on ``activity_id`` if listed)."""
        raise NotImplementedError

    def _need_planned(self) -> Activity | None:
        activity = self.selected_activity()
        if activity is None:
            self.app.notify("Select an activity first.", severity="warning")
        elif activity.state != "planned":
            self.app.notify(f"Activity {activity.id} is {activity.state}; only a planned one "
                            "can be changed.", severity="warning", markup=False)  # fmt: skip
            return None
        return activity

    def action_complete_activity(self) -> None:
        from pipeline_tui.tui.screens.activity_forms import CompleteForm

        activity = self._need_planned()
        if activity is None:
            return

        def done(values: dict[str, Any] | None) -> None:
            if values is not None:
                self._papp.change(complete, activity.id, values["outcome"], then=self._completed)

        self.app.push_screen(CompleteForm(activity.subject), done)

    def _completed(self, result: Closed) -> None:
        """Show the change, then offer to plan the next step on the same deal or lead."""
        from pipeline_tui.tui.screens.activity_forms import PlanForm

        self.activity_changed(None)
        act = result.activity

        def planned(values: dict[str, Any] | None) -> None:
            if values is None:
                if result.hint:
                    self.app.notify(result.hint, severity="warning", markup=False, timeout=8)
                return
            self._papp.change(
                service.plan, values["kind"], values["subject"], values["due"],
                deal_id=act.deal_id, lead_id=act.lead_id, notes=values["notes"],
                then=lambda new: self.activity_changed(new.id),
            )  # fmt: skip

        self.app.push_screen(PlanForm(where(act), act.kind), planned)

    def action_reschedule_activity(self) -> None:
        from pipeline_tui.tui.screens.activity_forms import RescheduleForm

        activity = self._need_planned()
        if activity is None:
            return

        def done(due: date | None) -> None:
            if due is not None:
                self._papp.change(reschedule, activity.id, due, activity.due_at,
                                  then=lambda a: self.activity_changed(a.id))  # fmt: skip

        self.app.push_screen(RescheduleForm(activity), done)

    def action_edit_activity(self) -> None:
        from pipeline_tui.tui.screens.activity_forms import ActivityEditForm

        activity = self._need_planned()
        if activity is None:
            return
        meta = self._papp.meta

        def done(values: dict[str, Any] | None) -> None:
            if values is None:
                return
            if not values["changes"]:
                self.app.notify("Nothing changed.")
                return
            self._papp.change(_edit, activity.id, values["changes"], values["seen"],
                              then=lambda a: self.activity_changed(a.id))  # fmt: skip

        self.app.push_screen(ActivityEditForm(activity, meta.owners, meta.owner), done)

    def action_cancel_activity(self) -> None:
        from pipeline_tui.tui.screens.activity_forms import CancelActivityForm

        activity = self._need_planned()
        if activity is None:
            return

        def done(values: dict[str, Any] | None) -> None:
            if values is None:
                return

            def then(result: Closed) -> None:
                self.activity_changed(None)
                if result.hint:
                    self.app.notify(result.hint, severity="warning", markup=False, timeout=8)

            self._papp.change(cancel, activity.id, values["reason"], then=then)

        self.app.push_screen(CancelActivityForm(activity.subject), done)


def _edit(store: Store, activity_id: int, changes: dict[str, Any], seen: dict[str, Any]) -> Any:
    """The edit, in the write worker; a stale edit becomes the refusal's toast."""
    try:
        return service.edit(store, activity_id, changes, seen)
    except StaleError as exc:
        raise StaleError(f"{exc} (reopen the form to see the new values)", exc.fields) from None
