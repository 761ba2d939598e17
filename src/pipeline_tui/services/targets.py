"""Targets: setting them, and resolving the target of a scope (owner or team) and period."""

# Resolution, for a scope (an owner, or the team), a period and a currency:
# 1. the explicit target of that scope and period;
# 2. for the team, else the sum of the owners' targets of the period (owners without one
#    add nothing);
# 3. for a quarter or a year, else the sum of its quarters' or months' targets, when every
#    one of them resolves. A quarter's target is never split into months.

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from pipeline_tui.models import PipelineError
from pipeline_tui.models.money import MAX_MINOR
from pipeline_tui.models.period import Period, parse_period
from pipeline_tui.models.target import Target
from pipeline_tui.services.currency import Convert
from pipeline_tui.store.api import Store

TEAM = None


def owner_id_of(store: Store, name: str) -> int:
    """The id of an existing owner; the error lists the owners there are."""
    try:
        return store.directory.owner_id(name)
    except PipelineError:
        known = ", ".join(store.directory.owner_names()) or "none yet"
        raise PipelineError(f"no owner named {name!r} (owners: {known})") from None


def set_target(
    store: Store, amount_minor: int, currency: str, period: str, owner: str | None = None
) -> Target:
    """Set (or replace) the target of an owner, or of the team when owner is None."""
    if amount_minor < 0:
        raise PipelineError("a target must not be negative")
    if amount_minor >= MAX_MINOR:
        raise PipelineError("target too large")
    label = parse_period(period).label
    oid = owner_id_of(store, owner) if owner is not None else None
    scope = f"{owner}'s" if owner else "team"
    with store.tx(f"set {scope} target {label}") as tx:
        tx.put_target(oid, label, amount_minor, currency)
    found = store.targets.find_target(oid, label, currency)
    assert found is not None
    return found


def remove_target(store: Store, period: str, owner: str | None, currency: str) -> Target:
    label = parse_period(period).label
    oid = owner_id_of(store, owner) if owner is not None else None
    found = store.targets.find_target(oid, label, currency)
    if found is None:
        scope = f"{owner}'s" if owner else "team"
        raise PipelineError(f"no {scope} target for {label} in {currency}")
    with store.tx(f"remove target {label}") as tx:
        tx.delete("targets", found.id)
    return found


@dataclass(frozen=True)
class TargetLine:
    """A target as listed: stored, or the team's derived from the owners'."""

    period: str
    owner: str | None
    amount_minor: int
    currency: str
    source: str  # "set" or "sum of owners"


def list_targets(store: Store, period: str | None = None) -> list[TargetLine]:
    """Stored targets, plus each derived team target, by period."""
    label = parse_period(period).label if period else None
    stored = [x for x in store.targets.all_targets() if label is None or x.period == label]
    lines = [TargetLine(x.period, x.owner, x.amount_minor, x.currency, "set") for x in stored]
    explicit_team = {(x.period, x.currency) for x in stored if x.owner_id is None}
    sums: dict[tuple[str, str], int] = defaultdict(int)
    for x in stored:
        if x.owner_id is not None and (x.period, x.currency) not in explicit_team:
            sums[(x.period, x.currency)] += x.amount_minor
    lines += [TargetLine(p, None, v, c, "sum of owners") for (p, c), v in sums.items()]
    return sorted(lines, key=lambda x: (x.period, x.owner is not None, x.owner or "", x.currency))


class TargetBook:
    """Every target in memory (the table is small), resolved by the rules above."""

    def __init__(self, targets: list[Target]) -> None:
        self.explicit = {(x.owner_id, x.period, x.currency): x.amount_minor for x in targets}
        self.owners = {x.owner_id for x in targets if x.owner_id is not None}
        self.currencies = sorted({x.currency for x in targets})

    @classmethod
    def load(cls, store: Store) -> TargetBook:
        return cls(store.targets.all_targets())

    def get(self, owner_id: int | None, period: Period, currency: str) -> int | None:
        found = self.explicit.get((owner_id, period.label, currency))
        if found is not None:
            return found
        if owner_id is TEAM:
            parts = [self.get(o, period, currency) for o in self.owners]
            known = [p for p in parts if p is not None]
            if known:
                return sum(known)
        subs = [self.get(owner_id, p, currency) for p in period.parts()]
        if subs and all(s is not None for s in subs):
            return sum(s for s in subs if s is not None)
        return None

    def currencies_of(self, owner_id: int | None, period: Period) -> list[str]:
        return [c for c in self.currencies if self.get(owner_id, period, c) is not None]

    def converted(self, owner_id: int | None, period: Period, convert: Convert) -> int | None:
        """The target in the report currency: each currency's target converted, summed."""
        amounts = [
            convert(v, c)
            for c in self.currencies
            if (v := self.get(owner_id, period, c)) is not None
        ]
        return sum(amounts) if amounts else None
