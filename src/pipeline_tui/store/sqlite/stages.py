"""Queries over pipelines and their stages."""

from __future__ import annotations

import sqlite3

from pipeline_tui.models import NotFoundError, Pipeline, Stage
from pipeline_tui.models.keys import name_key
from pipeline_tui.store.sqlite.core import Reader

_STAGE_SQL = """
SELECT s.id, s.pipeline_id, s.name, s.position, s.probability, s.forecast_category,
  s.definition, s.stalled_after_days, p.name AS pipeline,
  (SELECT count(*) FROM deals d WHERE d.stage_id = s.id AND d.status = 'open') AS open_deals
FROM stages s JOIN pipelines p ON p.id = s.pipeline_id
"""


def _stage(row: sqlite3.Row) -> Stage:
    return Stage(**dict(row))


def pipelines(store: Reader) -> list[Pipeline]:
    rows = store.all(
        "SELECT p.id, p.name, p.is_default, "
        "(SELECT count(*) FROM stages s WHERE s.pipeline_id = p.id AND s.archived = 0) AS stages, "
        "(SELECT count(*) FROM deals d WHERE d.pipeline_id = p.id AND d.status = 'open') "
        "AS open_deals FROM pipelines p ORDER BY p.is_default DESC, p.name_key"
    )
    return [
        Pipeline(r["id"], r["name"], bool(r["is_default"]), r["stages"], r["open_deals"])
        for r in rows
    ]


def pipeline_by_name(store: Reader, name: str | None) -> Pipeline:
    """The named pipeline, or the default one when name is None."""
    if name is None:
        row = store.one("SELECT id, name, is_default FROM pipelines WHERE is_default = 1")
    else:
        row = store.one(
            "SELECT id, name, is_default FROM pipelines WHERE name_key = ?", (name_key(name),)
        )
    if row is None:
        raise NotFoundError(f"no pipeline named {name!r}" if name else "no default pipeline")
    return Pipeline(row["id"], row["name"], bool(row["is_default"]))


def stages(store: Reader, pipeline_id: int) -> list[Stage]:
    rows = store.all(
        _STAGE_SQL + " WHERE s.pipeline_id = ? AND s.archived = 0 ORDER BY s.position",
        (pipeline_id,),
    )
    return [_stage(r) for r in rows]


def stage_by_id(store: Reader, stage_id: int) -> Stage:
    row = store.one(_STAGE_SQL + " WHERE s.id = ?", (stage_id,))
    if row is None:
        raise NotFoundError(f"no stage with id {stage_id}")
    return _stage(row)


def find_stage(store: Reader, pipeline_id: int, name: str) -> Stage | None:
    """A stage by name (case- and space-insensitive), or by a unique prefix."""
    row = store.one(
        _STAGE_SQL + " WHERE s.pipeline_id = ? AND s.name_key = ? AND s.archived = 0",
        (pipeline_id, name_key(name)),
    )
    if row is not None:
        return _stage(row)
    key = name_key(name)
    matches = [s for s in stages(store, pipeline_id) if name_key(s.name).startswith(key)]
    return matches[0] if len(matches) == 1 and key else None


def open_deal_ids(store: Reader, stage_id: int) -> list[int]:
    rows = store.all("SELECT id FROM deals WHERE stage_id = ? AND status = 'open'", (stage_id,))
    return [int(r[0]) for r in rows]


def open_sums(store: Reader, stage_id: int, probability: int) -> list[tuple[str, int, int, float]]:
    """Per currency: open deals, their value and weighted value (``probability`` by default)."""
    rows = store.all(
        "SELECT currency, count(*), coalesce(sum(value_minor), 0), "
        "coalesce(sum(value_minor * coalesce(probability, ?) / 100.0), 0) FROM deals "
        "WHERE stage_id = ? AND status = 'open' GROUP BY currency ORDER BY currency",
        (probability, stage_id),
    )
    return [(r[0], int(r[1]), int(r[2]), float(r[3])) for r in rows]


def stage_names(store: Reader) -> dict[int, str]:
    """Every stage's name by id, archived ones included (the log names them)."""
    return {int(r[0]): r[1] for r in store.all("SELECT id, name FROM stages")}
