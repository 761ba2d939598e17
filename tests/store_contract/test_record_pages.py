"""Paging of leads, companies, people and open plans: ordered pages, keyset or by offset,
that together list every match once, with the filters the TUI's lists use."""

from __future__ import annotations

from typing import Any

import pytest

from pipeline_tui.store.api import RecordQuery, Store

PAGE = 7
OWNERS = ("Ana Ruiz", "Bo Chen")
WORDS = ("alpha", "Bravo", "CHARLIE", "delta", "Echo")


def _seed(store: Store) -> dict[str, list[dict[str, Any]]]:
    """40 of each, with ties on every sort key, some without a name, owner or company."""
    out: dict[str, list[dict[str, Any]]] = {"leads": [], "companies": [], "people": [],
                                            "planned": []}  # fmt: skip
    statuses = ("new", "working", "qualified", "disqualified")
    with store.tx("seed") as tx:
        owners = [tx.ensure_owner(name) for name in OWNERS]
        for i in range(40):
            name = f"{WORDS[i % 5]} {i % 8}"  # repeats: ties on the name
            at = f"2026-01-{1 + i % 6:02d}T10:00:00Z"  # six creation times: ties
            owner = i % 3  # 2: nobody
            owner_id = owners[owner] if owner < 2 else None
            company = tx.insert("companies", {
                "name": f"{name} Co{i}", "name_key": f"{name} co{i}".lower(),
                "city": "Lisbon" if i % 4 == 0 else None, "owner_id": owner_id,
                "created_at": at, "updated_at": at,
            })  # fmt: skip
            out["companies"].append({"id": company, "key": f"{name} co{i}".lower(),
                                     "owner": owner, "text": i % 4 == 0})  # fmt: skip
            person_name = None if i % 9 == 0 else name
            email = f"p{i}@{'lisbon' if i % 5 == 0 else 'x'}.example"
            person = tx.insert("contacts", {
                "name": person_name, "email": email, "email_key": email,
                "company_id": company if i % 2 else None, "owner_id": owner_id,
                "created_at": at, "updated_at": at,
            })  # fmt: skip
            out["people"].append({"id": person, "key": (person_name or email).lower(),
                                  "owner": owner, "text": i % 5 == 0})  # fmt: skip
            lead = tx.insert("leads", {
                "name": name, "email": f"l{i}@x.example", "status": statuses[i % 4],
                "company_id": company if i % 3 == 0 else None, "owner_id": owner_id,
                "created_at": at, "updated_at": at,
            })  # fmt: skip
            out["leads"].append({"id": lead, "key": at, "owner": owner, "status": statuses[i % 4],
                                 "text": "bravo" in f"{name} {name} co{i}".lower()
                                 if i % 3 == 0 else "bravo" in name.lower()})  # fmt: skip
            due = f"2026-02-{1 + i % 10:02d}"  # ten days: ties
            act = {"kind": "call", "subject": f"call {i}", "lead_id": lead, "owner_id": owner_id,
                   "due_at": due, "created_at": at, "updated_at": at}  # fmt: skip
            if i % 7 == 0:
                act["done_at"] = at
            elif i % 11 == 0:
                act["cancelled_at"] = at
            activity = tx.insert("activities", act)
            if i % 7 and i % 11:
                out["planned"].append({"id": activity, "key": due, "owner": owner})
    return out


@pytest.fixture
def seeded(store: Store) -> dict[str, list[dict[str, Any]]]:
    return _seed(store)


QUERIES = [
    RecordQuery("leads"),
    RecordQuery("leads", statuses=("new", "working")),
    RecordQuery("leads", owner="ana ruiz", text="bravo"),
    RecordQuery("companies"),
    RecordQuery("companies", owner="Bo Chen"),
    RecordQuery("companies", text="LISBON"),
    RecordQuery("people"),
    RecordQuery("people", text="lisbon", owner="Ana Ruiz"),
    RecordQuery("planned", end="2026-02-11"),
    RecordQuery("planned", start="2026-02-03", end="2026-02-06", owner="Bo Chen"),
    RecordQuery("planned", end="2026-02-01"),  # nothing due before the first
]


def _expected(seeded: dict[str, list[dict[str, Any]]], q: RecordQuery) -> list[int]:
    """The ids the query matches in its order, from what was written."""
    rows = seeded[q.kind]
    if q.statuses:
        rows = [r for r in rows if r["status"] in q.statuses]
    if q.owner:
        wanted = [o.lower() for o in OWNERS].index(q.owner.lower())
        rows = [r for r in rows if r["owner"] == wanted]
    if q.text:
        rows = [r for r in rows if r["text"]]
    if q.kind == "planned":
        rows = [r for r in rows if r["key"] < str(q.end) and r["key"] >= (q.start or "")]
    ordered = sorted(rows, key=lambda r: (r["key"], r["id"]), reverse=q.kind == "leads")
    return [r["id"] for r in ordered]


def _id(row: Any) -> int:
    return int(row["id"] if isinstance(row, dict) else row.id)


@pytest.mark.parametrize("q", QUERIES, ids=lambda q: f"{q.kind}-{q.statuses}-{q.owner}-{q.text}")
def test_keyset_and_offset_pages_list_every_match_once_in_order(
    store: Store, seeded: dict[str, list[dict[str, Any]]], q: RecordQuery
) -> None:
    expected = _expected(seeded, q)
    assert store.pages.record_count(q) == len(expected)
    walked: list[int] = []
    while True:
        page = store.pages.record_page(q, len(walked), PAGE, walked[-1] if walked else None)
        walked += [_id(r) for r in page]
        if len(page) < PAGE:
            break
    assert walked == expected
    by_offset = [
        _id(r) for start in range(0, len(expected), PAGE)
        for r in store.pages.record_page(q, start, PAGE)
    ]  # fmt: skip
    assert by_offset == expected
    for i, record in enumerate(expected):
        assert store.pages.record_position(q, record) == i


def test_the_rows_are_the_records_the_screens_draw(
    store: Store, seeded: dict[str, list[dict[str, Any]]]
) -> None:
    leads = store.pages.record_page(RecordQuery("leads"), 0, 3)
    assert [lead.id for lead in leads] == _expected(seeded, RecordQuery("leads"))[:3]
    assert leads[0].name and leads[0].status in ("new", "working", "qualified", "disqualified")
    company = store.pages.record_page(RecordQuery("companies"), 0, 1)[0]
    assert company["id"] == _expected(seeded, RecordQuery("companies"))[0]
    assert company["name"] == "alpha 0 Co0" and company["open_deals"] == 0
    person = store.pages.record_page(RecordQuery("people"), 0, 1)[0]
    assert person.label
    plan = store.pages.record_page(RecordQuery("planned", end="2026-03-01"), 0, 1)[0]
    assert plan.due_at == "2026-02-01" and plan.done_at is None and plan.cancelled_at is None


def test_a_gone_anchor_falls_back_to_the_offset(
    store: Store, seeded: dict[str, list[dict[str, Any]]]
) -> None:
    q = RecordQuery("companies")
    expected = _expected(seeded, q)
    assert [_id(r) for r in store.pages.record_page(q, 5, 3, after=10_000)] == expected[5:8]


def test_a_record_outside_the_list_has_no_position(
    store: Store, seeded: dict[str, list[dict[str, Any]]]
) -> None:
    q = RecordQuery("leads", statuses=("new",))
    other = next(r["id"] for r in seeded["leads"] if r["status"] == "working")
    assert store.pages.record_position(q, other) is None
    with pytest.raises(ValueError, match="unknown list"):
        store.pages.record_count(RecordQuery("stages"))
