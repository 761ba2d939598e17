"""The SQLite store as store/api.py describes it: query families bound to one connection.

Each family is a thin object whose methods are the query functions of one module here,
bound to the store's connection and wrapped so that SQLite's exceptions leave as the
store's own error types. The functions stay plain (``fn(store, ...)``) so that they call
each other freely and can be tested on their own.
"""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, TypeVar, cast

from pipeline_tui.store.api import (
    ActivityReads,
    Capabilities,
    DealPages,
    DealReads,
    Directory,
    ExportReads,
    ImportPlan,
    ImportReads,
    ImportSession,
    JournalReads,
    KpiReads,
    LeadReads,
    ReportReads,
    ReviewReads,
    SettingReads,
    StageReads,
    TargetReads,
)
from pipeline_tui.store.sqlite import (
    activities,
    asof,
    deals,
    exports,
    import_records,
    journal,
    kpis,
    leads,
    lookup,
    paging,
    reports,
    review,
    settings,
    signals,
    targets,
)
from pipeline_tui.store.sqlite import stages as stage_sql
from pipeline_tui.store.sqlite.core import Database, Params, Tx
from pipeline_tui.store.sqlite.errors import translated
from pipeline_tui.store.sqlite.import_session import open_import_session

F = TypeVar("F", bound=Callable[..., Any])


