"""The SQLite store as store/api.py describes it: query families bound to one connection.

Each family is a thin object whose methods are the query functions of one module here,
bound to the store's connection and wrapped so that SQLite's exceptions leave as the
store's own error types. The functions stay plain (``fn(store, ...)``) so that they call
each other freely and can be tested on their own.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar, cast

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
from pipeline_tui.store.sqlite.core import Database, Tx
from pipeline_tui.store.sqlite.errors import translated

if TYPE_CHECKING:
    from pipeline_tui.store.sqlite.binding import Family

F = TypeVar("F", bound="Family")


class SqliteTx(Tx):
    """The write transaction, with the writes that go beyond one journalled row. Each loads
    its module on first use, as the query families do."""

    def ensure_owner(self, name: str) -> int:
        from pipeline_tui.store.sqlite import lookup

        with translated():
            return lookup.ensure_owner(self, name)

    def ensure_company(self, name: str) -> int:
        from pipeline_tui.store.sqlite import lookup

        with translated():
            return lookup.ensure_company(self, name)

    def ensure_contact(self, text: str, company_id: int | None, phone: str | None = None) -> int:
        from pipeline_tui.store.sqlite import lookup

        with translated():
            return lookup.ensure_contact(self, text, company_id, phone)

    def put_setting(self, key: str, value: str) -> str | None:
        from pipeline_tui.store.sqlite import settings

        with translated():
            return settings.put_setting(self, key, value)

    def put_target(
        self, owner_id: int | None, period: str, amount_minor: int, currency: str
    ) -> int:
        from pipeline_tui.store.sqlite import targets

        with translated():
            return targets.put_target(self, owner_id, period, amount_minor, currency)

    def add_snapshot(self, taken_at: str, note: str | None, payload: str) -> int:
        from pipeline_tui.store.sqlite import targets

        with translated():
            return targets.add_snapshot(self, taken_at, note, payload)

    def revert_command(self, command_id: int) -> int:
        from pipeline_tui.store.sqlite import journal

        with translated():
            return journal.revert_command(self, command_id)


class SqliteStore(Database):
    """A pipeline database in one SQLite file (see store/api.py for the promises)."""

    capabilities = Capabilities(file_backup=True, file_checks=True, change_watch="data_version")

    def __init__(
        self, path: str | Path, *, actor: str | None = None, argv: list[str] | None = None
    ) -> None:
        super().__init__(path, actor=actor, argv=argv)
        self._families: dict[str, Family] = {}

    def _family(self, name: str, cls: type[F]) -> F:
        """The family ``name``, made on first use: its module loads only then."""
        found = self._families.get(name)
        if found is None:
            found = self._families[name] = cls(self)
        return cast(F, found)

    def make_tx(self, summary: str, kind: str) -> Tx:
        return SqliteTx(self, summary, kind)

    def wait_changes(self, timeout: float) -> list[int]:
        return []  # change_watch is "data_version": readers poll changes() instead

    def tx(self, summary: str, *, kind: str = "change") -> AbstractContextManager[SqliteTx]:
        # Database.tx makes every transaction through make_tx, so each one is a SqliteTx.
        return cast(AbstractContextManager[SqliteTx], super().tx(summary, kind=kind))

    @property
    def location(self) -> str:
        return str(self.path)

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
        from pipeline_tui.store.sqlite.contact_families import Search

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
        from pipeline_tui.store.sqlite.report_families import Reports

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
        from pipeline_tui.store.sqlite.import_session import open_import_session

        return open_import_session(self, summary, plan=plan, dry_run=dry_run, kind=kind)

    def changes(self) -> int:
        with translated():
            return self.data_version()
