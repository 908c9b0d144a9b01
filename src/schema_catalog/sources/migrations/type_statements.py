"""Replay of the statements that define what columns and expressions refer to.

Enum types (``CREATE TYPE ... AS ENUM``, ``ALTER TYPE ... ADD / RENAME VALUE``),
and sequences
(so serial defaults resolve). Composite types are reported, not modelled. A
statement group of `replay.Replayer`.
"""

from __future__ import annotations

from typing import Any

from schema_catalog.sources.migrations.context import ReplayContext, node_names, qualify
from schema_catalog.sources.migrations.state import EnumState


class TypeStatements(ReplayContext):
    """CREATE / ALTER TYPE (enums), CREATE EXTENSION and CREATE SEQUENCE."""

    def _CreateEnumStmt(self, node: Any) -> None:  # noqa: N802
        schema, name = qualify(node_names(node.typeName), self.catalog.default_schema)
        values = [v.sval for v in node.vals or ()]
        self.catalog.enums[(schema, name)] = EnumState(
            schema, name, values, location=self.where, touched=True
        )

    def _AlterEnumStmt(self, node: Any) -> None:  # noqa: N802
        enum = self.catalog.enums.get(
            qualify(node_names(node.typeName), self.catalog.default_schema)
        )
        if enum is None:
            self.warn(
                f"enum {'.'.join(node_names(node.typeName))} is not known: ALTER TYPE skipped"
            )
            return
        enum.touched, enum.location = True, enum.location or self.where
        if node.oldVal:
            enum.values = [node.newVal if v == node.oldVal else v for v in enum.values]
        elif node.newVal not in enum.values:
            at = len(enum.values)
            if node.newValNeighbor in enum.values:
                at = enum.values.index(node.newValNeighbor) + (1 if node.newValIsAfter else 0)
            enum.values.insert(at, node.newVal)

    def _CompositeTypeStmt(self, node: Any) -> None:  # noqa: N802
        self.warn("composite types are not modelled")

    def _CreateExtensionStmt(self, node: Any) -> None:  # noqa: N802
        schema = next(
            (str(o.arg.sval) for o in node.options or () if o.defname == "schema"),
            self.catalog.default_schema,
        )
        self.catalog.extensions.setdefault(node.extname, schema)

    def _CreateSeqStmt(self, node: Any) -> None:  # noqa: N802
        self.catalog.sequences.setdefault(self.key(node.sequence), None)
