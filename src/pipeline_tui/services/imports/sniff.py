"""Reading a CSV file we did not write: encoding, delimiter, header, and safe split points."""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from pipeline_tui.models.errors import PipelineError

SAMPLE_BYTES = 1 << 20
DELIMITERS = (",", ";", "\t", "|")
# Appended after a worker's byte range: if the range was cut inside a quoted field, the CSV
# reader swallows this line into that field instead of returning it as a record of its own.
SENTINEL = "\ufeffpipeline-tui:end-of-range\ufeff"
# Fields may be long (notes), but not unbounded: the services refuse text over 100,000 chars.
FIELD_LIMIT = 100_000
csv.field_size_limit(FIELD_LIMIT)


def _c1(exc: UnicodeError) -> tuple[str, int]:
    """Bytes that Windows-1252 leaves undefined decode as the matching C1 control, like
    browsers do, so that a stray byte never stops an import."""
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    return chr(exc.object[exc.start]), exc.start + 1


codecs.register_error("pipeline-c1", _c1)

_NAMES = {
    "utf8": "utf-8",
    "utf-8": "utf-8",
    "utf-8-sig": "utf-8",
    "utf8-sig": "utf-8",
    "cp1252": "cp1252",
    "windows-1252": "cp1252",
    "win1252": "cp1252",
    "latin-1": "latin-1",
    "latin1": "latin-1",
    "iso-8859-1": "latin-1",
    "iso-8859-15": "iso-8859-15",
    "utf-16": "utf-16",
}


@dataclass
class Source:
    """A CSV file, ready to read: its encoding, delimiter, header and where the data starts."""

    path: Path
    name: str
    encoding: str
    delimiter: str
    header: list[str]
    data_start: int
    first_line: int
    size: int
    newline: bytes
    temp_paths: list[Path]
    encoding_guessed: bool = False

    @property
    def errors(self) -> str:
        return "pipeline-c1" if self.encoding == "cp1252" else "strict"

    def close(self) -> None:
        for p in self.temp_paths:
            p.unlink(missing_ok=True)
        self.temp_paths.clear()


def _spool(stream: IO[bytes], suffix: str = ".csv") -> Path:
    fd, name = tempfile.mkstemp(prefix="pipeline-import-", suffix=suffix)
    with os.fdopen(fd, "wb") as out:
        shutil.copyfileobj(stream, out, 1 << 20)
    return Path(name)


def _transcode(path: Path, encoding: str) -> Path:
    """UTF-16 files (Excel's 'Unicode text') become UTF-8 once, so ranges can be split."""
    fd, name = tempfile.mkstemp(prefix="pipeline-import-", suffix=".csv")
    with (
        open(path, encoding=encoding, newline="") as src,
        os.fdopen(fd, "w", encoding="utf-8", newline="") as out,
    ):
        shutil.copyfileobj(src, out, 1 << 20)
    return Path(name)


def check_encoding(name: str) -> str:
    key = name.strip().lower().replace("_", "-")
    if key in _NAMES:
        return _NAMES[key]
    try:
        return codecs.lookup(key).name
    except LookupError:
        raise PipelineError(f"unknown encoding {name!r}: use utf-8 or cp1252") from None


