"""Views as the analyses see them: which catalog relations a definition reads, and whose rights apply.

A view holds no rows, foreign keys or RLS of its own: its rows come from the
relations its definition reads. `base_tables` finds them in the definition
text: schema-qualified names anywhere (PostgreSQL's ``pg_get_viewdef``
qualifies every relation when read with ``search_path = pg_catalog``, as the
postgres source does), and bare names right after ``FROM`` / ``JOIN`` (how
Drizzle and hand-written migrations spell them), resolved in the view's own
schema, then ``public``. Only names the catalog knows count, so column
references such as ``b.title`` never match; a relation named only in a way
this misses (a comma join of bare names) leaves the view's sources unknown
rather than guessed.
"""

from __future__ import annotations

import re
from collections.abc import Collection

from schema_catalog.model import Table

VIEW_KINDS = ("view", "materialized_view")
_SECURITY_INVOKER = {f"security_invoker={v}" for v in ("1", "true", "yes", "on")}

_STRING = re.compile(r"'(?:[^']|'')*'")
_COMMENT = re.compile(r"--[^\n]*|/\*.*?\*/", re.S)
_NAME = r'(?:"(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)'
_QUALIFIED = re.compile(rf"({_NAME})\s*\.\s*({_NAME})")
# A bare relation name: not qualified, not a function call (`FROM generate_series(...)`).
_AFTER_FROM = re.compile(
    rf"\b(?:from|join)\s+(?:only\s+)?({_NAME})(?![\w$\"])(?!\s*[.(])", re.IGNORECASE
)


def security_invoker(view: Table) -> bool:
    """True when the view runs with the caller's rights (``WITH (security_invoker = on)``)."""
    return bool({o.lower() for o in view.options} & _SECURITY_INVOKER)


def base_tables(view: Table, names: Collection[str]) -> tuple[str, ...]:
    """Qualified names of the catalog relations ``view``'s definition reads, sorted."""
    text = _COMMENT.sub(" ", _STRING.sub("''", view.view_definition or ""))
    found = {f"{_ident(schema)}.{_ident(name)}" for schema, name in _QUALIFIED.findall(text)}
    for bare in _AFTER_FROM.findall(text):
        resolved = [f"{s}.{_ident(bare)}" for s in (view.schema_, "public")]
        found.update(next(([n] for n in resolved if n in names), []))
    return tuple(sorted(n for n in found if n in names and n != view.qualified_name))


def _ident(text: str) -> str:
    # PostgreSQL folds unquoted names to lower case; quoted ones keep their spelling.
    if text.startswith('"'):
        return text[1:-1].replace('""', '"')
    return text.lower()