def guarded(fn: F) -> F:
    """``fn`` with SQLite's exceptions turned into StoreError (see store/sqlite/errors.py)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with translated():
            return fn(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


class SqliteTx(Tx):
    """The write transaction, with the writes that go beyond one journalled row."""

    ensure_owner = guarded(lookup.ensure_owner)
    ensure_company = guarded(lookup.ensure_company)
    ensure_contact = guarded(lookup.ensure_contact)
    put_setting = guarded(settings.put_setting)
    put_target = guarded(targets.put_target)
    add_snapshot = guarded(targets.add_snapshot)
    revert_command = guarded(journal.revert_command)


class _Family:
    """A query family: reads through the store it belongs to."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def one(self, sql: str, params: Params = ()) -> sqlite3.Row | None:
        return self._db.one(sql, params)

    def all(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        return self._db.all(sql, params)

    def scalar(self, sql: str, params: Params = ()) -> Any:
        return self._db.scalar(sql, params)

    def cursor(self) -> sqlite3.Cursor:
        return self._db.cursor()


class _Deals(_Family):
    get_deal = guarded(deals.get_deal)
    list_deals = guarded(deals.list_deals)
    count_deals = guarded(deals.count_deals)
    deal_count = guarded(deals.deal_count)
    stage_history = guarded(deals.stage_history)
    deals_missing_or_due_next_step = guarded(deals.deals_missing_or_due_next_step)
    next_step_section = guarded(deals.next_step_section)
    open_deal_signals = guarded(signals.open_deal_signals)


class _Leads(_Family):
    get_lead = guarded(leads.get_lead)
    list_leads = guarded(leads.list_leads)


class _Activities(_Family):
    get_activity = guarded(activities.get_activity)
    for_deal = guarded(activities.for_deal)
    for_lead = guarded(activities.for_lead)
    list_activities = guarded(activities.list_activities)
    planned_section = guarded(activities.planned_section)


class _Stages(_Family):
    pipelines = guarded(stage_sql.pipelines)
    pipeline_by_name = guarded(stage_sql.pipeline_by_name)
    stages = guarded(stage_sql.stages)
    stage_by_id = guarded(stage_sql.stage_by_id)
    find_stage = guarded(stage_sql.find_stage)
    open_deal_ids = guarded(stage_sql.open_deal_ids)
    open_sums = guarded(stage_sql.open_sums)
    stage_names = guarded(stage_sql.stage_names)


class _Directory(_Family):
    owner_id = guarded(lookup.owner_id)
    owner_names = guarded(lookup.owner_names)
    owners = guarded(lookup.owners)
    canonical_owner = guarded(lookup.canonical_owner)
    owner_names_by_id = guarded(lookup.owner_names_by_id)


class _Settings(_Family):
    get_setting = guarded(settings.get_setting)
    all_settings = guarded(settings.all_settings)
    currencies_in_use = guarded(settings.currencies_in_use)


class _Targets(_Family):
    all_targets = guarded(targets.all_targets)
    find_target = guarded(targets.find_target)
    snapshots = guarded(targets.snapshots)


class _Journal(_Family):
    recent_events = guarded(journal.recent_events)
    last_undoable = guarded(journal.last_undoable)
    restored_at = guarded(journal.restored_at)
    value_before_close = guarded(journal.value_before_close)


class _Pages(_Family):
    count = guarded(paging.count)
    page_after = guarded(paging.page_after)
    page_at = guarded(paging.page_at)
    position_of = guarded(paging.position_of)
    ordered_ids = guarded(paging.ordered_ids)
    rows_by_ids = guarded(paging.rows_by_ids)
    board_keys = guarded(paging.board_keys)
    board_key = guarded(paging.board_key)
    stage_totals = guarded(paging.stage_totals)
    owner_names = guarded(paging.owner_names)
    deal_titles = guarded(paging.deal_titles)


class _Reports(_Family):
    tune_for_reports = guarded(asof.tune_for_reports)
    replay = guarded(asof.replay)
    open_by_period = guarded(reports.open_by_period)
    open_undated = guarded(reports.open_undated)
    won_by_period = guarded(reports.won_by_period)
    names = guarded(reports.names)
    active_stage_ids = guarded(reports.active_stage_ids)


class _Kpis(_Family):
    closed = guarded(kpis.closed)
    open_deals = guarded(kpis.open_deals)
    not_stalled = guarded(kpis.not_stalled)
    response_hours = guarded(kpis.response_hours)
    activities = guarded(kpis.activities)
    conversion = guarded(kpis.conversion)
    lost_reasons = guarded(kpis.lost_reasons)
    stage_order = guarded(kpis.stage_order)


class _Review(_Family):
    new_deals = guarded(review.new_deals)
    stage_moves = guarded(review.stage_moves)
    close_date_changes = guarded(review.close_date_changes)
    pushes = guarded(review.pushes)
    deals_by_id = guarded(review.deals_by_id)
    closed_deals = guarded(review.closed_deals)
    open_deals = guarded(review.open_deals)
    stalled_deals = guarded(review.stalled_deals)
    overdue_activities = guarded(review.overdue_activities)
    signals = guarded(review.signals)


class _Exports(_Family):
    export_rows = guarded(exports.export_rows)
    database_key = guarded(import_records.database_key)


class _Imports(_Family):
    list_imports = guarded(import_records.list_imports)
    get_import = guarded(import_records.get_import)


class SqliteStore(Database):
    """A pipeline database in one SQLite file (see store/api.py for the promises)."""

    capabilities = Capabilities(file_backup=True, file_checks=True, change_watch="data_version")

    def __init__(
        self, path: str | Path, *, actor: str | None = None, argv: list[str] | None = None
    ) -> None:
        super().__init__(path, actor=actor, argv=argv)
        self._deals = _Deals(self)
        self._leads = _Leads(self)
        self._activities = _Activities(self)
        self._stages = _Stages(self)
        self._directory = _Directory(self)
        self._settings = _Settings(self)
        self._targets = _Targets(self)
        self._journal = _Journal(self)
        self._pages = _Pages(self)
        self._reports = _Reports(self)
        self._kpis = _Kpis(self)
        self._review = _Review(self)
        self._exports = _Exports(self)
        self._imports = _Imports(self)

    def make_tx(self, summary: str, kind: str) -> Tx:
        return SqliteTx(self, summary, kind)

    def tx(self, summary: str, *, kind: str = "change") -> AbstractContextManager[SqliteTx]:
        # Database.tx makes every transaction through make_tx, so each one is a SqliteTx.
        return cast(AbstractContextManager[SqliteTx], super().tx(summary, kind=kind))

    @property
    def location(self) -> str:
        return str(self.path)

    @property
    def deals(self) -> DealReads:
        return self._deals

    @property
    def leads(self) -> LeadReads:
        return self._leads

    @property
    def activities(self) -> ActivityReads:
        return self._activities

    @property
    def stages(self) -> StageReads:
        return self._stages

    @property
    def directory(self) -> Directory:
        return self._directory

    @property
    def settings(self) -> SettingReads:
        return self._settings

    @property
    def targets(self) -> TargetReads:
        return self._targets

    @property
    def journal(self) -> JournalReads:
        return self._journal

    @property
    def pages(self) -> DealPages:
        return self._pages

    @property
    def reports(self) -> ReportReads:
        return self._reports

    @property
    def kpis(self) -> KpiReads:
        return self._kpis

    @property
    def review(self) -> ReviewReads:
        return self._review

    @property
    def exports(self) -> ExportReads:
        return self._exports

    @property
    def imports(self) -> ImportReads:
        return self._imports

    def import_session(
        self,
        summary: str,
        *,
        plan: ImportPlan | None = None,
        dry_run: bool = False,
        kind: str = "change",
    ) -> AbstractContextManager[ImportSession]:
        return open_import_session(self, summary, plan=plan, dry_run=dry_run, kind=kind)

    def changes(self) -> int:
        with translated():
            return self.data_version()
