"""Hostile CSV files through `pipeline import`: clean one-line failures, exact round trips."""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from hypothesis import event, example, given, settings
from hypothesis import strategies as st

from pipeline_tui.services.imports.sniff import ends_in_quotes
from pipeline_tui.store.sqlite import SqliteStore as Store
from tests.conftest import Cli, CliResult
from tests.reliability.test_hostile_cli import EXAMPLES, SETTINGS

# -- what goes into the files -------------------------------------------------------------------

LONGEST = 100_000  # the importer's documented cell limit, in characters
HOSTILE_TEXT = [
    "[/]",
    "[bold]",
    "[link=http://evil.example]click[/link]",
    "[bold red]WON[/]",
    "\x1b[31mred\x1b[0m",
    "\x1b]0;pwned\x07",
    "\x1b[2J",
    '=HYPERLINK("http://x")',
    "+1+1",
    "-2",
    "@SUM(A1)",
    "\tlead",
    "\rcr",
    "'=quoted",
    "'-1",
    "line1\nline2",
    "crlf\r\ninside",
    " padded ",
    "\u202eevil",
    "Ünïcødé ✓ 日本語",
    "\x0bvt\x0c",
    "\xa0",
    "\x85",
    "\u2028",
    "\x7f\x9b[1m",
    'O\'Brien, "Jr"',
    "",
    " ",
    "%s%n",
    "'; DROP TABLE deals; --",
    "x" * LONGEST,
    "nul\x00byte",
    "\x00",
    "y" * (LONGEST + 1),
]
READABLE_TEXT = [t for t in HOSTILE_TEXT if "\x00" not in t and len(t) <= LONGEST]
# Bytes that are not UTF-8: a lone surrogate (ED A0 80), Latin-1 text, C1 bytes, a cut sequence.
RAW_BYTES = [
    b"ab\xed\xa0\x80cd",
    b"\xed\xb0\x80",
    b"caf\xe9",
    b"\xff\xfe",
    b"\x81\x8d\x9d",
    b"\xc3",
]
lone_surrogates = st.characters(codec=None, categories=["Cs"]).map(
    lambda c: c.encode("utf-8", "surrogatepass")
)
VALID_DATES = st.one_of(
    st.dates().map(lambda d: d.isoformat()),
    st.dates().map(lambda d: f" {d.year:04d}-{d.month}-{d.day} "),
)
BAD_DATES = ["9999-99-99", "0000-01-01", "99999-01-01", "2026-02-30", "13/13/2026", "next blursday"]
VALID_AMOUNTS = st.one_of(
    st.integers(0, 10**12).map(str),
    st.tuples(st.integers(0, 10**9), st.integers(0, 99)).map(lambda t: f" {t[0]}.{t[1]:02d} "),
)
BAD_AMOUNTS = ["-5", "-0", "(5)", "1e400", "1" * 40, "9" * 16, "NaN", "inf", "0x10", "12.345",
               "١٢٣"]  # fmt: skip
BAD_EMAILS = ["[bold]@x", "=a@b.example", "\x1b[31m@x", "no-at-sign", "a b@c", "a\n@b", "n\x00@x"]
KINDS = {"": "task", "call": "call", " Call ": "call", "EMAIL": "email", "Phone call": "call",
         "meeting": "meeting", "nope": None, "\x1b[31mx": None}  # fmt: skip


def _utf8(text: str) -> bytes:
    return text.encode("utf-8")


class Cell(bytes):
    """A generated cell: bytes whose repr stays short, so a 100 kB failing example is legible."""

    def __repr__(self) -> str:
        if len(self) <= 120:
            return bytes.__repr__(self)
        return f"Cell({bytes(self[:60])!r} + ... {len(self):,} bytes)"


@dataclass(frozen=True)
class Mix:
    """What one file may hold. Without ``raw`` it is UTF-8; with it, bytes that are not (so
    it is read as Windows-1252). Without ``bad``, no value the importer must refuse, so
    that half the files exercise the round trip and half the refusals."""

    raw: bool
    bad: bool


def texts(mix: Mix) -> st.SearchStrategy[bytes]:
    chars = st.characters(codec="utf-8", exclude_characters="" if mix.bad else "\x00")
    parts = [
        st.sampled_from(HOSTILE_TEXT if mix.bad else READABLE_TEXT).map(_utf8),
        st.text(chars, max_size=20).map(_utf8),
    ]
    if mix.raw:
        parts += [st.sampled_from(RAW_BYTES), lone_surrogates]
    return st.lists(st.one_of(parts), max_size=3).map(lambda ps: Cell(b"".join(ps)))


