"""The tabs at the top of every screen: clicking one switches the app's mode."""

from __future__ import annotations

from textual.widgets import Tab, Tabs

MODES = (
    ("deals", "Deals (d)"),
    ("board", "Board (b)"),
    ("kpi", "KPIs (k)"),
    ("leads", "Leads (i)"),
    ("contacts", "Contacts (C)"),
    ("today", "Today (t)"),
)


class ModeTabs(Tabs):
    """One tab a mode; keys stay with the screen (the tabs never take focus)."""

    can_focus = False

    def __init__(self, active: str) -> None:
        super().__init__(*(Tab(label, id=mode) for mode, label in MODES), active=active)
