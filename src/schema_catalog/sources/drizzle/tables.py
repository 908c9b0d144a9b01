"""Table declarations → drizzle-kit snapshot table entries.

Owns everything drizzle-kit derives per table: columns (via `columns`), the
third ``pgTable`` argument in its array and old object forms (indexes, primary
keys, foreign keys, uniques, checks, policies), inline ``.references()`` and
``.unique()``, the default names drizzle-kit gives them (see `names`) and the
casing patches it applies. The entry has the snapshot's shape, so the same
converter (`kit_snapshot.table_from_kit`) serves both views; what could not be
resolved is kept under ``_unresolved`` and returned as problems with ``file:line``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from schema_catalog.sources.drizzle import names
from schema_catalog.sources.drizzle.columns import ColumnSpec, column_names, read_column
from schema_catalog.sources.drizzle.evaluate import Evaluator
from schema_catalog.sources.drizzle.policies import kit_policy
from schema_catalog.sources.drizzle.sqltext import Mode, render, supabase_table
from schema_catalog.sources.drizzle.values import (
    PG_CORE,
    Builder,
    Closure,
    ColRef,
    Extern,
    Sql,
    TableEntity,
    Unresolved,
    Value,
)

_ACTIONS = {"cascade", "restrict", "no action", "set null", "set default"}


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
    problems: list[tuple[str, str]] = field(default_factory=list)
    """(file:line or table, message) for everything left unresolved."""

    # ----------------------------------------------------------------- names

    def column_name(self, ref: ColRef) -> str | Unresolved:
        return self._names(ref)[1]

    def _names(self, ref: ColRef) -> tuple[str | Unresolved, str | Unresolved]:
        columns = ref.table.columns
        if isinstance(columns, Unresolved) or ref.key not in columns:
            return (Unresolved(f"no column '{ref.key}' in this table", ref.table.where),) * 2
        return column_names(ref.key, columns[ref.key], self.casing)

    def render(self, value: Value, mode: Mode, where: str) -> str | Unresolved:
        return render(value, mode, self.column_name, where)

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
            "name": entity.name,
            "schema": "" if entity.schema == "public" else entity.schema,
            "columns": {},
            "indexes": {},
            "foreignKeys": {},
            "compositePrimaryKeys": {},
            "uniqueConstraints": {},
            "policies": {},
            "checkConstraints": {},
            "isRLSEnabled": entity.rls,
            "_location": entity.where,
            "_unresolved": {},
        }
        specs = [self._column(entity, key, value, table) for key, value in entity.columns.items()]
        for spec in specs:
            self._inline_constraints(entity, spec, table)
        self._extras(entity, table)
        return table

    def _column(
        self, entity: TableEntity, key: str, value: Value, table: dict[str, Value]
    ) -> ColumnSpec:
        where = value.where if isinstance(value, Builder) else entity.where
        spec = read_column(
            key, value, self.evaluator, self.casing, lambda v: self.render(v, "qualified", where)
        )
        kit = spec.kit
        if "identity" in kit:
            kit["identity"]["name"] = f"{entity.name}_{kit['name']}_seq"
        table["columns"][kit["name"]] = kit
        if spec.unresolved:
            table["_unresolved"][kit["name"]] = sorted(
                {attribute for attribute, _ in spec.unresolved}
            )
            for attribute, reason in spec.unresolved:
                self.problems.append((where, f"{entity.name}.{kit['name']} {attribute}: {reason}"))
        return spec

    def _inline_constraints(
        self, entity: TableEntity, spec: ColumnSpec, table: dict[str, Value]
    ) -> None:
        assert isinstance(entity.name, str)
        if not isinstance(spec.name, str) or not isinstance(spec.original, str):
            return
        if spec.unique is not None:
            explicit, not_distinct = spec.unique
            name = explicit or names.kit_unique(entity.name, [spec.original])
            table["uniqueConstraints"][name] = {
                "name": name,
                "nullsNotDistinct": not_distinct,
                "columns": [spec.name],
            }
        for reference, actions in spec.references:
            source = Target(entity.schema, entity.name, spec.original, spec.name)
            self._foreign_key(table, [source], reference, actions, None, entity.where)

    def _foreign_key(
        self,
        table: dict[str, Value],
        sources: list[Target],
        reference: Value,
        actions: dict[str, Value],
        explicit: str | None,
        where: str,
    ) -> None:
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
        name = explicit or names.kit_foreign_key(
            str(table["name"]),
            [s.original for s in sources],
            goods[0].table,
            [t.original for t in goods],
        )
        if self.casing is not None:
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

    # ----------------------------------------------------------------- third argument

    def _extras(self, entity: TableEntity, table: dict[str, Value]) -> None:
        extra = entity.extra
        if isinstance(extra, Closure):
            extra = self.evaluator.invoke(extra, (entity,))
        items = (
            list(extra.values())
            if isinstance(extra, dict)
            else extra
            if isinstance(extra, list)
            else [extra]
        )
        for item in _flatten(items):
            if item is None:
                continue
            if (
                isinstance(item, Builder)
                and isinstance(item.root, Extern)
                and item.root.module == PG_CORE
            ):
                self._extra(entity, table, item)
            else:
                reason = (
                    item.reason
                    if isinstance(item, Unresolved)
                    else "not a pg-core index or constraint"
                )
                self.problems.append(
                    (getattr(item, "where", "") or entity.where, f"{entity.name}: {reason}")
                )

    def _extra(self, entity: TableEntity, table: dict[str, Value], item: Builder) -> None:
        kind = item.root.name
        if kind in {"index", "uniqueIndex"}:
            self._index(entity, table, item, unique=kind == "uniqueIndex")
        elif kind == "primaryKey":
            self._primary_key(entity, table, item)
        elif kind == "foreignKey":
            self._table_foreign_key(entity, table, item)
        elif kind == "unique":
            self._unique(entity, table, item)
        elif kind == "check":
            self._check(table, item)
        elif kind == "pgPolicy":
            self.add_policy(table, item)
        else:
            self.problems.append((item.where, f"{entity.name}: unsupported table item {kind}()"))

    def _columns_of(self, values: list[Value], where: str) -> list[Target] | None:
        targets = [self.target(v, where) for v in values]
        bad = next((t for t in targets if isinstance(t, Unresolved)), None)
        if bad is not None:
            self.problems.append((where, bad.reason))
            return None
        return [t for t in targets if isinstance(t, Target)]

    def _primary_key(self, entity: TableEntity, table: dict[str, Value], item: Builder) -> None:
        args = item.first_args()
        config = args[0] if args and isinstance(args[0], dict) else {"columns": list(args)}
        columns = self._columns_of(list(config.get("columns") or []), item.where)
        if not columns:
            return
        given = config.get("name")
        name = (
            given
            if isinstance(given, str)
            else names.kit_primary_key(str(entity.name), [c.original for c in columns])
        )
        if self.casing is not None:
            name = names.recase(name, [c.original for c in columns], [c.name for c in columns])
        table["compositePrimaryKeys"][name] = {"name": name, "columns": [c.name for c in columns]}

    def _table_foreign_key(
        self, entity: TableEntity, table: dict[str, Value], item: Builder
    ) -> None:
        args = item.first_args()
        config = args[0] if args and isinstance(args[0], dict) else {}
        sources = self._columns_of(list(config.get("columns") or []), item.where)
        if not sources:
            return
        actions = {
            "onDelete": (item.calls("onDelete") or [(None,)])[-1][0],
            "onUpdate": (item.calls("onUpdate") or [(None,)])[-1][0],
        }
        explicit = config.get("name") if isinstance(config.get("name"), str) else None
        foreign = list(config.get("foreignColumns") or [])
        self._foreign_key(table, sources, foreign, actions, explicit, item.where)

    def _unique(self, entity: TableEntity, table: dict[str, Value], item: Builder) -> None:
        args = item.first_args()
        columns = self._columns_of([c for call in item.calls("on") for c in call], item.where)
        if not columns:
            return
        explicit = args[0] if args and isinstance(args[0], str) else None
        # drizzle-orm names an unnamed unique() from the original column names; drizzle-kit keeps that
        name = explicit or names.kit_unique(str(entity.name), [c.original for c in columns])
        table["uniqueConstraints"][name] = {
            "name": name,
            "nullsNotDistinct": bool(item.calls("nullsNotDistinct")),
            "columns": [c.name for c in columns],
        }

    def _check(self, table: dict[str, Value], item: Builder) -> None:
        args = item.first_args()
        name = args[0] if args else None
        value = self.render(args[1] if len(args) > 1 else None, "qualified", item.where)
        if not isinstance(name, str) or isinstance(value, Unresolved):
            reason = value.reason if isinstance(value, Unresolved) else "check name is not static"
            self.problems.append((item.where, f"{table['name']}: check: {reason}"))
            return
        table["checkConstraints"][name] = {"name": name, "value": value}

    def add_policy(self, table: dict[str, Value], item: Builder) -> None:
        entry, problems = kit_policy(item, lambda v: self.render(v, "qualified", item.where))
        for problem in problems:
            self.problems.append(
                (item.where, f"{table['name']}: policy {entry['name']}: {problem}")
            )
        if not problems:
            table["policies"][entry["name"]] = entry

    def _index(
        self, entity: TableEntity, table: dict[str, Value], item: Builder, *, unique: bool
    ) -> None:
        args = item.first_args()
        explicit = args[0] if args and isinstance(args[0], str) else None
        method: str = "btree"
        values: list[Value] = []
        for step, call_args in item.steps[1:]:
            if step in {"on", "onOnly"} and call_args is not None:
                values.extend(call_args)
            elif step == "using" and call_args:
                method = str(call_args[0])
                values.extend(call_args[1:])
        columns = [self._index_column(v, item.where) for v in values]
        bad = next((c for c in columns if isinstance(c, Unresolved)), None)
        if bad is not None or not columns:
            self.problems.append(
                (item.where, f"{entity.name}: index: {bad.reason if bad else 'no columns'}")
            )
            return
        entries = [c for c in columns if isinstance(c, dict)]
        name = explicit or self._index_name(entity, entries, item.where)
        if name is None:
            return
        index: dict[str, Value] = {
            "name": name,
            "columns": entries,
            "isUnique": unique,
            "method": method,
        }
        index["with"] = (item.calls("with") or [({},)])[-1][0] or {}
        if item.calls("where"):
            where = self.render(item.calls("where")[-1][0], "qualified", item.where)
            if isinstance(where, Unresolved):
                self.problems.append(
                    (item.where, f"{entity.name}: index {name} where: {where.reason}")
                )
            else:
                index["where"] = where
        table["indexes"][name] = index

    def _index_name(
        self, entity: TableEntity, entries: list[dict[str, Value]], where: str
    ) -> str | None:
        if any(e["isExpression"] for e in entries):
            self.problems.append(
                (where, f"{entity.name}: drizzle-kit needs a name for an expression index")
            )
            return None
        return names.kit_index(str(entity.name), [str(e["expression"]) for e in entries])

    def _index_column(self, value: Value, where: str) -> dict[str, Value] | Unresolved:
        steps: tuple[tuple[str, tuple[Value, ...] | None], ...] = ()
        if isinstance(value, Builder) and isinstance(value.root, ColRef | Sql):
            value, steps = value.root, value.steps
        if isinstance(value, Sql):
            expression = self.render(value, "bare", where)
            entry: dict[str, Value] = {"expression": expression, "isExpression": True}
        else:
            expression = (
                self.column_name(value)
                if isinstance(value, ColRef)
                else Unresolved("index column", where)
            )
            entry = {"expression": expression, "isExpression": False}
        if isinstance(expression, Unresolved):
            return expression
        order = "asc"
        nulls = None
        for step, args in steps:
            order = step if step in {"asc", "desc"} else order
            nulls = {"nullsFirst": "first", "nullsLast": "last"}.get(step, nulls)
            if step == "op" and args:
                entry["opclass"] = args[0]
        entry["asc"] = order == "asc"
        entry["nulls"] = nulls or ("first" if order == "desc" else "last")
        return entry


def _flatten(items: list[Value]) -> list[Value]:
    flat: list[Value] = []
    for item in items:
        flat.extend(_flatten(item) if isinstance(item, list) else [item])
    return flat


def _action(value: Value) -> str:
    return value.lower() if isinstance(value, str) and value.lower() in _ACTIONS else "no action"
