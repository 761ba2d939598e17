"""The pipeline review: what changed over a window, section by section, for the meeting."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pipeline_tui.models.money import to_major
from pipeline_tui.models.period import Window, window
from pipeline_tui.services.asof import attention_at, check_as_of, source
from pipeline_tui.services.targets import owner_id_of
from pipeline_tui.store.api import Store

DEFAULT_SINCE = "7d"
SECTIONS = (
    ("new_deals", "New deals"),
    ("advanced", "Deals advanced"),
    ("moved_back", "Deals moved back"),
    ("slipped", "Close dates slipped"),
    ("won", "Won"),
    ("lost", "Lost"),
    ("stalled", "Stalled deals"),
    ("overdue_activities", "Overdue activities"),
)


@dataclass
class Review:
    window: Window
    day: date
    owner: str | None
    sections: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    more: dict[str, int] = field(default_factory=dict)  # lines left out, by section
    by_team: bool = False  # each line names its owner's team; sections are ordered by team

    def to_dict(self) -> dict[str, Any]:
        return {
            "from": self.window.first.isoformat(),
            "to": self.window.last.isoformat(),
            "as_of": self.day.isoformat(),
            "owner": self.owner,
            **{key: self.sections.get(key, []) for key, _ in SECTIONS},
            "more": dict(self.more),
            **({"by": "team"} if self.by_team else {}),
        }


# Stalled deals shown in a review, the most urgent first; a meeting reads a page, not 90,000.
STALLED_SHOWN = 25


def _line(deal: dict[str, Any], change: str, **extra: Any) -> dict[str, Any]:
    """One review line: the deal, its owner and value, and what changed."""
    value = deal.get("value_minor")
    currency = deal.get("currency")
    return {
        "deal_id": deal["id"],
        "deal": deal["title"],
        "owner": deal.get("owner"),
        "value": None if value is None or currency is None else to_major(value, currency),
        "currency": currency,
        "change": change,
        **extra,
    }


def _days(a: str, b: str) -> int:
    return (date.fromisoformat(b[:10]) - date.fromisoformat(a[:10])).days


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def review(
    store: Store,
    since: str | None = None,
    owner: str | None = None,
    as_of: date | None = None,
    by_team: bool = False,
) -> Review:
    day = check_as_of(as_of)
    win = window(None, None, since, day, DEFAULT_SINCE)
    owner_id = owner_id_of(store, owner) if owner else None
    src = source(store, as_of)
    start, end = win.start_ts, win.end_ts
    out = Review(win, day, owner)
    s = out.sections

    s["new_deals"] = []
    for d in store.review.new_deals(src, start, end, owner_id):
        first = d["first_stage"] or d["stage"]
        change = f"new in {first}" + (f", now {d['stage']}" if first != d["stage"] else "")
        change += f", closes {d['close_date']}" if d["close_date"] else ", no close date"
        if d["status"] != "open":
            change += f", {d['status']}"
        s["new_deals"].append(_line(d, change, at=d["created_at"]))
    s["advanced"], s["moved_back"] = [], []
    for m in store.review.stage_moves(src, start, end, owner_id):
        key = "advanced" if m["to_pos"] > m["from_pos"] else "moved_back"
        change = f"{m['from_stage']} → {m['to_stage']} on {m['changed_at'][:10]}"
        s[key].append(_line(m, change, at=m["changed_at"]))

    s["slipped"] = _slipped(store, src, start, end, owner_id)
    s["won"], s["lost"] = [], []
    for d in store.review.closed_deals(src, start, end, owner_id):
        when = d["closed_at"][:10]
        if d["status"] == "won":
            s["won"].append(_line(d, f"won on {when}", at=d["closed_at"]))
        else:
            reason = d["lost_reason"] or "no reason given"
            s["lost"].append(
                _line(d, f"lost on {when}: {reason}", at=d["closed_at"], reason=d["lost_reason"])
            )

    # The stalled deals are chosen in SQL; the largest few are scored and the most urgent
    # shown, the rest counted (out.more): a big pipeline has tens of thousands.
    candidates, out.more["stalled"] = store.review.stalled_deals(
        src, day.isoformat(), owner_id, STALLED_SHOWN * 10
    )
    scores = attention_at(store, src, day, list(candidates))
    stalled = [a for a in scores.values() if a.stalled]
    stalled.sort(key=lambda a: (-a.score, a.deal_id))
    s["stalled"] = [
        _line(
            candidates[a.deal_id],
            "; ".join(a.stalled_reasons),
            reasons=list(a.stalled_reasons),
            attention=a.score,
        )
        for a in stalled[:STALLED_SHOWN]
    ]
    out.more["stalled"] -= len(s["stalled"])

    s["overdue_activities"] = []
    for a in store.review.overdue_activities(src, day.isoformat(), owner_id):
        late = _days(a["due_at"], day.isoformat())
        line = _line(
            {
                "id": a["deal_id"],
                "title": a["regarding"],
                "owner": a["owner"],
                "value_minor": a["value_minor"],
                "currency": a["currency"],
            },
            f"{a['kind']} '{a['subject']}' due {a['due_at'][:10]} ({_plural(late, 'day')} late)",
            activity_id=a["id"],
            lead_id=a["lead_id"],
        )
        s["overdue_activities"].append(line)
    if by_team:
        _by_team(store, out)
    return out


def _by_team(store: Store, out: Review) -> None:
    """Name each line's team and order every section by team (stable: each team's lines keep
    their order); lines whose owner has no team come last."""
    teams = store.directory.owner_teams()
    out.by_team = True
    for lines in out.sections.values():
        for line in lines:
            line["team"] = teams.get(line.get("owner") or "")
        lines.sort(key=lambda line: (line["team"] is None, line["team"] or ""))


def _slipped(
    store: Store, src: Any, start: str, end: str, owner_id: int | None
) -> list[dict[str, Any]]:
    """Deals whose close date ended the window later than it began it."""
    first: dict[int, tuple[str | None, str]] = {}
    last: dict[int, str | None] = {}
    for c in store.review.close_date_changes(src, start, end):
        first.setdefault(c["deal_id"], (c["old"], c["at"]))
        last[c["deal_id"]] = c["new"]
    slipped = [i for i, (old, _) in first.items() if old is not None and (last[i] or "") > old]
    deals = store.review.deals_by_id(src, slipped)
    counts = store.review.pushes(src, slipped)
    out = []
    for i in slipped:
        d = deals.get(i)
        if d is None or (owner_id is not None and d["owner_id"] != owner_id):
            continue
        old, new = first[i][0] or "", last[i] or ""
        n = counts.get(i, 0)
        change = (
            f"close date {old} → {new} (+{_plural(_days(old, new), 'day')}), "
            f"pushed {_plural(n, 'time')} overall"
        )
        out.append(_line(d, change, old_close=old, new_close=new, pushes=n))
    return out
