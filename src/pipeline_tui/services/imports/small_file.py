"""Reading a small side file (users, stage history) in-process: sniffed, mapped, row by row."""

# The big imports (leads, deals, activities) spool through worker processes (workers.py);
# a users file or a stage history is read here, row by row, with the same sniffing, header
# mapping and date and money formats, so that it reads every file those imports read.

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from pipeline_tui.models.errors import PipelineError
from pipeline_tui.services.imports.cells import BadValue
from pipeline_tui.services.imports.columns import Mapping, map_header
from pipeline_tui.services.imports.dates import make_date_converter
from pipeline_tui.services.imports.formats import decide_formats
from pipeline_tui.services.imports.sniff import Source, open_range, open_source, records


@dataclass
class SideFile:
    """One side file, open: where it came from, how it was read, and its mapped header."""

    src: Source
    mapping: Mapping
    formats: dict[str, str]
    shown: dict[str, str]
    zone: str | None
    rejects: list[tuple[int, str]] = field(default_factory=list)

    def date(self, name: str, *, timestamp: bool) -> Callable[[str], str | None]:
        """The reader of date field ``name``: ISO text, None for an empty cell."""
        if name not in self.formats:
            return lambda value: None
        convert = make_date_converter(self.formats[name], as_timestamp=timestamp, zone=self.zone)
        column = self.mapping.column(name)

        def read(value: str) -> str | None:
            if not value.strip():
                return None
            try:
                return convert(value.strip())
            except BadValue as exc:
                raise BadValue(f"invalid {column} {value.strip()!r}: {exc}") from None

        return read

    def rows(self) -> Iterator[tuple[int, dict[str, str]]]:
        """(line, field -> cell) for each record; unreadable records are rejected."""
        text, _ = open_range(self.src, self.src.data_start, self.src.size)
        line = self.src.first_line
        fields = self.mapping.fields
        try:
            for n, r in records(text, self.src.delimiter):
                if r is None:
                    self.rejects.append((line, "unreadable CSV record"))
                elif any(c.strip() for c in r):
                    yield line, {f: (r[i] if i < len(r) else "") for f, i in fields.items()}
                line += n
        except UnicodeDecodeError:
            raise PipelineError(
                f"{self.src.name}: bytes that are not valid {self.src.encoding}; "
                "give the right --encoding"
            ) from None
        finally:
            text.close()


def open_side_file(
    entity: str,
    name: str,
    *,
    encoding: str | None,
    delimiter: str | None,
    maps: list[str],
    dayfirst: bool | None,
    decimal: str | None,
    zone: str | None,
) -> SideFile:
    """Sniff, map and decide the formats of a side file; the caller closes ``src``."""
    src = open_source(name, encoding=encoding, delimiter=delimiter)
    try:
        mapping = map_header(entity, src.header, maps)
        formats, shown = decide_formats(src, mapping, dayfirst, decimal, zone)
    except BaseException:
        src.close()
        raise
    return SideFile(src, mapping, formats, shown, zone)
