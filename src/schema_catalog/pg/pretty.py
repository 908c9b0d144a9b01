"""SQL laid out for reading: pglast's prettifier, or the text as it came.

Definitions reach the catalog as the server deparses them (``pg_get_viewdef``,
``pg_get_expr``) or as a migration wrote them: one long line, or the server's
own ragged layout. pglast prints the parse tree again, one clause or condition
per line, and with ``safety_belt`` parses its output to check that it means the
same statement. Text it cannot parse (a dialect it does not know, a fragment,
hostile input) is returned unchanged: prettifying is a courtesy, never a guess.

pglast spells a cast ``CAST(x AS t)`` where PostgreSQL prints ``x::t``; the
meaning is the same.
"""

from __future__ import annotations

import re
from functools import lru_cache

from pglast import ast, parse_sql, prettify
from pglast.parser import ParseError

_OPTIONS = {"comma_at_eoln": True, "safety_belt": True}
# Pure functions of the text, and the same texts come back: a team's policies repeat one
# tenant condition on every table, and a page shows a policy where a list does too.
# Parsing, printing and the safety belt's second parse are most of a table page's render.
_REMEMBERED = 4096
_SELECT = "SELECT "


@lru_cache(maxsize=_REMEMBERED)
def statement(sql: str) -> str:
    """One statement (a view's query), prettified; ``sql`` itself when pglast cannot."""
    try:
        if len(parse_sql(sql)) != 1:
            return sql
        return prettify(sql, **_OPTIONS)
    except (ParseError, ValueError, RuntimeError):
        return sql


@lru_cache(maxsize=_REMEMBERED)
def expression(sql: str) -> str:
    """One scalar expression (a policy's USING, a CHECK, a default), prettified.

    pglast prints statements, so the expression is printed as ``SELECT <expr>``
    and the ``SELECT`` taken off again; the text must parse as exactly that, one
    target and nothing else, or it is returned as it came.
    """
    try:
        parsed = parse_sql(_SELECT + sql)
        if not (len(parsed) == 1 and _single_target(parsed[0].stmt)):
            return sql
        printed = prettify(_SELECT + sql, **_OPTIONS)
    except (ParseError, ValueError, RuntimeError):
        return sql
    lines = printed.removeprefix(_SELECT).splitlines()
    indent = " " * len(_SELECT)
    return "\n".join([lines[0], *(line.removeprefix(indent) for line in lines[1:])])


_CHECK = re.compile(r"CHECK \((?P<expression>.*)\)(?P<flags>(?: NO INHERIT| NOT VALID)*)", re.S)


def check(sql: str) -> str:
    """A CHECK constraint as the server prints it (``CHECK ((a > 0)) NOT VALID``), with
    its expression prettified; ``sql`` itself when it is not that shape."""
    match = _CHECK.fullmatch(sql)
    if not match:
        return sql
    inner = expression(match["expression"])
    if inner == match["expression"]:
        return sql
    body = "\n".join("    " + line for line in inner.splitlines())
    return f"CHECK (\n{body}\n){match['flags']}"


def _single_target(node: object) -> bool:
    return (
        isinstance(node, ast.SelectStmt)
        and node.targetList is not None
        and len(node.targetList) == 1
        and node.targetList[0].name is None
        and not any(getattr(node, clause) for clause in _OTHER_CLAUSES)
    )


# A SELECT holding any of these is more than `SELECT <expression>`.
_OTHER_CLAUSES = (
    *("fromClause", "whereClause", "groupClause", "havingClause", "sortClause"),
    *("limitCount", "limitOffset", "withClause", "distinctClause", "windowClause"),
    *("intoClause", "lockingClause", "valuesLists"),
)