def emails(mix: Mix) -> st.SearchStrategy[bytes]:
    valid = st.integers(0, 9).flatmap(
        lambda i: st.sampled_from([f"user{i}@x.example", f" User{i}@X.example "])
    )
    if not mix.bad:
        return valid.map(_utf8)
    return st.one_of(valid, st.just(""), st.sampled_from(BAD_EMAILS)).map(_utf8) | texts(mix)


def dates(mix: Mix) -> st.SearchStrategy[bytes]:
    valid = st.one_of(VALID_DATES, st.just(""))
    return (st.one_of(valid, st.sampled_from(BAD_DATES)) if mix.bad else valid).map(_utf8)


def amounts(mix: Mix) -> st.SearchStrategy[bytes]:
    valid = st.one_of(VALID_AMOUNTS, st.just(""))
    return (st.one_of(valid, st.sampled_from(BAD_AMOUNTS)) if mix.bad else valid).map(_utf8)


def kinds(mix: Mix) -> st.SearchStrategy[bytes]:
    return st.sampled_from(sorted(k for k, v in KINDS.items() if v or mix.bad)).map(_utf8)


def files(row: Callable[[Mix], st.SearchStrategy[tuple[bytes, ...]]]) -> st.SearchStrategy[Any]:
    """One to three records, all drawn with one Mix."""
    mixes = st.builds(Mix, st.booleans(), st.booleans())
    return mixes.flatmap(lambda mix: st.lists(row(mix), min_size=1, max_size=3))


@dataclass(frozen=True)
class Layout:
    """How the file is written: every cell quoted or only those that need it, line ends."""

    quote_all: bool = False
    crlf: bool = False
    final_newline: bool = True


layouts = st.builds(Layout, st.booleans(), st.booleans(), st.booleans())

# -- what the importer must make of them -------------------------------------------------------

NEUTRALISED = ("'=", "'+", "'-", "'@", "'\t", "'\r")  # our own export's quote, dropped on import
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")  # cells a spreadsheet would run as formulas
_CP1252_UNDEFINED = {0xDC00 + b: b for b in (0x81, 0x8D, 0x8F, 0x90, 0x9D)}
_BREAK = re.compile(rb"\r\n|\r|\n")
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")
_PLAIN_AMOUNT = re.compile(r"([0-9]+)(?:\.([0-9]{2}))?")
OWNER = "Test Owner"  # $PIPELINE_OWNER in tests/conftest.py


@dataclass
class CsvFile:
    data: bytes
    cells: list[list[str]]  # every data cell as the file's detected encoding decodes it
    lines: list[int]  # the file line each record starts on, as rejects name it
    utf8: bool

    def __repr__(self) -> str:
        return f"CsvFile({len(self.data):,} bytes, lines {self.lines})"


def _quoted(cell: bytes, always: bool) -> bytes:
    if always or any(c in cell for c in (b",", b'"', b"\n", b"\r")):
        return b'"' + cell.replace(b'"', b'""') + b'"'
    return cell


def _decode(data: bytes, encoding: str) -> str:
    """Strict UTF-8; a file that is not UTF-8 is Windows-1252, its five undefined bytes
    read as the C1 controls of the same number (the importer's documented fallback)."""
    if encoding == "utf-8":
        return data.decode("utf-8")
    return data.decode("cp1252", errors="surrogateescape").translate(_CP1252_UNDEFINED)


def build_csv(header: Sequence[str], rows: Sequence[Sequence[bytes]], layout: Layout) -> CsvFile:
    nl = b"\r\n" if layout.crlf else b"\n"
    records = [b",".join(_quoted(c, layout.quote_all) for c in row) + nl for row in rows]
    if not layout.final_newline:
        records[-1] = records[-1][: -len(nl)]
    data = ",".join(header).encode() + nl + b"".join(records)
    try:
        data.decode("utf-8")
        encoding = "utf-8"
    except UnicodeDecodeError:
        encoding = "cp1252"
    lines, line = [], 2
    for rec in records:
        lines.append(line)
        # The reader splits lines at CR, LF and CRLF alike, inside quoted cells too.
        line += len(_BREAK.findall(rec))
    cells = [[_decode(c, encoding) for c in row] for row in rows]
    return CsvFile(data, cells, lines, encoding == "utf-8")


