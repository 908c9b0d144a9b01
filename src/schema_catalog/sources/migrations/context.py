"""What every part of the statement replay shares: the state, the position, the findings.

`ReplayContext` is the base of `replay.Replayer` and of its statement groups
(`alter`, `table_statements`, `drop_statements`, `access_statements`,
`type_statements`): it holds the `CatalogState` being changed, the
``file:line`` of the statement being replayed, and the MIG001 findings, and
offers the look-ups they all need (a relation's key, an existing table).
"""

from __future__ import annotations

from typing import Any

from pglast import ast

from schema_catalog import model
from schema_catalog.sources.migrations.state import CatalogState, TableState, is_node
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
