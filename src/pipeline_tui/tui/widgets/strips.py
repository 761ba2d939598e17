"""One line of rich text as a Textual Strip, every segment styled (NO_COLOR needs that)."""

from __future__ import annotations

from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.strip import Strip

_PLAIN = Style()


def text_strip(text: Text, width: int, console: Console) -> Strip:
    """``text`` rendered to one strip of ``width`` cells.

    Rich yields some segments with no style at all (the line end, spans whose styles cancel
    out). Textual's monochrome filter, which runs when NO_COLOR is set, reads ``style.color``
    of every segment and crashed on those: give each one an empty style instead.
    """
    segments = [
        seg if seg.style is not None or seg.control else Segment(seg.text, _PLAIN)
        for seg in text.render(console)
    ]
    return Strip(segments, width).simplify()
