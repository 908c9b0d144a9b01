"""Expressions from migration SQL, resolved the way PostgreSQL's parse analysis does.

Defaults, CHECKs, policy USING / WITH CHECK, index expressions and predicates
are stored by the server as analysed trees and printed back by ``pg_get_expr``.
To print what the server would print, we redo the part of parse analysis that
shows in that text: column and literal types, operator argument coercions
(``varchar`` compared as ``text``, ``int`` against ``numeric`` cast up), literals
taking the type of what they meet (``'draft'`` → ``'draft'::text``), ``IN``
lists becoming ``= ANY (ARRAY[...])``, ``BETWEEN`` expanded, sub-select columns
qualified. The result is a `deparse` tree; anything we do not model falls back
to pglast's own deparse (a `Raw` node), which is close but not guaranteed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Protocol

from pglast import ast, enums
from pglast.stream import RawStream

from schema_catalog.sources.migrations import deparse as d
from schema_catalog.sources.migrations.state import is_node
from schema_catalog.sources.migrations.types import (
    BIGINT,
    BOOLEAN,
    INTEGER,
    JSONB,
    NUMERIC,
    TEXT,
    TIMESTAMPTZ,
    UNKNOWN,
    UUID,
    SqlType,
)


class Resolver(Protocol):
    """What expression analysis needs to know about the catalog being replayed."""

    def relation_columns(
        self, schema: str | None, name: str
    ) -> tuple[str, str, Mapping[str, SqlType]] | None:
        """(schema, name, column types) of a table or view, if known."""

    def resolve_type(self, node: Any) -> SqlType:
        """A TypeName as a resolved type (enums and other user types qualified)."""

    def function(self, schema: str | None, name: str) -> tuple[str, SqlType] | None:
        """A user function created by the migrations: (schema, return type)."""


# Built-in functions: name → (parameter types or None for "leave arguments as they are", result).
_FUNCTIONS: dict[str, tuple[tuple[SqlType, ...] | None, SqlType]] = {
    "now": ((), TIMESTAMPTZ),
    "gen_random_uuid": ((), UUID),
    "lower": ((TEXT,), TEXT),
    "upper": ((TEXT,), TEXT),
    "btrim": ((TEXT,), TEXT),
    "initcap": ((TEXT,), TEXT),
    "length": ((TEXT,), INTEGER),
    "char_length": ((TEXT,), INTEGER),
    "character_length": ((TEXT,), INTEGER),
    "octet_length": ((TEXT,), INTEGER),
    "md5": ((TEXT,), TEXT),
    "current_setting": ((TEXT,), TEXT),
    "array_length": (None, INTEGER),
    "cardinality": (None, INTEGER),
    "jsonb_typeof": ((JSONB,), TEXT),
    "jsonb_array_length": ((JSONB,), INTEGER),
    "jsonb_build_object": (None, JSONB),
    "to_jsonb": (None, JSONB),
    "timezone": ((TEXT, TIMESTAMPTZ), SqlType("timestamp without time zone")),
    "date_trunc": ((TEXT, TIMESTAMPTZ), TIMESTAMPTZ),
    "concat": (None, TEXT),
    "to_tsvector": (None, SqlType("tsvector")),
    "statement_timestamp": ((), TIMESTAMPTZ),
    "clock_timestamp": ((), TIMESTAMPTZ),
    "transaction_timestamp": ((), TIMESTAMPTZ),
    "random": ((), SqlType("double precision")),
}
# Known functions of the Supabase `auth` schema (also created by the test fixture).
_AUTH_FUNCTIONS = {"uid": UUID, "jwt": JSONB, "role": TEXT, "email": TEXT}

_SQL_VALUE_FUNCTIONS: dict[str, tuple[str, SqlType]] = {
    "SVFOP_CURRENT_DATE": ("CURRENT_DATE", SqlType("date")),
    "SVFOP_CURRENT_TIME": ("CURRENT_TIME", SqlType("time with time zone")),
    "SVFOP_CURRENT_TIMESTAMP": ("CURRENT_TIMESTAMP", TIMESTAMPTZ),
    "SVFOP_LOCALTIME": ("LOCALTIME", SqlType("time without time zone")),
    "SVFOP_LOCALTIMESTAMP": ("LOCALTIMESTAMP", SqlType("timestamp without time zone")),
    "SVFOP_CURRENT_ROLE": ("CURRENT_ROLE", SqlType("name")),
    "SVFOP_CURRENT_USER": ("CURRENT_USER", SqlType("name")),
    "SVFOP_USER": ("USER", SqlType("name")),
    "SVFOP_SESSION_USER": ("SESSION_USER", SqlType("name")),
    "SVFOP_CURRENT_CATALOG": ("CURRENT_CATALOG", SqlType("name")),
    "SVFOP_CURRENT_SCHEMA": ("CURRENT_SCHEMA", SqlType("name")),
}
_COMPARISONS = frozenset({"=", "<>", "<", ">", "<=", ">="})
_TEXT_OPERATORS = frozenset({"~~", "~~*", "!~~", "!~~*", "~", "~*", "!~", "!~*", "||"})
_JSON_TEXT_KEY = frozenset({"->", "->>", "?", "#>", "#>>"})
_INTEGERS = ("smallint", "integer", "bigint")
_FLOATS = ("real", "double precision")
_DATETIMES = ("date", "timestamp without time zone", "timestamp with time zone")


@dataclass(frozen=True)
class Relation:
    refname: str
    columns: Mapping[str, SqlType]


class Analyzer:
    """Turns raw expression nodes into typed `deparse` nodes within a scope of relations."""

    def __init__(
        self, resolver: Resolver, frames: Sequence[Sequence[Relation]], *, qualify: bool = False
    ) -> None:
        self.resolver = resolver
        self.frames = frames
        self.qualify = qualify

    # ------------------------------------------------------------------ entry points

    def expr(self, node: Any) -> d.Expr:
        handler = getattr(self, "_" + type(node).__name__, None)
        if handler is None:
            return raw(node)
        result: d.Expr = handler(node)
        return result

    def coerced(self, node: Any, target: SqlType) -> d.Expr:
        """``node`` assigned to a column of type ``target`` (defaults, generated columns)."""
        return coerce(self.expr(node), target, implicit=True)

    # ------------------------------------------------------------------ leaves

    def _A_Const(self, node: Any) -> d.Expr:  # noqa: N802 - named after the node
        if node.isnull:
            return d.Const(UNKNOWN, None)
        val: Any = node.val
        if is_node(val, ast.Integer):
            return d.Const(INTEGER, str(val.ival))
        if is_node(val, ast.Float):
            return _numeric_literal(val.fval)
        if is_node(val, ast.Boolean):
            return d.Const(BOOLEAN, "t" if val.boolval else "f")
        return d.Const(UNKNOWN, str(getattr(val, "sval", getattr(val, "bsval", ""))))

    def _ColumnRef(self, node: Any) -> d.Expr:  # noqa: N802
        names = [getattr(f, "sval", "*") for f in node.fields]
        found = self.lookup(names)
        if found is None:
            return raw(node)
        return found

    def lookup(self, names: list[str]) -> d.Var | None:
        column, qualifier = names[-1], (names[-2] if len(names) > 1 else None)
        for frame in reversed(self.frames):
            for relation in frame:
                if qualifier not in (None, relation.refname) or column not in relation.columns:
                    continue
                shown = relation.refname if self.qualify else None
                return d.Var(relation.columns[column], column, shown)
        return None

    def _SQLValueFunction(self, node: Any) -> d.Expr:  # noqa: N802
        text, kind = _SQL_VALUE_FUNCTIONS.get(node.op.name, (node.op.name, UNKNOWN))
        return d.Keyword(kind, text)

    def _TypeCast(self, node: Any) -> d.Expr:  # noqa: N802
        target = self.resolver.resolve_type(node.typeName)
        if isinstance(node.arg, ast.A_ArrayExpr):
            return self._array(node.arg, target.element)
        return coerce(self.expr(node.arg), target, implicit=False)

    # ------------------------------------------------------------------ calls

    def _FuncCall(self, node: Any) -> d.Expr:  # noqa: N802
        parts = [n.sval for n in node.funcname]
        schema, name = (parts[-2] if len(parts) > 1 else None), parts[-1]
        args = [self.expr(a) for a in node.args or ()]
        if node.agg_star or node.over is not None or node.agg_order or node.agg_filter:
            return raw(node)
        if schema == "auth" and name in _AUTH_FUNCTIONS:
            return d.Call(_AUTH_FUNCTIONS[name], f"auth.{d.quote_ident(name)}", tuple(args))
        user = self.resolver.function(schema, name)
        if user is not None:
            printed = f"{d.quote_ident(user[0])}.{d.quote_ident(name)}"
            return d.Call(user[1], printed, tuple(_resolve_unknown(a, TEXT) for a in args))
        if schema not in (None, "pg_catalog") or name not in _FUNCTIONS:
            return raw(node)
        params, result = _FUNCTIONS[name]
        if params is not None and len(params) == len(args):
            args = [coerce(a, p, implicit=True) for a, p in zip(args, params, strict=True)]
        else:
            args = [_resolve_unknown(a, TEXT) for a in args]
        return d.Call(result, d.quote_ident(name), tuple(args))

    def _CoalesceExpr(self, node: Any) -> d.Expr:  # noqa: N802
        args = [self.expr(a) for a in node.args]
        common = common_type([a.type for a in args])
        return d.Call(common, "COALESCE", tuple(coerce(a, common, implicit=True) for a in args))

    # ------------------------------------------------------------------ operators

    def _A_Expr(self, node: Any) -> d.Expr:  # noqa: N802
        kind = node.kind.name
        op = node.name[-1].sval if node.name else ""
        if kind in ("AEXPR_OP", "AEXPR_LIKE", "AEXPR_ILIKE") and len(node.name) == 1:
            if node.lexpr is None:
                right = self.expr(node.rexpr)
                return d.Op(right.type, op, None, right)
            return operator(op, self.expr(node.lexpr), self.expr(node.rexpr))
        if kind == "AEXPR_IN":
            return self._in_list(node, op)
        if kind in ("AEXPR_OP_ANY", "AEXPR_OP_ALL"):
            left, array = self.expr(node.lexpr), self.expr(node.rexpr)
            left, array = _any_operands(left, array)
            return d.AnyAll(BOOLEAN, left, op, array, kind == "AEXPR_OP_ALL")
        if kind == "AEXPR_BETWEEN":
            low, high = node.rexpr
            left = node.lexpr
            parts = (
                operator(">=", self.expr(left), self.expr(low)),
                operator("<=", self.expr(left), self.expr(high)),
            )
            return d.BoolOp(BOOLEAN, "AND", parts)
        if kind == "AEXPR_DISTINCT" and _is_null(node.rexpr):
            return d.Test(BOOLEAN, self.expr(node.lexpr), " IS NOT NULL")
        if kind in ("AEXPR_DISTINCT", "AEXPR_NOT_DISTINCT") and op == "=":
            # A DistinctExpr: the `=` operator's coercions, printed `(a IS DISTINCT FROM b)`;
            # NOT DISTINCT is a NOT over it.
            compared = operator("=", self.expr(node.lexpr), self.expr(node.rexpr))
            if isinstance(compared, d.Op):
                distinct = replace(compared, op="IS DISTINCT FROM")
                if kind == "AEXPR_DISTINCT":
                    return distinct
                return d.BoolOp(BOOLEAN, "NOT", (distinct,))
        return raw(node)

    def _in_list(self, node: Any, op: str) -> d.Expr:
        left = self.expr(node.lexpr)
        items = [self.expr(i) for i in node.rexpr]
        if len(items) == 1:
            return operator(op, left, items[0])
        if any(not isinstance(i, d.Const) for i in items):
            parts = tuple(operator(op, left, i) for i in items)
            return d.BoolOp(BOOLEAN, "OR" if op == "=" else "AND", parts)
        common = common_type([left.type, *(i.type for i in items)])
        elements = tuple(coerce(i, common, implicit=True) for i in items)
        array: d.Expr = d.ArrayExpr(common.as_array(), elements)
        left, array = _any_operands(coerce(left, common, implicit=True), array)
        return d.AnyAll(BOOLEAN, left, op, array, op == "<>")

    def _BoolExpr(self, node: Any) -> d.Expr:  # noqa: N802
        word = node.boolop.name.split("_")[0]
        args = tuple(_resolve_unknown(self.expr(a), BOOLEAN) for a in node.args)
        return d.BoolOp(BOOLEAN, word, args)

    def _NullTest(self, node: Any) -> d.Expr:  # noqa: N802
        suffix = " IS NULL" if node.nulltesttype.name == "IS_NULL" else " IS NOT NULL"
        return d.Test(BOOLEAN, self.expr(node.arg), suffix)

    def _BooleanTest(self, node: Any) -> d.Expr:  # noqa: N802
        suffix = " " + node.booltesttype.name.replace("_", " ")
        return d.Test(BOOLEAN, self.expr(node.arg), suffix)

    def _A_ArrayExpr(self, node: Any) -> d.Expr:  # noqa: N802
        return self._array(node, None)

    def _array(self, node: Any, element: SqlType | None) -> d.Expr:
        items = [self.expr(e) for e in node.elements or ()]
        kind = element or common_type([i.type for i in items])
        return d.ArrayExpr(kind.as_array(), tuple(coerce(i, kind, implicit=True) for i in items))

    # ------------------------------------------------------------------ sub-selects

    def _SubLink(self, node: Any) -> d.Expr:  # noqa: N802
        query = self.select(node.subselect)
        if query is None:
            return raw(node)
        kind = node.subLinkType.name.split("_")[0].lower()
        first = query.targets[0].expr.type if query.targets else UNKNOWN
        if kind == "exists":
            return d.SubLink(BOOLEAN, "exists", query)
        if kind == "expr":
            return d.SubLink(first, "expr", query)
        if kind == "array":
            return d.SubLink(first.as_array(), "array", query)
        if kind in ("any", "all") and node.testexpr is not None:
            op = node.operName[-1].sval if node.operName else "="
            test = coerce(
                self.expr(node.testexpr),
                _comparison_type(self.expr(node.testexpr).type, first),
                implicit=True,
            )
            return d.SubLink(BOOLEAN, kind, query, test, op)
        return raw(node)

    def select(self, node: Any) -> d.Select | None:
        """A simple ``SELECT targets FROM tables WHERE ...`` sub-select, else None."""
        if not isinstance(node, ast.SelectStmt) or _has_clauses(node):
            return None
        relations: list[Relation] = []
        printed: list[str] = []
        for item in node.fromClause or ():
            if not is_node(item, ast.RangeVar):
                return None
            known = self.resolver.relation_columns(item.schemaname, item.relname)
            if known is None:
                return None
            schema, name, columns = known
            alias = item.alias.aliasname if item.alias else None
            relations.append(Relation(alias or name, columns))
            text = f"{d.quote_ident(schema)}.{d.quote_ident(name)}"
            printed.append(text + (f" {d.quote_ident(alias)}" if alias and alias != name else ""))
        inner = Analyzer(self.resolver, [*self.frames, relations], qualify=True)
        targets = tuple(inner.target(t) for t in node.targetList or ())
        where = inner.expr(node.whereClause) if node.whereClause is not None else None
        return d.Select(targets, tuple(printed), where)

    def target(self, node: Any) -> d.Target:
        expr = _resolve_unknown(self.expr(node.val), TEXT)
        return d.Target(expr, node.name or figure_colname(node.val))


# ---------------------------------------------------------------------- type rules


def raw(node: Any) -> d.Raw:
    """The parser's own deparse of ``node``: used where we do not model the analysis."""
    return d.Raw(UNKNOWN, RawStream()(node))