def unquote(value: str) -> str:
    return value[1:] if value.startswith(NEUTRALISED) else value


def unreadable(value: str) -> bool:
    """Cells that reject their row whatever their column: a NUL, or over the limit."""
    return "\x00" in value or len(value) > LONGEST


def neutralised(value: str) -> str:
    """A text cell as `pipeline export --format csv` must write it (OWASP CSV injection)."""
    return "'" + value if value.startswith(TRIGGERS) else value


def name_key(name: str) -> str:
    return " ".join(name.split()).casefold()


def ascii_lower(text: str) -> str:
    return "".join(c.lower() if "A" <= c <= "Z" else c for c in text)


def sql_text(value: str) -> str | None:
    """Free text is kept as written; a cell of only spaces, tabs and line ends is no value."""
    return value if value.strip(" \t\r\n") else None


def py_text(value: str) -> str | None:
    """Deal and activity text is no value when Python's str.strip() leaves nothing."""
    return value if value.strip() else None


def iso_date(value: str) -> str | None:
    m = _ISO_DATE.fullmatch(value.strip())
    if m is None:
        return None
    try:
        return date(int(m[1]), int(m[2]), int(m[3])).isoformat()
    except ValueError:
        return None


def minor_units(value: str) -> int | None:
    """Cents of a plain non-negative amount under a quadrillion cents, else None."""
    m = _PLAIN_AMOUNT.fullmatch(value.strip())
    if m is None:
        return None
    minor = int(m[1]) * 100 + int(m[2] or 0)
    return minor if minor < 10**15 else None


@dataclass
class Expected:
    """Per file: the lines that must be rejected, and (if none) the records to read back."""

    bad: set[int] = field(default_factory=set)
    records: list[dict[str, Any]] = field(default_factory=list)
    names: dict[tuple[str, str], str] = field(default_factory=dict)

    def spell(self, kind: str, name: str) -> str:
        """Companies and owners are deduplicated by key; the first spelling names them."""
        return self.names.setdefault((kind, name_key(name)), name)

    def keep(self, line: int, ident: str | None, seen: set[str], record: dict[str, Any]) -> None:
        if ident is not None and ident in seen:
            self.bad.add(line)  # the same key as an earlier good row: a duplicate
            return
        if ident is not None:
            seen.add(ident)
        self.records.append(record)


def expect_leads(f: CsvFile) -> Expected:
    out = Expected()
    seen: set[str] = set()
    for line, raw in zip(f.lines, f.cells, strict=True):
        if any(unreadable(v) for v in raw):
            out.bad.add(line)
            continue
        name, email, company, phone, source, notes, created, colour = map(unquote, raw)
        email = email.strip()
        when = created.strip()
        if (
            (email and ("@" not in email or " " in email or "\n" in email))
            or (not name.strip() and not email)
            or (when and iso_date(when) is None)
        ):
            out.bad.add(line)
            continue
        record = {
            "name": name if name.strip() else email,
            "email": email or None,
            "company": company.strip() or None,
            "phone": sql_text(phone),
            "source": sql_text(source),
            "notes": sql_text(notes),
            "owner": OWNER,
            "status": "new",
            "created_at": f"{iso_date(when)}T12:00:00Z" if when else None,
            "custom": {"Favourite colour": colour} if sql_text(colour) else {},
        }
        out.keep(line, f"e:{ascii_lower(email)}" if email else None, seen, record)
    for r in out.records:
        r["company"] = r["company"] and out.spell("company", r["company"])
    return out


def expect_deals(f: CsvFile) -> Expected:
    out = Expected()
    seen: set[str] = set()
    for line, raw in zip(f.lines, f.cells, strict=True):
        if any(unreadable(v) for v in raw):
            out.bad.add(line)
            continue
        title, company, owner, value, close, step, region = map(unquote, raw)
        # An empty amount is unknown (None), never 0 (issue 13).
        minor = minor_units(value) if value.strip() else None
        co = company.strip() or None
        if (
            (minor is None and value.strip())
            or (close.strip() and iso_date(close) is None)
            or not (title.strip() or co)
        ):
            out.bad.add(line)
            continue
        record = {
            "title": title if title.strip() else co,
            "company": co,
            "owner": " ".join(owner.split()) or None,
            "value_minor": minor,
            "close_date": iso_date(close) if close.strip() else None,
            "next_step": py_text(step),
            "custom": {"Region": region} if py_text(region) else {},
        }
        auto = not title.strip()
        ident = None if auto else f"t:{ascii_lower(title.strip())}|{name_key(co or '')}"
        out.keep(line, ident, seen, record)
    for r in out.records:
        r["company"] = r["company"] and out.spell("company", r["company"])
        r["owner"] = out.spell("owner", r["owner"]) if r["owner"] else None
    for r in out.records:  # the default owner is made after the file's, so theirs wins
        r["owner"] = r["owner"] or out.spell("owner", OWNER)
    return out


