"""The columns of a view, as the server derives them from its query.

``CREATE VIEW v AS SELECT ...`` gives the view one column per output of the
query: named by ``AS``, else by ``FigureColname``, or by the view's own column
list; typed by the expression (a plain column keeps its type and typmod; an
unknown-typed literal becomes ``text``). A ``*`` expands to the columns of the
relations in FROM. Queries with set operations, sub-selects in FROM, or
expressions we cannot type return None: the caller says so instead of guessing.
"""

from __future__ import annotations

from typing import Any

from pglast import ast

from schema_catalog.sources.migrations.exprs import Analyzer, Relation, figure_colname
from schema_catalog.sources.migrations.state import CatalogState, ColumnState, is_node
from schema_catalog.sources.migrations.types import TEXT, UNKNOWN, SqlType


def view_columns(query: Any, catalog: CatalogState, names: list[str]) -> list[ColumnState] | None:
    """The columns ``query`` gives a view (``names``: its column list), or None."""
    if not is_node(query, ast.SelectStmt) or query.op.name != "SETOP_NONE":
        return None
    relations = _relations(query.fromClause or (), catalog)
    if relations is None:
        return None
    analyzer = Analyzer(catalog, [relations])
    columns: list[tuple[str, SqlType]] = []
    for target in query.targetList or ():
        found = _target(target, relations, analyzer)
        if found is None:
            return None
        columns.extend(found)
    renamed = names + [name for name, _ in columns[len(names) :]]
    return [ColumnState(name, kind) for name, (_, kind) in zip(renamed, columns, strict=True)]


# Aggregates a view's query uses most, typed as the server resolves them
# (``sum(integer)`` is bigint, ``avg(integer)`` numeric, ``max(x)`` the type of x).
_SUM = {"smallint": "bigint", "integer": "bigint", "bigint": "numeric", "real": "real"}
_AVG = {"real": "double precision", "double precision": "double precision"}
_SAME_TYPE = frozenset(["min", "max", "sum", "avg"])
_FIXED = {
    "count": "bigint",
    "bool_and": "boolean",
    "bool_or": "boolean",
    "every": "boolean",
    "string_agg": "text",
    "jsonb_agg": "jsonb",
    "json_agg": "json",
    "jsonb_object_agg": "jsonb",
    "json_object_agg": "json",
}


def _aggregate(node: object, analyzer: Analyzer) -> SqlType | None:
    """The result type of an aggregate call, or None when ``node`` is not one we know."""
    if not is_node(node, ast.FuncCall):
        return None
    value: Any = node
    if value.over is not None:
        return None
    name = [n.sval for n in value.funcname][-1]
    if name in _FIXED:
        return SqlType(_FIXED[name])
    args: tuple[Any, ...] = tuple(value.args or ())
    if len(args) != 1:
        return None
    argument = analyzer.expr(args[0]).type
    if argument == UNKNOWN:
        return None
    if name == "array_agg":
        return None if argument.array else argument.as_array()
    if name == "sum":
        return SqlType(_SUM.get(argument.name, argument.name))
    if name == "avg":
        return SqlType(
            _AVG.get(argument.name, "interval" if argument.name == "interval" else "numeric")
        )
    return argument.without_mods() if name in _SAME_TYPE else None


def _relations(items: Any, catalog: CatalogState) -> list[Relation] | None:
    relations: list[Relation] = []
    pending = list(items)
    while pending:
        item = pending.pop(0)
        if is_node(item, ast.JoinExpr):
            if item.usingClause or item.isNatural:
                return None  # merged columns: not modelled
            pending[:0] = [item.larg, item.rarg]
            continue
        if not is_node(item, ast.RangeVar):
            return None
        known = catalog.relation_columns(item.schemaname, item.relname)
        if known is None:
            return None
        alias = item.alias.aliasname if item.alias else None
        relations.append(Relation(alias or known[1], known[2]))
    return relations


def _target(
    target: Any, relations: list[Relation], analyzer: Analyzer
) -> list[tuple[str, SqlType]] | None:
    value = target.val
    if is_node(value, ast.ColumnRef) and is_node(value.fields[-1], ast.A_Star):
        qualifier = value.fields[-2].sval if len(value.fields) > 1 else None
        return [
            (name, kind)
            for relation in relations
            if qualifier in (None, relation.refname)
            for name, kind in relation.columns.items()
        ]
    kind = _aggregate(value, analyzer) or analyzer.expr(value).type
    if kind == UNKNOWN and is_node(value, ast.A_Const):
        kind = TEXT  # an untyped literal in a view's output is text since PostgreSQL 10
    if kind == UNKNOWN:
        return None
    return [(target.name or figure_colname(value), kind)]
