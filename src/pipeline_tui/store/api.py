"""The store's interface: what services and both faces may ask of any database backend.

Services and faces import from here and from ``models``, never from a backend folder.
A backend (today ``store/sqlite/``) implements these protocols; ``open_store`` picks one
from the target the user named. The query families are grouped as attributes of the store
(``store.deals.get_deal(7)``), writes go through one ``WriteTx`` per user command, and a
backend states what it cannot offer the same way in ``Capabilities``.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from pipeline_tui.models.errors import PipelineError
from pipeline_tui.store.read_families import (
    ActivityReads,
    CompanyReads,
    DealPages,
    DealReads,
    Directory,
    ExportReads,
    JournalReads,
    KpiReads,
    LeadReads,
    NoteReads,
    PersonReads,
    ReportReads,
    ReviewReads,
    SearchReads,
    SettingReads,
    StageReads,
    TargetReads,
)

if TYPE_CHECKING:  # the models load on first use (see models/__init__.py)
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
