"""Bad rows in an import are refused line by line on PostgreSQL as on SQLite (issue 14)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import Cli

# file name -> (entity, CSV text): each has rows an import must refuse, naming the line.
BAD = {
    "activities.csv": (
        "activities",
        "Deal,Type,Subject,Due date,Done\n"
        "1,call,Planned with a date,2026-12-05,\n"  # an id of another CRM: no such deal here
        "99,email,No such deal,2026-12-05,\n"
        ",task,About nothing,,\n",
    ),
    "deals.csv": (
        "deals",
        "Title,Amount,Stage,Close date,Owner\n"
        "Good one,1000,Demo,2027-01-10,Ana Ruiz\n"
        "Odd stage,2000,Warp Speed,2027-01-10,Ana Ruiz\n"
        "Bad amount,12x,Demo,2027-01-10,Ana Ruiz\n",
    ),
    "leads.csv": (
        "leads",
        "Name,Email,Create Date\nAna Lead,ana@example.com,2026-02-30\nBen Lead,ben@example.com,\n",
    ),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_import_refusals_match(
    name: str, pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    entity, text = BAD[name]
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    cli = Cli()
    seen = []
    for target in (str(tmp_path / "p.db"), pg_url):
        monkeypatch.setenv("PIPELINE_DB", target)
        assert cli("init", "--demo").exit_code == 0
        before = cli("log", "--limit", "1", "--format", "json").json()
        for extra in ([], ["--dry-run"]):
            r = cli("import", entity, str(path), "--tz", "UTC", *extra)
            took = re.sub(r" in [0-9.]+ s$", " in N s", r.stdout, flags=re.M)
            seen.append((r.exit_code, took, r.stderr))
        assert cli("log", "--limit", "1", "--format", "json").json() == before  # none written
    lite, pg = seen[:2], seen[2:]
    assert pg == lite
    assert lite[0][0] != 0 and lite[0][2].startswith(("line ", "error: unknown stages")), lite
