"""The pipeline review: what changed over a window, section by section, for the meeting."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pipeline_tui.models.errors import PipelineError
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


# Lines shown per section, the most urgent first; a meeting reads a page, not 90,000. The
# rest are counted (Review.more), in SQL, so a review of a million deals reads a few pages.
SHOWN = 25
# How each section ranks its lines, for "25 largest of 2,689".
RANKED = {key: "largest" for key, _ in SECTIONS} | {
    "stalled": "most urgent",
    "overdue_activities": "most overdue",
}


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
    limit: int = SHOWN,
    by_team: bool = False,
) -> Review:
    """The review of the window ending on ``as_of`` (today): at most ``limit`` lines a
    section, and how many each left out."""
    if limit < 1:
        raise PipelineError(f"invalid limit {limit}: use 1 or more")
    day = check_as_of(as_of)
    win = window(None, None, since, day, DEFAULT_SINCE)
    owner_id = owner_id_of(store, owner) if owner else None
    src = source(store, as_of)
    start, end = win.start_ts, win.end_ts
    out = Review(win, day, owner)
    s = out.sections

    s["new_deals"] = []
    rows, total = store.review.new_deals(src, start, end, owner_id, limit)
    for d in rows:
        first = d["first_stage"] or d["stage"]
        change = f"new in {first}" + (f", now {d['stage']}" if first != d["stage"] else "")
        change += f", closes {d['close_date']}" if d["close_date"] else ", no close date"
        if d["status"] != "open":
            change += f", {d['status']}"
        s["new_deals"].append(_line(d, change, at=d["created_at"]))
    out.more["new_deals"] = total - len(rows)

    s["advanced"], s["moved_back"] = [], []
    moves, directions = store.review.stage_moves(src, start, end, owner_id, limit)
    for m in moves:
        key = "advanced" if m["forward"] else "moved_back"
        change = f"{m['from_stage']} → {m['to_stage']} on {m['changed_at'][:10]}"
        s[key].append(_line(m, change, at=m["changed_at"]))
    out.more["advanced"] = directions.get(True, 0) - len(s["advanced"])
    out.more["moved_back"] = directions.get(False, 0) - len(s["moved_back"])

    s["slipped"], out.more["slipped"] = _slipped(store, src, start, end, owner_id, limit)
    s["won"], s["lost"] = [], []
    closed, counts = store.review.closed_deals(src, start, end, owner_id, limit)
    for d in closed:
        when = d["closed_at"][:10]
        if d["status"] == "won":
            s["won"].append(_line(d, f"won on {when}", at=d["closed_at"]))
        else:
            reason = d["lost_reason"] or "no reason given"
            s["lost"].append(
                _line(d, f"lost on {when}: {reason}", at=d["closed_at"], reason=d["lost_reason"])
            )
    out.more["won"] = counts.get("won", 0) - len(s["won"])
    out.more["lost"] = counts.get("lost", 0) - len(s["lost"])

    # The stalled deals are chosen in SQL; the largest few are scored and the most urgent
    # shown, the rest counted: a big pipeline has tens of thousands.
    candidates, total = store.review.stalled_deals(src, day.isoformat(), owner_id, limit * 10)
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
        for a in stalled[:limit]
    ]
    out.more["stalled"] = total - len(s["stalled"])

    s["overdue_activities"] = []
    overdue, total = store.review.overdue_activities(src, day.isoformat(), owner_id, limit)
    for a in overdue:
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
    out.more["overdue_activities"] = total - len(overdue)
    out.more = {key: out.more[key] for key, _ in SECTIONS}  # in the printed order
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
    store: Store, src: Any, start: str, end: str, owner_id: int | None, limit: int
) -> tuple[list[dict[str, Any]], int]:
    """Deals whose close date ended the window later than it began it: the ``limit``
    largest, and how many were left out. Close-date edits are a person's edits, so the
    window's few are sorted here; only the lines shown count their pushes."""
    first: dict[int, tuple[str | None, str]] = {}
    last: dict[int, str | None] = {}
    for c in store.review.close_date_changes(src, start, end):
        first.setdefault(c["deal_id"], (c["old"], c["at"]))
        last[c["deal_id"]] = c["new"]
    slipped = [i for i, (old, _) in first.items() if old is not None and (last[i] or "") > old]
    deals = store.review.deals_by_id(src, slipped)
    found = [
        deals[i]
        for i in slipped
        if i in deals and (owner_id is None or deals[i]["owner_id"] == owner_id)
    ]
    found.sort(key=lambda d: (-d["value_minor"], d["id"]))
    counts = store.review.pushes(src, [d["id"] for d in found[:limit]])
    out = []
    for d in found[:limit]:
        i = d["id"]
        old, new = first[i][0] or "", last[i] or ""
        n = counts.get(i, 0)
        change = (
            f"close date {old} → {new} (+{_plural(_days(old, new), 'day')}), "
            f"pushed {_plural(n, 'time')} overall"
        )
        out.append(_line(d, change, old_close=old, new_close=new, pushes=n))
    return out, len(found) - len(out)