def _numeric_literal(text: str) -> d.Const:
    # Integer literals too big for int4 arrive as Float; the server types them int8 if they fit.
    if text.isdigit() and int(text) < 2**63:
        return d.Const(BIGINT, text)
    return d.Const(NUMERIC, text)


def _is_null(node: ast.Node | None) -> bool:
    return isinstance(node, ast.A_Const) and bool(node.isnull)


def _has_clauses(node: Any) -> bool:
    return bool(
        node.groupClause
        or node.havingClause
        or node.sortClause
        or node.limitCount
        or node.distinctClause
        or node.withClause
        or node.op != enums.SetOperation.SETOP_NONE
    )


def figure_colname(expr: object) -> str:
    """``FigureColname``: the name a select-list item gets without ``AS``."""
    node: Any = expr
    if is_node(node, ast.ColumnRef):
        return str(getattr(node.fields[-1], "sval", "?column?"))
    if is_node(node, ast.FuncCall):
        return str(node.funcname[-1].sval)
    if is_node(node, ast.TypeCast):
        inner = figure_colname(node.arg)
        return inner if inner != "?column?" else str(node.typeName.names[-1].sval)
    if is_node(node, ast.CoalesceExpr):
        return "coalesce"
    if is_node(node, ast.SQLValueFunction):
        return str(_SQL_VALUE_FUNCTIONS.get(node.op.name, ("?column?",))[0]).lower()
    return "?column?"


