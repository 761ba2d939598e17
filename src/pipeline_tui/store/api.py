"""The store's interface: what services and both faces may ask of any database backend.

Services and faces import from here and from ``models``, never from a backend folder.
A backend (today ``store/sqlite/``) implements these protocols; ``open_store`` picks one
from the target the user named. The query families are grouped as attributes of the store
(``store.deals.get_deal(7)``), writes go through one ``WriteTx`` per user command, and a
backend states what it cannot offer the same way in ``Capabilities``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from pipeline_tui.models.errors import PipelineError

if TYPE_CHECKING:  # the models load on first use (see models/__init__.py)
    from pipeline_tui.models import Activity, Deal, Event, Lead, Pipeline, Stage, StageChange
    from pipeline_tui.models.contacts import (
        Company,
        DealPerson,
        Note,
        Person,
        SearchHit,
        TimelineItem,
    )
    from pipeline_tui.models.target import Target
    from pipeline_tui.store.import_plan import SPOOL_COLUMNS, ImportPlan, ImportRecord, StageMapRow
    from pipeline_tui.store.page_records import DealQuery, DealRow, RecordQuery, StageTotals
    from pipeline_tui.store.records import (
        DEAL_SORTS,
        LIVE,
        MIN_CYCLE_DAYS,
        NONE_PLANNED,
        UNDATED,
        ActivityFilter,
        DealFilter,
        DealSignals,
        Source,
    )
    from pipeline_tui.store.report_records import Check, KpiScope, OpenSum, Scope, WonSum

__all__ = [
    "DEAL_SORTS",
    "LIVE",
    "MIN_CYCLE_DAYS",
    "NONE_PLANNED",
    "SPOOL_COLUMNS",
    "UNDATED",
    "ActivityFilter",
    "Busy",
    "Capabilities",
    "Check",
    "Conflict",
    "Corrupt",
    "DealFilter",
    "DealQuery",
    "DealRow",
    "DealSignals",
    "ImportPlan",
    "ImportReads",
    "ImportRecord",
    "ImportSession",
    "KpiScope",
    "OpenSum",
    "RecordQuery",
    "SchemaTooNew",
    "Scope",
    "Source",
    "SpoolWriter",
    "StageMapRow",
    "StageTotals",
    "Store",
    "StoreError",
    "WonSum",
    "WriteTx",
    "maintenance",
    "open_spool",
    "open_store",
]


# The records (store/records.py, page_records.py, report_records.py, import_plan.py) load on
# first use: defining their dataclasses costs about 10 ms, which a command that never names
# one should not pay.
_RECORDS = {
    "DEAL_SORTS": "records",
    "LIVE": "records",
    "MIN_CYCLE_DAYS": "records",
    "NONE_PLANNED": "records",
    "SPOOL_COLUMNS": "import_plan",
    "UNDATED": "records",
    "ActivityFilter": "records",
    "Check": "report_records",
    "DealFilter": "records",
    "DealQuery": "page_records",
    "DealRow": "page_records",
    "DealSignals": "records",
    "ImportPlan": "import_plan",
    "ImportRecord": "import_plan",
    "KpiScope": "report_records",
    "OpenSum": "report_records",
    "RecordQuery": "page_records",
    "Scope": "report_records",
    "Source": "records",
    "StageMapRow": "import_plan",
    "StageTotals": "page_records",
    "WonSum": "report_records",
}


def __getattr__(name: str) -> Any:
    if name in _RECORDS:
        from importlib import import_module

        return getattr(import_module(f"pipeline_tui.store.{_RECORDS[name]}"), name)
    raise AttributeError(name)


# -- errors --------------------------------------------------------------------------------


class StoreError(PipelineError):
    """The database failed in a way the user can act on; the message says how."""


class Busy(StoreError):
    """Another writer held the database for longer than the busy timeout."""


class Conflict(StoreError):
    """A write broke a rule the database enforces (a unique key, a reference)."""


class Corrupt(StoreError):
    """The database file is damaged or is not a pipeline database."""


class SchemaTooNew(StoreError):
    """The database was written by a newer pipeline-tui."""


@dataclass(frozen=True)
class Capabilities:
    """What a backend offers; the faces ask before offering a command that needs it."""

    file_backup: bool  # backup/restore copy one file (`pipeline backup` and `restore`)
    file_checks: bool  # doctor can check file permissions, the WAL and page integrity
    change_watch: str  # how others' commits are noticed: "data_version" or "notify"


# -- writes --------------------------------------------------------------------------------


class WriteTx(Protocol):
    """One user command's writes: every row change is journalled with before/after values."""

    now: str
    summary: str

    @property
    def command_id(self) -> int: ...
    def row(self, table: str, row_id: int) -> dict[str, Any]: ...
    def insert(self, table: str, values: dict[str, Any], *, journal: bool = True) -> int: ...
    def update(
        self, table: str, row_id: int, changes: dict[str, Any], *, stamp: bool = True
    ) -> dict[str, Any]: ...
    def delete(self, table: str, row_id: int) -> dict[str, Any]: ...
    def ensure_owner(self, name: str) -> int: ...
    def ensure_company(self, name: str) -> int: ...
    def ensure_contact(
        self, text: str, company_id: int | None, phone: str | None = None
    ) -> int: ...
    def put_setting(self, key: str, value: str) -> str | None: ...
    def put_target(
        self, owner_id: int | None, period: str, amount_minor: int, currency: str
    ) -> int: ...
    def add_snapshot(self, taken_at: str, note: str | None, payload: str) -> int: ...
    def revert_command(self, command_id: int) -> int: ...


