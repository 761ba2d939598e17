"""SQLite's SQL as the store's query modules write it, translated once per text for PostgreSQL.

The queries in store/sqlite/ stay the one source of truth; what differs on PostgreSQL is
spelled here (placeholders, LIKE's case, scalar min/max, subqueries without an alias,
planner hints, the JSON id lists) or defined as functions on the server
(store/postgres/schema.py: julianday, sum over booleans). Text that cannot be translated is
ported as its own function in store/postgres/ (search, say).
"""

from __future__ import annotations

import re
from functools import lru_cache

_IDS = re.compile(r"\(SELECT value FROM json_each\(%s\)\)", re.IGNORECASE)
_IDS_PG = "(SELECT CAST(value AS BIGINT) FROM jsonb_array_elements_text(CAST(%s AS jsonb)))"
_INDEXED_BY = re.compile(r"\s+INDEXED\s+BY\s+\w+", re.IGNORECASE)
_LIKE = re.compile(r"(?<![\w])LIKE(?![\w])")
_TRUE = re.compile(r"\b(WHERE|AND|OR)\s+1\b(?!\s*(?:[=<>!+*/.-]|\d|IS\b))", re.IGNORECASE)
_OR_IGNORE = re.compile(r"^\s*INSERT\s+OR\s+IGNORE\s+INTO\b", re.IGNORECASE)
_REAL = re.compile(r"\bAS\s+REAL\)", re.IGNORECASE)
_IS_PARAM = re.compile(r"\bIS\s+(NOT\s+)?%s", re.IGNORECASE)
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


def _close(sql: str, start: int) -> int:
    """The index of the parenthesis closing the one at ``start`` (strings skipped)."""
    depth, i, quote = 0, start, ""
    while i < len(sql):
        c = sql[i]
        if quote:
            if c == quote:
                quote = ""
        elif c in "'\"":
            quote = c
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return len(sql) - 1


def _top_level_comma(text: str) -> bool:
    depth, quote = 0, ""
    for c in text:
        if quote:
            if c == quote:
                quote = ""
        elif c in "'\"":
            quote = c
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "," and depth == 0:
            return True
    return False


_MINMAX = re.compile(r"(?<![\w.])(min|max)\(", re.IGNORECASE)
_FROM_PAREN = re.compile(r"\b(FROM|JOIN)\s*\(", re.IGNORECASE)


def _least_greatest(sql: str) -> str:
    """SQLite's scalar min(a, b) and max(a, b) are LEAST and GREATEST in PostgreSQL."""
    pos = 0
    while (m := _MINMAX.search(sql, pos)) is not None:
        open_at = m.end() - 1
        end = _close(sql, open_at)
        if _top_level_comma(sql[open_at + 1 : end]):
            name = "LEAST" if m.group(1).lower() == "min" else "GREATEST"
            sql = sql[: m.start()] + name + sql[open_at:]
        pos = m.start() + 1
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
    text = _placeholders(sql)
    text = _IDS.sub(_IDS_PG, text)
    text = _INDEXED_BY.sub("", text)
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
