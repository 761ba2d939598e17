"""The query families as a store's attributes, made on first use, for both backends."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar, cast

if TYPE_CHECKING:
    from pipeline_tui.store.api import (
        ActivityReads,
        CompanyReads,
        DealPages,
        DealReads,
        Directory,
        ExportReads,
        ImportReads,
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
    from pipeline_tui.store.sqlite.binding import Family

F = TypeVar("F", bound="Family")


class FamilyAccess:
    """``store.deals``, ``store.reports`` and the rest. The family classes are store/sqlite/'s
    own on both backends (their SQL translates); a backend overrides a property where its
    family differs (store/postgres/store.py: search and reports)."""

    _families: dict[str, Any]

    def _family(self, name: str, cls: type[F]) -> F:
        """The family ``name``, made on first use: its module loads only then."""
        found = self._families.get(name)
        if found is None:
            found = self._families[name] = cls(self)  # type: ignore[arg-type]
        return cast(F, found)

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
