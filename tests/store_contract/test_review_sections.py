"""The review's sections: at most ``limit`` lines, the largest first, and exact counts."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from pipeline_tui.services import deals
from pipeline_tui.services.activities import plan_activity
from pipeline_tui.services.deals import DealInput
from pipeline_tui.store.api import LIVE, Store

START, END = "2026-03-01T00:00:00Z", "2026-03-08T00:00:00Z"
DAY = "2026-03-08"
EVERYTHING = 1_000_000
VALUES = [5, 40, 12, 40, 7, 33, 1, 25, 18, 9]  # ties on 40: the older deal first


def _at(day: int) -> datetime:
    return datetime.fromisoformat(f"2026-03-0{day}T10:00:00+00:00")


@pytest.fixture
def week(store: Store) -> list[int]:
    """Ten deals made in the window; each moved forward, the odd ones back again, three won,
    three lost, each with a call overdue on the 8th."""
    ids = []
    for i, value in enumerate(VALUES):
        made = deals.add_deal(
            store,
            DealInput(title=f"Deal {i}", value_minor=value * 100, currency="USD",
                      owner="Ana" if i % 2 else "Bo", stage="Lead In"),
            at=_at(1),
        )  # fmt: skip
        ids.append(made.id)
        deals.move_deal(store, made.id, "Demo", at=_at(2))
        if i % 2:
            deals.move_deal(store, made.id, "Qualified", at=_at(3))
        if i in (0, 1, 2):
            deals.win_deal(store, made.id, at=_at(4))
        elif i in (3, 4, 5):
            deals.lose_deal(store, made.id, "Price", at=_at(5))
        plan_activity(store, "call", f"Call {i}", date(2026, 3, 1) + timedelta(days=i % 5),
                      deal_id=made.id, owner="Ana")  # fmt: skip
    return ids


@pytest.mark.parametrize("limit", [1, 3, 100])
def test_each_section_is_cut_to_its_largest_and_counted(store: Store, week, limit):
    r = store.review
    rows, total = r.new_deals(LIVE, START, END, None, limit)
    assert total == 10
    assert [x["id"] for x in rows] == [week[i] for i in (1, 3, 5, 7, 8, 2, 9, 4, 0, 6)][:limit]
    moves, counts = r.stage_moves(LIVE, START, END, None, limit)
    assert counts == {True: 10, False: 5}
    forward = [x["id"] for x in moves if x["forward"]]
    back = [x["id"] for x in moves if not x["forward"]]
    assert forward == [week[i] for i in (1, 3, 5, 7, 8, 2, 9, 4, 0, 6)][:limit]
    assert back == [week[i] for i in (1, 3, 5, 7, 9)][:limit]
    closed, counts = r.closed_deals(LIVE, START, END, None, limit)
    assert counts == {"won": 3, "lost": 3}
    assert [x["id"] for x in closed if x["status"] == "won"] == [week[i] for i in (1, 2, 0)][:limit]
    assert [x["id"] for x in closed if x["status"] == "lost"] == [week[i] for i in (3, 5, 4)][
        :limit
    ]
    overdue, total = r.overdue_activities(LIVE, DAY, None, limit)
    assert total == 10  # due the 1st to the 5th, all before the 8th
    assert [x["due_at"] for x in overdue] == sorted(x["due_at"] for x in overdue)
    assert len(overdue) == min(limit, 10)


def test_counts_follow_the_owner(store: Store, week):
    ana = store.directory.owner_id("Ana")
    rows, total = store.review.new_deals(LIVE, START, END, ana, 2)
    assert total == 5 and [x["id"] for x in rows] == [week[1], week[3]]
    _, counts = store.review.stage_moves(LIVE, START, END, ana, 2)
    assert counts == {True: 5, False: 5}


def test_stalled_counts_every_stalled_deal_and_ranks_the_largest(store: Store, week):
    # On the 30th every open deal has sat in its stage for weeks with no next step.
    found, total = store.review.stalled_deals(LIVE, "2026-03-30", None, 2)
    assert total == 4  # ten deals, six closed
    assert set(found) == {week[7], week[8]}  # the two largest (the caller ranks them)
    found, total = store.review.stalled_deals(LIVE, "2026-03-30", None, 100)
    assert total == 4 and set(found) == {week[i] for i in (6, 7, 8, 9)}
