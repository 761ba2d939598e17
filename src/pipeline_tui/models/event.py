"""One row of the append-only event log."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Event:
    id: int
    command_id: int
    at: str
    owner: str | None
    command: str
    entity: str
    entity_id: int
    action: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    undone: bool = False
    login: str | None = None  # the database login that ran the command (a server's only)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