SEED_EMAIL = "seed@x.example"


def expect_activities(f: CsvFile) -> Expected:
    out = Expected()
    seen: set[str] = set()
    for line, raw in zip(f.lines, f.cells, strict=True):
        if any(unreadable(v) for v in raw):
            out.bad.add(line)
            continue
        subject, kind, _lead, due, outcome, notes = map(unquote, raw)
        code = KINDS.get(kind)
        if py_text(subject) is None or code is None or iso_date(due) is None:
            out.bad.add(line)
            continue
        record: dict[str, Any] = {
            "subject": subject,
            "kind": code,
            "due_at": iso_date(due),
            "outcome": py_text(outcome),
            "notes": py_text(notes),
            "custom": {},
        }
        out.keep(line, f"n:{SEED_EMAIL}|{code}|{subject}|{iso_date(due)}", seen, record)
    return out


# -- checking what the user sees -----------------------------------------------------------------

# A table cell shows control characters as symbols (render.visible), on one line.
# C1 codes (0x80-0x9F) become U+FFFD.
_C1 = range(0x80, 0xA0)
_SHOWN = (
    {i: 0x2400 + i for i in range(32)}
    | {0x7F: 0x2421, 0x0A: 0x20, 0x09: 0x20}
    | dict.fromkeys(_C1, 0xFFFD)
)
_RAW_CONTROLS = {chr(i) for i in range(32) if i != 0x0A} | {"\x7f"} | {chr(i) for i in _C1}


def _counts(db: Path) -> dict[str, int]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
    finally:
        conn.close()


@contextmanager
def _long_fields() -> Iterator[None]:
    """Exported cells may pass the importer's limit by the neutralising quote."""
    old = csv.field_size_limit(1 << 24)
    try:
        yield
    finally:
        csv.field_size_limit(old)


def _no_crash(r: CliResult) -> None:
    out = r.stdout + r.stderr
    assert "Traceback" not in out, out[-2000:]
    assert "internal error" not in out, r.stderr[-2000:]
    assert r.exception is None or isinstance(r.exception, SystemExit), repr(r.exception)


def check_failure(
    r: CliResult, want: Expected, f: CsvFile, db: Path, before: dict[str, int]
) -> None:
    """One line per failure on stderr, naming the file line; the database untouched."""
    _no_crash(r)
    assert r.exit_code in (1, 2), r.stderr
    assert want.bad, f"a good file was refused: {r.stderr[:2000]!r}"
    *lines, end = r.stderr.split("\n")
    assert end == "" and lines and all(lines), r.stderr[:2000]
    *rejects, last = lines
    assert last.startswith("error: "), last[:2000]
    # Either one line per rejected row, each naming its line, then the verdict; or (a file
    # refused as a whole, e.g. an undecidable column) the verdict alone.
    found = [re.match(r"line (\d+): \S", x) for x in rejects]
    assert all(found), rejects
    if rejects:
        assert [int(m[1]) for m in found if m] == sorted(want.bad), (rejects, want.bad, f.lines)
        assert last.startswith(f"error: {len(rejects)} invalid row(s)"), last
    assert _counts(db) == before


