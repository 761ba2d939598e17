"""A whole Salesforce org imports into PostgreSQL as into a file, and reads back the same.

Its accounts carry over fifty custom columns: the server's json_build_object takes at most
100 arguments, which once made `import companies` fail there (store/sqlite/import_sql.py).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import SHARED_DATA, Cli

ORG = SHARED_DATA / "salesforce_devorg_export"
pytestmark = pytest.mark.skipif(not ORG.is_dir(), reason=f"shared CRM data not found at {ORG}")
STEPS = [
    ("owners", "User.csv"),
    ("companies", "account.csv"),
    ("people", "contact.csv"),
    ("deals", "opportunity.csv", "--create-stages"),
    ("history", "OpportunityHistory.csv"),
]
READS = [
    ["deal", "list", "--status", "all"],
    ["company", "list"],
    ["person", "list"],
    ["company", "show", "1"],
    ["person", "show", "3"],
    ["deal", "show", "5"],
    ["forecast"],
    ["forecast", "--as-of", "2023-06-01"],
    ["kpi"],
    ["export", "deals"],
]


def _norm(text: str, target: str) -> str:
    text = re.sub(r" in [0-9.]+ s$", " in N s", text.replace(target, "DB"), flags=re.M)
    return re.sub(r"\b[0-9a-f]{8}:(deal|lead|activity|company|person):", r"KEY:\1:", text)


def test_the_org_reads_the_same_on_both(
    pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli = Cli()
    outputs: list[list[str]] = []
    for target in (str(tmp_path / "org.db"), pg_url):
        monkeypatch.setenv("PIPELINE_DB", target)
        assert cli("init").exit_code == 0
        seen = []
        for entity, name, *extra in STEPS:
            r = cli("import", entity, str(ORG / name), *extra)
            assert r.exit_code == 0, (target, entity, r.stderr)
            seen.append(_norm(r.stdout, target))
        for args in READS:
            r = cli(*args)
            assert r.exit_code == 0, (target, args, r.stderr)
            seen.append(_norm(r.stdout, target))
        outputs.append(seen)
    lite, pg = outputs
    for i, (a, b) in enumerate(zip(lite, pg, strict=True)):
        assert b == a, (STEPS + READS)[i]  # type: ignore[operator]
    assert "(31 of 31)" in lite[len(STEPS)]  # every opportunity, on both
