"""Reads for the side imports: owners with their old CRM's ids, deals by external id, and
the stage and field history an imported history replaces."""

from __future__ import annotations

from typing import Any

from pipeline_tui.store.sqlite.core import Reader

_CHUNK = 500  # ids per IN (...) list: well under SQLite's limit of bound variables


def owners_index(store: Reader) -> list[dict[str, Any]]:
    """Every owner: id, name, name_key, email, external_id, team and manager_id."""
    rows = store.all(
        "SELECT id, name, name_key, email, external_id, team, manager_id FROM owners ORDER BY id"
    )
    return [dict(r) for r in rows]


def deals_by_external_ids(store: Reader, ids: list[str]) -> dict[str, dict[str, Any]]:
    """external id -> the (oldest) deal carrying it: id, pipeline, currency, created_at."""
    out: dict[str, dict[str, Any]] = {}
    for i in range(0, len(ids), _CHUNK):
        part = ids[i : i + _CHUNK]
        marks = ", ".join("?" for _ in part)
        for r in store.all(
            "SELECT id, external_id, pipeline_id, currency, created_at, owner_id, "
            f"history_unknown FROM deals WHERE external_id IN ({marks}) ORDER BY id DESC",
            tuple(part),
        ):
            out[r["external_id"]] = dict(r)
    return out


def history_row_ids(store: Reader, deal_ids: list[int]) -> dict[str, list[int]]:
    """The ids of the stage_changes and deal_history rows of these deals."""
    out: dict[str, list[int]] = {"stage_changes": [], "deal_history": []}
    for table in out:
        for i in range(0, len(deal_ids), _CHUNK):
            part = deal_ids[i : i + _CHUNK]
            marks = ", ".join("?" for _ in part)
            out[table] += [
                int(r[0])
                for r in store.all(
                    f"SELECT id FROM {table} WHERE deal_id IN ({marks}) ORDER BY id", tuple(part)
                )
            ]
    return out
