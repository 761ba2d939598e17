"""The rejects file: the rows an import rejected, as they were, with a reason column added."""

from __future__ import annotations

import csv
from pathlib import Path

from pipeline_tui.models.errors import PipelineError
from pipeline_tui.services.imports.sniff import Source, open_range, records


def rejects_path(file: str, rejects: str | None) -> Path:
    """Where the rejects of ``file`` go: ``rejects`` if given, else beside the file."""
    if rejects:
        return Path(rejects)
    return Path("stdin.rejects.csv" if file == "-" else f"{file}.rejects.csv")


def write_rejects(
    src: Source, rejected: list[tuple[int, str]], file: str, rejects: str | None
) -> str:
    """The rejected rows as they were in the file, plus a reason column, for fixing and
    re-importing. Written as UTF-8 with a BOM, which Excel and this importer both read."""
    reasons = dict(rejected)
    path = rejects_path(file, rejects)
    text, _ = open_range(src, src.data_start, src.size)
    try:
        with open(path, "w", encoding="utf-8-sig", newline="") as out:
            w = csv.writer(out, delimiter=src.delimiter)
            w.writerow([*src.header, "reason"])
            line = src.first_line
            for n, r in records(text, src.delimiter):
                if line in reasons:
                    w.writerow([*(r if r is not None else ["" for _ in src.header]), reasons[line]])
                line += n
    except OSError as exc:
        raise PipelineError(f"cannot write the rejects to {str(path)!r}: {exc.strerror}") from None
    finally:
        text.close()
    return str(path)