def check_export(
    cli: Cli, db: Path, entity: str, want: Sequence[dict[str, Any]], keys: list[str]
) -> None:
    """Text cells come back exactly, quoted when a spreadsheet would run them."""
    r = cli("--db", str(db), "export", entity, "--format", "csv")
    _no_crash(r)
    assert r.exit_code == 0, r.stderr
    with _long_fields():
        # Click's Result.stdout turns CRLF into LF, which would change cells: read the bytes.
        text = r.raw.stdout_bytes.decode("utf-8")  # type: ignore[attr-defined]
        rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert len(rows) == len(want)
    for row, exp in zip(rows, want, strict=True):
        for k, v in row.items():
            if k not in ("value", "probability"):  # numbers stay numbers
                assert not v.startswith(TRIGGERS), (k, v[:80])
        for k in keys:
            assert row[k] == ("" if exp[k] is None else neutralised(exp[k])), (k, row[k][:80])
        assert (json.loads(row["custom"]) if row["custom"] else {}) == exp["custom"]
        if exp.get("value_minor") is not None:
            assert row["value"] == f"{exp['value_minor'] // 100}.{exp['value_minor'] % 100:02d}"
        elif "value_minor" in exp:
            assert row["value"] == ""


def check_table(
    cli: Cli, db: Path, args: list[str], records: Sequence[dict[str, Any]], key: str
) -> None:
    """Tables never pass control characters to the terminal, and print markup literally."""
    r = cli("--db", str(db), *args)
    _no_crash(r)
    assert r.exit_code == 0, r.stderr
    assert not set(r.stdout) & _RAW_CONTROLS, sorted(set(r.stdout) & _RAW_CONTROLS)
    for rec in records:
        # Only rows that fit the 200 columns whole (wide characters take two) are shown
        # uncut; a line loses its trailing spaces.
        if sum(len(v) for v in rec.values() if isinstance(v, str)) <= 60:
            shown = rec[key].translate(_SHOWN).rstrip()
            assert shown in r.stdout, (shown, r.stdout[:2000])


@dataclass
class Run:
    """One example: a fresh database, the file written as bytes, the import, its checks."""

    cli: Cli
    tmp: Path

    def fresh_db(self) -> tuple[Path, Path]:
        """A new database and a CSV path per example: examples must not see each other."""
        stem = uuid.uuid4().hex
        db = self.tmp / f"{stem}.db"
        Store(db).close()
        return db, self.tmp / f"{stem}.csv"

    def imports(
        self, entity: str, header: Sequence[str], rows: Sequence[Sequence[bytes]], layout: Layout,
        expect: Callable[[CsvFile], Expected], setup: Callable[[Path], None] | None = None,
    ) -> tuple[CliResult, Expected, Path]:  # fmt: skip
        db, path = self.fresh_db()
        if setup is not None:
            setup(db)
        f = build_csv(header, rows, layout)
        path.write_bytes(f.data)
        want = expect(f)
        before = _counts(db)
        r = self.cli("--db", str(db), "import", entity, str(path))
        _no_crash(r)
        # Shown by --hypothesis-show-statistics: both paths must be well exercised.
        event("imported" if r.exit_code == 0 else "refused")
        event(f"file read as {'UTF-8' if f.utf8 else 'Windows-1252'}")
        if r.exit_code != 0:
            check_failure(r, want, f, db, before)
        else:
            assert not want.bad, f"lines {sorted(want.bad)} should have been refused"
            assert r.stderr == "", r.stderr
        return r, want, db


def _records(r: CliResult, key: str | None = None) -> list[dict[str, Any]]:
    """A JSON list from the CLI, in id order (the order the file's rows were created in)."""
    _no_crash(r)
    assert r.exit_code == 0, r.stderr
    data: Any = r.json()
    rows: list[dict[str, Any]] = data if key is None else data[key]
    return sorted(rows, key=lambda row: int(row["id"]))


# -- the tests ----------------------------------------------------------------------------------

LEAD_HEADER = (
    "Name",
    "Email",
    "Company",
    "Phone",
    "Source",
    "Notes",
    "Created",
    "Favourite colour",
)
lead_files = files(
    lambda m: st.tuples(
        texts(m), emails(m), texts(m), texts(m), texts(m), texts(m), dates(m), texts(m)
    )
)


def lead(name: bytes = b"Ann", email: bytes = b"ann@x.example", **more: bytes) -> tuple[bytes, ...]:
    cells = {"company": b"", "phone": b"", "source": b"", "notes": b"", "created": b"",
             "colour": b""} | more  # fmt: skip
    return (name, email, *cells.values())


