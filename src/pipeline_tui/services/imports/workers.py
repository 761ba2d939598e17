"""Parsing a file's byte ranges into spool files, in worker processes when it is large."""

# Workers are spawned, never forked (a SQLite connection carried over a fork corrupts the
# file), and each writes its own spool file, so they share nothing but a progress counter.

from __future__ import annotations

import csv
import itertools
import os
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_EXCEPTION, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline_tui.models.errors import PipelineError
from pipeline_tui.services.imports.cells import BadValue, Seen, Spec, unquoted
from pipeline_tui.services.imports.rows import BUILDERS
from pipeline_tui.services.imports.sniff import (
    FIELD_LIMIT,
    SENTINEL,
    Source,
    ends_in_quotes,
    open_range,
    skip_quoted_cell,
)
from pipeline_tui.services.imports.stage_names import SeenStage
from pipeline_tui.store.api import open_spool

PARALLEL_BYTES = 24 << 20  # below this, spawning workers costs more than it saves
TICK_ROWS = 32_768
_progress: Any = None  # a shared array of bytes read per worker, set in each worker


@dataclass
class RangeResult:
    path: str
    rows: int = 0
    errors: int = 0
    misaligned: bool = False
    decode_error: str | None = None
    stages: dict[tuple[str, str], SeenStage] = field(default_factory=dict)


def _scan_bytes(path: str, start: int, end: int, delimiter: str) -> tuple[bool, bool]:
    """(has a NUL byte, has a cell starting with a neutralising quote such as '=): each
    check costs the hot loop time, so it runs only on ranges that need it."""
    nul = quoted = False
    before = (delimiter.encode(), b"\n", b"\r", b'"')
    triggers = (b"=", b"+", b"-", b"@", b"\t", b"\r")
    with open(path, "rb") as f:
        pos = max(start - 1, 0)
        f.seek(pos)
        while pos < end:
            # Two bytes of overlap, so a quote at a chunk's edge still sees its neighbours.
            data = f.read(min(1 << 23, end - pos) + 2)
            if not data:
                break
            nul = nul or b"\x00" in data
            i = data.find(b"'", 1)
            while i > 0 and not quoted:
                quoted = data[i - 1 : i] in before and data[i + 1 : i + 2] in triggers
                i = data.find(b"'", i + 1)
            if nul and quoted:
                break
            pos += max(len(data) - 2, 1)
            f.seek(pos)
    return nul, quoted


def _nul_checked(build: Callable[[list[str], int], tuple[Any, ...]]) -> Callable[..., Any]:
    def checked(r: list[str], line: int) -> tuple[Any, ...]:
        if any("\x00" in v for v in r):
            raise BadValue("a cell contains a NUL byte")
        return build(r, line)

    return checked


def spool_range(
    spec: Spec,
    start: int,
    end: int,
    first_line: int,
    out_path: str,
    *,
    last: bool,
    slot: int = 0,
    tick: Callable[[int], None] | None = None,
) -> RangeResult:
    """Parse one byte range of the file into a spool file; never raises for bad rows."""
    result = RangeResult(out_path)
    seen = Seen()
    nul, quoted = _scan_bytes(spec.path, start, end, spec.delimiter)
    build = BUILDERS[spec.entity](spec, seen)
    if quoted:
        build = unquoted(build)
    if nul:
        build = _nul_checked(build)
    spool = open_spool(out_path, spec.entity, len(spec.custom))
    blank = ("",) * (spool.width - 2)
    width = spec.width
    single = width == 1  # then the sentinel has the width of a record
    src = Source(Path(spec.path), "", spec.encoding, spec.delimiter, [], start, first_line, end,
                 b"\n", [])  # fmt: skip
    text, raw = open_range(src, start, end)
    lines: Iterator[str] = iter(itertools.chain(text, [SENTINEL + "\n"]) if not last else text)
    report = (lambda done: _report(slot, done)) if tick is None else tick
    delimiter, quote = spec.delimiter, '"'
    pending: list[str] = []
    taken: list[str] = []  # the lines of the record being read, to recover from an error

    def feed() -> Iterator[str]:
        """The lines the CSV reader needs: the quoted line handed over, and its
        continuation lines straight from the file."""
        while True:
            while pending:
                taken.append(pending[-1])
                yield pending.pop()
            nxt = next(lines, None)
            if nxt is None:
                return
            taken.append(nxt)
            yield nxt

    slow = csv.reader(feed(), delimiter=delimiter)

    def rows() -> Iterator[tuple[Any, ...]]:
        # Most lines of real files hold no quote at all: str.split reads those four times
        # faster than the csv module, which gets only lines with quotes (and what follows
        # an open quote, however many lines that takes).
        line_no, n = first_line, 0
        for text_line in lines:
            line = line_no
            n += 1
            if n % TICK_ROWS == 0:
                report(raw.done)
            if quote in text_line:
                pending.append(text_line)
                taken.clear()
                before = slow.line_num
                try:
                    r = next(slow)
                except csv.Error as exc:
                    line_no += slow.line_num - before
                    if ends_in_quotes("".join(taken), delimiter):
                        # The reader gave up inside a quoted cell and would read the rest of
                        # it as records of their own: skip to the line that closes it.
                        line_no += skip_quoted_cell(lines, delimiter)
                    reason = str(exc)
                    if "field larger" in reason:
                        reason = f"a cell is longer than {FIELD_LIMIT:,} characters"
                    yield (line, f"unreadable CSV: {reason}", *blank)
                    continue
                line_no += slow.line_num - before
            else:
                line_no += 1
                r = text_line.rstrip("\r\n").split(delimiter)
                if len(text_line) > FIELD_LIMIT and max(map(len, r)) > FIELD_LIMIT:
                    yield (line, f"a cell is longer than {FIELD_LIMIT:,} characters", *blank)
                    continue
            if single and r == [SENTINEL]:
                return
            if len(r) != width:
                if not r or r == [""]:
                    continue
                if r == [SENTINEL]:
                    return
                if len(r) > width and not any(v.strip() for v in r[width:]):
                    r = r[:width]
                elif len(r) < width:
                    r = r + [""] * (width - len(r))
                else:
                    yield (line, f"{len(r)} fields where the header has {width}", *blank)
                    continue
            try:
                yield build(r, line)
            except BadValue as exc:
                yield (line, str(exc), *blank)
        if not last:
            result.misaligned = True  # the sentinel was swallowed: the cut was inside quotes

    try:
        spool.write(rows())
        spool.finish((kind, key, name) for (kind, key), name in seen.names.items())
        result.rows, result.errors = spool.counts()
    except UnicodeDecodeError as exc:
        result.decode_error = f"bytes that are not valid {spec.encoding} ({exc.reason})"
    finally:
        spool.close()
        text.close()
    report(raw.done)
    result.stages = seen.stages
    return result


