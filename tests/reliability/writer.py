"""A CLI writer for the concurrency test: runs `pipeline` commands in a loop, in-process.

python -m tests.reliability.writer DB WORKER N DEAL_ID[,DEAL_ID...]
Logs N activities spread over its deals and moves one of them every 4th write, through
the same entry point as the `pipeline` command. Prints a JSON summary on stdout.
"""

from __future__ import annotations

import io
import json
import os
import sys
from contextlib import redirect_stderr, redirect_stdout

STAGES = ["Qualified", "Demo", "Proposal", "Negotiation", "Lead In"]


def run(argv: list[str]) -> tuple[int, str]:
    from pipeline_tui.cli.app import main

    sys.argv = ["pipeline", *argv]
    err = io.StringIO()
    code = 0
    with redirect_stdout(io.StringIO()), redirect_stderr(err):
        try:
            main()
        except SystemExit as exc:
            code = int(exc.code or 0)
    return code, err.getvalue().strip()


def main() -> None:
    db, worker, n, deal_list = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    os.environ["PIPELINE_DB"] = db
    deals = [int(x) for x in deal_list.split(",")]
    summary: dict[str, object] = {"activities": 0, "moves": 0, "errors": []}
    errors: list[str] = []
    for i in range(n):
        deal = deals[i % len(deals)]
        code, err = run(["activity", "log", "--deal", str(deal), "call", f"w{worker}-{i}"])
        if code:
            errors.append(err)
        else:
            summary["activities"] = int(summary["activities"]) + 1  # type: ignore[call-overload]
        if i % 4 == 3:
            stage = STAGES[(i // 4) % len(STAGES)]
            code, err = run(["deal", "move", str(deal), stage])
            if code and "already in" not in err:
                errors.append(err)
            elif not code:
                summary["moves"] = int(summary["moves"]) + 1  # type: ignore[call-overload]
    summary["errors"] = errors
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
