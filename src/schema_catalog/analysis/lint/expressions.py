"""SQL expressions of the catalog (policy USING / WITH CHECK) as pglast parse trees.

Several rules read the same expression, and a schema repeats the same policy
text on table after table (one tenant policy everywhere): each distinct text is
parsed once per process. Building pglast's Python tree is most of a rule's cost;
the rules only walk the trees, never change them.
"""

from __future__ import annotations

from functools import lru_cache

from pglast import ast, parse_sql
from pglast.parser import ParseError


@lru_cache(maxsize=8192)
def expression_tree(text: str) -> tuple[ast.Node, ...] | None:
    """The parse tree of ``SELECT (text)``; None when the text does not parse."""
    try:
        return tuple(parse_sql(f"SELECT ({text})"))
    except ParseError:
        return None
