"""Forecast snapshots: the forecast of the coming periods, kept as it was when taken."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from pipeline_tui.models.dates import today
from pipeline_tui.services.common import clean_text
from pipeline_tui.services.forecast import UNDATED, ForecastQuery, forecast
from pipeline_tui.store.api import Store

# What a snapshot keeps: this month and the five after it, this quarter and the next.
SNAPSHOT_PERIODS = {"month": 6, "quarter": 2}


@dataclass(frozen=True)
class Snapshot:
    id: int
    taken_at: str
    note: str | None
    payload: dict[str, Any]

    def periods(self, kind: str) -> str:
        labels = [row["period"] for row in self.payload.get(kind, []) if row["period"] != UNDATED]
        unique = sorted(set(labels))
        return f"{unique[0]}..{unique[-1]}" if unique else "-"

    def to_dict(self, rows: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "taken_at": self.taken_at,
            "note": self.note,
            "months": self.periods("month"),
            "quarters": self.periods("quarter"),
        }
        if rows:
            out["rows"] = {kind: self.payload.get(kind, []) for kind in SNAPSHOT_PERIODS}
        return out


def _snapshot(row: dict[str, Any]) -> Snapshot:
    return Snapshot(row["id"], row["taken_at"], row["note"], json.loads(row["payload"]))


def take_snapshot(store: Store, note: str | None = None) -> Snapshot:
    """Store the forecast rows (team, per currency) of the next 6 months and 2 quarters."""
    note = clean_text(note, "note")
    day = today()
    payload: dict[str, Any] = {"version": 1, "day": day.isoformat()}
    for kind, count in SNAPSHOT_PERIODS.items():
        payload[kind] = forecast(store, ForecastQuery(period=kind, periods=count)).to_dicts()
    with store.tx("take forecast snapshot") as tx:
        snap_id = tx.add_snapshot(tx.now, note, json.dumps(payload, ensure_ascii=False))
    return next(s for s in list_snapshots(store) if s.id == snap_id)


def list_snapshots(store: Store) -> list[Snapshot]:
    return [_snapshot(row) for row in store.targets.snapshots()]