# -- reads, one family each ----------------------------------------------------------------


class DealReads(Protocol):
    def get_deal(self, deal_id: int) -> Deal: ...
    def list_deals(self, f: DealFilter, src: Source = ...) -> list[Deal]: ...
    def count_deals(self, f: DealFilter, src: Source = ...) -> int: ...
    def deal_count(self) -> int: ...
    def stage_history(self, deal_id: int) -> list[StageChange]: ...
    def deals_missing_or_due_next_step(self, day: str) -> list[Deal]: ...
    def next_step_section(
        self, kind: str, day: str, owner_key: str | None, limit: int
    ) -> tuple[list[Deal], int]: ...
    def open_deal_signals(self, deal_ids: list[int] | None = None) -> list[DealSignals]: ...
    def deal_links(self, deal_id: int) -> dict[str, list[int]]:
        """Ids of the rows deleted with the deal: activities, stage_changes, and of those the
        moves (every stage change but the entry into the first stage)."""
        ...


class LeadReads(Protocol):
    def get_lead(self, lead_id: int) -> Lead: ...
    def list_leads(
        self,
        status: str | tuple[str, ...] | None,
        owner: str | None,
        search: str | None,
        limit: int | None,
    ) -> list[Lead]: ...
    def lead_links(self, lead_id: int) -> dict[str, list[int]]:
        """Ids of the lead's activities and of the deals qualified from it, by table."""
        ...

    def lead_with_email(self, email: str, other_than: int | None = None) -> Lead | None:
        """The oldest lead with this email, compared trimmed and in any case."""
        ...


class ActivityReads(Protocol):
    def get_activity(self, activity_id: int) -> Activity: ...
    def for_deal(self, deal_id: int) -> list[Activity]: ...
    def for_lead(self, lead_id: int) -> list[Activity]: ...
    def planned_section(
        self, start: str | None, end: str, owner_key: str | None, limit: int
    ) -> tuple[list[Activity], int]: ...
    def list_activities(self, f: ActivityFilter) -> list[Activity]: ...
    def next_for_deal(self, deal_id: int) -> Activity | None:
        """The deal's next step: its earliest planned activity neither done nor cancelled."""

    def open_count(self, deal_id: int) -> int: ...


class StageReads(Protocol):
    def pipelines(self) -> list[Pipeline]: ...
    def pipeline_by_name(self, name: str | None) -> Pipeline: ...
    def stages(self, pipeline_id: int) -> list[Stage]: ...
    def stage_by_id(self, stage_id: int) -> Stage: ...
    def find_stage(self, pipeline_id: int, name: str) -> Stage | None: ...
    def open_deal_ids(self, stage_id: int) -> list[int]: ...
    def open_sums(self, stage_id: int, probability: int) -> list[tuple[str, int, int, float]]: ...
    def stage_names(self) -> dict[int, str]: ...


