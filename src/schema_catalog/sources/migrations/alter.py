"""ALTER TABLE replayed onto one table (a statement group of `replay.Replayer`).

``_AlterTableStmt`` finds the table and applies its subcommands in order. Each
modelled subcommand has a method ``_alter_<AlterTableType without AT_>``;
subcommands in `SILENT_ALTERS` change nothing the catalog shows (owner,
storage, statistics...); any other becomes a MIG001 finding.
"""

from __future__ import annotations

from typing import Any

from pglast import parse_sql

from schema_catalog.sources.migrations import reloptions, renames
from schema_catalog.sources.migrations.coercion import coerce
from schema_catalog.sources.migrations.context import ReplayContext
from schema_catalog.sources.migrations.state import ColumnState, TableState
from schema_catalog.sources.migrations.tables import Pending, column_refs, reparse_index

SILENT_ALTERS = frozenset(
    [
        "AT_ChangeOwner",
        "AT_SetStatistics",
        "AT_SetStorage",
        "AT_SetCompression",
        "AT_ReplaceRelOptions",
        "AT_ReplicaIdentity",
        "AT_ClusterOn",
        "AT_DropCluster",
        "AT_SetLogged",
        "AT_SetUnLogged",
        "AT_SetOptions",
        "AT_ResetOptions",
        "AT_SetTableSpace",
        "AT_SetIdentity",
        "AT_SetAccessMethod",
        "AT_DetachPartitionFinalize",
    ]
)


