"""Replay of ``DROP`` and ``RENAME`` statements: objects that leave or change name.

Dropping a table also drops its sequences and the foreign keys that point at
it; renames are carried into everything that names the object (see `renames`).
Dropped kinds that never show in the catalog (functions, roles, schemas...) are
in `UNMODELLED_OBJECTS`. A statement group of `replay.Replayer`.
"""

from __future__ import annotations

from typing import Any

from schema_catalog.sources.migrations import partitions, renames
from schema_catalog.sources.migrations.context import ReplayContext, node_names, qualify

ROUTINE_OBJECTS = frozenset(["OBJECT_FUNCTION", "OBJECT_PROCEDURE", "OBJECT_ROUTINE"])
# Objects whose DROP / COMMENT / GRANT never show in the catalog model.
UNMODELLED_OBJECTS = frozenset(
    [
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


class DropStatements(ReplayContext):
    """DROP TABLE / VIEW / INDEX / POLICY / TYPE / TRIGGER and ALTER ... RENAME."""

    def _DropStmt(self, node: Any) -> None:  # noqa: N802
        kind = node.removeType.name
        for obj in node.objects or ():
            if kind in ("OBJECT_TABLE", "OBJECT_VIEW", "OBJECT_MATVIEW", "OBJECT_FOREIGN_TABLE"):
                self._drop_table(node_names(obj), cascade=node.behavior.name == "DROP_CASCADE")
            elif kind == "OBJECT_INDEX":
                self._drop_index(node_names(obj), missing_ok=bool(node.missing_ok))
            elif kind == "OBJECT_POLICY":
                self._drop_policy(node_names(obj))
            elif kind == "OBJECT_TYPE":
                self._drop_type(obj)
            elif kind == "OBJECT_TRIGGER":
                self._drop_trigger(node_names(obj))
            elif kind in ROUTINE_OBJECTS:
                for function in self.routines(obj, missing_ok=bool(node.missing_ok)):
                    del self.catalog.routines[function.key]
            elif kind not in UNMODELLED_OBJECTS:
                self.warn(f"DROP {kind.removeprefix('OBJECT_')} not modelled")

    def _drop_table(self, parts: list[str], *, cascade: bool) -> None:
        key = (parts[-2] if len(parts) > 1 else self.catalog.default_schema, parts[-1])
        dropped = self.catalog.tables.pop(key, None)
        if dropped is None:
            return
        for partition in list(partitions.descendants(dropped, self.catalog)):
            del self.catalog.tables[partition.key]  # partitions go with their parent
        for sequence, owner in list(self.catalog.sequences.items()):
            if owner == key:
                del self.catalog.sequences[sequence]
        for other in self.catalog.tables.referring_to(key):
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
        table = self.catalog.tables.get(qualify(parts[:-1], self.catalog.default_schema))
        if table is not None and table.triggers.pop(parts[-1], None) is not None:
            self.touch(table)

    def _drop_type(self, obj: Any) -> None:
        names = [n.sval for n in obj.names]
        key = (names[-2] if len(names) > 1 else self.catalog.default_schema, names[-1])
        self.catalog.enums.pop(key, None)

    def _RenameStmt(self, node: Any) -> None:  # noqa: N802
        kind = node.renameType.name
        if kind == "OBJECT_TYPE":
            names = node_names(node.object)
            enum = self.catalog.enums.get(qualify(names, self.catalog.default_schema))
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