class Directory(Protocol):
    """Owners by name; the companies and contacts deals and leads point at."""

    def owner_id(self, name: str) -> int: ...
    def owner_names(self) -> list[str]: ...
    def owners(self) -> list[dict[str, object]]: ...
    def canonical_owner(self, name: str) -> str | None: ...
    def owner_names_by_id(self) -> dict[int, str]: ...
    def owner_teams(self) -> dict[str, str | None]: ...  # owner name -> team (m006)
    def owner_holdings(self, owner: int) -> dict[str, tuple[str, list[int]]]:
        """Every row naming the owner, by kind ("open deals"...): kind -> (table, ids)."""
        ...


class CompanyReads(Protocol):
    def get_company(self, company_id: int) -> Company: ...
    def company_named(self, name: str) -> int | None: ...
    def list_companies(
        self, search: str | None, owner: str | None, limit: int | None
    ) -> list[dict[str, Any]]: ...
    def company_deals(self, company_id: int) -> list[Deal]: ...
    def references(self, company_id: int) -> dict[str, list[int]]: ...


class PersonReads(Protocol):
    def get_person(self, person_id: int) -> Person: ...
    def person_with_email(self, email: str) -> int | None: ...
    def people_named(self, name: str) -> list[int]: ...
    def list_people(
        self, search: str | None, company_id: int | None, owner: str | None, limit: int | None
    ) -> list[Person]: ...
    def deal_people(self, deal_ids: list[int]) -> list[DealPerson]: ...
    def roles_of(self, person_id: int) -> list[DealPerson]: ...
    def deals_by_ids(self, deal_ids: list[int]) -> list[Deal]: ...
    def role_on(self, deal_id: int, person_id: int) -> tuple[int, str] | None: ...
    def references(self, person_id: int) -> dict[str, list[int]]: ...


class NoteReads(Protocol):
    def get_note(self, note_id: int) -> Note: ...
    def for_deal(self, deal_id: int) -> list[Note]: ...
    def timeline(self, kind: str, record_id: int, limit: int) -> list[TimelineItem]: ...


class SearchReads(Protocol):
    """Full-text search: case-insensitive, any part of a word or an email."""

    def search(self, text: str, limit: int) -> list[SearchHit]: ...


class SettingReads(Protocol):
    def get_setting(self, key: str) -> str | None: ...
    def all_settings(self) -> dict[str, str]: ...
    def currencies_in_use(self) -> set[str]: ...


class TargetReads(Protocol):
    def all_targets(self) -> list[Target]: ...
    def find_target(self, owner_id: int | None, period: str, currency: str) -> Target | None: ...
    def snapshots(self, before: str | None = None) -> list[dict[str, Any]]: ...


class JournalReads(Protocol):
    def recent_events(self, limit: int, user: str | None = None) -> list[Event]: ...
    def last_undoable(self, login: str | None = None) -> dict[str, Any] | None: ...
    def command(self, command_id: int) -> dict[str, Any] | None: ...
    def restored_at(self) -> str | None: ...
    def value_before_close(self, deal_id: int, key: str) -> Any: ...


class DealPages(Protocol):
    """Keyset-paged deal rows and per-stage totals for the TUI's table and board."""

    def count(self, q: DealQuery) -> int: ...
    def page_after(
        self,
        q: DealQuery,
        after: tuple[Any, int] | None,
        limit: int,
        *,
        backwards: bool = False,
    ) -> list[DealRow]: ...
    def page_at(self, q: DealQuery, offset: int, limit: int) -> list[DealRow]: ...
    def position_of(self, q: DealQuery, deal_id: int) -> int | None: ...
    def ordered_ids(self, q: DealQuery) -> list[int]: ...
    def rows_by_ids(self, ids: list[int]) -> list[DealRow]: ...
    def board_keys(self, q: DealQuery, today: str) -> dict[int, list[tuple[int, str, int]]]: ...
    def board_heads(
        self, q: DealQuery, today: str, limits: dict[int, int]
    ) -> dict[int, list[tuple[int, str, int]]]: ...
    def board_key(self, deal_id: int, today: str) -> tuple[int, tuple[int, str, int]] | None: ...
    def stage_totals(self, q: DealQuery) -> dict[int, StageTotals]: ...
    def owner_names(self) -> list[str]: ...
    def deal_titles(self, pattern: str, limit: int) -> list[tuple[int, str, str | None, str]]: ...
    # The leads, contacts and Today lists (RecordQuery says which), paged the same way.
    def record_count(self, q: RecordQuery) -> int: ...
    def record_page(
        self, q: RecordQuery, offset: int, limit: int, after: int | None = None
    ) -> list[Any]:
        """Rows from ``offset``; ``after`` (the id just above) makes it a keyset page."""
        ...

    def record_position(self, q: RecordQuery, record_id: int) -> int | None: ...


