"""Stage names in an imported file -> pipeline stages, won/lost outcomes, or stages to create."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from pipeline_tui.models.errors import PipelineError
from pipeline_tui.models.keys import name_key
from pipeline_tui.models.outcomes import OUTCOMES
from pipeline_tui.services.imports.columns import norm
from pipeline_tui.store.api import StageMapRow, Store

# Stage names other CRMs ship with -> the default stage meaning the same thing. Only names
# that mean the same are here: Prospecting or Discovery could sit in several of ours, so
# they stop the import and the user decides (--stage-map or --create-stages).
ALIASES = {
    "new": "leadin", "newlead": "leadin", "appointmentscheduled": "leadin",
    "qualification": "qualified", "qualifiedtobuy": "qualified", "contactmade": "qualified",
    "qualifiziert": "qualified", "qualifie": "qualified", "calificado": "qualified",
    "demoscheduled": "demo", "presentationscheduled": "demo", "presentation": "demo",
    "demonstration": "demo", "vorfuhrung": "demo", "demostracion": "demo",
    "proposalquote": "proposal", "proposalpricequote": "proposal", "proposalmade": "proposal",
    "proposalsent": "proposal", "quote": "proposal", "angebot": "proposal",
    "offre": "proposal", "propuesta": "proposal", "proposition": "proposal",
    "negotiationreview": "negotiation", "negotiationsstarted": "negotiation",
    "contractsent": "negotiation", "verhandlung": "negotiation", "negociation": "negotiation",
    "negociacion": "negotiation",
}  # fmt: skip
_DEFAULT_PIPELINE_NAMES = {"salespipeline", "default", "defaultpipeline", "pipeline"}
CREATED_PROBABILITY = 10


@dataclass
class SeenStage:
    """One (pipeline, stage) pair as it appears in the file."""

    pipeline: str
    stage: str
    first_line: int
    rows: int = 0
    probabilities: Counter[int] = field(default_factory=Counter)
    closed: Counter[str] = field(default_factory=Counter)  # rows the file says are won/lost
    order: int | None = None  # the file's own place for the stage (StageSortOrder)

    def merge(self, other: SeenStage) -> None:
        self.rows += other.rows
        self.probabilities.update(other.probabilities)
        self.closed.update(other.closed)
        if other.order is not None and (self.order is None or other.order < self.order):
            self.order = other.order


# A stage to create: pipeline id, name, probability, and the existing stage it goes before
# (None: at the end of the pipeline).
NewStage = tuple[int, str, int, int | None]


@dataclass
class StagePlan:
    rows: list[StageMapRow]
    create: list[NewStage]
    pipeline_id: int
    first_stage_id: int
    # Unknown stage names met only on rows the file says are closed (IsWon/IsClosed or a
    # status column): the org's own names for won and lost, kept as outcomes, not stages.
    closed_names: list[tuple[str, Counter[str]]] = field(default_factory=list)
    ordered: bool = False  # new stages were placed by the file's own order


def _parse_stage_maps(pairs: list[str]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        old, sep, new = pair.rpartition("=")
        if not sep or not old.strip() or not new.strip():
            raise PipelineError(f"--stage-map {pair!r}: use 'Old stage=New stage'")
        out[name_key(old)] = new.strip()
    return out


def plan_stages(
    store: Store,
    seen: dict[tuple[str, str], SeenStage],
    *,
    pipeline: str | None,
    stage_maps: list[str],
    create: bool,
    column: str,
) -> StagePlan:
    """Resolve every distinct stage of the file; unknown ones stop the import, named."""
    default = store.stages.pipeline_by_name(pipeline)
    pipes = {name_key(p.name): p.id for p in store.stages.pipelines()}
    stages_of: dict[int, list[tuple[int, str]]] = {}
    maps = _parse_stage_maps(stage_maps)
    out = StagePlan([], [], default.id, 0)
    unknown: dict[str, SeenStage] = {}
    bad_pipes: set[str] = set()

    def stage_list(pid: int) -> list[tuple[int, str]]:
        if pid not in stages_of:
            stages_of[pid] = [(s.id, s.name) for s in store.stages.stages(pid)]
            if not stages_of[pid]:
                raise PipelineError(f"pipeline {pid} has no stages")
        return stages_of[pid]

    out.first_stage_id = stage_list(default.id)[0][0]
    pending: dict[tuple[int, str], str] = {}
    news: list[tuple[int | None, int, int, str, int]] = []  # order, seen, pid, name, prob
    for (pkey, skey), s in sorted(seen.items(), key=lambda kv: kv[1].first_line):
        pid = default.id
        if pipeline is None and pkey:
            found = pipes.get(pkey)
            if found is None and norm(s.pipeline) in _DEFAULT_PIPELINE_NAMES:
                found = default.id
            if found is None:
                bad_pipes.add(s.pipeline)
                continue
            pid = found
        ordered = stage_list(pid)
        first = ordered[0][0]
        shown = s.stage.strip()
        if not skey:
            out.rows.append((pkey, skey, pid, None, None, first, ordered[0][1]))
            continue
        wanted = maps.get(skey, s.stage)
        outcome = OUTCOMES.get(norm(wanted))
        if outcome:
            out.rows.append((pkey, skey, pid, None, outcome, first, ordered[0][1]))
            continue
        by_key = {name_key(n): i for i, n in ordered}
        by_norm = {norm(n): i for i, n in ordered}
        stage_id = by_key.get(name_key(wanted)) or by_norm.get(ALIASES.get(norm(wanted), "\0"))
        if stage_id is not None:
            name = next(n for i, n in ordered if i == stage_id)
            out.rows.append((pkey, skey, pid, stage_id, None, first, name))
        elif skey in maps and not create:
            raise PipelineError(
                f"--stage-map {s.stage.strip()}={wanted}: no stage named {wanted!r} "
                f"(stages: {', '.join(n for _, n in ordered)}); add --create-stages to create it"
            )
        elif skey not in maps and s.closed and sum(s.closed.values()) == s.rows:
            out.rows.append((pkey, skey, pid, None, None, first, ordered[0][1]))
            out.closed_names.append((shown, s.closed))
        elif create:
            key = (pid, name_key(wanted))
            if key not in pending:
                pending[key] = wanted.strip()
                prob = s.probabilities.most_common(1)[0][0] if s.probabilities else None
                news.append((s.order, len(news), pid, wanted.strip(), prob or CREATED_PROBABILITY))
            out.rows.append((pkey, skey, pid, None, None, first, pending[key]))
        else:
            unknown[shown] = s
    out.create, out.ordered = _place(news, out.rows, seen)
    if bad_pipes:
        names = ", ".join(sorted(repr(p) for p in bad_pipes))
        raise PipelineError(
            f"unknown pipelines in the file: {names}; add them with 'pipeline pipeline add' "
            "or put every deal in one with --pipeline NAME"
        )
    if unknown:
        listed = ", ".join(f"{name} ({s.rows:,} rows)" for name, s in unknown.items())
        have = ", ".join(n for _, n in stage_list(default.id))
        example = next(iter(unknown))
        raise PipelineError(
            f"unknown stages in column {column!r}: {listed}. Map them with --stage-map "
            f"'{example}=Qualified' or create them with --create-stages "
            f"(pipeline {default.name!r} has: {have})"
        )
    return out


def _place(
    news: list[tuple[int | None, int, int, str, int]],
    rows: list[StageMapRow],
    seen: dict[tuple[str, str], SeenStage],
) -> tuple[list[NewStage], bool]:
    """Where each new stage goes. With the file's own order (StageSortOrder), before the
    first existing stage the file places after it; otherwise at the end, as first seen."""
    if not news:
        return [], False
    if any(order is None for order, *_ in news):
        return [(pid, name, prob, None) for _, _, pid, name, prob in news], False
    known: dict[int, list[tuple[int, int]]] = {}  # pipeline -> (file order, stage id)
    for pkey, skey, pid, sid, _, _, _ in rows:
        order = seen[(pkey, skey)].order if (pkey, skey) in seen else None
        if sid is not None and order is not None:
            known.setdefault(pid, []).append((order, sid))
    placed: list[NewStage] = []
    for order, _, pid, name, prob in sorted(news, key=lambda n: (n[2], n[0] or 0, n[1])):
        after = sorted(o for o in known.get(pid, []) if o[0] > (order or 0))
        placed.append((pid, name, prob, after[0][1] if after else None))
    return placed, True


def resolve_created(plan: StagePlan, created: dict[tuple[int, str], int]) -> None:
    """Fill in the ids of stages created for this import."""
    rows = []
    for pkey, skey, pid, sid, status, first, shown in plan.rows:
        if sid is None and status is None and skey and (pid, name_key(shown)) in created:
            sid = created[(pid, name_key(shown))]
        rows.append((pkey, skey, pid, sid, status, first, shown))
    plan.rows = rows
