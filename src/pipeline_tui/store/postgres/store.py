"""The PostgreSQL store as store/api.py describes it: SQLite's query families, on the server.

The families are store/sqlite/'s own classes: their functions take any reader with
``one``/``all``/``scalar``/``cursor``, and the server connection answers those in SQLite's
terms (store/postgres/compat.py translates the SQL). Only what does not translate has a
function here: search, the import session's loading, and the ``--as-of`` replay's few
differences (store/postgres/asof.py).
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, TypeVar, cast

from pipeline_tui.store.api import (
    Capabilities,
    ImportPlan,
    ImportSession,
    ReportReads,
    SearchReads,
)
from pipeline_tui.store.postgres.core import PgDatabase
from pipeline_tui.store.sqlite.core import Tx
from pipeline_tui.store.sqlite.family_access import FamilyAccess
from pipeline_tui.store.sqlite.store import SqliteTx

if TYPE_CHECKING:
    from pipeline_tui.store.postgres.listen import Listener
    from pipeline_tui.store.sqlite.binding import Family

F = TypeVar("F", bound="Family")


class PgStore(FamilyAccess, PgDatabase):
    """A pipeline database on a PostgreSQL server (see store/api.py for the promises)."""

    capabilities = Capabilities(file_backup=False, file_checks=False, change_watch="notify")
    _listener: Listener | None = None  # a class default: close() may run before __init__ ends

    def __init__(self, target: str, *, actor: str | None = None, argv: list[str] | None = None):
        super().__init__(target, actor=actor, argv=argv)
        self._families: dict[str, Any] = {}

    def make_tx(self, summary: str, kind: str) -> Tx:
        return SqliteTx(self, summary, kind)  # type: ignore[arg-type]

    def tx(self, summary: str, *, kind: str = "change") -> AbstractContextManager[SqliteTx]:
        # Every transaction is made by make_tx, so each one is a SqliteTx (dialect-neutral).
        return cast(AbstractContextManager[SqliteTx], super().tx(summary, kind=kind))

    @property
    def location(self) -> str:
        return self.shown

    @property
    def search(self) -> SearchReads:
        from pipeline_tui.store.postgres.search import Search

        return self._family("search", Search)

    @property
    def reports(self) -> ReportReads:
        from pipeline_tui.store.postgres.reports import Reports

        return self._family("reports", Reports)

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