def _report(slot: int, done: int) -> None:
    if _progress is not None:
        _progress[slot] = done


def exit_with_parent(parent: int, every_s: float = 0.5) -> None:
    """In a worker: exit as soon as ``parent`` is no longer this process's parent, so that a
    killed import leaves no worker parsing on with nobody to read its results."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(every_s)
        os._exit(1)  # no cleanup to run: the scratch folder belongs to the dead parent

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def _init(progress: Any, parent: int) -> None:
    global _progress
    _progress = progress
    exit_with_parent(parent)


def worker_count(body_bytes: int, wanted: int | None = None) -> int:
    if wanted is not None:
        return max(1, wanted)
    if body_bytes < PARALLEL_BYTES:
        return 1
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cpus = os.cpu_count() or 1
    return max(1, min(cpus, 4, body_bytes // (PARALLEL_BYTES // 2)))


def run_ranges(
    spec: Spec,
    ranges: list[tuple[int, int, int]],
    paths: list[str],
    progress: Callable[[int], None] | None = None,
) -> list[RangeResult]:
    """Spool every range, in this process when there is one, else one worker each."""
    if len(ranges) == 1:
        start, end, line = ranges[0]
        return [spool_range(spec, start, end, line, paths[0], last=True, tick=progress)]
    import multiprocessing

    ctx = multiprocessing.get_context("spawn")
    shared = ctx.Array("q", len(ranges), lock=False)
    last = len(ranges) - 1
    with ProcessPoolExecutor(
        len(ranges), mp_context=ctx, initializer=_init, initargs=(shared, os.getpid())
    ) as pool:
        futures = [
            pool.submit(spool_range, spec, s, e, line, paths[i], last=i == last, slot=i)
            for i, (s, e, line) in enumerate(ranges)
        ]
        try:
            pending = set(futures)
            while pending:
                done, pending = wait(pending, timeout=0.1, return_when=FIRST_EXCEPTION)
                if progress is not None:
                    progress(sum(shared))
                if any(f.exception() for f in done):
                    break
            return [f.result() for f in futures]
        except BaseException as exc:
            for f in futures:
                f.cancel()
            if isinstance(exc, Exception):  # a worker crashed: never a half-read file
                raise PipelineError(f"import worker failed: {exc}") from exc
            raise


def spool_file(
    spec: Spec,
    ranges: list[tuple[int, int, int]],
    paths: list[str],
    progress: Callable[[int], None] | None = None,
) -> list[RangeResult]:
    """Spool the file. If a cut fell inside a quoted field (a stray quote fooled the split),
    the ranges before it stand and the rest of the file is read again in one piece."""
    results = run_ranges(spec, ranges, paths, progress)
    bad = next((i for i, r in enumerate(results) if r.misaligned), None)
    if bad is not None:
        start, _, line = ranges[bad]
        tail = spool_range(spec, start, ranges[-1][1], line, paths[bad], last=True, tick=None)
        results = [*results[:bad], tail]
    return results
