"""The PostgreSQL backend (team mode): loaded only for a server target, never for a file."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pipeline_tui.store.postgres.store import PgStore

__all__ = ["PgStore", "open_pg"]


def open_pg(target: str, *, actor: str | None = None, argv: list[str] | None = None) -> PgStore:
    """The store on the server ``target``; a one-line StoreError when psycopg is missing."""
    from pipeline_tui.store.api import StoreError
    from pipeline_tui.store.postgres.target import INSTALL, masked

    try:
        from pipeline_tui.store.postgres.driver import load

        load()  # psycopg as the store needs it, not all of it (driver.py says why)
    except ImportError:
        raise StoreError(
            f"{masked(target)} is a PostgreSQL database, and PostgreSQL support is not "
            f"installed: {INSTALL}"
        ) from None
    from pipeline_tui.store.postgres.store import PgStore

    return PgStore(target, actor=actor, argv=argv)
