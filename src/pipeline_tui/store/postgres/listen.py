"""Other members' commits as they happen: LISTEN on the channel every commit NOTIFYs.

store/postgres/core.py sends ``pg_notify`` with the command id in the committing transaction,
so a rolled-back command announces nothing. The listener has its own connection, so waiting
never holds the store's; notifications sent by the store's own connection are dropped (that
client already shows its own change), as SQLite's data_version ignores one's own commits.
"""

from __future__ import annotations

from pipeline_tui.store.api import StoreError
from pipeline_tui.store.postgres.core import CHANNEL
from pipeline_tui.store.postgres.driver import Connection, Error
from pipeline_tui.store.postgres.errors import first_line
from pipeline_tui.store.postgres.target import masked


class Listener:
    """A LISTEN connection for one store: the command ids other connections commit."""

    def __init__(self, target: str, own_pid: int) -> None:
        self.own_pid = own_pid
        try:
            self.conn = Connection.connect(target, autocommit=True, application_name="pipeline-tui")
            self.conn.execute(f"LISTEN {CHANNEL}")
        except Error as exc:
            raise StoreError(f"cannot listen on {masked(target)}: {first_line(exc)}") from None

    def wait(self, timeout: float) -> list[int]:
        """Up to ``timeout`` seconds for the first commit, then whatever came with it."""
        ids: list[int] = []
        try:
            for wait in (timeout, 0.0):
                for n in self.conn.notifies(timeout=wait, stop_after=None if wait == 0 else 1):
                    if n.pid != self.own_pid and n.payload.isdigit():
                        ids.append(int(n.payload))
                if not ids:
                    break
        except Error as exc:
            raise StoreError(f"lost the change feed: {first_line(exc)}") from None
        return ids

    def close(self) -> None:
        self.conn.close()