class ReportReads(Protocol):
    """Forecast sums, and the ``--as-of`` replay every report can read from."""

    def tune_for_reports(self) -> None: ...
    def replay(self, cut: str) -> Source: ...
    def open_by_period(
        self, src: Source, kind: str, start: date, end: date, by: str | None, scope: Scope
    ) -> list[OpenSum]: ...
    def open_undated(
        self, src: Source, day: date, start: date, end: date, by: str | None, scope: Scope
    ) -> list[OpenSum]: ...
    def won_by_period(
        self, src: Source, kind: str, start: date, end: date, by: str | None, scope: Scope
    ) -> list[WonSum]: ...
    def first_known(self, scope: Scope) -> str | None: ...
    def closed_undated(self, src: Source, scope: Scope) -> dict[str, int]: ...
    def unknown_history(self, src: Source, start: date, end: date, scope: Scope) -> int: ...
    def names(self, by: str | None) -> dict[Any, tuple[str, tuple[Any, ...]]]: ...
    def active_stage_ids(self, pipeline_id: int | None) -> list[int]: ...


class KpiReads(Protocol):
    def closed(self, src: Source, k: KpiScope) -> list[tuple[Any, ...]]: ...
    def open_deals(self, src: Source, k: KpiScope) -> list[tuple[Any, ...]]: ...
    def not_stalled(self, src: Source, k: KpiScope) -> dict[Any, int]: ...
    def response_hours(self, src: Source, k: KpiScope) -> dict[Any, tuple[float, int]]: ...
    def activities(self, src: Source, k: KpiScope) -> list[tuple[Any, str, int]]: ...
    def conversion(self, src: Source, k: KpiScope) -> list[tuple[Any, int, int, int]]: ...
    def unknown_history(self, src: Source, k: KpiScope) -> dict[Any, int]: ...
    def lost_reasons(self, src: Source, k: KpiScope) -> list[tuple[Any, str, int]]: ...
    def stage_order(self, src: Source) -> list[tuple[int, str, str, bool]]: ...


class ReviewReads(Protocol):
    """Each section: at most ``limit`` lines, ranked in SQL, and how many there are in all."""

    def new_deals(
        self, src: Source, start: str, end: str, owner_id: int | None, limit: int
    ) -> tuple[list[dict[str, Any]], int]: ...
    def stage_moves(
        self, src: Source, start: str, end: str, owner_id: int | None, limit: int
    ) -> tuple[list[dict[str, Any]], dict[bool, int]]: ...
    def close_date_changes(self, src: Source, start: str, end: str) -> list[dict[str, Any]]: ...
    def pushes(self, src: Source, deal_ids: list[int]) -> dict[int, int]: ...
    def deals_by_id(self, src: Source, deal_ids: list[int]) -> dict[int, dict[str, Any]]: ...
    def closed_deals(
        self, src: Source, start: str, end: str, owner_id: int | None, limit: int
    ) -> tuple[list[dict[str, Any]], dict[str, int]]: ...
    def open_deals(self, src: Source, owner_id: int | None) -> dict[int, dict[str, Any]]: ...
    def stalled_deals(
        self, src: Source, day: str, owner_id: int | None, limit: int
    ) -> tuple[dict[int, dict[str, Any]], int]: ...
    def overdue_activities(
        self, src: Source, day: str, owner_id: int | None, limit: int
    ) -> tuple[list[dict[str, Any]], int]: ...
    def signals(self, src: Source, deal_ids: list[int] | None = None) -> list[DealSignals]: ...


class ExportReads(Protocol):
    def export_rows(
        self, entity: str, db_key: str
    ) -> tuple[list[str], Iterator[tuple[Any, ...]]]: ...
    def database_key(self) -> str: ...


# -- the import session --------------------------------------------------------------------


class SpoolWriter(Protocol):
    """One import worker's file of parsed rows, written once and read by the session."""

    width: int  # columns per row: (line, err), SPOOL_COLUMNS[entity], then the custom ones

    def write(self, rows: Iterable[tuple[Any, ...]]) -> None: ...
    def finish(self, names: Iterable[tuple[str, str, str]]) -> None: ...
    def counts(self) -> tuple[int, int]: ...
    def close(self) -> None: ...