class AlterTableCommands(ReplayContext):
    """The ALTER TABLE statement and its subcommands."""

    def _AlterTableStmt(self, node: Any) -> None:  # noqa: N802 - named after the node
        kind = node.objtype.name
        if kind == "OBJECT_INDEX":
            self._alter_index(node)
            return
        if kind in ("OBJECT_VIEW", "OBJECT_MATVIEW"):
            self._alter_view(node)
            return
        if kind not in ("OBJECT_TABLE", "OBJECT_FOREIGN_TABLE"):
            return  # ALTER SEQUENCE and the like: nothing the catalog shows
        table = self.existing(node.relation, missing_ok=bool(node.missing_ok))
        if table is None:
            return
        self.touch(table)
        pending = Pending()
        for command in node.cmds:
            self._alter(table, command, pending)
        self.builder(table).apply(pending, creating=False)

    def _alter_view(self, node: Any) -> None:
        """ALTER VIEW / MATERIALIZED VIEW: only its storage options show in the catalog
        (``security_invoker``, ``security_barrier``, ``fillfactor``)."""
        table = self.catalog.tables.get(self.key(node.relation))
        if table is None:
            return
        for cmd in node.cmds:
            if cmd.subtype.name in ("AT_SetRelOptions", "AT_ResetRelOptions"):
                self._alter_SetRelOptions(self.touch(table), cmd, Pending())

    def _alter_index(self, node: Any) -> None:
        """ALTER INDEX ... SET / RESET (...): the options ``pg_get_indexdef`` prints."""
        found = self.catalog.find_index(node.relation.schemaname, node.relation.relname)
        if found is None:
            return
        table, index = found
        for cmd in node.cmds:
            if cmd.subtype.name in ("AT_SetRelOptions", "AT_ResetRelOptions"):
                self.touch(table)
                if index.text is not None:
                    reparse_index(index)
                reset = cmd.subtype.name == "AT_ResetRelOptions"
                index.options = reloptions.changed(index.options, cmd.def_, reset=reset)

    def _alter_SetRelOptions(self, table: TableState, cmd: Any, _: Pending) -> None:  # noqa: N802
        reset = cmd.subtype.name == "AT_ResetRelOptions"
        table.options = reloptions.changed(table.options, cmd.def_, reset=reset)

    _alter_ResetRelOptions = _alter_SetRelOptions  # noqa: N815 - named after the subcommand

    def _alter_AttachPartition(self, table: TableState, cmd: Any, _: Pending) -> None:  # noqa: N802
        child = self.existing(cmd.def_.name)
        if child is not None:
            child.partition_of = table
            self.touch(child)

    def _alter_DetachPartition(self, table: TableState, cmd: Any, _: Pending) -> None:  # noqa: N802
        child = self.existing(cmd.def_.name)
        if child is not None and child.partition_of is table:
            child.partition_of = None
            self.touch(child)
            self.warn(
                f"DETACH PARTITION {child.name}: the keys, indexes and triggers it keeps "
                "from its parent are not modelled"
            )

    def _alter(self, table: TableState, cmd: Any, pending: Pending) -> None:
        kind = cmd.subtype.name
        handler = getattr(self, "_alter_" + kind.removeprefix("AT_"), None)
        if handler is not None:
            handler(table, cmd, pending)
        elif kind not in SILENT_ALTERS:
            self.warn(f"ALTER TABLE {table.name} {kind.removeprefix('AT_')} not modelled")

    def _column(self, table: TableState, name: str) -> ColumnState | None:
        column = table.columns.get(name)
        if column is None:
            self.warn(f"{table.schema}.{table.name} has no column {name}: change skipped")
        return column

    def _alter_AddColumn(self, table: TableState, cmd: Any, pending: Pending) -> None:  # noqa: N802
        if cmd.def_.colname in table.columns:
            if not cmd.missing_ok:
                self.warn(f"column {cmd.def_.colname} already exists: ADD COLUMN skipped")
            return
        self.builder(table).add_column(cmd.def_, pending)

    def _alter_DropColumn(self, table: TableState, cmd: Any, _: Pending) -> None:  # noqa: N802
        if cmd.name not in table.columns:
            if not cmd.missing_ok:
                self.warn(f"{table.name} has no column {cmd.name}: DROP COLUMN skipped")
            return
        renames.drop_column(self.catalog, table, cmd.name)

    def _alter_AlterColumnType(self, table: TableState, cmd: Any, _: Pending) -> None:  # noqa: N802
        column = self._column(table, cmd.name)
        if column is None:
            return
        column.type = self.catalog.resolve_type(cmd.def_.typeName)
        # The server re-parses dependent CHECKs from their text against the new type.
        for check in table.checks:
            if isinstance(check.expr, str) and cmd.name in set(
                column_refs(parse_check(check.expr))
            ):
                check.expr = parse_check(check.expr)
        for index in table.indexes:
            if index.text is not None and any(cmd.name in t for t in index.text[:-1]):
                reparse_index(index)
        if column.default is not None:
            # The server keeps the analysed default and casts it to the new type.
            column.default = coerce(column.default, column.type, implicit=True)

    def _alter_ColumnDefault(self, table: TableState, cmd: Any, _: Pending) -> None:  # noqa: N802
        column = self._column(table, cmd.name)
        if column is not None:
            self.builder(table).set_default(column, cmd.def_)

    def _alter_SetNotNull(self, table: TableState, cmd: Any, _: Pending) -> None:  # noqa: N802
        column = self._column(table, cmd.name)
        if column is not None:
            column.not_null = True

    def _alter_DropNotNull(self, table: TableState, cmd: Any, _: Pending) -> None:  # noqa: N802
        column = self._column(table, cmd.name)
        if column is not None:
            column.not_null, column.not_null_name = False, None

    def _alter_AddConstraint(self, table: TableState, cmd: Any, pending: Pending) -> None:  # noqa: N802
        if not pending.add(cmd.def_, None):
            self.warn(f"ADD CONSTRAINT {cmd.def_.contype.name} not modelled")

    def _alter_DropConstraint(self, table: TableState, cmd: Any, _: Pending) -> None:  # noqa: N802
        if not renames.drop_constraint(table, cmd.name) and not cmd.missing_ok:
            self.warn(f"{table.name} has no constraint {cmd.name}: DROP CONSTRAINT skipped")

    def _alter_ValidateConstraint(self, table: TableState, cmd: Any, _: Pending) -> None:  # noqa: N802
        for check in table.checks:
            check.validated = check.validated or check.name == cmd.name
        for fk in table.foreign_keys:
            fk.validated = fk.validated or fk.name == cmd.name
        for column in table.columns.values():
            named = column.not_null_name == cmd.name
            column.not_null_validated = column.not_null_validated or named

    def _alter_EnableRowSecurity(self, table: TableState, *_: object) -> None:  # noqa: N802
        table.rls_enabled = True

    def _alter_DisableRowSecurity(self, table: TableState, *_: object) -> None:  # noqa: N802
        table.rls_enabled = False

    def _alter_ForceRowSecurity(self, table: TableState, *_: object) -> None:  # noqa: N802
        table.rls_forced = True

    def _alter_NoForceRowSecurity(self, table: TableState, *_: object) -> None:  # noqa: N802
        table.rls_forced = False

    # ENABLE [ALWAYS | REPLICA] / DISABLE TRIGGER name | ALL | USER: pg_trigger.tgenabled,
    # which the catalog shows as enabled unless it is 'D'. ALL also covers the internal
    # (foreign key) triggers, which the catalog does not list.
    def _alter_EnableTrig(self, table: TableState, cmd: Any, _: Pending) -> None:  # noqa: N802
        self._trigger_enabled(table, cmd.name, enabled=True)

    def _alter_DisableTrig(self, table: TableState, cmd: Any, _: Pending) -> None:  # noqa: N802
        self._trigger_enabled(table, cmd.name, enabled=False)

    _alter_EnableAlwaysTrig = _alter_EnableTrig  # noqa: N815
    _alter_EnableReplicaTrig = _alter_EnableTrig  # noqa: N815

    def _alter_EnableTrigAll(self, table: TableState, *_: object) -> None:  # noqa: N802
        self._trigger_enabled(table, None, enabled=True)

    def _alter_DisableTrigAll(self, table: TableState, *_: object) -> None:  # noqa: N802
        self._trigger_enabled(table, None, enabled=False)

    _alter_EnableTrigUser = _alter_EnableTrigAll  # noqa: N815
    _alter_DisableTrigUser = _alter_DisableTrigAll  # noqa: N815

    def _trigger_enabled(self, table: TableState, name: str | None, *, enabled: bool) -> None:
        if name is not None and name not in table.triggers:
            self.warn(f"{table.name} has no trigger {name}: change skipped")
            return
        for trigger in table.triggers.values():
            if name is None or trigger.name == name:
                trigger.enabled = enabled

    def _alter_AddIdentity(self, table: TableState, cmd: Any, _: Pending) -> None:  # noqa: N802
        column = self._column(table, cmd.name)
        if column is not None:
            self.builder(table).add_identity(column, cmd.def_)

    def _alter_DropIdentity(self, table: TableState, cmd: Any, _: Pending) -> None:  # noqa: N802
        column = table.columns.get(cmd.name)
        if column is not None:
            column.identity = None

    def _alter_DropExpression(self, table: TableState, cmd: Any, _: Pending) -> None:  # noqa: N802
        column = table.columns.get(cmd.name)
        if column is not None:
            column.generated = None


def parse_check(text: str) -> Any:
    """A ``CHECK (...)`` definition from the live catalog as a parse tree."""
    body = text.removesuffix(" NOT VALID").removesuffix(" NOT ENFORCED").removeprefix("CHECK ")
    select: Any = parse_sql(f"SELECT {body}")[0].stmt
    return select.targetList[0].val
