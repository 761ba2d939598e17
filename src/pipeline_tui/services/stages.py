"""Pipeline and stage rules: add, edit, reorder and remove stages; add pipelines."""

from __future__ import annotations

from typing import Any

from pipeline_tui.models import ConflictError, Pipeline, PipelineError, Stage
from pipeline_tui.models.keys import name_key
from pipeline_tui.models.outcomes import outcome_of
from pipeline_tui.models.stage import DEFAULT_STAGES
from pipeline_tui.services.common import acting_owner_id, check_probability, clean_text
from pipeline_tui.services.deals import UNSET, check_category, resolve_stage
from pipeline_tui.store.api import Store, WriteTx


def _check_stall(days: int | None) -> int | None:
    if days is not None and days < 1:
        raise PipelineError(f"invalid stall threshold {days}: use a whole number of days >= 1")
    return days


def _renumber(tx: WriteTx, ordered: list[int]) -> None:
    for position, stage_id in enumerate(ordered, start=1):
        tx.update("stages", stage_id, {"position": position})


def add_stage(
    store: Store,
    name: str,
    probability: int,
    *,
    pipeline: str | None = None,
    category: str | None = None,
    definition: str | None = None,
    stalled_after: int | None = None,
    after: str | None = None,
) -> Stage:
    name = (clean_text(name, "stage name", required=True) or "").strip()
    if outcome_of(name):
        raise PipelineError(f"{name!r} is an outcome, not a stage")
    check_probability(probability)
    p = store.stages.pipeline_by_name(pipeline)
    existing = store.stages.stages(p.id)
    if any(name_key(s.name) == name_key(name) for s in existing):
        raise ConflictError(f"pipeline {p.name!r} already has a stage named {name!r}")
    order = [s.id for s in existing]
    if after is not None:
        after_id = resolve_stage(store, p.id, after)
        insert_at = order.index(after_id) + 1
    else:
        insert_at = len(order)
    with store.tx(f"add stage {name!r} to {p.name}") as tx:
        new_id = tx.insert(
            "stages",
            {
                "pipeline_id": p.id,
                "name": name,
                "name_key": name_key(name),
                "position": len(order) + 1,
                "probability": probability,
                "forecast_category": check_category(category) or "pipeline",
                "definition": clean_text(definition, "definition") or "",
                "stalled_after_days": _check_stall(stalled_after) or 14,
            },
        )
        order.insert(insert_at, new_id)
        _renumber(tx, order)
    return store.stages.stage_by_id(new_id)


def edit_stage(store: Store, stage: str, *, pipeline: str | None = None, **fields: Any) -> Stage:
    """Change any of: name, probability, category, definition, stalled_after."""
    p = store.stages.pipeline_by_name(pipeline)
    stage_id = resolve_stage(store, p.id, stage)
    changes: dict[str, Any] = {}
    for key, value in fields.items():
        if value is UNSET:
            continue
        if key == "name":
            new = (clean_text(value, "stage name", required=True) or "").strip()
            clash = store.stages.find_stage(p.id, new)
            if clash is not None and clash.id != stage_id and name_key(clash.name) == name_key(new):
                raise ConflictError(f"pipeline {p.name!r} already has a stage named {new!r}")
            changes.update(name=new, name_key=name_key(new))
        elif key == "probability":
            changes["probability"] = check_probability(value)
        elif key == "category":
            changes["forecast_category"] = check_category(value) or "pipeline"
        elif key == "definition":
            changes["definition"] = clean_text(value, "definition") or ""
        elif key == "stalled_after":
            changes["stalled_after_days"] = _check_stall(value)
        else:
            raise PipelineError(f"unknown stage field {key!r}")
    if changes:
        with store.tx(f"edit stage {stage!r}") as tx:
            tx.update("stages", stage_id, changes)
    return store.stages.stage_by_id(stage_id)


def move_stage(store: Store, name: str, position: int, *, pipeline: str | None = None) -> Stage:
    p = store.stages.pipeline_by_name(pipeline)
    stage_id = resolve_stage(store, p.id, name)
    order = [s.id for s in store.stages.stages(p.id)]
    if not 1 <= position <= len(order):
        raise PipelineError(f"invalid position {position}: use 1 to {len(order)}")
    order.remove(stage_id)
    order.insert(position - 1, stage_id)
    with store.tx(f"move stage {name!r} to position {position}") as tx:
        _renumber(tx, order)
    return store.stages.stage_by_id(stage_id)


def remove_stage(
    store: Store, name: str, *, to: str | None = None, pipeline: str | None = None
) -> int:
    """Archive a stage; its open deals move to ``to``. Returns how many deals moved."""
    p = store.stages.pipeline_by_name(pipeline)
    stage_id = resolve_stage(store, p.id, name)
    stage = store.stages.stage_by_id(stage_id)
    deal_ids = store.stages.open_deal_ids(stage_id)
    if deal_ids and to is None:
        raise ConflictError(
            f"stage {stage.name!r} holds {len(deal_ids)} deal(s): give --to OTHER to move them"
        )
    if len(store.stages.stages(p.id)) == 1:
        raise ConflictError(f"stage {stage.name!r} is the last stage of {p.name!r}")
    target_id = resolve_stage(store, p.id, to) if to is not None else None
    if target_id == stage_id:
        raise PipelineError("--to must name another stage")
    with store.tx(f"remove stage {stage.name!r}") as tx:
        for deal_id in deal_ids:
            tx.insert(
                "stage_changes",
                {
                    "deal_id": deal_id,
                    "from_stage_id": stage_id,
                    "to_stage_id": target_id,
                    "changed_at": tx.now,
                    "owner_id": acting_owner_id(store, tx),
                },
            )
            tx.update("deals", deal_id, {"stage_id": target_id})
        # The row stays, archived, so that stage history keeps naming it truthfully.
        tx.update("stages", stage_id, {"archived": 1, "position": 0})
        _renumber(tx, [s.id for s in store.stages.stages(p.id)])
    return len(deal_ids)


def add_pipeline(store: Store, name: str, *, copy_from: str | None = None) -> Pipeline:
    name = (clean_text(name, "pipeline name", required=True) or "").strip()
    if any(name_key(x.name) == name_key(name) for x in store.stages.pipelines()):
        raise ConflictError(f"a pipeline named {name!r} already exists")
    template: list[tuple[str, int, str, int, str]] = list(DEFAULT_STAGES)
    if copy_from is not None:
        source = store.stages.pipeline_by_name(copy_from)
        template = [
            (s.name, s.probability, s.forecast_category, s.stalled_after_days, s.definition)
            for s in store.stages.stages(source.id)
        ]
    with store.tx(f"add pipeline {name!r}") as tx:
        pid = tx.insert(
            "pipelines",
            {"name": name, "name_key": name_key(name), "is_default": 0, "created_at": tx.now},
        )
        for i, (sname, prob, cat, stall, definition) in enumerate(template, start=1):
            tx.insert(
                "stages",
                {
                    "pipeline_id": pid,
                    "name": sname,
                    "name_key": name_key(sname),
                    "position": i,
                    "probability": prob,
                    "forecast_category": cat,
                    "definition": definition,
                    "stalled_after_days": stall,
                },
            )
    return store.stages.pipeline_by_name(name)
