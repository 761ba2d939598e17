"""One team member's writes for the three-member test: `pipeline` commands in a loop.

python -m tests.reliability.pg_member PREFIX N
Adds N deals titled PREFIX-i (value i*100 + 1, one of seven company names every member
shares) and logs a call on every third, through the same entry point as the `pipeline`
command, in-process; PIPELINE_DB, PIPELINE_OWNER and HOME come from the environment.
Prints a JSON summary: deals added, their value sum in minor units, calls, errors.
"""

from __future__ import annotations

import json
import sys

from tests.reliability.writer import run


def main() -> None:
    prefix, n = sys.argv[1], int(sys.argv[2])
    summary: dict[str, object] = {"deals": 0, "value_minor": 0, "calls": 0}
    errors: list[str] = []
    for i in range(n):
        value = i * 100 + 1
        code, err = run(["deal", "add", f"{prefix}-{i}", "--value", str(value),
                         "--company", f"Shared Co {i % 7}"])  # fmt: skip
        if code:
            errors.append(err)
            continue
        summary["deals"] = int(summary["deals"]) + 1  # type: ignore[call-overload]
        summary["value_minor"] = int(summary["value_minor"]) + value * 100  # type: ignore[call-overload]
        if i % 3 == 0:
            code, err = run(["activity", "log", "call", f"{prefix} call {i}", "--deal",
                             _last_id()])  # fmt: skip
            if code:
                errors.append(err)
            else:
                summary["calls"] = int(summary["calls"]) + 1  # type: ignore[call-overload]
    summary["errors"] = errors
    print(json.dumps(summary))


def _last_id() -> str:
    """The id of the deal this member added last (its own newest command's)."""
    import os

    from pipeline_tui.store.api import open_store

    store = open_store(os.environ["PIPELINE_DB"])
    try:
        mine = [e for e in store.journal.recent_events(50, store.login) if e.entity == "deals"]
        return str(mine[0].entity_id)
    finally:
        store.close()


if __name__ == "__main__":
    main()
