"""Regenerate docs/screenshots/*.svg with Textual's own screenshot, on the demo data.

    python docs/screenshots.py

The demo is loaded into a temporary database; nothing touches your own data.
"""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

from pipeline_tui.services.demo import load_demo
from pipeline_tui.store.sqlite import SqliteStore as Store
from pipeline_tui.tui.app import PipelineApp

OUT = Path(__file__).resolve().parent / "screenshots"
SHOTS = {
    "deals": ("down", "down"),
    "board": ("right", "down"),
    "kpi": (),
    "leads": ("down", "down"),
    "contacts": ("slash", *"cobalt", "enter", "enter"),  # a company in detail
    "today": ("down", "down"),
    "help": ("?",),
}


async def _settle(pilot: object, app: PipelineApp) -> None:
    for _ in range(40):
        await pilot.pause()  # type: ignore[attr-defined]
        busy = [w for w in app.workers if w.group != "poll" and not w.is_finished]
        if not busy:
            return
        await app.workers.wait_for_complete(busy)


async def shoot(db: Path) -> None:
    OUT.mkdir(exist_ok=True)
    for name, keys in SHOTS.items():
        mode = "deals" if name == "help" else name
        app = PipelineApp(db, mode, poll_interval=3600)
        async with app.run_test(size=(140, 40)) as pilot:
            await _settle(pilot, app)
            for key in keys:
                await pilot.press("question_mark" if key == "?" else key)
                await _settle(pilot, app)
            app.save_screenshot(str(OUT / f"{name}.svg"))
        app.close_stores()
        print(OUT / f"{name}.svg")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "demo.db"
        store = Store(db, actor="Ana Ruiz")
        load_demo(store)
        store.close()
        asyncio.run(shoot(db))


if __name__ == "__main__":
    main()
