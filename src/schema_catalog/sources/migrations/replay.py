"""Replaying parsed statements onto the catalog state, one statement at a time.

Each statement kind that changes what the catalog shows has a handler named
after its parse node (``_CreateStmt``, ``_AlterTableStmt``...). `Replayer` owns
the dispatch; the handlers live in statement groups it inherits from:

* `table_statements`: CREATE TABLE / INDEX / TRIGGER / VIEW, COMMENT ON;
* `alter`: ALTER TABLE and its subcommands;
* `drop_statements`: DROP and RENAME;
* `access_statements`: policies and grants;
* `type_statements`: enums, sequences;
* `function_statements`: functions and procedures, EXECUTE privileges;
* `role_statements`: CREATE / ALTER / DROP ROLE.

Statements that never change the catalog are in `SILENT`; anything else becomes
a warning finding (MIG001) with file:line, so nothing is dropped without saying so.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pglast import ast

from schema_catalog.sources.migrations.access_statements import AccessStatements
from schema_catalog.sources.migrations.alter import AlterTableCommands
from schema_catalog.sources.migrations.drop_statements import DropStatements
from schema_catalog.sources.migrations.function_statements import FunctionStatements
from schema_catalog.sources.migrations.role_statements import RoleStatements
from schema_catalog.sources.migrations.state import MAX_NESTING, nesting
from schema_catalog.sources.migrations.table_statements import TableStatements
from schema_catalog.sources.migrations.tables import column_refs
from schema_catalog.sources.migrations.type_statements import TypeStatements

# Statements that do not change tables, enums, policies or grants.
SILENT = frozenset(
    [
        "VariableSetStmt",
        "VariableShowStmt",
        "TransactionStmt",
        "SelectStmt",
        "InsertStmt",
        "UpdateStmt",
        "DeleteStmt",
        "MergeStmt",
        "DoStmt",
        "AlterExtensionStmt",
        "CreateSchemaStmt",
        "AlterSeqStmt",
        "GrantRoleStmt",
        "AlterOwnerStmt",
        "NotifyStmt",
        "ListenStmt",
        "LockStmt",
        "TruncateStmt",
        "ExplainStmt",
        "CallStmt",
        "VacuumStmt",
        "CopyStmt",
        "CheckPointStmt",
        "DiscardStmt",
        "ClusterStmt",
        "ReindexStmt",
        "AlterRoleSetStmt",
        "AlterDatabaseSetStmt",
    ]
)


class Replayer(
    TableStatements,
    AlterTableCommands,
    DropStatements,
    AccessStatements,
    TypeStatements,
    FunctionStatements,
    RoleStatements,
):
    """Applies statements to a `CatalogState`, collecting findings."""

    def statement(self, node: Any, where: str) -> None:
        self.where = where
        name = type(node).__name__
        if nesting(node) > MAX_NESTING:
            self.warn(f"{_words(name)} statement nested too deeply to model: skipped")
            return
        handler: Callable[[ast.Node], None] | None = getattr(self, "_" + name, None)
        if handler is not None:
            with self.catalog.tables.statement():
                handler(node)
        elif name not in SILENT:
            self.warn(f"{_words(name)} statement not modelled")


def _words(node_name: str) -> str:
    """``CreateTrigStmt`` → ``CreateTrig`` (statement kinds as readable words)."""
    return node_name.removesuffix("Stmt")


__all__ = ["Replayer", "column_refs"]
