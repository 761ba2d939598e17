"""TUI test helpers: a frozen clock, the demo database, and waiting on workers, not sleeps."""

from __future__ import annotations

import asyncio
import html
import importlib
import inspect
import re
import sys
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

FIXED_DAY = date(2026, 11, 27)
FIXED_NOW = datetime(2026, 11, 27, 12, 0, 0, tzinfo=UTC)
_MODULES = [
    "pipeline_tui.tui.app",
    "pipeline_tui.services.demo",
    "pipeline_tui.services.journal",
    "pipeline_tui.services.leads",
    "pipeline_tui.services.activities",
    "pipeline_tui.services.deals",
    "pipeline_tui.services.attention",
    "pipeline_tui.store.sqlite.core",
]


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    """Run ``async def`` tests in a fresh event loop (no asyncio plugin needed)."""
    if not inspect.iscoroutinefunction(pyfuncitem.obj):
        return None
    names = pyfuncitem._fixtureinfo.argnames
    asyncio.run(pyfuncitem.obj(**{n: pyfuncitem.funcargs[n] for n in names}))
    return True


@pytest.fixture
def frozen(monkeypatch: pytest.MonkeyPatch) -> date:
    """Pin 'today' and 'now' in every pipeline_tui module, so the demo and the screens
    are the same on every run (snapshots depend on it)."""
    from pipeline_tui.models import dates

    for name in _MODULES:
        importlib.import_module(name)
    real = {"today": dates.today, "utcnow": dates.utcnow}
    fakes = {"today": lambda: FIXED_DAY, "utcnow": lambda: FIXED_NOW}
    for module_name, module in list(sys.modules.items()):
        if not module_name.startswith("pipeline_tui"):
            continue
        for attr, original in real.items():
            if getattr(module, attr, None) is original:
                monkeypatch.setattr(module, attr, fakes[attr])
    return FIXED_DAY


@pytest.fixture
def demo_db(db_path: Path, frozen: date) -> Path:
    from pipeline_tui.services.demo import load_demo
    from pipeline_tui.store.sqlite import SqliteStore as Store

    store = Store(db_path, actor="Test Owner")
    load_demo(store, day=frozen)
    store.close()
    return db_path


@pytest.fixture
def make_app(demo_db: Path) -> Iterator[Any]:
    """Build apps on the demo database; their connections are closed afterwards."""
    from pipeline_tui.tui.app import PipelineApp

    apps: list[PipelineApp] = []

    def build(mode: str = "deals", poll: float = 3600.0, db: Path | None = None) -> PipelineApp:
        app = PipelineApp(db or demo_db, mode, poll_interval=poll)
        apps.append(app)
        return app

    yield build
    for app in apps:
        app.close_stores()


async def settle(pilot: Any, rounds: int = 40) -> None:
    """Wait until no worker but the poller runs and the message queues are drained."""
    app = pilot.app
    for _ in range(rounds):
        await pilot.pause()
        busy = [w for w in app.workers if w.group != "poll" and not w.is_finished]
        if not busy:
            await pilot.pause()
            if not [w for w in app.workers if w.group != "poll" and not w.is_finished]:
                return
        else:
            from textual.worker import WorkerCancelled

            try:
                await app.workers.wait_for_complete(busy)
            except WorkerCancelled:  # an exclusive reload superseded it: wait for the next
                continue
    raise AssertionError("workers did not settle")


def screen_text(app: Any) -> str:
    """What the screen shows, as plain text (from Textual's own SVG screenshot)."""
    svg = app.export_screenshot()
    text = re.sub(r"<[^>]+>", "", svg)
    return html.unescape(text).replace("\xa0", " ")


@pytest.fixture
def hostile_db(db_path: Path, frozen: date) -> Path:
    from tests.tui.hostile_data import build

    build(db_path, frozen)
    return db_path


@pytest.fixture
def hostile_app(hostile_db: Path) -> Iterator[Callable[..., Any]]:
    from pipeline_tui.tui.app import PipelineApp

    apps: list[PipelineApp] = []

    def make(mode: str = "deals") -> PipelineApp:
        app = PipelineApp(hostile_db, mode, poll_interval=3600.0)
        apps.append(app)
        return app

    yield make
    for app in apps:
        app.close_stores()
