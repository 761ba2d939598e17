"""The words for a won or lost deal, in the languages and CRMs we read: one list for all."""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """'Closed - Won' -> 'closedwon': accents, case, spaces and punctuation folded away."""
    text = unicodedata.normalize("NFKD", text.strip().lstrip("\ufeff")).casefold()
    return "".join(c for c in text if c.isalnum() and not unicodedata.combining(c))


# Folded word -> outcome. Used to refuse a stage named like an outcome, to read a status
# column on import, and to map a CSV stage name to a win or a loss.
OUTCOMES = {
    "won": "won", "closedwon": "won", "dealwon": "won", "gewonnen": "won", "gagne": "won",
    "gagnee": "won", "ganado": "won", "ganada": "won",
    "lost": "lost", "closedlost": "lost", "deallost": "lost", "verloren": "lost",
    "perdu": "lost", "perdue": "lost", "perdido": "lost", "perdida": "lost",
}  # fmt: skip
OPEN_WORDS = {"open": "open", "offen": "open", "ouvert": "open", "abierto": "open"}
DEAL_STATUSES = OPEN_WORDS | OUTCOMES


def outcome_of(name: str) -> str | None:
    """'won' or 'lost' when ``name`` is a word for an outcome, else None."""
    return OUTCOMES.get(fold(name))
