"""Storage options (``WITH (...)``, ``ALTER ... SET / RESET (...)``) as the server keeps them.

``pg_class.reloptions`` holds each option as ``name=value``, the value as the
grammar handed it over (``defGetString``: ``70``, ``0.05``, ``off``, ``true``).
``SET`` keeps the options it does not name, in order, then appends the ones it
names; ``RESET`` drops them. ``pg_get_indexdef`` prints an index's options as
``WITH (name=value, ...)``, leaving a value bare only when ``quote_ident`` would.
"""

from __future__ import annotations

from typing import Any

from pglast import ast

from schema_catalog.pg.quoting import quote_ident
from schema_catalog.sources.migrations.deparse import quote_literal


def reloption(option: Any) -> str:
    """A ``DefElem`` of a ``WITH (...)`` list as ``reloptions`` stores it."""
    return f"{option.defname}={_value(option.arg)}"


def _value(value: Any) -> str:
    if value is None:
        return "true"  # WITH (fastupdate): a bare option is switched on
    if isinstance(value, ast.Boolean):
        return "true" if value.boolval else "false"
    if isinstance(value, ast.Integer):
        return str(value.ival)
    if isinstance(value, ast.Float):
        return str(value.fval)
    if isinstance(value, ast.TypeName):  # an unreserved word such as off
        return ".".join(n.sval for n in value.names or ())
    return str(value.sval)


def changed(current: list[str], options: Any, *, reset: bool) -> list[str]:
    """``current`` after ``SET (options)`` or ``RESET (options)``."""
    named = {o.defname for o in options or ()}
    kept = [o for o in current if o.partition("=")[0] not in named]
    return kept if reset else kept + [reloption(o) for o in options or ()]


def with_clause(options: list[str]) -> str:
    """`` WITH (...)`` as ``pg_get_indexdef`` prints ``options``; empty when there are none."""
    if not options:
        return ""
    parts = []
    for option in options:
        name, _, value = option.partition("=")
        shown = value if quote_ident(value) == value else quote_literal(value)
        parts.append(f"{quote_ident(name)}={shown}")
    return f" WITH ({', '.join(parts)})"
