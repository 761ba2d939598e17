"""KPIs over a window: win rate, deal size, cycle, velocity, pipeline health, activity."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pipeline_tui.models.enums import ActivityKind
from pipeline_tui.models.money import check_currency, to_major
from pipeline_tui.models.period import Window, window
from pipeline_tui.services.asof import check_as_of, source
from pipeline_tui.services.common import default_currency
from pipeline_tui.services.currency import converter
from pipeline_tui.services.targets import owner_id_of
from pipeline_tui.store.api import KpiScope, Store

DEFAULT_SINCE = "90d"
KINDS = sorted(ActivityKind, key=lambda k: k.value)


@dataclass
class Money:
    """The money figures of one currency (minor units)."""

    currency: str
    won: int = 0
    won_value: int = 0
    won_valued: int = 0  # won deals with a known amount: the average's divisor
    open_deals: int = 0
    open_value: int = 0
    weighted_x100: int = 0

    @property
    def weighted(self) -> int:
        return (self.weighted_x100 + 50) // 100

    @property
    def avg_minor(self) -> float | None:
        return self.won_value / self.won_valued if self.won_valued else None

    def velocity(self, win_rate: float | None, cycle: float | None) -> float | None:
        return velocity(self.open_deals, win_rate, self.avg_minor, cycle, self.currency)

    def to_dict(self, win_rate: float | None, cycle: float | None) -> dict[str, Any]:
        c = self.currency
        avg = self.avg_minor
        return {
            "currency": c,
            "won": self.won,
            "won_value": to_major(self.won_value, c),
            "avg_deal_size": None if avg is None else to_major(round(avg), c),
            "open_deals": self.open_deals,
            "open_value": to_major(self.open_value, c),
            "weighted_value": to_major(self.weighted, c),
            "velocity_per_day": self.velocity(win_rate, cycle),
        }


def velocity(
    open_deals: int, win_rate: float | None, avg_minor: float | None, cycle: float | None, c: str
) -> float | None:
    """Open deals x win rate x average deal size / sales cycle days: money per day."""
    if win_rate is None or avg_minor is None or not cycle or cycle <= 0:
        return None
    return to_major(round(open_deals * win_rate * avg_minor / cycle), c)


@dataclass
class Kpis:
    """The KPIs of the team, or of one owner."""

    owner: str | None = None
    won: int = 0
    lost: int = 0
    cycle_days_sum: float = 0.0
    cycle_deals: int = 0
    cycle_left_out: int = 0  # won deals closed before they were created, or of unknown creation
    conversion_left_out: int = 0  # deals imported without their stage history
    stalled_deals: int = 0
    response: tuple[float, int] | None = None
    activities: dict[str, int] = field(default_factory=dict)
    conversion: list[dict[str, Any]] = field(default_factory=list)
    lost_reasons: dict[str, int] = field(default_factory=dict)
    money: dict[str, Money] = field(default_factory=dict)

    def cur(self, code: str) -> Money:
        return self.money.setdefault(code, Money(code))

    @property
    def exact_win_rate(self) -> float | None:
        closed = self.won + self.lost
        return self.won / closed if closed else None

    @property
    def win_rate(self) -> float | None:
        rate = self.exact_win_rate
        return None if rate is None else round(rate, 4)

    @property
    def cycle(self) -> float | None:
        """Mean days from created to won, each deal counting at least MIN_CYCLE_DAYS."""
        return self.cycle_days_sum / self.cycle_deals if self.cycle_deals else None

    @property
    def sales_cycle_days(self) -> float | None:
        return None if self.cycle is None else round(self.cycle, 2)

    def to_dict(self, fallback: str) -> dict[str, Any]:
        """Money figures sit at the top level when they are in one currency (the report
        currency, or the only one there is); otherwise only in ``by_currency``."""
        rate, cycle = self.exact_win_rate, self.cycle
        by_currency = [m.to_dict(rate, cycle) for m in self.money.values()]
        single = by_currency[0] if len(by_currency) == 1 else None
        if not by_currency:
            single = Money(fallback).to_dict(rate, cycle)

        def money(key: str) -> Any:
            return single[key] if single else None

        return {
            "owner": self.owner,
            "currency": single["currency"] if single else None,
            "won": self.won,
            "lost": self.lost,
            "win_rate": self.win_rate,
            "won_value": money("won_value"),
            "avg_deal_size": money("avg_deal_size"),
            "sales_cycle_days": self.sales_cycle_days,
            "sales_cycle_left_out": self.cycle_left_out,
            "conversion_left_out": self.conversion_left_out,
            "velocity_per_day": money("velocity_per_day"),
            "open_deals": sum(m.open_deals for m in self.money.values()),
            "open_value": money("open_value"),
            "weighted_value": money("weighted_value"),
            "stalled_deals": self.stalled_deals,
            "response_time_hours": None if self.response is None else round(self.response[0], 2),
            "activities": self.activities,
            "conversion": self.conversion,
            "lost_reasons": self.lost_reasons,
            "by_currency": by_currency,
        }


@dataclass
class KpiReport:
    window: Window
    as_of: date
    currency: str  # the report currency (--currency), else the default one
    team: Kpis
    owners: list[Kpis] | None = None
    by_team: bool = False  # then ``owners`` holds one column per team

    def to_dict(self) -> dict[str, Any]:
        out = {
            "from": self.window.first.isoformat(),
            "to": self.window.last.isoformat(),
            "as_of": self.as_of.isoformat(),
            **self.team.to_dict(self.currency),
        }
        if self.owners is not None:
            key = "by_team" if self.by_team else "by_owner"
            out[key] = [k.to_dict(self.currency) for k in self.owners]
        return out


def kpis(
    store: Store,
    *,
    first: date | None = None,
    last: date | None = None,
    since: str | None = None,
    owner: str | None = None,
    by_owner: bool = False,
    as_of: date | None = None,
    currency: str | None = None,
    by_team: bool = False,
) -> KpiReport:
    day = check_as_of(as_of)
    win = window(first, last, since, day, DEFAULT_SINCE)
    into = check_currency(currency) if currency else None
    convert = converter(store, into) if into else None
    owner_id = owner_id_of(store, owner) if owner else None
    src = source(store, as_of)
    names = store.directory.owner_names_by_id()
    fallback = into or default_currency(store)

    def collect(grouped: bool) -> dict[Any, Kpis]:
        k = KpiScope(win.start_ts, win.end_ts, day, owner_id, grouped and not by_team,
                     grouped and by_team)  # fmt: skip
        out: dict[Any, Kpis] = defaultdict(Kpis)

        def money(group: Any, code: str) -> tuple[Money, Any]:
            m = out[group].cur(into or code)
            return m, (lambda v: convert(v, code)) if convert else (lambda v: v)

        for group, code, status, n, value, days, cycled, left_out, valued in store.kpis.closed(
            src, k
        ):
            if status == "won":
                out[group].won += n
                out[group].cycle_days_sum += days or 0.0
                out[group].cycle_deals += cycled or 0
                out[group].cycle_left_out += left_out or 0
                m, cv = money(group, code)
                m.won += n
                m.won_valued += valued
                m.won_value += cv(value)
            else:
                out[group].lost += n
        for group, code, n, value, weighted in store.kpis.open_deals(src, k):
            m, cv = money(group, code)
            m.open_deals += n
            m.open_value += cv(value)
            m.weighted_x100 += cv(weighted)
        fresh = store.kpis.not_stalled(src, k)
        for group, item in out.items():
            open_now = sum(m.open_deals for m in item.money.values())
            item.stalled_deals = open_now - fresh.get(group, 0)
        for group, median in store.kpis.response_hours(src, k).items():
            out[group].response = median
        for group, kind, n in store.kpis.activities(src, k):
            out[group].activities[kind] = n
        if not grouped:
            out[None]  # the team exists even when nothing happened
        for group, reason, n in store.kpis.lost_reasons(src, k):
            out[group].lost_reasons[reason or "(no reason)"] = n
        _conversion(store, src, k, out)
        for group, n in store.kpis.unknown_history(src, k).items():
            if group in out:
                out[group].conversion_left_out = n
        for group, item in out.items():
            item.owner = (group if by_team else names.get(group)) if grouped else None
            item.activities = {kind.value: item.activities.get(kind.value, 0) for kind in KINDS}
            item.money = dict(sorted(item.money.items(), key=lambda kv: (kv[0] != fallback, kv[0])))
        return out

    team = collect(False)[None]
    if owner_id is not None:
        team.owner = names.get(owner_id)
    owners = None
    if by_team:
        per = collect(True)
        owners = sorted((v for g, v in per.items() if g is not None), key=lambda v: v.owner or "")
        if None in per:
            per[None].owner = "(no team)"
            owners.append(per[None])
        return KpiReport(win, day, fallback, team, owners, by_team=True)
    if by_owner:
        per = collect(True)
        order = {name: i for i, name in enumerate(store.directory.owner_names())}
        owners = sorted(
            (v for g, v in per.items() if g is not None and owner_id in (None, g)),
            key=lambda v: order.get(v.owner or "", len(order)),
        )
        if None in per:
            per[None].owner = "(no owner)"
            owners.append(per[None])
    return KpiReport(win, day, fallback, team, owners)


def _conversion(store: Store, src: Any, k: KpiScope, out: dict[Any, Kpis]) -> None:
    """Fill each group's conversion list: every stage in board order, entered or not."""
    counts: dict[Any, dict[int, tuple[int, int]]] = defaultdict(dict)
    for group, stage_id, entered, advanced in store.kpis.conversion(src, k):
        counts[group][stage_id] = (entered, advanced)
    stages = store.kpis.stage_order(src)
    multi = len({s[2] for s in stages}) > 1
    for group, item in out.items():
        mine = counts.get(group, {})
        item.conversion = [
            {
                "stage": name,
                **({"pipeline": pipeline} if multi else {}),
                "entered": mine.get(sid, (0, 0))[0],
                "advanced": mine.get(sid, (0, 0))[1],
                "rate": round(mine[sid][1] / mine[sid][0], 4) if mine.get(sid, (0,))[0] else None,
            }
            for sid, name, pipeline, archived in stages
            if not archived or sid in mine
        ]
