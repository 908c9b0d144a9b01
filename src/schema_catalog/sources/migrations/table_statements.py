"""Replay of the statements that create or describe tables, views and their parts.

``CREATE TABLE`` (columns and constraints through `tables.TableBuilder`),
``CREATE INDEX``, ``CREATE TRIGGER``, ``CREATE VIEW``, ``CREATE MATERIALIZED
VIEW`` and ``COMMENT ON`` a table, column, trigger or type. A statement group of
`replay.Replayer`; ``ALTER TABLE`` is in `alter`.
"""

from __future__ import annotations

from typing import Any

from pglast import ast
from pglast.stream import RawStream

from schema_catalog.sources.migrations import partitions, triggers
from schema_catalog.sources.migrations.context import ReplayContext, node_names, qualify
from schema_catalog.sources.migrations.reloptions import reloption
from schema_catalog.sources.migrations.state import TableState, is_node
from schema_catalog.sources.migrations.tables import Pending
from schema_catalog.sources.migrations.view_columns import view_columns


class TableStatements(ReplayContext):
    """CREATE TABLE / INDEX / TRIGGER / VIEW and COMMENT ON."""

    def _CreateStmt(self, node: Any) -> None:  # noqa: N802 - named after the node
        schema, name = self.key(node.relation)
        if (schema, name) in self.catalog.tables:
            if not node.if_not_exists:
                self.warn(f"{schema}.{name} already exists: CREATE TABLE skipped")
            return
        if node.partbound is not None and node.inhRelations:
            self._partition_of(node, schema, name)
            return
        if node.inhRelations or node.ofTypename is not None:
            self.warn(f"{schema}.{name}: INHERITS / OF type not modelled")
            return
        kind = "partitioned_table" if node.partspec is not None else "table"
        table = self.touch(TableState(schema, name, kind))
        table.partition_key = partitions.key(node.partspec) if node.partspec is not None else None
        table.grants = {(g, p, None) for g, p in self.catalog.default_grants(schema, "TABLE")}
        table.options = [reloption(o) for o in node.options or ()]
        builder = self.builder(table)
        pending = Pending()
        # The server creates serial/identity sequences before the table; our state
        # registers them as the columns are added, which is the same order.
        self.catalog.tables[(schema, name)] = table
        for element in node.tableElts or ():
            if is_node(element, ast.ColumnDef):
                builder.add_column(element, pending)
            elif is_node(element, ast.Constraint):
                if not pending.add(element, None):
                    self.warn(f"table constraint {element.contype.name} not modelled")
            else:
                self.warn(f"{type(element).__name__} in CREATE TABLE not modelled")
        builder.apply(pending, creating=True)

    def _partition_of(self, node: Any, schema: str, name: str) -> None:
        """``CREATE TABLE name PARTITION OF parent FOR VALUES ...``: the partition's own
        constraints and indexes fold away with it; its grants and RLS flag show."""
        parent = self.existing(node.inhRelations[0])
        if parent is None:
            return
        table = self.touch(partitions.new_partition(schema, name, parent, node.partspec))
        table.grants = {(g, p, None) for g, p in self.catalog.default_grants(schema, "TABLE")}
        table.options = [reloption(o) for o in node.options or ()]
        self.catalog.tables[(schema, name)] = table
        self.touch(table.partition_root)

    def _IndexStmt(self, node: Any) -> None:  # noqa: N802
        table = self.existing(node.relation)
        if table is None:
            return
        if (
            node.idxname
            and node.if_not_exists
            and self.catalog.find_index(table.schema, node.idxname)
        ):
            return
        self.builder(self.touch(table)).add_index(node)

    def _CreateTrigStmt(self, node: Any) -> None:  # noqa: N802
        table = self.existing(node.relation)
        if table is None:
            return
        if node.trigname in table.triggers and not node.replace:
            self.warn(f"trigger {node.trigname} on {table.name} already exists: skipped")
            return
        self.touch(table).triggers[node.trigname] = triggers.from_statement(node, self.catalog)

    def _ViewStmt(self, node: Any) -> None:  # noqa: N802
        schema, name = self.key(node.view)
        table = self.catalog.tables.get((schema, name))
        if table is None:
            table = TableState(schema, name, "view")
            table.grants = {(g, p, None) for g, p in self.catalog.default_grants(schema, "TABLE")}
        table.view_definition = RawStream()(node.query)
        table.options = [reloption(o) for o in node.options or ()]
        columns = view_columns(node.query, self.catalog, [a.sval for a in node.aliases or ()])
        if columns is None:
            self.warn(f"columns of view {schema}.{name}: query not modelled")
        table.columns = {c.name: c for c in columns or ()}
        self.catalog.tables[(schema, name)] = self.touch(table)

    def _CreateTableAsStmt(self, node: Any) -> None:  # noqa: N802
        schema, name = self.key(node.into.rel)
        if node.objtype.name != "OBJECT_MATVIEW":
            self.warn(f"CREATE TABLE {schema}.{name} AS: columns come from a query, not modelled")
            return
        table = TableState(
            schema, name, "materialized_view", view_definition=RawStream()(node.query)
        )
        table.grants = {(g, p, None) for g, p in self.catalog.default_grants(schema, "TABLE")}
        table.options = [reloption(o) for o in node.into.options or ()]
        aliases = [a.sval for a in node.into.colNames or ()]
        columns = view_columns(node.query, self.catalog, aliases)
        if columns is None:
            self.warn(f"columns of materialized view {schema}.{name}: query not modelled")
        table.columns = {c.name: c for c in columns or ()}
        self.catalog.tables[(schema, name)] = self.touch(table)

    def _CommentStmt(self, node: Any) -> None:  # noqa: N802
        kind = node.objtype.name
        parts = node_names(node.object) if isinstance(node.object, tuple | list) else []
        if kind in ("OBJECT_TABLE", "OBJECT_VIEW", "OBJECT_MATVIEW"):
            table = self.catalog.tables.get(qualify(parts, self.catalog.default_schema))
            if table is not None:
                self.touch(table).comment = node.comment
        elif kind == "OBJECT_COLUMN":
            table = self.catalog.tables.get(qualify(parts[:-1], self.catalog.default_schema))
            if table is not None and parts[-1] in table.columns:
                self.touch(table).columns[parts[-1]].comment = node.comment
        elif kind == "OBJECT_TRIGGER":
            table = self.catalog.tables.get(qualify(parts[:-1], self.catalog.default_schema))
            if table is not None and parts[-1] in table.triggers:
                self.touch(table).triggers[parts[-1]].comment = node.comment
        elif kind in ("OBJECT_FUNCTION", "OBJECT_PROCEDURE", "OBJECT_ROUTINE"):
            for function in self.routines(node.object):
                function.comment = node.comment
        elif kind == "OBJECT_TYPE":
            enum = self.catalog.enums.get(
                qualify(node_names(node.object), self.catalog.default_schema)
            )
            if enum is not None:
                enum.comment, enum.touched = node.comment, True