def _detect_encoding(sample: bytes) -> tuple[str, int]:
    """(codec, bytes to skip): a BOM decides, else strict UTF-8, else Windows-1252."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8", 3
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16", 0
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        decoder.decode(sample, final=len(sample) < SAMPLE_BYTES)
    except UnicodeDecodeError:
        return "cp1252", 0
    return "utf-8", 0


def _score(text: str, delimiter: str) -> tuple[float, int, int]:
    rows: list[list[str]] = []
    try:
        for r in itertools.islice(
            csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), 200
        ):
            rows.append(r)
    except csv.Error:
        # A long line read with the wrong delimiter is one field over FIELD_LIMIT: judge this
        # delimiter by the rows before it, so sniffing never fails where reading would not.
        pass
    rows = [r for r in rows if r]
    if not rows or len(rows[0]) < 2:
        return (0.0, 0, 0)
    width = len(rows[0])
    body = rows[1:] or rows
    consistent = sum(1 for r in body if len(r) == width) / len(body)
    # Ties go to the rarer character: tabs and pipes seldom occur inside text, commas often.
    rarity = {"\t": 3, "|": 2, ";": 1, ",": 0}[delimiter]
    return (round(consistent, 2), width if consistent >= 0.9 else 0, rarity)


def detect_delimiter(text: str) -> str:
    """Comma, semicolon, tab or pipe: the one that splits the sample into the most consistent
    rows. Only these four are candidates, so dates (1.2.2024) and times (17:19) cannot win,
    which is where csv.Sniffer goes wrong on real files."""
    cut = text.rfind("\n")
    sample = text[: cut + 1] if cut > 0 else text
    best = max(DELIMITERS, key=lambda d: _score(sample, d))
    return best if _score(sample, best)[0] > 0 else ","


def _clean_header(raw: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    header = []
    for i, name in enumerate(raw, start=1):
        name = name.strip() or f"column {i}"
        if name in seen:
            seen[name] += 1
            name = f"{name} ({seen[name]})"
        else:
            seen[name] = 1
        header.append(name)
    return header


def open_source(name: str, *, encoding: str | None = None, delimiter: str | None = None) -> Source:
    """Open FILE (or '-' for stdin, spooled to a temporary file) and read its header."""
    temps: list[Path] = []
    if name == "-":
        stream = getattr(sys.stdin, "buffer", None)
        if stream is None:
            stream = io.BytesIO(sys.stdin.read().encode("utf-8"))
        path = _spool(stream)
        temps.append(path)
    else:
        path = Path(name).expanduser()
        if not path.is_file():
            raise PipelineError(f"cannot read {name!r}: no such file")
    with open(path, "rb") as f:
        sample = f.read(SAMPLE_BYTES)
    if not sample.strip():
        for t in temps:
            t.unlink(missing_ok=True)
        raise PipelineError(f"{name!r} is empty")
    skip = 0
    if encoding is None:
        codec, skip = _detect_encoding(sample)
    else:
        codec = check_encoding(encoding)
        skip = 3 if codec == "utf-8" and sample.startswith(codecs.BOM_UTF8) else 0
    if codec.startswith("utf-16"):
        path = _transcode(path, codec)
        temps.append(path)
        with open(path, "rb") as f:
            sample = f.read(SAMPLE_BYTES)
        codec, skip = "utf-8", 0
    errors = "pipeline-c1" if codec == "cp1252" else "strict"
    text = codecs.getincrementaldecoder(codec)(errors=errors).decode(sample[skip:])
    if delimiter is not None:
        delim = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";", "pipe": "|"}.get(
            delimiter, delimiter
        )
        if len(delim) != 1:
            raise PipelineError(f"invalid delimiter {delimiter!r}: use , ; tab or |")
    else:
        delim = detect_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
    try:
        header = next(reader)
        header_lines = reader.line_num
    except (StopIteration, csv.Error) as exc:
        raise PipelineError(f"{name!r}: cannot read the header line ({exc})") from None
    newline = b"\n" if b"\n" in sample else b"\r"
    offset = skip
    for _ in range(header_lines):
        found = sample.find(newline, offset)
        offset = len(sample) if found < 0 else found + 1
    return Source(
        path=path,
        name=name,
        encoding=codec,
        delimiter=delim,
        header=_clean_header(header),
        data_start=offset,
        first_line=header_lines + 1,
        size=path.stat().st_size,
        newline=newline,
        temp_paths=temps,
        encoding_guessed=encoding is None,
    )


class _Range(io.RawIOBase):
    """A byte range of a file, read as a stream; ``done`` tells how far it has got."""

    def __init__(self, path: Path, start: int, end: int) -> None:
        self._f = open(path, "rb", buffering=0)  # noqa: SIM115 (closed by close())
        self._f.seek(start)
        self._left = end - start
        self.done = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        if self._left <= 0:
            return 0
        view = memoryview(buffer)[: min(len(buffer), self._left)]
        n = self._f.readinto(view) or 0
        self._left -= n
        self.done += n
        return n

    def close(self) -> None:
        self._f.close()
        super().close()


def open_range(
    src: Source, start: int, end: int, encoding: str | None = None
) -> tuple[io.TextIOWrapper, _Range]:
    raw = _Range(src.path, start, end)
    codec = encoding or src.encoding
    errors = "pipeline-c1" if codec == "cp1252" else "strict"
    text = io.TextIOWrapper(
        io.BufferedReader(raw, 1 << 20), encoding=codec, errors=errors, newline=""
    )
    return text, raw


def ends_in_quotes(text: str, delimiter: str, *, inside: bool = False) -> bool:
    """Whether ``text`` (lines of one record; ``inside`` a quoted cell at its start) stops
    inside a quoted cell, read as the csv module reads it: a quote opens a cell only at the
    cell's start, and "" inside one is a quote."""
    cell_end = re.compile(f"[{re.escape(delimiter)}\r\n]")
    i, n = 0, len(text)
    while i < n:
        if inside or text[i] == '"':
            j = i if inside else i + 1
            while True:
                j = text.find('"', j)
                if j < 0:
                    return True
                if not text.startswith('"', j + 1):
                    break
                j += 2
            inside, i = False, j + 1
        # The rest of the cell (unquoted, or after its closing quote) holds no quote that counts.
        found = cell_end.search(text, i)
        i = found.end() if found else n
    return inside


