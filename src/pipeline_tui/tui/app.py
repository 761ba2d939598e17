"""The Textual app: six modes (deals, board, KPIs, leads, contacts, today), keys, palette.

Database work never runs on the UI thread. Reads use their own connection
(``self.reader``); every change goes through a service on ``self.store`` inside one
thread worker at a time, so it is journalled and undoable exactly as from the CLI. The write
connection's ``PRAGMA data_version`` is polled so changes made by other processes show up.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from rich.segment import Segment
from textual import work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.color import Color
from textual.filter import LineFilter
from textual.message import Message
from textual.reactive import reactive
from textual.worker import Worker, WorkerState

from pipeline_tui.models import Activity, Deal, Lead, PipelineError
from pipeline_tui.store.api import Busy, StoreError, open_store
from pipeline_tui.tui.screens.base import PipelineScreen
from pipeline_tui.tui.screens.board import BoardScreen
from pipeline_tui.tui.screens.data import Meta, load_meta
from pipeline_tui.tui.screens.deals import DealsScreen
from pipeline_tui.tui.screens.palette import PipelineCommands

if TYPE_CHECKING:
    from pipeline_tui.tui.screens.contacts import ContactsScreen
    from pipeline_tui.tui.screens.kpi import KpiScreen
    from pipeline_tui.tui.screens.leads import LeadsScreen
    from pipeline_tui.tui.screens.today import TodayScreen

R = TypeVar("R")
MODE_NAMES = ("deals", "board", "kpi", "leads", "contacts", "today")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _kpi_screen() -> KpiScreen:
    """The KPI dashboard, imported when first shown: its charts (plotext) and figures cost
    the board and the deals table about 40 ms of their first paint (bench/tui_bench.py)."""
    from pipeline_tui.tui.screens.kpi import KpiScreen

    return KpiScreen()


def _contacts_screen() -> ContactsScreen:
    """The contacts mode, imported when first shown, like the KPIs: the board and the
    deals table do not pay for it on their first paint."""
    from pipeline_tui.tui.screens.contacts import ContactsScreen

    return ContactsScreen()


def _leads_screen() -> LeadsScreen:
    """The leads mode, imported when first shown (about 15 ms of the first paint)."""
    from pipeline_tui.tui.screens.leads import LeadsScreen

    return LeadsScreen()


def _today_screen() -> TodayScreen:
    """The Today mode, imported when first shown (about 10 ms of the first paint)."""
    from pipeline_tui.tui.screens.today import TodayScreen

    return TodayScreen()


class DropControlCodes(LineFilter):
    """Remove C0 and C1 control characters from every line drawn.

    User text may hold them (an ANSI colour pasted into a title, a CSV cell with a line
    break), and Rich and Textual strip only BEL, BS, VT, FF and CR: ESC and the rest would
    reach the terminal as commands. They are zero cells wide, so dropping them here leaves
    the layout exactly as it was computed.
    """

    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        # One search over the whole line: a search per segment was 4% of a first paint.
        if not _CONTROL.search("".join([s.text for s in segments if not s.control])):
            return segments
        out = []
        for segment in segments:
            text = segment.text if segment.control else _CONTROL.sub("", segment.text)
            if text or segment.control:
                out.append(Segment(text, segment.style, segment.control))
        return out


_DROP_CONTROLS = DropControlCodes()


class PipelineApp(App[None]):
    """pipeline-tui's terminal UI."""

    CSS_PATH = "app.tcss"
    TITLE = "pipeline"
    MODES: ClassVar[dict[str, Any]] = {
        "deals": DealsScreen,
        "board": BoardScreen,
        "kpi": _kpi_screen,
        "leads": _leads_screen,
        "contacts": _contacts_screen,
        "today": _today_screen,
    }
    COMMANDS = App.COMMANDS | {PipelineCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "d",
            "switch_mode('deals')",
            "Deals",
            show=False,
            tooltip="The deals table",
            id="app.deals",
        ),
        Binding(
            "b",
            "switch_mode('board')",
            "Board",
            show=False,
            tooltip="The stage board",
            id="app.board",
        ),
        Binding(
            "k", "switch_mode('kpi')", "KPIs", show=False, tooltip="The KPI dashboard", id="app.kpi"
        ),
        # 'l' is Lost on the deals table and the board, so the leads take 'i' (inbound).
        Binding(
            "i", "switch_mode('leads')", "Leads", show=False, tooltip="The leads", id="app.leads"
        ),
        # 'c' is Qualify on the leads screen, so the contacts take 'C'.
        Binding(
            "C",
            "switch_mode('contacts')",
            "Contacts",
            show=False,
            tooltip="Companies and people",
            id="app.contacts",
        ),  # fmt: skip
        Binding(
            "t",
            "switch_mode('today')",
            "Today",
            show=False,
            tooltip="Overdue, due today and this week's activities",
            id="app.today",
        ),
        Binding(
            "u", "undo", "Undo", tooltip="Undo the last change, like 'pipeline undo'", id="app.undo"
        ),  # fmt: skip
        Binding(
            "question_mark",
            "help",
            "Help",
            key_display="?",
            tooltip="Every key binding",
            id="app.help",
        ),  # fmt: skip
        Binding("L", "new_lead", "New lead", show=False, tooltip="Add a lead", id="app.lead"),
        Binding(
            "ctrl+t",
            "change_theme",
            "Theme",
            show=False,
            tooltip="Pick a colour theme",
            id="app.theme",
        ),  # fmt: skip
        Binding("q", "quit", "Quit", tooltip="Leave pipeline", id="app.quit"),
    ]

    owner: reactive[str | None] = reactive(None, init=False)
    """Show only this owner's deals on every screen (None: everyone's)."""

    class DataChanged(Message):
        """Another connection committed a change to the database."""

    def __init__(self, db: Path | str, mode: str = "deals", *, poll_interval: float = 0.5) -> None:
        super().__init__()
        from pipeline_tui.services.common import actor_name

        self.db_path = db if isinstance(db, str) else Path(db)  # a str may be a server URL
        self.store = open_store(self.db_path)  # the only connection that writes
        self.store.actor = actor_name(self.store)
        self.reader = open_store(self.db_path)
        self.aux = open_store(self.db_path)  # a second reader, for queries that run side by side
        self.start_mode = mode if mode in MODE_NAMES else "deals"
        self.poll_interval = poll_interval
        self.meta = Meta()
        self._write_lock = threading.Lock()
        self._stop = threading.Event()

    def get_line_filters(self) -> Sequence[LineFilter]:
        # Every widget asks the app, so this covers inputs, toasts and the palette too.
        return [*super().get_line_filters(), _DROP_CONTROLS]

    # -- lifecycle ----------------------------------------------------------------------

    def on_mount(self) -> None:
        self.switch_mode(self.start_mode)
        self.load_meta()
        self._poll()

    def on_unmount(self) -> None:
        self._stop.set()

    def close_stores(self) -> None:
        """Close the three connections (after the app has exited)."""
        self._stop.set()
        for store in (self.store, self.reader, self.aux):
            store.close()

    # -- workers ------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="meta", exit_on_error=False)
    def load_meta(self) -> None:
        meta = load_meta(self.reader)
        self.call_from_thread(setattr, self, "meta", meta)

    @work(thread=True, exclusive=True, group="poll", exit_on_error=False)
    def _poll(self) -> None:
        """Post DataChanged when another process commits. PRAGMA data_version costs
        microseconds, so polling twice a second is cheaper than watching files. It is read
        on the write connection, whose own commits do not change it: changes made here are
        shown by the screen that made them, and not reloaded a second time. A server that
        announces its commits (change_watch "notify") is listened to instead."""
        if self.store.capabilities.change_watch == "notify":
            self._listen()
            return
        last = self._version()
        while not self._stop.wait(self.poll_interval):
            try:
                version = self._version()
            except StoreError:
                continue  # a busy or closing database: try again at the next tick
            if version != last:
                last = version
                self.post_message(self.DataChanged())

    def _listen(self) -> None:
        # The store drops its own connection's notifications, like data_version above; the
        # short wait only bounds how long closing the app waits for this thread.
        while not self._stop.is_set():
            try:
                changed = self.store.wait_changes(0.2)
            except StoreError:
                if self._stop.wait(self.poll_interval):
                    return
                continue
            if changed and not self._stop.is_set():
                self.post_message(self.DataChanged())

    def _version(self) -> int:
        with self._write_lock:  # the write connection is one thread's at a time
            return self.store.changes()

    def write(self, fn: Callable[..., R], *args: Any, **kwargs: Any) -> R:
        """Run a service on the write connection, one at a time. Worker threads only."""
        with self._write_lock:
            return fn(self.store, *args, **kwargs)

    def change(self, fn: Callable[..., Any], *args: Any, then: Callable[[Any], None] | None = None,
               **kwargs: Any) -> None:  # fmt: skip
        """Apply a change through a service in a worker; then notify and refresh."""
        self._change(fn, args, kwargs, then)

    @work(thread=True, group="write", exit_on_error=False)
    def _change(self, fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any],
                then: Callable[[Any], None] | None) -> None:  # fmt: skip
        result = self.write(fn, *args, **kwargs)
        self.call_from_thread(self._changed, result, then)

    def _changed(self, result: Any, then: Callable[[Any], None] | None) -> None:
        self.notify(describe(result), markup=False)
        self.mark_stale(keep_current=True)
        self.load_meta()
        if then is not None:
            then(result)

    def action_undo(self) -> None:
        self._undo()

    @work(thread=True, group="write", exit_on_error=False)
    def _undo(self) -> None:
        from pipeline_tui.services.journal import undo

        result = self.write(undo)
        self.call_from_thread(self._undone, result.summary, result.changes)

    def _undone(self, summary: str, changes: int) -> None:
        self.notify(f"Undid: {summary} ({changes} row changes)", markup=False)
        self.refresh_data()

    # -- refreshing ---------------------------------------------------------------------

    def mark_stale(self, keep_current: bool = False) -> None:
        """Every mode screen reloads when next shown (the current one too, unless kept)."""
        for mode in MODE_NAMES:
            if self.is_mode_loaded(mode):
                screen = self.get_screen_for_mode(mode)
                if not (keep_current and screen is self.screen):
                    screen.stale = True

    def refresh_data(self) -> None:
        """Reload what is on screen now, and the rest when it is next shown."""
        self.mark_stale()
        self.load_meta()
        screen = self.screen
        if isinstance(screen, PipelineScreen):
            screen.stale = False
            screen.reload()
        else:  # a modal is open: reload the mode screen beneath it
            current = self.get_screen_for_mode(self.current_mode)
            current.stale = False
            current.reload()

    def on_pipeline_app_data_changed(self, _message: DataChanged) -> None:
        self.refresh_data()

    def watch_owner(self, owner: str | None) -> None:
        self.notify(f"Owner: {owner or 'everyone'}", markup=False, timeout=2)
        self.refresh_data()

    def cycle_owner(self) -> None:
        """Everyone, then each owner in turn."""
        choices: list[str | None] = [None, *self.meta.owners]
        index = choices.index(self.owner) if self.owner in choices else 0
        self.owner = choices[(index + 1) % len(choices)]

    def is_mode_loaded(self, mode: str) -> bool:
        return mode in self._screen_stacks and bool(self._screen_stacks[mode])

    def get_screen_for_mode(self, mode: str) -> PipelineScreen:
        screen = self._screen_stacks[mode][0]
        assert isinstance(screen, PipelineScreen)
        return screen

    # -- errors -------------------------------------------------------------------------

    def report_error(self, error: BaseException) -> None:
        """One place where failures become notifications, never crashes."""
        if isinstance(error, Busy):
            self.notify("The database is busy (another program is writing); try again.",
                        severity="warning", markup=False)  # fmt: skip
        elif isinstance(error, PipelineError):
            self.notify(str(error), severity="warning", markup=False)
        else:
            self.notify(f"{type(error).__name__}: {error}", severity="error", markup=False)
        if not isinstance(error, PipelineError):
            self.log.error(error)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            self.report_error(event.worker.error)

    # -- other actions ------------------------------------------------------------------

    def action_help(self) -> None:
        from pipeline_tui.tui.screens.help import HelpScreen

        self.push_screen(HelpScreen(binding_sections()))

    def action_new_lead(self) -> None:
        from pipeline_tui.tui.screens.leads import LeadsScreen

        screen = self.screen
        if isinstance(screen, LeadsScreen):  # it shows the new lead once it is added
            screen.action_new_lead()
            return
        from pipeline_tui.services.leads import add_lead
        from pipeline_tui.tui.screens.forms import LeadForm

        def done(values: dict[str, Any] | None) -> None:
            if values is not None:
                self.change(add_lead, values.pop("name"), **values)

        self.push_screen(LeadForm(self.meta.owner, self.meta.owners), done)

    def screen_action(self, name: str) -> None:
        """Run a deal action of the current mode screen (from the command palette)."""
        screen = self.screen
        method = getattr(screen, f"action_{name}", None)
        if method is None:
            self.notify("Not available on this screen.", severity="warning")
        else:
            method()

    async def show_contact(self, kind: str, record: int) -> None:
        """Open a company ("companies") or a person ("people") in the contacts mode."""
        from pipeline_tui.tui.screens.contacts import ContactsScreen

        await self.switch_mode("contacts")
        screen = self.screen
        if isinstance(screen, ContactsScreen):
            screen.open_record(kind, record)

    async def jump_to_deal(self, deal_id: int) -> None:
        """Show a deal in the deals table, whatever the filters."""
        await self.switch_mode("deals")
        screen = self.screen
        if isinstance(screen, DealsScreen):
            screen.show_deal(deal_id)

    async def jump_to_lead(self, lead_id: int) -> None:
        """Show a lead in the leads mode, whatever the filters."""
        from pipeline_tui.tui.screens.leads import LeadsScreen

        await self.switch_mode("leads")
        screen = self.screen
        if isinstance(screen, LeadsScreen):
            screen.show_lead(lead_id)


