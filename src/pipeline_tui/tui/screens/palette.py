"""Command palette: every action by name, any deal by a fuzzy title or company name, and
companies and people by a part of their name (or a person's email).

Deal titles are user text, so hits are built as Content from plain strings and highlighted
by offsets; Textual's Matcher.highlight would parse them as markup.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator, Sequence
from functools import partial
from typing import Any, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.style import Style

DEAL_HITS = 20
CONTACT_HITS = 10  # companies, and people, each

ACTIONS: list[tuple[str, str, str]] = [
    # (name, help, how: "mode:X", "screen:X" (a screen action) or "app:X")
    ("Go to deals", "The deals table (d)", "mode:deals"),
    ("Go to board", "The stage board (b)", "mode:board"),
    ("Go to KPIs", "The KPI dashboard (k)", "mode:kpi"),
    ("Go to leads", "The leads (i)", "mode:leads"),
    ("Go to contacts", "Companies and people (C)", "mode:contacts"),
    ("New deal", "Add a deal (n)", "screen:new_deal"),
    ("New lead", "Add a lead (L)", "app:new_lead"),
    ("Qualify lead", "Into a deal, on the leads screen (c)", "screen:qualify"),
    ("Disqualify lead", "With a reason, on the leads screen (x)", "screen:disqualify"),
    ("Edit deal", "Edit the selected deal (e)", "screen:edit_deal"),
    ("Add person to deal", "With a role, on the deals screen (p)", "screen:add_person"),
    ("New company or person", "On the contacts screen (n)", "screen:new_record"),
    ("Add note", "On a company or person, on the contacts screen (a)", "screen:add_note"),
    ("Log or plan activity", "On the selected deal or lead (a)", "screen:log_activity"),
    ("Move deal to stage", "Move the selected deal (m)", "screen:move_deal"),
    ("Move deal to next stage", "On the board (shift+right or >)", "screen:step(1)"),
    ("Move deal to previous stage", "On the board (shift+left or <)", "screen:step(-1)"),
    ("Win deal", "Mark the selected deal won (w)", "screen:win_deal"),
    ("Lose deal", "Mark the selected deal lost, with a reason (l)", "screen:lose_deal"),
    ("Undo", "Undo the last change, like 'pipeline undo' (u)", "app:undo"),
    ("Filter", "Filter the current screen by text (/)", "screen:filter"),
    ("Switch pipeline", "On the board (p)", "screen:pipeline"),
    ("Toggle month/quarter", "On the KPI screen (p)", "screen:period"),
    ("Exact KPI figures", "Every tile's figure in full, on the KPI screen (e)", "screen:exact"),
    ("Show stalled deals only", "On the deals screen (x)", "screen:stalled"),
    ("Help: keys", "Every key binding (?)", "app:help"),
]


def _plain_highlight(text: str, offsets: Sequence[int], style: Style | None) -> Content:
    content = Content(text)  # never markup
    for offset in offsets:
        if style is not None and offset < len(text) and not text[offset].isspace():
            content = content.stylize(style, offset, offset + 1)
    return content


def _contact_score(score: float) -> float:
    """A company or person found by the database (any part of the name, an email) ranks
    after the deals that match as well (a deal is what the palette is most often for), and
    still shows when the fuzzy matcher does not score it."""
    return max(score * 0.85, 0.05)


class PipelineCommands(Provider):
    """Actions of pipeline-tui, owner filters, and deals by title or company."""

    def _run(self, how: str) -> None:
        app: Any = self.app
        kind, _, name = how.partition(":")
        if kind == "mode":
            app.switch_mode(name)
        elif kind == "app":
            app.run_action(name)
        elif "(" in name:
            screen = app.screen
            if hasattr(screen, f"action_{name.split('(')[0]}"):
                screen.run_action(name)
            else:
                app.notify("Not available on this screen.", severity="warning")
        else:
            app.screen_action(name)

    def _commands(self) -> Iterator[tuple[str, str, Callable[[], Any]]]:
        for name, help_text, how in ACTIONS:
            yield name, help_text, partial(self._run, how)
        app: Any = self.app
        yield (
            "Owner filter: everyone",
            "Show every owner's deals (o cycles)",
            partial(setattr, app, "owner", None),
        )
        for owner in app.meta.owners:
            yield (
                f"Owner filter: {owner}",
                "Show only this owner's deals",
                partial(setattr, app, "owner", owner),
            )

    async def discover(self) -> Hits:
        for name, help_text, callback in self._commands():
            yield DiscoveryHit(Content(name), callback, text=name, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, callback in self._commands():
            score = matcher.match(name)
            if score > 0:
                _score, offsets = matcher.fuzzy_search.match(query, name)
                display = _plain_highlight(name, offsets, self.match_style)
                yield Hit(score, display, callback, text=name, help=help_text)
        app: Any = self.app
        deals = await asyncio.to_thread(app.reader.pages.deal_titles, query, DEAL_HITS * 5)
        scored = []
        for deal_id, title, company, status in deals:
            score = max(matcher.match(title), matcher.match(company) if company else 0)
            if score > 0:
                scored.append((score, deal_id, title, company, status))
        scored.sort(key=lambda hit: -hit[0])
        for score, deal_id, title, company, status in scored[:DEAL_HITS]:
            display = Content("Deal: ") + self._highlight(query, title)
            if company:
                display += Content(" · ") + self._highlight(query, company)
            yield Hit(
                score * 0.9,  # actions first when a name matches as well as a title
                display,
                partial(self._jump, deal_id),
                text=f"Deal: {title}" + (f" · {company}" if company else ""),
                help=cast(str, Content(f"#{deal_id} · {status}")),  # Content: never parsed
            )

        async for hit in self._contacts(query):
            yield hit

    async def _contacts(self, query: str) -> Hits:
        """Companies and people holding the query's text (a person's email too)."""
        app: Any = self.app
        text = query.strip()
        if not text:
            return
        companies = await asyncio.to_thread(
            app.reader.companies.list_companies, text, None, CONTACT_HITS
        )
        people = await asyncio.to_thread(
            app.reader.people.list_people, text, None, None, CONTACT_HITS
        )
        matcher = self.matcher(query)
        for c in companies:
            name = c["name"]
            yield Hit(
                _contact_score(matcher.match(name)),
                Content("Company: ") + self._highlight(query, name),
                partial(self._show, "companies", c["id"]),
                text=f"Company: {name}",
                help=cast(str, Content(f"#{c['id']} · {c['open_deals']} open deals")),
            )
        for p in people:
            display = Content("Person: ") + self._highlight(query, p.label)
            if p.company:
                display += Content(" · ") + self._highlight(query, p.company)
            email = f" · {p.emails[0]}" if p.emails else ""
            # Their company's name counts less: the company itself comes first.
            score = max([matcher.match(t) for t in (p.label, *p.emails)] +
                        [matcher.match(p.company or "") * 0.8])  # fmt: skip
            yield Hit(
                _contact_score(score),
                display,
                partial(self._show, "people", p.id),
                text=f"Person: {p.label}",
                help=cast(str, Content(f"#{p.id}{email}")),
            )

    def _show(self, kind: str, record: int) -> None:
        app: Any = self.app
        app.run_worker(app.show_contact(kind, record), exclusive=True, group="jump")

    def _highlight(self, query: str, text: str) -> Content:
        """``text`` with the characters that match ``query`` highlighted, if it matches."""
        matcher = self.matcher(query)
        offsets = matcher.fuzzy_search.match(query, text)[1] if matcher.match(text) else []
        return _plain_highlight(text, offsets, self.match_style)

    def _jump(self, deal_id: int) -> None:
        app: Any = self.app
        app.run_worker(app.jump_to_deal(deal_id), exclusive=True, group="jump")
