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
    Capabilities,
    ImportPlan,
    ImportSession,
)
from pipeline_tui.store.sqlite.core import Database, Tx
from pipeline_tui.store.sqlite.errors import translated
from pipeline_tui.store.sqlite.family_access import FamilyAccess

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


class SqliteStore(FamilyAccess, Database):
    """A pipeline database in one SQLite file (see store/api.py for the promises)."""

    capabilities = Capabilities(file_backup=True, file_checks=True, change_watch="data_version")

    def __init__(
        self, path: str | Path, *, actor: str | None = None, argv: list[str] | None = None
    ) -> None:
        super().__init__(path, actor=actor, argv=argv)
        self._families: dict[str, Family] = {}

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
