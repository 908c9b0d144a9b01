"""The type rules of parse analysis: coercion, common types and operator arguments.

Mirrors the parts of PostgreSQL's ``coerce_type``, ``select_common_type`` and
operator resolution that show in ``pg_get_expr`` text: unknown literals take
the type they meet, integers widen, ``varchar`` uses ``text``'s operators, and
a cast is printed where the server adds one. `exprs.Analyzer` applies them to
each node it builds.
"""

from __future__ import annotations

from collections.abc import Sequence

from schema_catalog.sources.migrations import deparse as d
from schema_catalog.sources.migrations.types import (
    BOOLEAN,
    INTEGER,
    TEXT,
    UNKNOWN,
    SqlType,
)

_COMPARISONS = frozenset({"=", "<>", "<", ">", "<=", ">="})
_TEXT_OPERATORS = frozenset({"~~", "~~*", "!~~", "!~~*", "~", "~*", "!~", "!~*", "||"})
_JSON_TEXT_KEY = frozenset({"->", "->>", "?", "#>", "#>>"})
_INTEGERS = ("smallint", "integer", "bigint")
_FLOATS = ("real", "double precision")
_DATETIMES = ("date", "timestamp without time zone", "timestamp with time zone")


def resolve_unknown(node: d.Expr, kind: SqlType) -> d.Expr:
    """An untyped literal given type ``kind``; any other node as it is."""
    if isinstance(node, d.Const) and node.type == UNKNOWN:
        return d.Const(kind, node.value)
    return node


def coerce(node: d.Expr, target: SqlType, *, implicit: bool) -> d.Expr:
    """``coerce_type``: unknown literals become constants of ``target``; others get a cast."""
    if target == UNKNOWN or isinstance(node, d.Raw):
        return node
    if isinstance(node, d.Const) and node.type == UNKNOWN:
        return d.Const(
            target.without_mods(), _bool_text(node.value) if target == BOOLEAN else node.value
        )
    if node.type == target or (implicit and node.type == target.without_mods()):
        return node
    if implicit and node.type.name == target.name and node.type.array == target.array:
        return node  # same type, other typmod: a hidden length coercion
    return d.Cast(target, node, implicit)


def _bool_text(value: str | None) -> str | None:
    if value is None:
        return None
    return "t" if value.strip().lower() in ("t", "true", "yes", "y", "on", "1") else "f"


def common_type(kinds: Sequence[SqlType]) -> SqlType:
    """``select_common_type``, for the types we meet: unknown yields to anything, ints widen."""
    known = [k for k in kinds if k != UNKNOWN]
    if not known:
        return TEXT
    first = known[0]
    for other in known[1:]:
        first = _wider(first, other)
    return first


def _wider(a: SqlType, b: SqlType) -> SqlType:
    if a.without_mods() == b.without_mods():
        return a.without_mods()
    order = (*_INTEGERS, "numeric", *_FLOATS)
    if a.name in order and b.name in order and not (a.array or b.array):
        return SqlType(max(a.name, b.name, key=order.index))
    return a.without_mods()


def _operator_type(kind: SqlType) -> SqlType:
    """The type whose operators a value uses: varchar borrows text's."""
    if kind.name == "character varying" and not kind.array:
        return TEXT
    if kind.name == "character varying":
        return TEXT.as_array()
    return kind.without_mods()


def comparison_type(left: SqlType, right: SqlType) -> SqlType:
    if left == UNKNOWN and right == UNKNOWN:
        return TEXT
    if left == UNKNOWN:
        return _operator_type(right)
    if right == UNKNOWN:
        return _operator_type(left)
    a, b = _operator_type(left), _operator_type(right)
    if a == b or (a.name in _INTEGERS and b.name in _INTEGERS):
        return a
    if a.name in _DATETIMES and b.name in _DATETIMES:
        return a
    if a.name in _FLOATS and b.name in _FLOATS:
        return a
    return _wider(a, b)


def operator(op: str, left: d.Expr, right: d.Expr) -> d.Expr:
    """A binary operator with its arguments coerced as the chosen operator wants them."""
    if op in _TEXT_OPERATORS:
        return d.Op(BOOLEAN if op != "||" else TEXT, op, _as(left, TEXT), _as(right, TEXT))
    if op in _JSON_TEXT_KEY and left.type.name in ("jsonb", "json"):
        key = INTEGER if right.type == INTEGER else TEXT
        result = TEXT if op in ("->>", "#>>") else (BOOLEAN if op == "?" else left.type)
        if op in ("#>", "#>>"):
            key = TEXT.as_array()
        return d.Op(result, op, left, _as(right, key))
    if op in ("+", "-", "*", "/", "%"):
        return _arithmetic(op, left, right)
    kind = comparison_type(left.type, right.type)
    side_l, side_r = _operator_sides(kind, left.type, right.type)
    result = BOOLEAN if op in _COMPARISONS or op in ("@>", "<@", "&&") else kind
    return d.Op(result, op, _as(left, side_l), _as(right, side_r))


def _operator_sides(kind: SqlType, left: SqlType, right: SqlType) -> tuple[SqlType, SqlType]:
    """Cross-type operators exist among integers and among date/time types: keep both sides."""
    families = (_INTEGERS, _DATETIMES, _FLOATS)
    for family in families:
        if left.name in family and right.name in family and not (left.array or right.array):
            return _operator_type(left), _operator_type(right)
    return kind, kind


def _arithmetic(op: str, left: d.Expr, right: d.Expr) -> d.Expr:
    lt, rt = left.type, right.type
    if lt.name in _DATETIMES and rt == UNKNOWN:
        right = d.Const(SqlType("interval"), getattr(right, "value", None))
        return d.Op(lt.without_mods(), op, left, right)
    if lt.name in _DATETIMES or rt.name in _DATETIMES:
        return d.Op(lt.without_mods(), op, left, _as(right, rt))
    kind = comparison_type(lt, rt)
    sides = _operator_sides(kind, lt, rt)
    result = common_type([sides[0], sides[1]]) if sides != (kind, kind) else kind
    return d.Op(result, op, _as(left, sides[0]), _as(right, sides[1]))


def _as(node: d.Expr, kind: SqlType) -> d.Expr:
    return coerce(node, kind, implicit=True)


def any_operands(left: d.Expr, array: d.Expr) -> tuple[d.Expr, d.Expr]:
    """``x op ANY (array)``: both sides brought to the operator's type (varchar → text)."""
    element = array.type.element if array.type.array else UNKNOWN
    if isinstance(array, d.Const) and array.type == UNKNOWN:
        element = _operator_type(left.type)
        array = d.Const(element.as_array(), array.value)
    kind = comparison_type(left.type, element)
    return _as(left, kind), _as(array, kind.as_array())
