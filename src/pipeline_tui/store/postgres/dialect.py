"""SQLite's SQL as the store's query modules write it, translated once per text for PostgreSQL.

The queries in store/sqlite/ stay the one source of truth; what differs on PostgreSQL is
spelled here (placeholders, LIKE's case, scalar min/max, subqueries without an alias,
planner hints, the JSON id lists) or defined as functions on the server
(store/postgres/schema.py: julianday, sum over booleans). Text that cannot be translated is
ported as its own function in store/postgres/ (search, say).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

# The id list may be a positional or a named parameter (review.py binds :ids).
_IDS = re.compile(r"\(SELECT value FROM json_each\((%s|%\(\w+\)s)\)\)", re.IGNORECASE)
_IDS_PG = r"(SELECT CAST(value AS BIGINT) FROM jsonb_array_elements_text(CAST(\1 AS jsonb)))"
_INDEXED_BY = re.compile(r"\s+INDEXED\s+BY\s+\w+", re.IGNORECASE)
_LIKE = re.compile(r"(?<![\w])LIKE(?![\w])")
_TRUE = re.compile(r"\b(WHERE|AND|OR)\s+1\b(?!\s*(?:[=<>!+*/.-]|\d|IS\b))", re.IGNORECASE)
_OR_IGNORE = re.compile(r"^\s*INSERT\s+OR\s+IGNORE\s+INTO\b", re.IGNORECASE)
_REAL = re.compile(r"\bAS\s+REAL\)", re.IGNORECASE)
_IS_PARAM = re.compile(r"\bIS\s+(NOT\s+)?%s", re.IGNORECASE)
# The import session's spelling (store/sqlite/import_session.py and its SQL modules).
_TEMP = re.compile(r"(?<![\w.])temp\.(?=\w)")
# SQLite's main schema (store/sqlite/asof.py names it beside temp's) is the current schema.
_MAIN = re.compile(r"(?<![\w.])main\.(?=[a-z_])")
_INDEX_NAME = re.compile(
    r"(CREATE\s+(?:UNIQUE\s+)?INDEX\s+(?:IF\s+NOT\s+EXISTS\s+)?)pg_temp\.", re.IGNORECASE
)
_WITHOUT_ROWID = re.compile(r"\)\s*WITHOUT\s+ROWID", re.IGNORECASE)
_IS_COLUMN = re.compile(r"\bIS\s+(NOT\s+)?(?!NULL\b|NOT\b|DISTINCT\b|TRUE\b|FALSE\b|%)(?=[a-z_(])")
_TABLE_INFO = re.compile(r"^\s*PRAGMA\s+table_info\((\w+)\)\s*$", re.IGNORECASE)
_TABLE_INFO_PG = (
    "SELECT ordinal_position - 1 AS cid, column_name AS name FROM information_schema.columns "
    "WHERE table_schema = current_schema() AND table_name = '{0}' ORDER BY ordinal_position"
)
_PARAM = re.compile(r"(%\(\w+\)s|%s)")
# SQLite sorts NULL below every value, PostgreSQL above: the descending orders over columns
# that may be unknown (an amount, the close time of an imported deal) say so, or review's
# largest deals began with the deals of unknown value on the server.
_DESC_NULLABLE = re.compile(r"(?<![\w.])((?:\w+\.)?(?:value_minor|closed_at))\s+DESC\b(?!\s+NULLS)")
_JSON_OBJECT = re.compile(r"(?<![\w.])json_object\(")
_UPDATE_TABLE = re.compile(r"^\s*UPDATE\s+(\w+)\s+SET\b", re.IGNORECASE)
_RESTORE = re.compile(r"json_extract\(s\.before, '\$\.(\w+)'\)")
# A rejected row's reason names its reference as quoted text or a number: one type for CASE.
# The quoted reference may be a call itself: coalesce(r.lead_ext, r.lead_ekey).
_QUOTE_ELSE = re.compile(r"THEN quote\(((?:[^()]|\([^()]*\))+)\) ELSE ([\w.]+) END")
# SQLite's bare columns beside min(): the values of the group's first line. PostgreSQL says
# that with DISTINCT ON; the outer order stays the file's.
_FIRST_OF_GROUP = re.compile(r"\(SELECT min\(r\.line\), (.*?) GROUP BY (.*?) ORDER BY 1\)", re.S)
_FIRST_OF_GROUP_PG = (
    r"(SELECT * FROM (SELECT DISTINCT ON (\2) r.line AS first_line, \1 "
    r"ORDER BY \2, r.line) AS _first ORDER BY first_line)"
)
_ALIAS_FOLLOWS = re.compile(
    r"\s*(?!(?:WHERE|UNION|ORDER|GROUP|LIMIT|JOIN|LEFT|INNER|CROSS|ON|EXCEPT|INTERSECT|"
    r"HAVING|OFFSET|WINDOW)\b)(?:AS\s+)?[A-Za-z_]\w*",
    re.IGNORECASE,
)


def _placeholders(sql: str) -> str:
    """``?`` -> ``%s``, ``:name`` -> ``%(name)s``, ``%`` -> ``%%``; string literals kept."""
    out: list[str] = []
    i, n = 0, len(sql)
    while i < n:
        c = sql[i]
        if c in "'\"":
            j = i + 1
            while j < n:
                if sql[j] == c:
                    if j + 1 < n and sql[j + 1] == c:
                        j += 2
                        continue
                    break
                j += 1
            out.append(sql[i : j + 1].replace("%", "%%"))
            i = j + 1
        elif c == "?":
            out.append("%s")
            i += 1
        elif c == ":" and i + 1 < n and (sql[i + 1].isalpha() or sql[i + 1] == "_"):
            j = i + 1
            while j < n and (sql[j].isalnum() or sql[j] == "_"):
                j += 1
            out.append(f"%({sql[i + 1 : j]})s")
            i = j
        elif c == "%":
            out.append("%%")
            i += 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def _outside_strings(text: str, start: int = 0) -> Iterator[tuple[int, str, int]]:
    """(index, character, parenthesis depth after it) of each character of ``text`` from
    ``start`` that is not inside a quoted string: what _close and _arguments walk."""
    depth, quote = 0, ""
    for i in range(start, len(text)):
        c = text[i]
        if quote:
            if c == quote:
                quote = ""
            continue
        if c in "'\"":
            quote = c
            continue
        depth += (c == "(") - (c == ")")
        yield i, c, depth


def _close(sql: str, start: int) -> int:
    """The index of the parenthesis closing the one at ``start`` (strings skipped)."""
    for i, c, depth in _outside_strings(sql, start):
        if c == ")" and depth == 0:
            return i
    return len(sql) - 1


_MINMAX = re.compile(r"(?<![\w.])(min|max)\(", re.IGNORECASE)
_FROM_PAREN = re.compile(r"(?<!DISTINCT )\b(FROM|JOIN)\s*\(", re.IGNORECASE)


def _least_greatest(sql: str) -> str:
    """SQLite's scalar min(a, b) and max(a, b) are LEAST and GREATEST in PostgreSQL."""
    pos = 0
    while (m := _MINMAX.search(sql, pos)) is not None:
        open_at = m.end() - 1
        end = _close(sql, open_at)
        if len(_arguments(sql[open_at + 1 : end])) > 1:  # scalar: two or more arguments
            name = "LEAST" if m.group(1).lower() == "min" else "GREATEST"
            sql = sql[: m.start()] + name + sql[open_at:]
        pos = m.start() + 1
    return sql