def skip_quoted_cell(lines: Iterator[str], delimiter: str) -> int:
    """Consume the lines up to the one that closes a quoted cell the csv module gave up in
    (a cell over FIELD_LIMIT); return how many. What it left of the cell is not records."""
    n = 0
    for line in lines:
        n += 1
        if not ends_in_quotes(line, delimiter, inside=True):
            break
    return n


def records(text: io.TextIOWrapper, delimiter: str) -> Iterator[tuple[int, list[str] | None]]:
    """(lines, cells) of each record; cells are None for a record the csv module cannot
    read, whose lines are all skipped, the rest of a quoted cell included."""
    lines = iter(text)
    taken: list[str] = []

    def feed() -> Iterator[str]:
        for line in lines:
            taken.append(line)
            yield line

    rd = csv.reader(feed(), delimiter=delimiter)
    while True:
        taken.clear()
        try:
            r = next(rd)
        except StopIteration:
            return
        except csv.Error:
            n = len(taken)
            if ends_in_quotes("".join(taken), delimiter):
                n += skip_quoted_cell(lines, delimiter)
            yield n, None
            continue
        yield len(taken), r


def split_ranges(src: Source, parts: int) -> list[tuple[int, int, int]]:
    """(start, end, first line) byte ranges that each begin at a record boundary.

    A newline is a boundary when the number of quote characters before it is even; the
    worker that reads the range before it checks this with SENTINEL, so an irregular file
    (a stray quote) is detected and read in one piece instead.
    """
    body = src.size - src.data_start
    if parts <= 1:
        return [(src.data_start, src.size, src.first_line)]
    targets = [src.data_start + body * k // parts for k in range(1, parts)]
    cuts = [(src.data_start, src.first_line)]
    nl = src.newline
    pos, quotes, lines = src.data_start, 0, 0
    with open(src.path, "rb") as f:
        f.seek(pos)
        while targets:
            chunk = f.read(1 << 22)
            if not chunk:
                break
            i, n = 0, len(chunk)
            while targets and i < n and pos + n > targets[0]:
                if pos + i < targets[0]:
                    k = targets[0] - pos
                    quotes += chunk.count(b'"', i, k)
                    lines += chunk.count(nl, i, k)
                    i = k
                j = chunk.find(nl, i)
                if j < 0:
                    break
                quotes += chunk.count(b'"', i, j)
                lines += 1
                i = j + 1
                if quotes % 2 == 0 and pos + i < src.size:
                    cuts.append((pos + i, src.first_line + lines))
                    while targets and targets[0] <= pos + i:
                        targets.pop(0)
            quotes += chunk.count(b'"', i)
            lines += chunk.count(nl, i)
            pos += n
    ends = [c[0] for c in cuts[1:]] + [src.size]
    return [(start, end, line) for (start, line), end in zip(cuts, ends, strict=True)]
