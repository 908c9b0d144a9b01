"""What every part of the statement replay shares: the state, the position, the findings.

`ReplayContext` is the base of `replay.Replayer` and of its statement groups
(`alter`, `table_statements`, `drop_statements`, `access_statements`,
`type_statements`): it holds the `CatalogState` being changed, the
``file:line`` of the statement being replayed, and the MIG001 findings, and
offers the look-ups they all need (a relation's key, an existing table, the
functions a name with or without argument types stands for).
"""

from __future__ import annotations

from typing import Any

from pglast import ast

from schema_catalog import model
from schema_catalog.sources.migrations.state import (
    CatalogState,
    FunctionState,
    TableState,
    is_node,
)
from schema_catalog.sources.migrations.tables import TableBuilder


class ReplayContext:
    """The catalog state being replayed onto, the current ``file:line`` and the findings."""

    def __init__(self, catalog: CatalogState) -> None:
        self.catalog = catalog
        self.findings: list[model.Finding] = []
        self.where = ""

    def warn(self, message: str) -> None:
        self.findings.append(
            model.Finding(
                code="MIG001",
                severity="warning",
                target=self.where,
                message=message,
                rule="migration-replay",
            )
        )

    def key(self, relation: Any) -> tuple[str, str]:
        return (relation.schemaname or self.catalog.default_schema, relation.relname)

    def touch(self, table: TableState) -> TableState:
        table.touched = True
        table.location = table.location or self.where
        return table

    def existing(self, relation: Any, *, missing_ok: bool = False) -> TableState | None:
        table = self.catalog.tables.get(self.key(relation))
        if table is None and not missing_ok:
            schema, name = self.key(relation)
            self.warn(
                f"{schema}.{name} is not known here (created outside these migrations): change skipped"
            )
        return table

    def builder(self, table: TableState) -> TableBuilder:
        return TableBuilder(self.catalog, table, self.warn)

    def routines(self, target: Any, *, missing_ok: bool = False) -> list[FunctionState]:
        """The functions an ObjectWithArgs names (every overload when no arguments)."""
        schema, name = qualify(node_names(target.objname), self.catalog.default_schema)
        if target.args_unspecified:
            found = [
                f for f in self.catalog.routines.values() if (f.schema, f.name) == (schema, name)
            ]
        else:
            parameters = target.objfuncargs or ()
            types = tuple(self.argument_type(p.argType) for p in parameters if is_input(p))
            hit = self.catalog.routines.get((schema, name, types))
            found = [hit] if hit is not None else []
        if not found and not missing_ok:
            self.warn(f"function {schema}.{name} is not known here: change skipped")
        for function in found:
            function.touched = True
        return found

    def argument_type(self, node: Any) -> str:
        """A parameter or result type as format_type(type, NULL) prints it: no typmod."""
        names = node_names(node)
        if names[-1] in _PSEUDO_TYPES and names[:-1] in ([], ["pg_catalog"]):
            return names[-1] + ("[]" if node.arrayBounds else "")
        return self.catalog.resolve_type(node).without_mods().display


# Pseudo-types a function may take or return; format_type prints them bare.
_PSEUDO_TYPES = frozenset(
    [
        "trigger",
        "event_trigger",
        "void",
        "record",
        "internal",
        "cstring",
        "anyelement",
        "anyarray",
        "anynonarray",
        "anyenum",
        "anyrange",
        "anymultirange",
        "anycompatible",
        "anycompatiblearray",
        "anycompatiblenonarray",
        "anycompatiblerange",
        "language_handler",
        "fdw_handler",
    ]
)
_INPUT_MODES = frozenset(
    ["FUNC_PARAM_DEFAULT", "FUNC_PARAM_IN", "FUNC_PARAM_INOUT", "FUNC_PARAM_VARIADIC"]
)


def is_input(parameter: Any) -> bool:
    """Does this parameter belong to the function's identity (not OUT / TABLE)?"""
    return str(parameter.mode.name) in _INPUT_MODES


def node_names(value: object) -> list[str]:
    """The name parts of a TypeName, a list of String nodes, or a single String."""
    obj: Any = value
    if is_node(obj, ast.TypeName):
        return [str(n.sval) for n in obj.names or ()]
    if isinstance(obj, tuple | list):
        return [str(n.sval) for n in obj if isinstance(n, ast.String)]
    return [str(getattr(obj, "sval", obj))]


def qualify(parts: list[str], default: str) -> tuple[str, str]:
    """(schema, name) of a possibly qualified name, in ``default`` if it is bare."""
    return (parts[-2] if len(parts) > 1 else default, parts[-1])