def _arguments(text: str) -> list[str]:
    """A call's arguments, split at its top-level commas (strings and calls kept whole)."""
    cuts = [i for i, c, depth in _outside_strings(text) if c == "," and depth == 0]
    bounds = zip([-1, *cuts], [*cuts, len(text)], strict=True)
    return [text[a + 1 : b].strip() for a, b in bounds]


# A PostgreSQL function takes at most 100 arguments: json_build_object 50 pairs. An import
# with more custom columns (a Salesforce export has ~60) builds its object in parts.
_PAIRS_PER_CALL = 50


def _json_objects(sql: str) -> str:
    """SQLite's json_object(k, v, ...) is text; PostgreSQL's json_build_object, as text."""
    while (m := _JSON_OBJECT.search(sql)) is not None:
        end = _close(sql, m.end() - 1)
        inner = _PARAM.sub(r"CAST(\1 AS TEXT)", sql[m.end() : end])  # keys: text, not unknown
        args = _arguments(inner) if inner.strip() else []
        step = 2 * _PAIRS_PER_CALL
        parts = [", ".join(args[i : i + step]) for i in range(0, len(args), step)] or [""]
        merged = " || ".join(f"CAST(json_build_object({part}) AS jsonb)" for part in parts)
        built = f"CAST({merged} AS TEXT)" if len(parts) == 1 else f"CAST(({merged}) AS TEXT)"
        sql = f"{sql[: m.start()]}{built}{sql[end + 1 :]}"
    return sql


