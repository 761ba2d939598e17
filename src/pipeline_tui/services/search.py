"""Search: deals, companies, people, notes and activity subjects at once."""

from __future__ import annotations

from dataclasses import replace

from pipeline_tui.models import PipelineError
from pipeline_tui.models.contacts import SearchHit
from pipeline_tui.services.common import clean_text
from pipeline_tui.store.api import Store

SNIPPET = 70  # characters of a long matched text shown around the match


def snippet(text: str, needle: str, width: int = SNIPPET) -> str:
    """The part of ``text`` around ``needle``, on one line, with '…' where it was cut."""
    flat = " ".join(text.split())
    if len(flat) <= width:
        return flat
    at = max(flat.casefold().find(needle.casefold()), 0)
    start = max(0, min(at - width // 3, len(flat) - width))
    piece = flat[start : start + width]
    return ("…" if start else "") + piece + ("…" if start + width < len(flat) else "")


def search(store: Store, text: str, limit: int = 50) -> list[SearchHit]:
    """Every record holding ``text`` (case aside, any part of a word or an email)."""
    needle = (clean_text(text, "search text", required=True) or "").strip()
    if limit < 1:
        raise PipelineError(f"invalid limit {limit}: use 1 or more")
    hits = store.search.search(needle, limit)
    return [replace(h, text=snippet(h.text, needle)) for h in hits]
