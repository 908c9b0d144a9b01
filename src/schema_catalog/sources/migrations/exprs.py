"""Expressions from migration SQL, resolved the way PostgreSQL's parse analysis does.

Defaults, CHECKs, policy USING / WITH CHECK, index expressions and predicates
are stored by the server as analysed trees and printed back by ``pg_get_expr``.
To print what the server would print, we redo the part of parse analysis that
shows in that text. This module owns the walk over the raw parse tree: one
`Analyzer` method per node kind (literals, column references, calls, operators,
``IN`` lists becoming ``= ANY (ARRAY[...])``, ``BETWEEN`` expanded, sub-selects
with their columns qualified). The type rules it applies at each node are in
`coercion`, the function signatures it knows in `known_functions`, and the
printing of the resulting `deparse` tree in `deparse`. Anything we do not model
falls back to pglast's own deparse (a `Raw` node), which is close but not guaranteed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Protocol

from pglast import ast, enums
from pglast.stream import RawStream

from schema_catalog.pg.quoting import quote_ident
from schema_catalog.sources.migrations import deparse as d
from schema_catalog.sources.migrations.coercion import (
    any_operands,
    coerce,
    common_type,
    comparison_type,
    operator,
    resolve_unknown,
)
from schema_catalog.sources.migrations.known_functions import (
    AUTH_FUNCTIONS,
    FUNCTIONS,
    SQL_VALUE_FUNCTIONS,
)
from schema_catalog.sources.migrations.state import is_node
from schema_catalog.sources.migrations.types import (
    BIGINT,
    BOOLEAN,
    INTEGER,
    NUMERIC,
    TEXT,
    UNKNOWN,
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

    @property
    def server_version(self) -> int:
        """The PostgreSQL major version whose spelling is printed."""


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
        text, kind = SQL_VALUE_FUNCTIONS.get(node.op.name, (node.op.name, UNKNOWN))
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
        if schema == "auth" and name in AUTH_FUNCTIONS:
            return d.Call(AUTH_FUNCTIONS[name], f"auth.{quote_ident(name)}", tuple(args))
        user = self.resolver.function(schema, name)
        if user is not None:
            printed = f"{quote_ident(user[0])}.{quote_ident(name)}"
            return d.Call(user[1], printed, tuple(resolve_unknown(a, TEXT) for a in args))
        if schema not in (None, "pg_catalog") or name not in FUNCTIONS:
            return raw(node)
        params, result = FUNCTIONS[name]
        if params is not None and len(params) == len(args):
            args = [coerce(a, p, implicit=True) for a, p in zip(args, params, strict=True)]
        else:
            args = [resolve_unknown(a, TEXT) for a in args]
        if _at_time_zone(node, name) and self.resolver.server_version >= 15:
            return d.AtTimeZone(result, args[1], args[0])
        return d.Call(result, quote_ident(name), tuple(args))

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
            left, array = any_operands(left, array)
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
        left, array = any_operands(coerce(left, common, implicit=True), array)
        return d.AnyAll(BOOLEAN, left, op, array, op == "<>")

    def _BoolExpr(self, node: Any) -> d.Expr:  # noqa: N802
        word = node.boolop.name.split("_")[0]
        args = tuple(resolve_unknown(self.expr(a), BOOLEAN) for a in node.args)
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
                comparison_type(self.expr(node.testexpr).type, first),
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
            text = f"{quote_ident(schema)}.{quote_ident(name)}"
            printed.append(text + (f" {quote_ident(alias)}" if alias and alias != name else ""))
        inner = Analyzer(self.resolver, [*self.frames, relations], qualify=True)
        targets = tuple(inner.target(t) for t in node.targetList or ())
        where = inner.expr(node.whereClause) if node.whereClause is not None else None
        return d.Select(targets, tuple(printed), where)

    def target(self, node: Any) -> d.Target:
        expr = resolve_unknown(self.expr(node.val), TEXT)
        return d.Target(expr, node.name or figure_colname(node.val))


# ---------------------------------------------------------------------- node helpers


def _at_time_zone(node: Any, name: str) -> bool:
    """Was this ``timezone(...)`` call written as ``x AT TIME ZONE zone``?"""
    return (
        name == "timezone"
        and len(node.args or ()) == 2
        and node.funcformat == enums.CoercionForm.COERCE_SQL_SYNTAX
    )


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
        return str(SQL_VALUE_FUNCTIONS.get(node.op.name, ("?column?",))[0]).lower()
    return "?column?"


def assigned(analyzer: Analyzer, node: Any, target: SqlType) -> d.Expr:
    """A default or generated expression for a column of type ``target``."""
    return analyzer.coerced(node, target)


def with_type(node: d.Expr, kind: SqlType) -> d.Expr:
    return replace(node, type=kind)