def _resolve_unknown(node: d.Expr, kind: SqlType) -> d.Expr:
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


def _comparison_type(left: SqlType, right: SqlType) -> SqlType:
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
    kind = _comparison_type(left.type, right.type)
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
    kind = _comparison_type(lt, rt)
    sides = _operator_sides(kind, lt, rt)
    result = common_type([sides[0], sides[1]]) if sides != (kind, kind) else kind
    return d.Op(result, op, _as(left, sides[0]), _as(right, sides[1]))


def _as(node: d.Expr, kind: SqlType) -> d.Expr:
    return coerce(node, kind, implicit=True)


def _any_operands(left: d.Expr, array: d.Expr) -> tuple[d.Expr, d.Expr]:
    """``x op ANY (array)``: both sides brought to the operator's type (varchar → text)."""
    element = array.type.element if array.type.array else UNKNOWN
    if isinstance(array, d.Const) and array.type == UNKNOWN:
        element = _operator_type(left.type)
        array = d.Const(element.as_array(), array.value)
    kind = _comparison_type(left.type, element)
    return _as(left, kind), _as(array, kind.as_array())


def assigned(analyzer: Analyzer, node: Any, target: SqlType) -> d.Expr:
    """A default or generated expression for a column of type ``target``."""
    return analyzer.coerced(node, target)


def with_type(node: d.Expr, kind: SqlType) -> d.Expr:
    return replace(node, type=kind)
