"""Typed expression trees, printed the way PostgreSQL's ruleutils prints them.

`exprs` turns a raw parse tree into these nodes (types resolved, implicit
coercions made explicit); this module prints them as ``pg_get_expr`` does with
its default pretty flags (``PRETTYFLAG_INDENT``): every operator and boolean
expression in parentheses, implicit casts shown except at the top of the
expression, constants labelled with their type unless the type is obvious,
sub-selects on their own indented lines, names qualified unless they live in
``pg_catalog`` (the live source reads with ``search_path = pg_catalog``).
"""

from __future__ import annotations

from dataclasses import dataclass

from schema_catalog.pg.quoting import quote_ident
from schema_catalog.sources.migrations.types import SqlType

SUBLINK_INDENT = 8


def quote_literal(value: str) -> str:
    """``simple_quote_literal``: doubled quotes, ``E''`` when there is a backslash."""
    body = value.replace("'", "''")
    if "\\" in value:
        return "E'" + body.replace("\\", "\\\\") + "'"
    return f"'{body}'"


@dataclass(frozen=True)
class Expr:
    type: SqlType


@dataclass(frozen=True)
class Const(Expr):
    value: str | None
    """The constant's text (``None`` for NULL)."""


@dataclass(frozen=True)
class Var(Expr):
    name: str
    qualifier: str | None = None


@dataclass(frozen=True)
class Cast(Expr):
    arg: Expr
    implicit: bool


@dataclass(frozen=True)
class Call(Expr):
    name: str
    """As printed: ``now``, ``auth.uid``, ``COALESCE``."""
    args: tuple[Expr, ...] = ()


@dataclass(frozen=True)
class AtTimeZone(Expr):
    """``timezone(zone, value)`` written ``value AT TIME ZONE zone``: PostgreSQL 15+
    prints it back in that syntax, older servers as the ``timezone(...)`` call."""

    value: Expr
    zone: Expr


@dataclass(frozen=True)
class Keyword(Expr):
    text: str
    """SQL-standard value functions: ``CURRENT_TIMESTAMP``, ``CURRENT_USER``."""


@dataclass(frozen=True)
class Op(Expr):
    op: str
    left: Expr | None
    right: Expr


@dataclass(frozen=True)
class BoolOp(Expr):
    op: str
    """AND, OR or NOT."""
    args: tuple[Expr, ...]


@dataclass(frozen=True)
class Test(Expr):
    arg: Expr
    suffix: str
    """`` IS NULL``, `` IS NOT TRUE``..."""


@dataclass(frozen=True)
class AnyAll(Expr):
    left: Expr
    op: str
    array: Expr
    all: bool = False


@dataclass(frozen=True)
class ArrayExpr(Expr):
    elements: tuple[Expr, ...]


@dataclass(frozen=True)
class Raw(Expr):
    """An expression we cannot type: printed as the parser's own deparse."""

    text: str


@dataclass(frozen=True)
class Target:
    expr: Expr
    name: str | None
    """The output column name (FigureColname or AS); shown unless it is obvious."""


@dataclass(frozen=True)
class Select:
    targets: tuple[Target, ...]
    from_items: tuple[str, ...] = ()
    """Already printed: ``public.organization_members om``."""
    where: Expr | None = None


@dataclass(frozen=True)
class SubLink(Expr):
    kind: str
    """expr, exists, any, all, array."""
    query: Select
    test: Expr | None = None
    op: str = "="


def render(node: Expr, *, implicit: bool = False, indent: int = 0) -> str:
    """Print ``node`` as ruleutils' ``get_rule_expr`` would (``implicit`` = showimplicit)."""
    return _Printer(indent).expr(node, implicit)


def const_text(node: Const) -> str:
    """``get_const_expr``: the constant with a ``::type`` label unless obvious."""
    name = node.type.name
    if node.value is None:
        return "NULL" if _is_unknown(node.type) else f"NULL::{const_type(node.type)}"
    if node.type.array:
        return f"{quote_literal(node.value)}::{const_type(node.type)}"
    if name == "boolean":
        return "true" if node.value in ("t", "true") else "false"
    if _is_unknown(node.type):
        return quote_literal(node.value)
    if name == "integer" and not node.value.startswith("-"):
        return node.value
    if name == "numeric" and node.value[:1].isdigit() and any(c in node.value for c in ".eE"):
        return node.value
    return f"{quote_literal(node.value)}::{const_type(node.type)}"