@SETTINGS
@given(rows=lead_files, layout=layouts)
@example(rows=[lead(name=b"nul\x00name")], layout=Layout())
@example(rows=[lead(name=b"caf\xe9 \xff", company=b"\x81\x9d")], layout=Layout())
@example(rows=[lead(name=b"lone \xed\xa0\x80 surrogate")], layout=Layout(quote_all=True))
@example(rows=[lead(name=b'=HYPERLINK("http://x")', notes=b"+1\r\n-2")], layout=Layout(crlf=True))
@example(
    rows=[lead(name=b"\x1b[31mred[/]", email=b" A@x.example ", company=b" [bold]Co ")],
    layout=Layout(),
)
@example(rows=[lead(name=b"x" * LONGEST, colour=b"'=SUM(A1)")], layout=Layout(final_newline=False))
@example(rows=[lead(created=b"9999-99-99")], layout=Layout())
@example(rows=[lead(name=b"y" * (LONGEST + 1))], layout=Layout(quote_all=True))
@example(rows=[lead(), lead(name=b"Bob", email=b"ANN@x.example")], layout=Layout())
@example(rows=[lead(notes=b"bare\rCR", source=b"\rcr")], layout=Layout())
def test_import_leads_from_hostile_csv(
    cli: Cli, tmp_path: Path, rows: list[tuple[bytes, ...]], layout: Layout
) -> None:
    run = Run(cli, tmp_path)
    r, want, db = run.imports("leads", LEAD_HEADER, rows, layout, expect_leads)
    if r.exit_code != 0:
        return
    got = _records(cli("--db", str(db), "lead", "list", "--format", "json"))
    assert len(got) == len(want.records)
    for g, w in zip(got, want.records, strict=True):
        for k in ("name", "email", "company", "phone", "source", "notes", "owner", "status"):
            assert g[k] == w[k], (k, g[k], w[k])
        # No date in the file: none stored, never the time of the import (issue 13).
        assert g["created_at"] == w["created_at"]
    check_table(cli, db, ["lead", "list"], want.records, "name")
    check_export(
        cli, db, "leads", want.records, ["name", "email", "company", "phone", "source", "notes"]
    )


DEAL_HEADER = ("Title", "Company", "Owner", "Value", "Close Date", "Next Step", "Region")
deal_files = files(
    lambda m: st.tuples(texts(m), texts(m), texts(m), amounts(m), dates(m), texts(m), texts(m))
)


def deal(title: bytes = b"Deal", value: bytes = b"100", **more: bytes) -> tuple[bytes, ...]:
    cells = {"company": b"Acme", "owner": b"", "close": b"", "step": b"", "region": b""} | more
    return (title, cells["company"], cells["owner"], value, cells["close"], cells["step"],
            cells["region"])  # fmt: skip


@SETTINGS
@given(rows=deal_files, layout=layouts)
@example(rows=[deal(title=b"[bold red]WON[/]", owner=b"  Ana   Ruiz ")], layout=Layout())
@example(rows=[deal(value=b"-5")], layout=Layout())
@example(rows=[deal(value=b"1e400")], layout=Layout())
@example(rows=[deal(value=b"1" * 40)], layout=Layout())
@example(rows=[deal(close=b"9999-99-99")], layout=Layout())
@example(
    rows=[deal(close=b"0000-01-01"), deal(title=b"Other", close=b"99999-01-01")], layout=Layout()
)
@example(
    rows=[deal(title=b"@SUM(A1)", company=b"-Acme", step=b"\tnext", region=b"=1")], layout=Layout()
)
@example(
    rows=[deal(title=b"t\xed\xa0\x80", company=b"\x1b]0;x\x07", value=b" 12.50 ")],
    layout=Layout(crlf=True),
)
@example(
    rows=[deal(title=b"", company=b"Auto"), deal(title=b"", company=b"AUTO ")], layout=Layout()
)
@example(rows=[deal(title=b"Same"), deal(title=b"SAME ", company=b" acme")], layout=Layout())
@example(  # the rest of a cell over the limit is not records of its own
    rows=[deal(step=b"y" * (LONGEST + 1) + b'\nSmuggled,Evil,,666,,,\n"'), deal(value=b"-1")],
    layout=Layout(),
)
def test_import_deals_from_hostile_csv(
    cli: Cli, tmp_path: Path, rows: list[tuple[bytes, ...]], layout: Layout
) -> None:
    run = Run(cli, tmp_path)
    r, want, db = run.imports("deals", DEAL_HEADER, rows, layout, expect_deals)
    if r.exit_code != 0:
        return
    got = _records(cli("--db", str(db), "deal", "list", "--status", "all", "--format", "json"))
    assert len(got) == len(want.records)
    for g, w in zip(got, want.records, strict=True):
        for k in ("title", "company", "owner", "close_date", "next_step"):
            assert g[k] == w[k], (k, g[k], w[k])
        value = None if w["value_minor"] is None else w["value_minor"] / 100
        assert (g["value"], g["currency"]) == (value, "USD")
        assert (g["status"], g["pipeline"], g["stage"]) == ("open", "Sales", "Lead In")
    check_table(cli, db, ["deal", "list", "--status", "all"], want.records, "title")
    # The next step is exported as the planned activity it became (schema M003).
    check_export(cli, db, "deals", want.records, ["title", "company", "owner"])


