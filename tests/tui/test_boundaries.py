"""The TUI's boundaries: Textual stays off the CLI path; paging queries agree and use indexes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline_tui.store.api import DealQuery
from pipeline_tui.store.sqlite import SqliteStore as Store
from pipeline_tui.store.sqlite import paging as pg

BENCH = Path(__file__).resolve().parents[2] / "bench"


def test_cli_commands_do_not_import_textual(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from pipeline_tui.cli.app import main\n"
        "sys.argv = ['pipeline', 'deal', 'list']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('textual', 'textual_plotext')]\n"
        "assert not bad, bad\n"
        "import pipeline_tui.cli.commands.tui\n"  # registering the command must stay cheap too
        "assert 'textual' not in sys.modules\n"
    )
    env = {**os.environ, "PIPELINE_DB": str(tmp_path / "p.db")}
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_bare_pipeline_without_a_terminal_prints_the_summary(cli: object) -> None:
    result = cli()  # type: ignore[operator]
    assert result.exit_code == 0 and "Pipeline summary" in result.stdout


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Store:
    sys.path.insert(0, str(BENCH))
    from bigdb import build  # type: ignore[import-not-found]

    return Store(build(tmp_path_factory.mktemp("big") / "big.db", deals=1500))


@pytest.mark.parametrize("sort", sorted(pg.SORT_KEYS))
@pytest.mark.parametrize("descending", [False, True])
def test_keyset_pages_match_offsets(big: Store, sort: str, descending: bool) -> None:
    q = DealQuery(status=None, sort=sort, descending=descending, text="e")
    seen: list[int] = []
    after = None
    while True:
        page = pg.page_after(big, q, after, 97)
        if not page:
            break
        seen += [r.id for r in page]
        after = (page[-1].sort_key, page[-1].id)
    assert seen == pg.ordered_ids(big, q)
    assert len(seen) == pg.count(big, q)
    assert [r.id for r in pg.page_at(big, q, 200, 50)] == seen[200:250]
    anchor = pg.page_at(big, q, 300, 1)[0]
    back = pg.page_after(big, q, (anchor.sort_key, anchor.id), 50, backwards=True)
    assert [r.id for r in back] == seen[250:300]
    assert pg.position_of(big, q, seen[123]) == 123


def test_board_totals_cover_every_deal(big: Store) -> None:
    q = DealQuery(pipeline_id=1)
    keys = pg.board_keys(big, q, "2026-11-27")
    totals = pg.stage_totals(big, q)
    for stage_id, stage_keys in keys.items():
        assert totals[stage_id].count == len(stage_keys)
        assert stage_keys == sorted(stage_keys)
    n = big.scalar("SELECT count(*) FROM deals WHERE status = 'open'")
    assert sum(t.count for t in totals.values()) == n


def test_hot_queries_use_indexes(big: Store) -> None:
    plans = {
        "count": "SELECT count(*) FROM deals d WHERE d.status = 'open'",
        "stage totals": "SELECT d.currency, count(*) FROM deals d JOIN stages s ON "
        "s.id = d.stage_id WHERE d.status = 'open' AND d.stage_id = 3 GROUP BY d.currency",
    }
    for name, sql in plans.items():
        plan = " ".join(str(tuple(r)) for r in big.all("EXPLAIN QUERY PLAN " + sql))
        assert "USING" in plan and "INDEX" in plan, (name, plan)
