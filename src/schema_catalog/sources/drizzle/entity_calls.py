"""The Drizzle calls that create entities, and the methods called on those entities.

``pgTable`` (and ``.withRLS``, ``pgTableCreator``, a schema's ``.table``),
``pgSchema``, ``pgEnum``, ``customType``, ``pgView`` / ``pgMaterializedView``
and ``pgRole`` become the entity values of `values`; any other drizzle-orm call
is kept as a `Builder` (its meaning is read later, by `columns` and `tables`),
and a call into another package is `Unresolved`. Methods: ``.enableRLS()``,
a view's ``.as()`` / ``.existing()``, a role's ``.existing()``, a schema's
entity factories, and a string's ``toLowerCase`` / ``toUpperCase``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from schema_catalog.sources.drizzle.literals import js_number
from schema_catalog.sources.drizzle.values import (
    DRIZZLE,
    PG_CORE,
    BoundMethod,
    Builder,
    Closure,
    CustomTypeEntity,
    EnumEntity,
    Extern,
    RoleEntity,
    SchemaEntity,
    Sql,
    TableCreator,
    TableEntity,
    Unresolved,
    Value,
    ViewEntity,
)

if TYPE_CHECKING:
    from schema_catalog.sources.drizzle.evaluate import Evaluator


def extern_call(evaluator: Evaluator, callee: Extern, args: tuple[Value, ...], where: str) -> Value:
    """A call of an imported function: an entity, a `Builder`, or `Unresolved`."""
    if not callee.module.startswith(DRIZZLE):
        if callee.module == "drizzle-kit" and callee.name == "defineConfig" and args:
            return args[0]
        return Unresolved(f"value from package '{callee.module}' ({callee.name or '*'})", where)
    if callee.module.startswith(PG_CORE):
        made = _pg_core_call(evaluator, callee.name, args, where)
        if made is not None:
            return made
    if callee == Extern(DRIZZLE, "sql.raw") and args and isinstance(args[0], str):
        return Sql((args[0],))
    return Builder(callee, (("", args),), where)


_CASED_TABLES = {
    f"{prefix}.table{rls}": casing
    for prefix, casing in (("snakeCase", "snake_case"), ("camelCase", "camelCase"))
    for rls in ("", ".withRLS")
}


def _pg_core_call(
    evaluator: Evaluator, name: str, args: tuple[Value, ...], where: str
) -> Value | None:
    first = args[0] if args else None
    if name in {"pgTable", "pgTable.withRLS"}:
        return table_entity(
            evaluator, first, "public", args[1:], where, rls=name.endswith("withRLS")
        )
    if name in _CASED_TABLES:  # drizzle-orm 1.0: snakeCase.table(...), camelCase.table(...)
        entity = table_entity(
            evaluator, first, "public", args[1:], where, rls=name.endswith("withRLS")
        )
        entity.casing = _CASED_TABLES[name]
        return entity
    if name == "pgSchema":
        return SchemaEntity(_name_or_unresolved(first, where))
    if name == "pgEnum":
        return _enum(args, "public", where)
    if name == "customType":
        data_type = first.get("dataType") if isinstance(first, dict) else None
        return CustomTypeEntity(data_type, where)
    if name == "pgTableCreator":
        casing = args[1] if len(args) > 1 else None
        return TableCreator(first, casing if casing in ("snake_case", "camelCase") else None)
    if name in {"pgView", "pgMaterializedView"}:
        return _view(args, "public", name == "pgMaterializedView", where)
    if name == "pgRole":
        return RoleEntity(_name_or_unresolved(first, where))
    return None


def table_entity(
    evaluator: Evaluator,
    name: Value,
    schema: str,
    rest: Sequence[Value],
    where: str,
    *,
    rls: bool = False,
) -> TableEntity:
    """``pgTable(name, columns, extra)`` and its variants (``rest`` is columns, extra)."""
    columns: Value = rest[0] if rest else None
    if isinstance(columns, Closure):  # callback form: (t) => ({ id: t.uuid() })
        columns = evaluator.invoke(columns, (Extern(PG_CORE, ""),))
    if not isinstance(columns, dict):
        columns = (
            columns
            if isinstance(columns, Unresolved)
            else Unresolved("columns are not a static object", where)
        )
    extra = rest[1] if len(rest) > 1 else None
    return TableEntity(_name_or_unresolved(name, where), schema, columns, extra, where, rls)


def method_call(
    evaluator: Evaluator, method: BoundMethod, args: tuple[Value, ...], where: str
) -> Value:
    """A method called on an entity (or a string) read statically."""
    target, name = method.target, method.name
    if isinstance(target, TableEntity) and name == "enableRLS":
        target.rls = True
        return target
    if isinstance(target, SchemaEntity):
        return _schema_call(evaluator, target, name, args, where)
    if isinstance(target, ViewEntity):
        if name == "as":
            target.definition = args[0] if args else None
        elif name == "existing":
            target.existing = True
        return target
    if isinstance(target, RoleEntity) and name == "existing":
        target.existing = True
        return target
    if isinstance(target, str) and name in {"toLowerCase", "toUpperCase"}:
        return target.lower() if name == "toLowerCase" else target.upper()
    if name == "toString" and not isinstance(target, bool):
        if isinstance(target, str):
            return target
        if isinstance(target, int | float) and not args:
            return js_number(target)
    return Unresolved(f"cannot evaluate the method '{name}'", where)


def _schema_call(
    evaluator: Evaluator, schema: SchemaEntity, name: str, args: tuple[Value, ...], where: str
) -> Value:
    if isinstance(schema.name, Unresolved):
        return schema.name
    if name == "table":
        return table_entity(evaluator, args[0] if args else None, schema.name, args[1:], where)
    if name == "enum":
        return _enum(args, schema.name, where)
    if name in {"view", "materializedView"}:
        return _view(args, schema.name, name == "materializedView", where)
    return Builder(Extern(PG_CORE, f"pgSchema.{name}"), (("", args),), where)


def _name_or_unresolved(value: Value, where: str) -> str | Unresolved:
    if isinstance(value, str):
        return value
    return (
        value if isinstance(value, Unresolved) else Unresolved("name is not a static string", where)
    )


def _enum(args: Sequence[Value], schema: str, where: str) -> EnumEntity:
    name = _name_or_unresolved(args[0] if args else None, where)
    raw = args[1] if len(args) > 1 else None
    if isinstance(raw, list) and all(isinstance(v, str) for v in raw):
        return EnumEntity(name, schema, tuple(raw), where)
    if isinstance(raw, dict) and raw and all(isinstance(v, str) for v in raw.values()):
        return EnumEntity(name, schema, tuple(raw.values()), where, from_object=True)
    reason = (
        raw
        if isinstance(raw, Unresolved)
        else Unresolved("enum values are not static strings", where)
    )
    return EnumEntity(name, schema, reason, where)


def _view(args: Sequence[Value], schema: str, materialized: bool, where: str) -> ViewEntity:
    columns = args[1] if len(args) > 1 and isinstance(args[1], dict) else None
    return ViewEntity(
        _name_or_unresolved(args[0] if args else None, where), schema, materialized, columns, where
    )