def describe(result: Any) -> str:
    """A one-line confirmation of what a service did (user text kept literal by callers)."""
    if isinstance(result, Deal):
        state = result.stage if result.status == "open" else result.status
        return f"{result.title}: {state}"
    if isinstance(result, Activity):
        verb = "logged" if result.done_at else f"planned for {result.due_at}"
        return f"{result.kind.capitalize()} {verb}: {result.subject}"
    if isinstance(result, Lead):
        verb = "disqualified" if result.status == "disqualified" else "added"
        return f"Lead {verb}: {result.name}"
    line = getattr(result, "confirmation", None)  # e.g. screens/leads.py: Qualified
    if isinstance(line, str):
        return line
    return "Done."


def binding_sections() -> list[tuple[str, list[BindingType]]]:
    """Every binding of the app, by where it works: the help screen lists these."""
    from pipeline_tui.tui.screens.contacts import ContactsScreen
    from pipeline_tui.tui.screens.forms import FormScreen
    from pipeline_tui.tui.screens.kpi import KpiScreen
    from pipeline_tui.tui.screens.leads import LeadsScreen
    from pipeline_tui.tui.screens.today import TodayScreen
    from pipeline_tui.tui.widgets.activity_list import ActivityList
    from pipeline_tui.tui.widgets.contact_table import ContactTable
    from pipeline_tui.tui.widgets.deal_table import DealTable
    from pipeline_tui.tui.widgets.lead_table import LeadTable
    from pipeline_tui.tui.widgets.today_table import TodayTable

    return [
        ("Everywhere", [*PipelineApp.BINDINGS, Binding("ctrl+p", "", "Command palette")]),
        ("Deals", [*DealsScreen.BINDINGS, *DealTable.BINDINGS]),
        ("Board", list(BoardScreen.BINDINGS)),
        ("KPIs", list(KpiScreen.BINDINGS)),
        ("Leads", [*LeadsScreen.BINDINGS, *LeadTable.BINDINGS]),
        ("Contacts", [*ContactsScreen.BINDINGS, *ContactTable.BINDINGS]),
        ("Today", [*TodayScreen.BINDINGS, *TodayTable.BINDINGS]),
        ("Deal detail activities (tab to them)", list(ActivityList.BINDINGS)),
        ("Forms", list(FormScreen.BINDINGS)),
    ]