def const_type(kind: SqlType) -> str:
    """A constant's type carries no typmod: ``format_type(t, -1)``."""
    if kind.name == "character" and not kind.mods:
        return "bpchar" + ("[]" if kind.array else "")
    return kind.without_mods().display


def _is_unknown(kind: SqlType) -> bool:
    return kind.name == "unknown"


class _Printer:
    def __init__(self, indent: int) -> None:
        self.indent = indent

    def expr(self, node: Expr, implicit: bool) -> str:
        if isinstance(node, Const):
            return const_text(node)
        if isinstance(node, Var):
            name = quote_ident(node.name)
            return f"{quote_ident(node.qualifier)}.{name}" if node.qualifier else name
        if isinstance(node, Cast):
            return self.cast(node, implicit)
        if isinstance(node, Call):
            return f"{node.name}({', '.join(self.expr(a, True) for a in node.args)})"
        if isinstance(node, Keyword):
            return node.text
        if isinstance(node, AtTimeZone):
            return f"({self.expr(node.value, False)} AT TIME ZONE {self.expr(node.zone, False)})"
        if isinstance(node, Op):
            return self.op(node)
        if isinstance(node, BoolOp):
            return self.boolean(node)
        if isinstance(node, Test):
            return f"({self.expr(node.arg, True)}{node.suffix})"
        if isinstance(node, AnyAll):
            word = "ALL" if node.all else "ANY"
            left, right = self.expr(node.left, True), self.expr(node.array, True)
            return f"({left} {node.op} {word} ({right}))"
        if isinstance(node, ArrayExpr):
            return self.array(node)
        if isinstance(node, SubLink):
            return self.sublink(node)
        if isinstance(node, Raw):
            return node.text
        raise TypeError(f"unknown expression node {node!r}")

    def cast(self, node: Cast, implicit: bool) -> str:
        if node.implicit and not implicit:
            return self.expr(node.arg, False)
        arg = node.arg
        if isinstance(arg, Const) and arg.type == node.type.without_mods() and arg.value:
            return f"{quote_literal(arg.value)}::{node.type.display}"
        return f"({self.expr(arg, False)})::{node.type.display}"

    def op(self, node: Op) -> str:
        right = self.expr(node.right, True)
        if node.left is None:
            return f"({node.op} {right})"
        return f"({self.expr(node.left, True)} {node.op} {right})"

    def boolean(self, node: BoolOp) -> str:
        if node.op == "NOT":
            return f"(NOT {self.expr(node.args[0], False)})"
        return "(" + f" {node.op} ".join(self.expr(a, False) for a in node.args) + ")"

    def array(self, node: ArrayExpr) -> str:
        body = "ARRAY[" + ", ".join(self.expr(e, True) for e in node.elements) + "]"
        return body if node.elements else f"{body}::{node.type.display}"

    def sublink(self, node: SubLink) -> str:
        query = self.select(node.query)
        if node.kind == "exists":
            return f"(EXISTS ({query}))"
        if node.kind == "array":
            return f"ARRAY({query})"
        if node.kind == "expr":
            return f"({query})"
        assert node.test is not None
        test = self.expr(node.test, True)
        if node.kind == "any" and node.op == "=":
            return f"({test} IN ({query}))"
        word = "ALL" if node.kind == "all" else "ANY"
        return f"({test} {node.op} {word} ({query}))"

    def select(self, query: Select) -> str:
        inner = _Printer(self.indent + SUBLINK_INDENT)
        targets = ", ".join(inner.target(t) for t in query.targets)
        text = f" SELECT {targets}"
        if query.from_items:
            text += "\n" + " " * (self.indent + 3) + "FROM " + ", ".join(query.from_items)
        if query.where is not None:
            where = inner.expr(query.where, False)
            text += "\n" + " " * (self.indent + 2) + "WHERE " + where
        return text

    def target(self, target: Target) -> str:
        text = self.expr(target.expr, True)
        obvious = target.expr.name if isinstance(target.expr, Var) else "?column?"
        if target.name is not None and target.name != obvious:
            text += f" AS {quote_ident(target.name)}"
        return text