ACTIVITY_HEADER = ("Subject", "Kind", "Lead", "Due", "Outcome", "Notes")
activity_files = files(
    lambda m: st.tuples(
        texts(m), kinds(m), st.just(_utf8(SEED_EMAIL)), dates(m), texts(m), texts(m)
    )
)


@SETTINGS
@given(rows=activity_files, layout=layouts)
@example(
    rows=[(b"[bold]call[/]", b"call", SEED_EMAIL.encode(), b"2026-01-02", b"=1", b"\x00")],
    layout=Layout(),
)
@example(
    rows=[(b"\x1b[2Jcall", b"", SEED_EMAIL.encode(), b"2026-1-2", b"-", b"\xff")], layout=Layout()
)
def test_import_activities_from_hostile_csv(
    cli: Cli, tmp_path: Path, rows: list[tuple[bytes, ...]], layout: Layout
) -> None:
    def seed(db: Path) -> None:
        assert cli("--db", str(db), "lead", "add", "Seed", "--email", SEED_EMAIL).exit_code == 0

    run = Run(cli, tmp_path)
    r, want, db = run.imports("activities", ACTIVITY_HEADER, rows, layout, expect_activities, seed)
    if r.exit_code != 0:
        return
    shown = cli("--db", str(db), "lead", "show", "1", "--format", "json")
    acts = _records(shown, "activities")
    assert len(acts) == len(want.records)
    for g, w in zip(acts, want.records, strict=True):
        for k in ("subject", "kind", "due_at", "outcome", "notes"):
            assert g[k] == w[k], (k, g[k], w[k])
        assert (g["lead_id"], g["deal_id"], g["state"], g["owner"]) == (1, None, "planned", OWNER)
    check_table(cli, db, ["lead", "show", "1"], want.records, "subject")
    check_export(cli, db, "activities", want.records, ["subject", "outcome", "notes"])


def test_a_cell_over_the_limit_hides_no_rows(cli: Cli, tmp_path: Path) -> None:
    """What follows the limit in a quoted cell is neither imported nor shifts the rejects."""
    cell = b'"' + b"y" * (LONGEST + 1) + b'\nSmuggled,666\n"'
    path = tmp_path / "long.csv"
    path.write_bytes(b"Title,Value\n" + cell + b",1\nGood,2\nBad,-3\n")
    r = cli("import", "deals", str(path), "--skip-invalid", "--format", "json")
    _no_crash(r)
    assert r.exit_code == 0, r.stderr
    too_long = f"unreadable CSV: a cell is longer than {LONGEST:,} characters"
    assert r.json()["rejects"] == [  # type: ignore[index]
        {"line": 2, "reason": too_long},
        {"line": 6, "reason": "negative amount '-3'"},
    ]
    assert [d["title"] for d in _records(cli("deal", "list", "--format", "json"))] == ["Good"]
    with open(f"{path}.rejects.csv", encoding="utf-8-sig", newline="") as f:
        written = list(csv.reader(f))
    assert written == [
        ["Title", "Value", "reason"],
        ["", "", too_long],
        ["Bad", "-3", "negative amount '-3'"],
    ]


@settings(max_examples=EXAMPLES * 5, deadline=None)
@given(st.lists(st.sampled_from(['"', '""', ",", "a", "\n", "\r\n"]), max_size=30))
def test_ends_in_quotes_agrees_with_the_csv_module(tokens: list[str]) -> None:
    """The importer's recovery reads quotes as the csv module does: a line after the text
    is a record of its own exactly when the text does not stop inside a quoted cell."""
    text = "".join(tokens) + "\n"
    rows = list(csv.reader(io.StringIO(text + "END\n", newline="")))
    assert ends_in_quotes(text, ",") == (rows[-1] != ["END"])