def open_spool(path: str, entity: str, n_custom: int) -> SpoolWriter:
    """A new spool file at ``path``; import workers open it in their own process, storeless."""
    from pipeline_tui.store.sqlite.spool import Spool

    return Spool(path, entity, n_custom)


class ImportReads(Protocol):
    def list_imports(self, limit: int | None = None) -> list[ImportRecord]: ...
    def get_import(self, import_id: int) -> ImportRecord: ...
    def owners_index(self) -> list[dict[str, Any]]: ...  # id, name, name_key, email, external_id
    def deals_by_external_ids(self, ids: list[str]) -> dict[str, dict[str, Any]]: ...
    def history_row_ids(self, deal_ids: list[int]) -> dict[str, list[int]]:
        """The ids of these deals' stage_changes and deal_history rows, by table."""
        ...


class ImportSession(Protocol):
    """One import (or the undo of one) as one command: the service decides, this does it.

    ``Store.import_session`` opens it over the plan's spool files and leaves nothing behind:
    it commits when the block ends (a dry run rolls back), rolls back on any error.
    """

    def check(self) -> None:
        """Reject, in file order, rows repeating an earlier key or naming unknown records."""
        ...

    def count_rejected(self) -> int: ...  # rows rejected here; the workers count their own
    def rejects(self) -> list[tuple[int, str]]: ...  # (line, reason), the workers' too
    def count_new(self) -> int: ...  # rows that would be created
    def propose(self) -> tuple[int, int]: ...  # (rows matching a record, of them changed)
    def new_names(self) -> dict[str, int]: ...  # companies and owners the import creates
    def preview(self, limit: int) -> list[dict[str, Any]]: ...  # rows as they would be stored
    def begin_import(self, source: str, options: dict[str, Any]) -> int: ...  # the import id
    def create_stages(
        self, stages: list[tuple[int, str, int, int | None]]
    ) -> dict[tuple[int, str], int]:
        """Add (pipeline id, name, probability, before stage id or None for the end) stages;
        return their ids by (pipeline, key)."""
        ...

    def findings(self, examples: int) -> dict[str, tuple[int, list[int]]]:
        """What the file says that deserves a word: name -> (rows, first lines)."""
        ...

    def map_stages(self, rows: list[StageMapRow]) -> None: ...
    def write(self) -> tuple[int, int, int]:
        """Write every checked row: (rows created, rows matched, matched rows changed)."""
        ...

    def finish_import(self, counts: dict[str, int], extras: dict[str, int]) -> None: ...

    # After write() of companies: records imported earlier now linked to them, by kind.
    linked: dict[str, int]

    def undo(self, import_id: int) -> int:
        """Revert a whole import and mark its command undone; return how many rows changed."""
        ...


# -- the store -----------------------------------------------------------------------------


class Store(Protocol):
    """One open database: its query families, its write transactions and what it offers."""

    actor: str | None
    capabilities: Capabilities
    login: str | None  # the server's session_user on a shared database; None for a file

    @property
    def location(self) -> str: ...
    @property
    def deals(self) -> DealReads: ...
    @property
    def leads(self) -> LeadReads: ...
    @property
    def activities(self) -> ActivityReads: ...
    @property
    def stages(self) -> StageReads: ...
    @property
    def directory(self) -> Directory: ...
    @property
    def companies(self) -> CompanyReads: ...
    @property
    def people(self) -> PersonReads: ...
    @property
    def notes(self) -> NoteReads: ...
    @property
    def search(self) -> SearchReads: ...
    @property
    def settings(self) -> SettingReads: ...
    @property
    def targets(self) -> TargetReads: ...
    @property
    def journal(self) -> JournalReads: ...
    @property
    def pages(self) -> DealPages: ...
    @property
    def reports(self) -> ReportReads: ...
    @property
    def kpis(self) -> KpiReads: ...
    @property
    def review(self) -> ReviewReads: ...
    @property
    def exports(self) -> ExportReads: ...
    @property
    def imports(self) -> ImportReads: ...

    def tx(self, summary: str, *, kind: str = "change") -> AbstractContextManager[WriteTx]: ...
    def import_session(
        self,
        summary: str,
        *,
        plan: ImportPlan | None = None,
        dry_run: bool = False,
        kind: str = "change",
    ) -> AbstractContextManager[ImportSession]:
        """The import of ``plan`` (or, without one, an import's undo) as one command."""
        ...

    def changes(self) -> int:
        """A token that changes when another connection commits: live refresh polls it."""
        ...

    def wait_changes(self, timeout: float) -> list[int]:
        """With change_watch "notify": wait up to ``timeout`` s for other connections' commits
        and return their command ids (none: nothing committed). Polling backends return []."""
        ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class CopyCheck:
    """One table after `pipeline db copy`: rows, highest id and money sum at each end."""

    table: str
    rows: int
    max_id: int | None
    money: int | None  # the sum of the table's *_minor columns; None: it has none
    copied_rows: int
    copied_max_id: int | None
    copied_money: int | None

    @property
    def ok(self) -> bool:
        return (self.rows, self.max_id, self.money) == (
            self.copied_rows, self.copied_max_id, self.copied_money)  # fmt: skip


