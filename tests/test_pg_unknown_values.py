"""Unknown amounts and close times sort as SQLite sorts them on PostgreSQL too (dialect.py).

SQLite puts NULL below every value and PostgreSQL above, so review's largest deals and the
closed deals' list began, on the server only, with the deals whose value or close time an
import could not know.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import Cli

DEALS = (
    "Title,Amount,Stage,Close date,Status,Owner\n"
    "Big known,90000,Demo,2027-01-10,open,Ana Ruiz\n"
    "Unknown open,,Demo,2027-01-12,open,Ana Ruiz\n"
    "Small known,100,Proposal,2027-01-15,open,Ben Ode\n"
    "Won dated,5000,Negotiation,2026-10-01,won,Ben Ode\n"
    "Won undated,7000,Negotiation,,won,Ana Ruiz\n"
    "Won unknown,,Negotiation,2026-09-01,won,Ana Ruiz\n"
)
READS = [
    ["review"],
    ["deal", "list", "--status", "won"],
    ["deal", "list", "--status", "all"],
    ["deal", "list", "--status", "all", "--format", "json"],
    ["kpi"],
    ["forecast"],
]


def test_unknown_values_sort_alike(
    pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "deals.csv"
    path.write_text(DEALS, encoding="utf-8")
    cli, outputs = Cli(), []
    for target in (str(tmp_path / "p.db"), pg_url):
        monkeypatch.setenv("PIPELINE_DB", target)
        assert cli("init").exit_code == 0
        done = cli("import", "deals", str(path), "--tz", "UTC")
        assert done.exit_code == 0, done.stderr
        seen = []
        for args in READS:
            r = cli(*args)
            assert r.exit_code == 0, (target, args, r.stderr)
            seen.append(re.sub(r"\b[0-9a-f]{8}:deal:", "KEY:deal:", r.stdout))
        outputs.append(seen)
    lite, pg = outputs
    for args, a, b in zip(READS, lite, pg, strict=True):
        assert b == a, args
    won = lite[READS.index(["deal", "list", "--status", "won"])]
    assert won.index("Won dated") < won.index("Won undated")  # unknown close time last
