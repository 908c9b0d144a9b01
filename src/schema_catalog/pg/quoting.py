"""Identifier quoting as PostgreSQL's ``quote_ident`` does it.

An identifier stays bare when it is lower-case ASCII letters, digits and
underscores, starts with a letter or underscore, and is not a keyword outside
the *unreserved* category; anything else is double-quoted, inner quotes
doubled. The keyword categories are the grammar's own, from pglast.
"""

from __future__ import annotations

import re

from pglast import keywords

QUOTED_KEYWORDS = frozenset(
    keywords.RESERVED_KEYWORDS | keywords.COL_NAME_KEYWORDS | keywords.TYPE_FUNC_NAME_KEYWORDS
)
"""Keywords ``quote_ident`` quotes: every category but unreserved."""
_SAFE = re.compile(r"[a-z_][a-z0-9_]*")


def quote_ident(name: str) -> str:
    """``name`` as ``quote_ident`` prints it: bare when safe, else double-quoted."""
    if _SAFE.fullmatch(name) and name not in QUOTED_KEYWORDS:
        return name
    return '"' + name.replace('"', '""') + '"'


def qualified(schema: str, name: str) -> str:
    """``schema.name``, each part quoted as needed."""
    return f"{quote_ident(schema)}.{quote_ident(name)}"
