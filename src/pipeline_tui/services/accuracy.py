"""Forecast accuracy: each finished period's forecast, from a snapshot or replayed from
the stage history, against what actually closed in it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from pipeline_tui.models import PipelineError
from pipeline_tui.models.dates import today
from pipeline_tui.models.money import to_major, to_minor
from pipeline_tui.models.period import Period, check_kind, parse_period, period_containing
from pipeline_tui.services.asof import end_of
from pipeline_tui.services.common import default_currency
from pipeline_tui.services.forecast import UNDATED
from pipeline_tui.services.snapshots import SNAPSHOT_PERIODS, Snapshot, list_snapshots
from pipeline_tui.store.api import LIVE, Scope, Source, Store

DEFAULT_PERIODS = 6
MAX_PERIODS = 36  # each period without a snapshot is one replay of the whole pipeline
SNAPSHOT, HISTORY = "snapshot", "history"


@dataclass(frozen=True)
class AccuracyRow:
    period: str
    source: str  # SNAPSHOT, or HISTORY: replayed as of the day before the period began
    snapshot_id: int | None
    taken_at: str  # when the snapshot was taken, or the replay's cut-off
    note: str | None
    currency: str
    actual: int
    weighted_forecast: int
    commit_forecast: int
    left_out: int | None = None  # replayed: deals of unknown history, out of both sides

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
            "source": self.source,
            "snapshot_id": self.snapshot_id,
            "taken_at": self.taken_at,
            "note": self.note,
            "currency": c,
            "actual": to_major(self.actual, c),
            "weighted_forecast": to_major(self.weighted_forecast, c),
            "weighted_accuracy": self.score(self.weighted_forecast, self.actual),
            "commit_forecast": to_major(self.commit_forecast, c),
            "commit_accuracy": self.score(self.commit_forecast, self.actual),
            "left_out": self.left_out,
        }


@dataclass
class Accuracy:
    kind: str
    periods: list[Period]  # the finished periods asked about, oldest first
    rows: list[AccuracyRow] = field(default_factory=list)
    first_known: str | None = None  # creation of the first deal of known history
    not_replayed: list[str] = field(default_factory=list)  # no snapshot, before first_known
    closed_undated: int = 0  # won deals of unknown close time: in no period's actual

    @property
    def left_out(self) -> int:
        """Deals of unknown history left out, summed over the replayed periods."""
        seen: dict[str, int] = {}
        for r in self.rows:
            if r.left_out is not None:
                seen[r.period] = r.left_out
        return sum(seen.values())


def _minor(row: dict[str, Any], key: str) -> int:
    return to_minor(Decimal(str(row[key])), row["currency"])


def _before(p: Period) -> Period:
    return period_containing(p.start - timedelta(days=1), p.kind)


def finished_periods(kind: str, first: date | None, count: int, now: date) -> list[Period]:
    """``count`` periods from the one holding ``first``, or the last ``count`` finished
    ones; only those already over."""
    if not 1 <= count <= MAX_PERIODS:
        raise PipelineError(f"invalid --periods {count}: use 1 to {MAX_PERIODS}")
    if first is not None:
        out = [period_containing(first, kind)]
        while len(out) < count:
            out.append(out[-1].next())
        return [p for p in out if p.end <= now]
    out = [_before(period_containing(now, kind))]
    while len(out) < count:
        out.insert(0, _before(out[0]))
    return out


def accuracy(
    store: Store, kind: str = "month", first: date | None = None, periods: int = DEFAULT_PERIODS
) -> Accuracy:
    """For each finished period: each snapshot taken before it began, or, with none, the
    forecast replayed from history as it stood at the end of the day before it began. The
    weighted forecast (won then + weighted open) and the commit forecast (won then +
    commit) are set against the deals actually won in the period."""
    kind = check_kind(kind)
    if kind not in SNAPSHOT_PERIODS:
        raise PipelineError(
            "forecast accuracy compares months and quarters, not years: "
            "use --period month or quarter"
        )
    span = finished_periods(kind, first, periods, today())
    result = Accuracy(kind, span)
    if not span:
        return result
    result.closed_undated = store.reports.closed_undated(LIVE, Scope()).get("won", 0)
    labels = {p.label for p in span}
    pairs: list[tuple[Snapshot, dict[str, Any]]] = []
    for snap in list_snapshots(store):
        for row in snap.payload.get(kind, []):
            if row["period"] == UNDATED or row["period"] not in labels:
                continue
            if snap.taken_at < parse_period(row["period"]).start.isoformat():
                pairs.append((snap, row))
    result.rows = _from_snapshots(store, kind, pairs)
    covered = {row["period"] for _, row in pairs}
    known = Scope(known_history=True)
    result.first_known = store.reports.first_known(known)
    replay = [p for p in span if p.label not in covered]
    if replay:
        store.reports.tune_for_reports()
    for p in replay:
        cut = end_of(p.start - timedelta(days=1))
        if result.first_known is None or result.first_known > cut:
            result.not_replayed.append(p.label)
            continue
        src = store.reports.replay(cut)
        result.rows += _replayed(store, p, src, cut, known)
    result.rows.sort(key=lambda a: (a.period, a.taken_at, a.snapshot_id or 0, a.currency))
    return result


def _from_snapshots(
    store: Store, kind: str, pairs: list[tuple[Snapshot, dict[str, Any]]]
) -> list[AccuracyRow]:
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
                SNAPSHOT,
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
                out.append(
                    AccuracyRow(
                        label, SNAPSHOT, snap.id, snap.taken_at, snap.note, cur, value, 0, 0
                    )  # fmt: skip
                )
    return out


def _replayed(store: Store, p: Period, src: Source, cut: str, known: Scope) -> list[AccuracyRow]:
    """One row per currency: the forecast of ``p`` replayed at ``cut``, over the deals of
    known history, against those deals' wins in ``p``; a period with nothing forecast and
    nothing won still gets its row, of zeros, in the default currency."""
    weighted_x100: dict[str, int] = {}
    commit: dict[str, int] = {}
    won_then: dict[str, int] = {}
    actual: dict[str, int] = {}
    r = store.reports
    for s in r.open_by_period(src, p.kind, p.start, p.end, None, known):
        weighted_x100[s.currency] = weighted_x100.get(s.currency, 0) + s.weighted_x100
        if s.category == "commit":
            commit[s.currency] = commit.get(s.currency, 0) + s.total_minor
    for w in r.won_by_period(src, p.kind, p.start, p.end, None, known):
        won_then[w.currency] = won_then.get(w.currency, 0) + w.total_minor
    for w in r.won_by_period(LIVE, p.kind, p.start, p.end, None, known):
        actual[w.currency] = actual.get(w.currency, 0) + w.total_minor
    left_out = r.unknown_history(src, p.start, p.end, Scope())
    codes = sorted(set(weighted_x100) | set(won_then) | set(actual)) or [default_currency(store)]
    return [
        AccuracyRow(
            p.label,
            HISTORY,
            None,
            cut,
            None,
            c,
            actual.get(c, 0),
            won_then.get(c, 0) + (weighted_x100.get(c, 0) + 50) // 100,
            won_then.get(c, 0) + commit.get(c, 0),
            left_out,
        )
        for c in codes
    ]