def shown(target: str | Path) -> str:
    """A database target as output may show it: a server's password masked."""
    from pipeline_tui.store.postgres.target import masked

    return masked(str(target))


def copy_database(
    source: str | Path, target: str | Path, *, force: bool = False
) -> list[CopyCheck]:
    """Every table of ``source`` into ``target`` (a file and a server, either way round),
    ids kept; refused when the target holds data, unless ``force``."""
    from pipeline_tui.store.postgres.target import is_server, masked

    if not (is_server(source) or is_server(target)):
        raise StoreError("db copy moves a pipeline between a file and a server: "
                         "to copy a file, use 'pipeline backup'")  # fmt: skip
    if not is_server(source) and not Path(source).is_file():
        raise StoreError(f"no database at {str(source)!r}")
    if str(source).strip() == str(target).strip():
        raise StoreError(f"cannot copy {masked(str(source))} onto itself")
    src = open_store(source)
    try:
        dst = open_store(target)
        try:
            from pipeline_tui.store.postgres.copy import copy_between

            return copy_between(src, dst, force=force)
        finally:
            dst.close()
    finally:
        src.close()


def add_team_member(
    target: str | Path, name: str, role: str, *, private: bool = False, login: str | None = None
) -> str:
    """Give ``name`` a login role on the server ``target`` with the row rules of ``role``
    (rep or manager); return the login. Refused for a file, which has one user."""
    from pipeline_tui.store.postgres.target import is_server

    if not is_server(target):
        raise StoreError("team members are PostgreSQL roles: use a server (--db postgresql://...)")
    store = open_store(target)
    try:
        from pipeline_tui.store.postgres.team import add_member, login_for

        who = login or login_for(name)
        return add_member(store, name, role, private=private, login=who)  # type: ignore[arg-type]
    finally:
        store.close()


class Maintenance(Protocol):
    """Backup, restore and doctor, on a database that need not be open."""

    def backup_to(self, target: Path, *, overwrite: bool = False) -> Path: ...
    def restore_from(self, source: Path, keep: Path) -> None: ...
    def diagnose(self) -> list[Check]: ...


def open_store(
    target: str | Path, *, actor: str | None = None, argv: list[str] | None = None
) -> Store:
    """Open the database the user named: a file path, a ``postgresql://`` URL or
    ``service=NAME`` (the server backend loads, with psycopg, only for those)."""
    from pipeline_tui.store.postgres.target import is_server

    if is_server(target):
        from pipeline_tui.store.postgres import open_pg

        return open_pg(str(target).strip(), actor=actor, argv=argv)
    from pipeline_tui.store.sqlite import SqliteStore

    return SqliteStore(Path(target), actor=actor, argv=argv)


def maintenance(target: str | Path) -> Maintenance:
    """Backup, restore and doctor for the database at ``target`` (a server's backups are
    SQLite files too: store/postgres/maintenance.py)."""
    from pipeline_tui.store.postgres.target import is_server

    if is_server(target):
        from pipeline_tui.store.postgres import open_pg

        open_pg(str(target).strip()).close()  # psycopg missing or no server: one line
        from pipeline_tui.store.postgres.maintenance import PgMaintenance

        return PgMaintenance(str(target).strip())
    from pipeline_tui.store.sqlite.maintenance import SqliteFile

    return SqliteFile(Path(target))
