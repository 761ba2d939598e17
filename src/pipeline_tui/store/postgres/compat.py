"""A psycopg connection that answers like sqlite3's, so the store's query modules run as written.

Rows index by position and by name (``sqlite3.Row``'s promise), an INSERT reports its
``lastrowid`` (through ``RETURNING id``), booleans arrive as 0/1 and numeric sums as int
(or float when fractional), and every statement is translated by store/postgres/dialect.py.
Errors leave as the store's own types (store/postgres/errors.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Any

from pipeline_tui.store.postgres.dialect import to_pg
from pipeline_tui.store.postgres.driver import Connection as RawConnection
from pipeline_tui.store.postgres.driver import Cursor as RawCursor
from pipeline_tui.store.postgres.driver import Dumper, Loader, pq
from pipeline_tui.store.postgres.errors import translated

# Tables without an id column: an INSERT into them has no row id to return.
NO_ID = {"database_info", "import_saved", "pipeline_state", "pipeline_migrations"}
_INSERT = re.compile(r"^\s*INSERT\s+(?:OR\s+\w+\s+)?INTO\s+(\w+)\s*\([^)]*\)\s*VALUES", re.I)
_WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)


class Row(tuple[Any, ...]):
    """A result row: ``r[0]``, ``r["name"]``, ``dict(r)`` and ``r.keys()`` as sqlite3.Row."""

    _names: Sequence[str] = ()

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            return tuple.__getitem__(self, self._names.index(key))
        return tuple.__getitem__(self, key)

    def keys(self) -> list[str]:
        return list(self._names)


def _row_factory(cursor: RawCursor[Any]) -> Any:
    names = [c.name for c in cursor.description or ()]
    cls = type("Row", (Row,), {"_names": names})
    return lambda values: cls(values)


class _IntBool(Loader):
    """PostgreSQL's booleans (``x IS NULL``...) as SQLite gives them: 1 or 0."""

    def load(self, data: Any) -> int:
        return 1 if bytes(data) == b"t" else 0


class _Number(Loader):
    """numeric (sums of BIGINT) as int when whole, else float: money stays int minor units."""

    def load(self, data: Any) -> int | float:
        value = Decimal(bytes(data).decode())
        return int(value) if value == value.to_integral_value() else float(value)


class _Untyped(Dumper):
    """An int or bool parameter with no declared type, as a literal in the SQL would be:
    the server infers it from its context (SQLite compares across types freely)."""

    oid = 0

    def dump(self, obj: Any) -> bytes:
        return str(int(obj)).encode()


class Cursor:
    """sqlite3.Cursor's surface over a psycopg cursor."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._cur = conn.raw.cursor(row_factory=_row_factory)
        self.lastrowid: int | None = None
        self.row_factory: Any = None  # accepted and ignored: rows are tuples already
        self.rowcount = -1

    def execute(self, sql: str, params: Any = ()) -> Cursor:
        text = to_pg(sql)
        insert = _INSERT.match(sql)
        wants_id = insert is not None and insert.group(1) not in NO_ID and "RETURNING" not in text
        if wants_id:
            text += " RETURNING id"
        with translated():
            self._cur.execute(text, params or None)
        self.rowcount = self._cur.rowcount
        if _WRITE.match(sql):
            self._conn.writes += 1
        if wants_id:
            found = self._cur.fetchone()
            self.lastrowid = None if found is None else int(found[0])
        return self

    def executemany(self, sql: str, rows: Iterable[Any]) -> Cursor:
        for params in rows:
            self.execute(sql, params)
        return self

    @property
    def description(self) -> list[tuple[str, None, None, None, None, None, None]] | None:
        """Column names as sqlite3 gives them: (name, None, ...) per column."""
        found = self._cur.description
        return None if found is None else [(c.name, *(None,) * 6) for c in found]

    def fetchone(self) -> Any:
        with translated():
            return self._cur.fetchone()

    def fetchall(self) -> list[Any]:
        with translated():
            return self._cur.fetchall()

    def fetchmany(self, size: int) -> list[Any]:
        with translated():
            return self._cur.fetchmany(size)

    def __iter__(self) -> Iterator[Any]:
        return iter(self.fetchall())

    def close(self) -> None:
        self._cur.close()


class Connection:
    """One autocommit psycopg connection; transactions are explicit BEGIN ... COMMIT."""

    def __init__(self, raw: RawConnection[Any]) -> None:
        self.raw = raw
        self.writes = 0  # statements that wrote since the last reset (see core.py)
        raw.adapters.register_loader("bool", _IntBool)
        raw.adapters.register_loader("numeric", _Number)
        raw.adapters.register_dumper(int, _Untyped)
        raw.adapters.register_dumper(bool, _Untyped)

    def cursor(self) -> Cursor:
        return Cursor(self)

    def execute(self, sql: str, params: Any = ()) -> Cursor:
        return Cursor(self).execute(sql, params)

    def executemany(self, sql: str, rows: Iterable[Any]) -> Cursor:
        return Cursor(self).executemany(sql, rows)

    @property
    def in_transaction(self) -> bool:
        return self.raw.info.transaction_status != pq.TransactionStatus.IDLE

    def close(self) -> None:
        self.raw.close()
