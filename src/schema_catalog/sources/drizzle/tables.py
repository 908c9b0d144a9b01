"""Table declarations → drizzle-kit snapshot table entries.

Owns the entry of one table and what drizzle-kit derives from its columns:
each column (via `columns`), inline ``.references()`` and ``.unique()``, the
foreign keys they and ``foreignKey()`` make, resolving a referenced column to
its names before and after casing, and the casing patches drizzle-kit applies
to the default names (see `names`). The third ``pgTable`` argument is read by
`table_extras` (indexes by `table_indexes`). The entry has the snapshot's
shape, so the same converter (`kit_snapshot.table_from_kit`) serves both views;
what could not be resolved is kept under ``_unresolved`` and returned as
problems with ``file:line``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from schema_catalog.pg import names as pg_names
from schema_catalog.sources.drizzle import kit_ddl, names
from schema_catalog.sources.drizzle.columns import ColumnSpec, column_names, read_column
from schema_catalog.sources.drizzle.evaluate import Evaluator
from schema_catalog.sources.drizzle.policies import kit_policy
from schema_catalog.sources.drizzle.sqltext import Mode, render, supabase_table
from schema_catalog.sources.drizzle.table_extras import read_extras
from schema_catalog.sources.drizzle.values import (
    Builder,
    Closure,
    ColRef,
    Extern,
    TableEntity,
    Unresolved,
    Value,
)

_ACTIONS = {"cascade", "restrict", "no action", "set null", "set default"}


def unnamed_slot(key: str) -> str:
    """Where a column of unknown name sits in its kit table's ``columns``: NUL never
    appears in a PostgreSQL name, so the slot cannot clash with a named column."""
    return f"\0{key}"


@dataclass(frozen=True)
class Target:
    """A referenced column: where it lives and its names before and after casing."""

    schema: str
    table: str
    original: str
    name: str


@dataclass
class TableReader:
    """Reads `TableEntity` values of one project under one casing."""

    evaluator: Evaluator
    casing: str | None
    kit_major: int = 0
    """1 for drizzle-kit 1.0, which names constraints as PostgreSQL does (``_fkey``,
    ``_key``, ``<table>_pkey``) from the database column names, and writes columns bare
    in CHECK expressions."""
    problems: list[tuple[str, str]] = field(default_factory=list)
    """(file:line or table, message) for everything left unresolved."""

    # ----------------------------------------------------------------- names

    @property
    def check_mode(self) -> Mode:
        return "bare" if self.kit_major else "qualified"

    def unique_name(self, table: str, originals: list[str], cased: list[str]) -> str:
        """drizzle-kit's name for an unnamed unique constraint."""
        if self.kit_major:
            return names.kit1_unique(table, cased)
        # drizzle-orm names it from the original column names; drizzle-kit keeps that
        return pg_names.kit_unique(table, originals)

    def column_name(self, ref: ColRef) -> str | Unresolved:
        return self._names(ref)[1]

    def _names(self, ref: ColRef) -> tuple[str | Unresolved, str | Unresolved]:
        columns = ref.table.columns
        if isinstance(columns, Unresolved) or ref.key not in columns:
            return (Unresolved(f"no column '{ref.key}' in this table", ref.table.where),) * 2
        return column_names(ref.key, columns[ref.key], ref.table.casing or self.casing)

    def render(self, value: Value, mode: Mode, where: str) -> str | Unresolved:
        if isinstance(value, Closure):  # `generatedAlwaysAs(() => sql`...`)`
            value = self.evaluator.invoke(value, ())
        return render(value, mode, self.column_name, where, orm1=bool(self.kit_major))

    def target(self, value: Value, where: str) -> Target | Unresolved:
        if isinstance(value, Closure):
            value = self.evaluator.invoke(value, ())
        if isinstance(value, ColRef) and isinstance(value.table.name, str):
            original, name = self._names(value)
            if isinstance(original, str) and isinstance(name, str):
                return Target(value.table.schema, value.table.name, original, name)
            return (
                original
                if isinstance(original, Unresolved)
                else Unresolved("unknown column", where)
            )
        if isinstance(value, Extern):
            table_name, _, column = value.name.partition(".")
            known = supabase_table(Extern(value.module, table_name))
            if known is not None and column:
                return Target(known[0], known[1], column, column)
        return (
            value
            if isinstance(value, Unresolved)
            else Unresolved("reference target is not a static column", where)
        )

    # ----------------------------------------------------------------- tables

    def kit_table(self, entity: TableEntity) -> dict[str, Value] | None:
        if isinstance(entity.name, Unresolved):
            self.problems.append(
                (entity.name.where or entity.where, f"table name: {entity.name.reason}")
            )
            return None
        if isinstance(entity.columns, Unresolved):
            self.problems.append((entity.where, f"table {entity.name}: {entity.columns.reason}"))
            return None
        table: dict[str, Value] = {
            **kit_ddl.empty_v7_table(entity.name, entity.schema, entity.rls),
            "_location": entity.where,
            "_unresolved": {},
        }
        specs = [self._column(entity, key, value, table) for key, value in entity.columns.items()]
        for spec in specs:
            self._inline_constraints(entity, spec, table)
        read_extras(self, entity, table)
        return table

    def _column(
        self, entity: TableEntity, key: str, value: Value, table: dict[str, Value]
    ) -> ColumnSpec:
        where = (
            value.where if isinstance(value, Builder | Unresolved) and value.where else entity.where
        )
        spec = read_column(
            key,
            value,
            self.evaluator,
            entity.casing or self.casing,
            lambda v: self.render(v, "qualified", where),
        )
        kit = spec.kit
        if isinstance(spec.name, Unresolved):
            self._unnamed(entity, spec, where)
        elif "identity" in kit:
            kit["identity"]["name"] = f"{entity.name}_{kit['name']}_seq"
        slot = unnamed_slot(key) if isinstance(spec.name, Unresolved) else str(kit["name"])
        table["columns"][slot] = kit
        if spec.unresolved:
            table["_unresolved"][slot] = sorted({attribute for attribute, _ in spec.unresolved})
            said = _why_unnamed(spec.name) if isinstance(spec.name, Unresolved) else None
            for attribute, reason in spec.unresolved:
                # an unnamed column's own message gives its name and what failed with it
                if attribute != "name" and reason != said:
                    self.problems.append(
                        (where, f"{entity.name}.{kit['name']} {attribute}: {reason}")
                    )
        return spec

    def _unnamed(self, entity: TableEntity, spec: ColumnSpec, where: str) -> None:
        """A column whose name is unknown: kept, under its object key as a label, never as
        a name; nothing is keyed on it (no primary key, foreign key or unique)."""
        assert isinstance(spec.name, Unresolved)
        if spec.kit["primaryKey"]:
            spec.kit["primaryKey"] = False
            spec.unresolved.append(("primary_key", "the column's name is unknown"))
        dropped = ["a foreign key"] * len(spec.references) + ["a unique constraint"] * bool(
            spec.unique
        )
        spec.references, spec.unique = [], None
        why = _why_unnamed(spec.name)
        same = sorted(a for a, reason in spec.unresolved if reason == why)
        message = (
            f"{entity.name}: column '{spec.key}': {', '.join(['name', *same])} unknown: {why}; "
            f"shown as an unresolved column under its object key '{spec.key}', a label, "
            "not its name"
        )
        if dropped:
            message += f"; {', '.join(dropped)} on it not read"
        self.problems.append((where, message))

    def _inline_constraints(
        self, entity: TableEntity, spec: ColumnSpec, table: dict[str, Value]
    ) -> None:
        assert isinstance(entity.name, str)
        if not isinstance(spec.name, str) or not isinstance(spec.original, str):
            return
        if spec.unique is not None:
            explicit, not_distinct = spec.unique
            name = explicit or self.unique_name(entity.name, [spec.original], [spec.name])
            table["uniqueConstraints"][name] = {
                "name": name,
                "nullsNotDistinct": not_distinct,
                "columns": [spec.name],
            }
        for reference, actions in spec.references:
            source = Target(entity.schema, entity.name, spec.original, spec.name)
            self.foreign_key(table, [source], reference, actions, None, entity.where)

    def foreign_key(
        self,
        table: dict[str, Value],
        sources: list[Target],
        reference: Value,
        actions: dict[str, Value],
        explicit: str | None,
        where: str,
    ) -> None:
        """Add the foreign key from ``sources`` to ``reference`` (columns) to the kit table."""
        targets = reference if isinstance(reference, list) else [reference]
        resolved = [self.target(t, where) for t in targets]
        bad = next((t for t in resolved if isinstance(t, Unresolved)), None)
        if bad is not None or not resolved:
            reason = (
                bad.reason if isinstance(bad, Unresolved) else "foreign key without target columns"
            )
            self.problems.append((where, f"{table['name']}: foreign key: {reason}"))
            return
        goods = [t for t in resolved if isinstance(t, Target)]
        if self.kit_major and not explicit:
            explicit = names.kit1_foreign_key(
                str(table["name"]),
                [s.name for s in sources],
                goods[0].table,
                [t.name for t in goods],
            )
        name = explicit or pg_names.kit_foreign_key(
            str(table["name"]),
            [s.original for s in sources],
            goods[0].table,
            [t.original for t in goods],
        )
        if self.casing is not None and not self.kit_major:
            name = names.recase(name, [s.original for s in sources], [s.name for s in sources])
            name = names.recase(name, [t.original for t in goods], [t.name for t in goods])
        entry: dict[str, Value] = {
            "name": name,
            "tableFrom": table["name"],
            "tableTo": goods[0].table,
            "columnsFrom": [s.name for s in sources],
            "columnsTo": [t.name for t in goods],
            "onDelete": _action(actions.get("onDelete")),
            "onUpdate": _action(actions.get("onUpdate")),
        }
        if goods[0].schema != "public":
            entry["schemaTo"] = goods[0].schema
        table["foreignKeys"][name] = entry

    def add_policy(
        self, table: dict[str, Value], item: Builder, problems_to: list[tuple[str, str]]
    ) -> None:
        """Add policy ``item`` to ``table``; its problems go to ``problems_to``."""
        entry, problems = kit_policy(item, lambda v: self.render(v, "qualified", item.where))
        for problem in problems:
            problems_to.append((item.where, f"{table['name']}: policy {entry['name']}: {problem}"))
        if not problems:
            table["policies"][entry["name"]] = entry


def _why_unnamed(name: Unresolved) -> str:
    return name.reason.removeprefix("name unknown: ")


def _action(value: Value) -> str:
    return value.lower() if isinstance(value, str) and value.lower() in _ACTIONS else "no action"