def _aliases(sql: str) -> str:
    """PostgreSQL 15 wants an alias on every subquery in FROM; SQLite does not."""
    pos, n = 0, 0
    while (m := _FROM_PAREN.search(sql, pos)) is not None:
        open_at = m.end() - 1
        end = _close(sql, open_at)
        if not _ALIAS_FOLLOWS.match(sql, end + 1):
            n += 1
            sql = f"{sql[: end + 1]} AS _sub{n}{sql[end + 1 :]}"
        pos = open_at + 1
    return sql


@lru_cache(maxsize=4096)
def to_pg(sql: str) -> str:
    """``sql`` (SQLite's dialect, qmark or named parameters) in PostgreSQL's, for psycopg."""
    found = _TABLE_INFO.match(sql)
    if found:
        return _TABLE_INFO_PG.format(found.group(1))
    text = _placeholders(sql)
    text = _TEMP.sub("pg_temp.", text)
    text = _MAIN.sub("", text)
    text = _INDEX_NAME.sub(r"\1", text)  # an index lives beside its table: no schema
    text = _WITHOUT_ROWID.sub(")", text)
    text = _FIRST_OF_GROUP.sub(_FIRST_OF_GROUP_PG, text)
    text = _QUOTE_ELSE.sub(r"THEN quote(\1) ELSE CAST(\2 AS TEXT) END", text)
    if _JSON_OBJECT.search(text):
        text = _json_objects(text)
    text = _IS_COLUMN.sub(lambda m: f"IS {'' if m.group(1) else 'NOT '}DISTINCT FROM ", text)
    update = _UPDATE_TABLE.match(text)
    if update and "json_extract(s.before" in text:  # an import's undo: each column its type
        row = f"(jsonb_populate_record(NULL::{update.group(1)}, CAST(s.before AS jsonb)))"
        text = _RESTORE.sub(lambda m: f"{row}.{m.group(1)}", text)
    text = _IDS.sub(_IDS_PG, text)
    text = _INDEXED_BY.sub("", text)
    text = _DESC_NULLABLE.sub(r"\1 DESC NULLS LAST", text)
    text = _LIKE.sub("ILIKE", text)  # SQLite's LIKE ignores case; so must the server's
    text = _TRUE.sub(r"\1 TRUE", text)
    text = _REAL.sub("AS DOUBLE PRECISION)", text)
    text = _IS_PARAM.sub(lambda m: f"IS {'' if m.group(1) else 'NOT '}DISTINCT FROM %s", text)
    if _OR_IGNORE.match(text):
        text = _OR_IGNORE.sub("INSERT INTO", text) + " ON CONFLICT DO NOTHING"
    if "min(" in text.lower() or "max(" in text.lower():
        text = _least_greatest(text)
    if _FROM_PAREN.search(text):
        text = _aliases(text)
    return text
