"""Replaying parsed statements onto the catalog state, one statement at a time.

Each statement kind that changes what the catalog shows has a handler named
after its parse node (``_CreateStmt``, ``_AlterTableStmt``...). Statements that
never change the catalog are in `SILENT`; anything else becomes a warning
finding (MIG001) with file:line, so nothing is dropped without saying so.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pglast import ast
from pglast.stream import RawStream

from schema_catalog import model
from schema_catalog.sources.migrations import renames, triggers
from schema_catalog.sources.migrations.alter import AlterTableCommands
from schema_catalog.sources.migrations.state import (
    MAX_NESTING,
    CatalogState,
    EnumState,
    PolicyState,
    TableState,
    is_node,
    nesting,
)
from schema_catalog.sources.migrations.tables import (
    Pending,
    TableBuilder,
    column_refs,
)

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
        "CreateExtensionStmt",
        "AlterExtensionStmt",
        "CreateSchemaStmt",
        "AlterSeqStmt",
        "CreateRoleStmt",
        "AlterRoleStmt",
        "DropRoleStmt",
        "GrantRoleStmt",
        "AlterDefaultPrivilegesStmt",
        "AlterOwnerStmt",
        "NotifyStmt",
        "ListenStmt",
        "LockStmt",
        "TruncateStmt",
        "ExplainStmt",
        "CallStmt",
        "VacuumStmt",
        "CopyStmt",
        "AlterFunctionStmt",
        "CheckPointStmt",
        "DiscardStmt",
        "ClusterStmt",
        "ReindexStmt",
        "AlterRoleSetStmt",
        "AlterDatabaseSetStmt",
    ]
)
# Objects whose DROP / COMMENT / GRANT never show in the catalog model.
_UNMODELLED_OBJECTS = frozenset(
    [
        "OBJECT_FUNCTION",
        "OBJECT_PROCEDURE",
        "OBJECT_ROUTINE",
        "OBJECT_EXTENSION",
        "OBJECT_SEQUENCE",
        "OBJECT_ROLE",
        "OBJECT_SCHEMA",
        "OBJECT_POLICY",
        "OBJECT_TABCONSTRAINT",
        "OBJECT_INDEX",
        "OBJECT_AGGREGATE",
        "OBJECT_PUBLICATION",
        "OBJECT_DATABASE",
    ]
)
_ALL_PRIVILEGES = ("DELETE", "INSERT", "REFERENCES", "SELECT", "TRIGGER", "TRUNCATE", "UPDATE")


class Replayer(AlterTableCommands):
    """Applies statements to a `CatalogState`, collecting findings."""

    def __init__(self, catalog: CatalogState) -> None:
        self.catalog = catalog
        self.findings: list[model.Finding] = []
        self.where = ""

    def statement(self, node: Any, where: str) -> None:
        self.where = where
        name = type(node).__name__
        if nesting(node) > MAX_NESTING:
            self.warn(f"{_words(name)} statement nested too deeply to model: skipped")
            return
        handler: Callable[[ast.Node], None] | None = getattr(self, "_" + name, None)
        if handler is not None:
            handler(node)
        elif name not in SILENT:
            self.warn(f"{_words(name)} statement not modelled")

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

    # ---------------------------------------------------------------- helpers

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

    # ---------------------------------------------------------------- tables

    def _CreateStmt(self, node: Any) -> None:  # noqa: N802 - named after the node
        schema, name = self.key(node.relation)
        if (schema, name) in self.catalog.tables:
            if not node.if_not_exists:
                self.warn(f"{schema}.{name} already exists: CREATE TABLE skipped")
            return
        if node.inhRelations or node.partbound is not None or node.ofTypename is not None:
            self.warn(f"{schema}.{name}: INHERITS / PARTITION OF / OF type not modelled")
            return
        kind = "partitioned_table" if node.partspec is not None else "table"
        table = self.touch(TableState(schema, name, kind))
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

    def _DropStmt(self, node: Any) -> None:  # noqa: N802
        kind = node.removeType.name
        for obj in node.objects or ():
            if kind in ("OBJECT_TABLE", "OBJECT_VIEW", "OBJECT_MATVIEW", "OBJECT_FOREIGN_TABLE"):
                self._drop_table(_names(obj), cascade=node.behavior.name == "DROP_CASCADE")
            elif kind == "OBJECT_INDEX":
                self._drop_index(_names(obj), missing_ok=bool(node.missing_ok))
            elif kind == "OBJECT_POLICY":
                self._drop_policy(_names(obj))
            elif kind == "OBJECT_TYPE":
                self._drop_type(obj)
            elif kind == "OBJECT_TRIGGER":
                self._drop_trigger(_names(obj))
            elif kind not in _UNMODELLED_OBJECTS:
                self.warn(f"DROP {kind.removeprefix('OBJECT_')} not modelled")

    def _drop_table(self, parts: list[str], *, cascade: bool) -> None:
        key = (parts[-2] if len(parts) > 1 else self.catalog.default_schema, parts[-1])
        if self.catalog.tables.pop(key, None) is None:
            return
        for sequence, owner in list(self.catalog.sequences.items()):
            if owner == key:
                del self.catalog.sequences[sequence]
        for other in self.catalog.tables.values():
            kept = [f for f in other.foreign_keys if (f.ref_schema, f.ref_table) != key]
            if len(kept) != len(other.foreign_keys):
                other.foreign_keys = kept
                self.touch(other)
        _ = cascade  # without CASCADE the server refuses when FKs point here; either way they go

    def _drop_index(self, parts: list[str], *, missing_ok: bool) -> None:
        found = self.catalog.find_index(parts[-2] if len(parts) > 1 else None, parts[-1])
        if found is None:
            if not missing_ok:
                self.warn(f"index {'.'.join(parts)} is not known here: DROP INDEX skipped")
            return
        table, index = found
        table.indexes.remove(index)
        self.touch(table)

    def _drop_policy(self, parts: list[str]) -> None:
        table = self.catalog.tables.get(
            (parts[-3] if len(parts) > 2 else self.catalog.default_schema, parts[-2])
        )
        if table is not None and table.policies.pop(parts[-1], None) is not None:
            self.touch(table)

    def _drop_trigger(self, parts: list[str]) -> None:
        table = self.catalog.tables.get(_qualify(parts[:-1], self.catalog.default_schema))
        if table is not None and table.triggers.pop(parts[-1], None) is not None:
            self.touch(table)

    def _drop_type(self, obj: Any) -> None:
        names = [n.sval for n in obj.names]
        key = (names[-2] if len(names) > 1 else self.catalog.default_schema, names[-1])
        self.catalog.enums.pop(key, None)

    def _AlterTableStmt(self, node: Any) -> None:  # noqa: N802
        if node.objtype.name not in ("OBJECT_TABLE", "OBJECT_FOREIGN_TABLE"):
            return  # ALTER INDEX / SEQUENCE / VIEW options: nothing the catalog shows
        table = self.existing(node.relation, missing_ok=bool(node.missing_ok))
        if table is None:
            return
        self.touch(table)
        pending = Pending()
        for command in node.cmds:
            self._alter(table, command, pending)
        self.builder(table).apply(pending, creating=False)

    # ---------------------------------------------------------------- indexes, renames

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

    def _RenameStmt(self, node: Any) -> None:  # noqa: N802
        kind = node.renameType.name
        if kind == "OBJECT_TYPE":
            names = _names(node.object)
            enum = self.catalog.enums.get(_qualify(names, self.catalog.default_schema))
            if enum is not None:
                renames.rename_enum(self.catalog, enum, node.newname)
            return
        if kind == "OBJECT_INDEX":
            renames.rename_index(
                self.catalog, node.relation.schemaname, node.relation.relname, node.newname
            )
            return
        table = self.existing(node.relation, missing_ok=bool(node.missing_ok))
        if table is None:
            return
        self.touch(table)
        if kind in ("OBJECT_TABLE", "OBJECT_VIEW", "OBJECT_MATVIEW", "OBJECT_FOREIGN_TABLE"):
            renames.rename_table(self.catalog, table, node.newname)
        elif kind == "OBJECT_COLUMN":
            renames.rename_column(self.catalog, table, node.subname, node.newname)
        elif kind == "OBJECT_TABCONSTRAINT":
            renames.rename_constraint(table, node.subname, node.newname)
        elif kind == "OBJECT_TRIGGER" and node.subname in table.triggers:
            trigger = table.triggers.pop(node.subname)
            trigger.name = node.newname
            table.triggers[trigger.name] = trigger
        elif kind == "OBJECT_POLICY" and node.subname in table.policies:
            policy = table.policies.pop(node.subname)
            policy.name = node.newname
            table.policies[policy.name] = policy
        else:
            self.warn(f"RENAME of {kind.removeprefix('OBJECT_')} not modelled")

    # ---------------------------------------------------------------- policies

    def _CreatePolicyStmt(self, node: Any) -> None:  # noqa: N802
        table = self.existing(node.table)
        if table is None:
            return
        policy = PolicyState(
            node.policy_name, node.cmd_name.upper(), _roles(node.roles), bool(node.permissive)
        )
        policy.using, policy.with_check = node.qual, node.with_check
        self.touch(table).policies[policy.name] = policy

    def _AlterPolicyStmt(self, node: Any) -> None:  # noqa: N802
        table = self.existing(node.table)
        if table is None or node.policy_name not in table.policies:
            if table is not None:
                self.warn(
                    f"policy {node.policy_name} on {table.name} is not known: ALTER POLICY skipped"
                )
            return
        policy = self.touch(table).policies[node.policy_name]
        if node.roles:
            policy.roles = _roles(node.roles)
        if node.qual is not None:
            policy.using = node.qual
        if node.with_check is not None:
            policy.with_check = node.with_check

    # ---------------------------------------------------------------- enums, comments, views

    def _CreateEnumStmt(self, node: Any) -> None:  # noqa: N802
        schema, name = _qualify(_names(node.typeName), self.catalog.default_schema)
        values = [v.sval for v in node.vals or ()]
        self.catalog.enums[(schema, name)] = EnumState(
            schema, name, values, location=self.where, touched=True
        )

    def _AlterEnumStmt(self, node: Any) -> None:  # noqa: N802
        enum = self.catalog.enums.get(_qualify(_names(node.typeName), self.catalog.default_schema))
        if enum is None:
            self.warn(f"enum {'.'.join(_names(node.typeName))} is not known: ALTER TYPE skipped")
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

    def _CommentStmt(self, node: Any) -> None:  # noqa: N802
        kind = node.objtype.name
        parts = _names(node.object) if isinstance(node.object, tuple | list) else []
        if kind in ("OBJECT_TABLE", "OBJECT_VIEW", "OBJECT_MATVIEW"):
            table = self.catalog.tables.get(_qualify(parts, self.catalog.default_schema))
            if table is not None:
                self.touch(table).comment = node.comment
        elif kind == "OBJECT_COLUMN":
            table = self.catalog.tables.get(_qualify(parts[:-1], self.catalog.default_schema))
            if table is not None and parts[-1] in table.columns:
                self.touch(table).columns[parts[-1]].comment = node.comment
        elif kind == "OBJECT_TRIGGER":
            table = self.catalog.tables.get(_qualify(parts[:-1], self.catalog.default_schema))
            if table is not None and parts[-1] in table.triggers:
                self.touch(table).triggers[parts[-1]].comment = node.comment
        elif kind == "OBJECT_TYPE":
            enum = self.catalog.enums.get(
                _qualify(_names(node.object), self.catalog.default_schema)
            )
            if enum is not None:
                enum.comment, enum.touched = node.comment, True

    def _ViewStmt(self, node: Any) -> None:  # noqa: N802
        schema, name = self.key(node.view)
        table = self.catalog.tables.get((schema, name)) or TableState(schema, name, "view")
        table.view_definition = RawStream()(node.query)
        self.catalog.tables[(schema, name)] = self.touch(table)

    def _CreateTableAsStmt(self, node: Any) -> None:  # noqa: N802
        schema, name = self.key(node.into.rel)
        if node.objtype.name != "OBJECT_MATVIEW":
            self.warn(f"CREATE TABLE {schema}.{name} AS: columns come from a query, not modelled")
            return
        table = TableState(
            schema, name, "materialized_view", view_definition=RawStream()(node.query)
        )
        self.catalog.tables[(schema, name)] = self.touch(table)

    # ---------------------------------------------------------------- functions, sequences, grants

    def _CreateFunctionStmt(self, node: Any) -> None:  # noqa: N802
        if node.returnType is not None:
            key = _qualify(_names(node.funcname), self.catalog.default_schema)
            self.catalog.functions[key] = self.catalog.resolve_type(node.returnType)

    def _CreateSeqStmt(self, node: Any) -> None:  # noqa: N802
        self.catalog.sequences.setdefault(self.key(node.sequence), None)

    def _CreateTrigStmt(self, node: Any) -> None:  # noqa: N802
        table = self.existing(node.relation)
        if table is None:
            return
        if node.trigname in table.triggers and not node.replace:
            self.warn(f"trigger {node.trigname} on {table.name} already exists: skipped")
            return
        self.touch(table).triggers[node.trigname] = triggers.from_statement(node, self.catalog)

    def _GrantStmt(self, node: Any) -> None:  # noqa: N802
        if node.objtype.name != "OBJECT_TABLE":
            return
        tables = self._grant_tables(node)
        privileges = [
            (p.priv_name.upper(), [c.sval for c in p.cols or ()]) for p in node.privileges or ()
        ]
        expanded = [
            (p, col)
            for p, cols in (privileges or [(a, []) for a in _ALL_PRIVILEGES])
            for col in (cols or [None])
        ]
        for table in tables:
            for grantee in _roles(node.grantees):
                shown = "PUBLIC" if grantee == "public" else grantee
                for privilege, column in expanded:
                    item = (shown, privilege, column)
                    table.grants.add(item) if node.is_grant else table.grants.discard(item)
            self.touch(table)

    def _grant_tables(self, node: Any) -> list[TableState]:
        if node.targtype.name == "ACL_TARGET_ALL_IN_SCHEMA":
            schemas = {s.sval for s in node.objects}
            return [
                t for t in self.catalog.tables.values() if t.schema in schemas and t.kind != "view"
            ]
        found = [self.existing(rv) for rv in node.objects]
        return [t for t in found if t is not None]


def _names(value: object) -> list[str]:
    obj: Any = value
    if is_node(obj, ast.TypeName):
        return [str(n.sval) for n in obj.names or ()]
    if isinstance(obj, tuple | list):
        return [str(n.sval) for n in obj if isinstance(n, ast.String)]
    return [str(getattr(obj, "sval", obj))]


def _qualify(parts: list[str], default: str) -> tuple[str, str]:
    return (parts[-2] if len(parts) > 1 else default, parts[-1])


def _roles(specs: object) -> list[str]:
    roles = []
    for spec in specs or ():  # type: ignore[attr-defined]
        kind = spec.roletype.name
        roles.append(
            "public"
            if kind == "ROLESPEC_PUBLIC"
            else spec.rolename or kind.removeprefix("ROLESPEC_").lower()
        )
    return roles or ["public"]


def _words(node_name: str) -> str:
    """``CreateTrigStmt`` → ``CreateTrig`` (statement kinds as readable words)."""
    return node_name.removesuffix("Stmt")


__all__ = ["Replayer", "column_refs"]
