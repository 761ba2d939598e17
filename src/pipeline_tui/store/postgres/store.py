"""The PostgreSQL store as store/api.py describes it: SQLite's query families, on the server.

The families are store/sqlite/'s own classes: their functions take any reader with
``one``/``all``/``scalar``/``cursor``, and the server connection answers those in SQLite's
terms (store/postgres/compat.py translates the SQL). Only what does not translate has a
function here (search). The import session and the ``--as-of`` replay are not ported yet:
they say so in one line.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, TypeVar, cast

from pipeline_tui.store.api import (
    ActivityReads,
    Capabilities,
    CompanyReads,
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
    NoteReads,
    PersonReads,
    ReportReads,
    ReviewReads,
    SearchReads,
    SettingReads,
    StageReads,
    TargetReads,
)
from pipeline_tui.store.postgres.core import PgDatabase
from pipeline_tui.store.sqlite.core import Tx
from pipeline_tui.store.sqlite.store import SqliteTx

if TYPE_CHECKING:
    from pipeline_tui.store.postgres.listen import Listener
    from pipeline_tui.store.sqlite.binding import Family

F = TypeVar("F", bound="Family")


class PgStore(PgDatabase):
    """A pipeline database on a PostgreSQL server (see store/api.py for the promises)."""

    capabilities = Capabilities(file_backup=False, file_checks=False, change_watch="notify")
    _listener: Listener | None = None  # a class default: close() may run before __init__ ends

    def __init__(self, target: str, *, actor: str | None = None, argv: list[str] | None = None):
        super().__init__(target, actor=actor, argv=argv)
        self._families: dict[str, Any] = {}

    def _family(self, name: str, cls: type[F]) -> F:
        found = self._families.get(name)
        if found is None:
            found = self._families[name] = cls(self)  # type: ignore[arg-type]
        return cast(F, found)

    def make_tx(self, summary: str, kind: str) -> Tx:
        return SqliteTx(self, summary, kind)  # type: ignore[arg-type]

    def tx(self, summary: str, *, kind: str = "change") -> AbstractContextManager[SqliteTx]:
        # Every transaction is made by make_tx, so each one is a SqliteTx (dialect-neutral).
        return cast(AbstractContextManager[SqliteTx], super().tx(summary, kind=kind))

    @property
    def location(self) -> str:
        return self.shown

    @property
    def deals(self) -> DealReads:
        from pipeline_tui.store.sqlite.families import Deals

        return self._family("deals", Deals)

    @property
    def leads(self) -> LeadReads:
        from pipeline_tui.store.sqlite.families import Leads

        return self._family("leads", Leads)

    @property
    def activities(self) -> ActivityReads:
        from pipeline_tui.store.sqlite.families import Activities

        return self._family("activities", Activities)

    @property
    def stages(self) -> StageReads:
        from pipeline_tui.store.sqlite.families import Stages

        return self._family("stages", Stages)

    @property
    def directory(self) -> Directory:
        from pipeline_tui.store.sqlite.families import Directory

        return self._family("directory", Directory)

    @property
    def companies(self) -> CompanyReads:
        from pipeline_tui.store.sqlite.contact_families import Companies

        return self._family("companies", Companies)

    @property
    def people(self) -> PersonReads:
        from pipeline_tui.store.sqlite.contact_families import People

        return self._family("people", People)

    @property
    def notes(self) -> NoteReads:
        from pipeline_tui.store.sqlite.contact_families import Notes

        return self._family("notes", Notes)

    @property
    def search(self) -> SearchReads:
        from pipeline_tui.store.postgres.search import Search

        return self._family("search", Search)

    @property
    def settings(self) -> SettingReads:
        from pipeline_tui.store.sqlite.families import Settings

        return self._family("settings", Settings)

    @property
    def targets(self) -> TargetReads:
        from pipeline_tui.store.sqlite.report_families import Targets

        return self._family("targets", Targets)

    @property
    def journal(self) -> JournalReads:
        from pipeline_tui.store.sqlite.families import Journal

        return self._family("journal", Journal)

    @property
    def pages(self) -> DealPages:
        from pipeline_tui.store.sqlite.report_families import Pages

        return self._family("pages", Pages)

    @property
    def reports(self) -> ReportReads:
        from pipeline_tui.store.postgres.reports import Reports

        return self._family("reports", Reports)

    @property
    def kpis(self) -> KpiReads:
        from pipeline_tui.store.sqlite.report_families import Kpis

        return self._family("kpis", Kpis)

    @property
    def review(self) -> ReviewReads:
        from pipeline_tui.store.sqlite.report_families import Review

        return self._family("review", Review)

    @property
    def exports(self) -> ExportReads:
        from pipeline_tui.store.sqlite.report_families import Exports

        return self._family("exports", Exports)

    @property
    def imports(self) -> ImportReads:
        from pipeline_tui.store.sqlite.report_families import Imports

        return self._family("imports", Imports)

    def import_session(
        self,
        summary: str,
        *,
        plan: ImportPlan | None = None,
        dry_run: bool = False,
        kind: str = "change",
    ) -> AbstractContextManager[ImportSession]:
        from pipeline_tui.store.postgres.imports import open_pg_import_session

        return open_pg_import_session(self, summary, plan=plan, dry_run=dry_run, kind=kind)

    def changes(self) -> int:
        return self.change_count()

    def wait_changes(self, timeout: float) -> list[int]:
        # One thread waits (the TUI's watcher); the listener connects on its first wait.
        if self._listener is None:
            from pipeline_tui.store.postgres.listen import Listener

            self._listener = Listener(self.target, self._conn.raw.info.backend_pid)
        return self._listener.wait(timeout)

    def close(self) -> None:
        if self._listener is not None:
            self._listener.close()
        super().close()
