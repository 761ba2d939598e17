"""Targets and forecast snapshots: small tables, read whole."""

from __future__ import annotations

from typing import Any

from pipeline_tui.models.target import Target
from pipeline_tui.store.sqlite.core import Reader, Tx

_TARGETS = """
SELECT t.id, t.owner_id, o.name, t.period, t.amount_minor, t.currency
FROM targets t LEFT JOIN owners o ON o.id = t.owner_id
"""


def all_targets(store: Reader) -> list[Target]:
    rows = store.all(
        _TARGETS + " ORDER BY t.period, t.owner_id IS NOT NULL, o.name_key, t.currency"
    )
    return [Target(*r) for r in rows]


def find_target(store: Reader, owner_id: int | None, period: str, currency: str) -> Target | None:
    row = store.one(
        _TARGETS + " WHERE coalesce(t.owner_id, 0) = coalesce(?, 0) AND t.period = ? "
        "AND t.currency = ?",
        (owner_id, period, currency),
    )
    return None if row is None else Target(*row)


def put_target(tx: Tx, owner_id: int | None, period: str, amount_minor: int, currency: str) -> int:
    """Insert or replace the target of one scope, period and currency; return its id."""
    found = find_target(tx.store, owner_id, period, currency)
    if found is not None:
        tx.update("targets", found.id, {"amount_minor": amount_minor})
        return found.id
    return tx.insert(
        "targets",
        {
            "owner_id": owner_id,
            "period": period,
            "amount_minor": amount_minor,
            "currency": currency,
            "created_at": tx.now,
            "updated_at": tx.now,
        },
    )


def add_snapshot(tx: Tx, taken_at: str, note: str | None, payload: str) -> int:
    return tx.insert("forecast_snapshots", {"taken_at": taken_at, "note": note, "payload": payload})


def snapshots(store: Reader, before: str | None = None) -> list[dict[str, Any]]:
    """Stored snapshots, oldest first (only those taken before ``before`` if given)."""
    sql = "SELECT id, taken_at, note, payload FROM forecast_snapshots"
    params: tuple[Any, ...] = ()
    if before is not None:
        sql += " WHERE taken_at < ?"
        params = (before,)
    return [dict(r) for r in store.all(sql + " ORDER BY taken_at, id", params)]
