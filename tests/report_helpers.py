"""Helpers for report tests: a clock the tests move, and deals built at chosen moments."""

from __future__ import annotations

from datetime import UTC, date, datetime, tzinfo
from typing import Any

import pytest

from pipeline_tui.models import dates
from pipeline_tui.models.money import to_minor
from pipeline_tui.services import deals as svc
from pipeline_tui.store.sqlite import SqliteStore as Store


def ts(text: str) -> datetime:
    """'2027-01-15' (noon UTC) or '2027-01-15T09:30' as an aware UTC datetime."""
    if "T" not in text:
        text += "T12:00"
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


class Clock:
    """Moves time for the app: utcnow() and today() in models/dates read this clock.

    The clock replaces the ``datetime`` and ``date`` names inside models/dates only, so
    every module keeps the real functions and nothing leaks into later tests.
    """

    def __init__(self, monkeypatch: pytest.MonkeyPatch, start: str) -> None:
        self.now = ts(start)
        clock = self

        class FakeDateTime(datetime):
            @classmethod
            def now(cls, tz: tzinfo | None = None) -> datetime:  # type: ignore[override]
                return clock.now.astimezone(tz) if tz else clock.now.replace(tzinfo=None)

        class FakeDate(date):
            @classmethod
            def today(cls) -> date:  # type: ignore[override]
                return clock.now.date()

        monkeypatch.setattr(dates, "datetime", FakeDateTime)
        monkeypatch.setattr(dates, "date", FakeDate)

    def set(self, when: str) -> None:
        self.now = ts(when)

    @property
    def today(self) -> date:
        return self.now.date()


def deal(
    store: Store,
    title: str,
    value: float | int,
    *,
    owner: str = "Ana",
    stage: str = "Lead In",
    close: str | None = None,
    currency: str = "USD",
    created: str | None = None,
    category: str | None = None,
    probability: int | None = None,
    pipeline: str | None = None,
    next_step: str | None = "Call",
    next_due: str | None = "2030-12-31",
) -> int:
    """Add a deal; ``created`` backdates it (noon UTC unless a time is given). Its next step
    is a planned activity, due by default long after every report date the tests use."""
    made = svc.add_deal(
        store,
        svc.DealInput(
            title=title,
            value_minor=to_minor(value, currency),
            currency=currency,
            owner=owner,
            stage=stage,
            close_date=date.fromisoformat(close) if close else None,
            category=category,
            probability=probability,
            pipeline=pipeline,
            next_step=next_step,
            next_due=date.fromisoformat(next_due) if next_due and next_step else None,
        ),
        at=ts(created) if created else None,
    )
    return made.id


def won(store: Store, deal_id: int, at: str) -> None:
    svc.win_deal(store, deal_id, at=ts(at))


def lost(store: Store, deal_id: int, at: str, reason: str = "Price") -> None:
    svc.lose_deal(store, deal_id, reason, at=ts(at))


def move(store: Store, deal_id: int, stage: str, at: str | None = None) -> None:
    svc.move_deal(store, deal_id, stage, at=ts(at) if at else None)


def rows_by(rows: list[dict[str, Any]], *keys: str) -> dict[tuple[Any, ...], dict[str, Any]]:
    """Index report rows by some of their fields."""
    out = {tuple(r.get(k) for k in keys): r for r in rows}
    assert len(out) == len(rows), "rows are not unique by " + ", ".join(keys)
    return out
