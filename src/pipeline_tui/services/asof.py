"""``--as-of DATE``: reports read the pipeline replayed to the end of that day."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from pipeline_tui.models import Deal, PipelineError
from pipeline_tui.models.dates import today
from pipeline_tui.services.attention import Attention, assess, attention, weights
from pipeline_tui.store.api import LIVE, DealFilter, Source, Store


def end_of(day: date) -> str:
    """The last second of ``day`` as a stored timestamp (UTC, like every stored one)."""
    return f"{day.isoformat()}T23:59:59Z"


def check_as_of(as_of: date | None) -> date:
    """The report day: ``as_of``, which may not be in the future, else today."""
    now = today()
    if as_of is None:
        return now
    if as_of > now:
        raise PipelineError(f"--as-of {as_of.isoformat()} is in the future")
    return as_of


def source(store: Store, as_of: date | None) -> Source:
    """Live tables, or the replay at the end of ``as_of`` (today needs no replay)."""
    store.reports.tune_for_reports()
    if as_of is None or as_of >= today():
        return LIVE
    return store.reports.replay(end_of(as_of))


def attention_at(
    store: Store, src: Source, day: date, deal_ids: list[int] | None = None
) -> dict[int, Attention]:
    """The attention score and stalled reasons of open deals, live or replayed."""
    if not src.replayed:
        return attention(store, deal_ids, day)
    w = weights(store)
    return {s.id: assess(s, w, day) for s in store.review.signals(src, deal_ids)}


SORTS = ("close", "attention")


@dataclass
class DealList:
    deals: list[Deal]
    total: int
    scores: dict[int, Attention] | None = None


def list_deals_at(
    store: Store, f: DealFilter, *, as_of: date | None = None, sort: str = "close"
) -> DealList:
    """Deals as they stood at the end of ``as_of`` (default now), soonest close date first,
    or open deals by attention score, highest first."""
    if sort not in SORTS:
        raise PipelineError(f"invalid --sort {sort!r}: use {' or '.join(SORTS)}")
    if sort == "attention" and f.status != "open":
        raise PipelineError("--sort attention ranks open deals: use it with --status open")
    day = check_as_of(as_of)
    src = source(store, as_of)
    total = store.deals.count_deals(replace(f, limit=None), src)
    if sort == "close":
        return DealList(store.deals.list_deals(f, src), total)
    deals = store.deals.list_deals(replace(f, limit=None), src)
    scores = attention_at(store, src, day, [d.id for d in deals])
    deals.sort(key=lambda d: (-scores[d.id].score, d.id))
    return DealList(deals if f.limit is None else deals[: f.limit], total, scores)
