"""Forecast snapshots, and the accuracy of past forecasts against what actually closed."""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from pipeline_tui.models import PipelineError
from pipeline_tui.models.dates import today
from pipeline_tui.models.money import to_major, to_minor
from pipeline_tui.models.period import check_kind, parse_period
from pipeline_tui.services.common import clean_text
from pipeline_tui.services.forecast import UNDATED, ForecastQuery, forecast
from pipeline_tui.store.api import LIVE, Scope, Store

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


@dataclass(frozen=True)
class AccuracyRow:
    period: str
    snapshot_id: int
    taken_at: str
    note: str | None
    currency: str
    actual: int
    weighted_forecast: int
    commit_forecast: int

    @staticmethod
    def score(forecast_minor: int, actual: int) -> float | None:
        """1 - |forecast - actual| / actual; None when nothing was won."""
        if actual <= 0:
            return None
        return round(1 - abs(forecast_minor - actual) / actual, 4)

    def to_dict(self) -> dict[str, Any]:
        c = self.currency
        return {
            "period": self.period,
            "snapshot_id": self.snapshot_id,
            "taken_at": self.taken_at,
            "note": self.note,
            "currency": c,
            "actual": to_major(self.actual, c),
            "weighted_forecast": to_major(self.weighted_forecast, c),
            "weighted_accuracy": self.score(self.weighted_forecast, self.actual),
            "commit_forecast": to_major(self.commit_forecast, c),
            "commit_accuracy": self.score(self.commit_forecast, self.actual),
        }


def _minor(row: dict[str, Any], key: str) -> int:
    return to_minor(Decimal(str(row[key])), row["currency"])


def accuracy(store: Store, kind: str = "month") -> list[AccuracyRow]:
    """For each finished period, each snapshot taken before the period began: the weighted
    forecast (closed won then + weighted open) and the commit forecast (closed won then +
    commit) against the deals actually won in the period."""
    kind = check_kind(kind)
    if kind not in SNAPSHOT_PERIODS:
        raise PipelineError(
            "snapshots keep months and quarters, not years: use --period month or quarter"
        )
    now = today()
    pairs: list[tuple[Snapshot, dict[str, Any]]] = []
    for snap in list_snapshots(store):
        for row in snap.payload.get(kind, []):
            if row["period"] == UNDATED:
                continue
            p = parse_period(row["period"])
            if p.end <= now and snap.taken_at < p.start.isoformat():
                pairs.append((snap, row))
    if not pairs:
        return []
    periods = {parse_period(row["period"]) for _, row in pairs}
    start, end = min(p.start for p in periods), max(p.end for p in periods)
    actual: dict[tuple[str, str], int] = {}
    for w in store.reports.won_by_period(LIVE, kind, start, end, None, Scope()):
        actual[(w.period, w.currency)] = w.total_minor

    out: list[AccuracyRow] = []
    seen: set[tuple[int, str, str]] = set()
    for snap, row in pairs:
        won_then = _minor(row, "closed_won")
        out.append(
            AccuracyRow(
                row["period"],
                snap.id,
                snap.taken_at,
                snap.note,
                row["currency"],
                actual.get((row["period"], row["currency"]), 0),
                won_then + _minor(row, "weighted"),
                won_then + _minor(row, "commit"),
            )
        )
        seen.add((snap.id, row["period"], row["currency"]))
    # A currency won in a period that a snapshot did not forecast at all: forecast 0.
    for snap, row in pairs:
        for (label, cur), value in actual.items():
            if label == row["period"] and (snap.id, label, cur) not in seen:
                seen.add((snap.id, label, cur))
                out.append(AccuracyRow(label, snap.id, snap.taken_at, snap.note, cur, value, 0, 0))
    return sorted(out, key=lambda a: (a.period, a.taken_at, a.snapshot_id, a.currency))
