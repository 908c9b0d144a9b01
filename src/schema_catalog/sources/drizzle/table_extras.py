"""The third ``pgTable`` argument → the table's constraints, policies and indexes.

Reads the extras in their array and old object forms (and as a callback of the
table): ``primaryKey``, ``foreignKey``, ``unique``, ``check``, ``pgPolicy`` and
``index`` / ``uniqueIndex`` (see `table_indexes`), each into its drizzle-kit
snapshot entry with the default name drizzle-kit gives it (see `names`). What
could not be resolved is added to the `tables.TableReader`'s problems.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from schema_catalog.pg import names as pg_names
from schema_catalog.sources.drizzle import names
from schema_catalog.sources.drizzle.table_indexes import read_index
from schema_catalog.sources.drizzle.values import (
    PG_CORE,
    Builder,
    Closure,
    Extern,
    TableEntity,
    Unresolved,
    Value,
)

if TYPE_CHECKING:
    from schema_catalog.sources.drizzle.tables import TableReader, Target


def read_extras(reader: TableReader, entity: TableEntity, table: dict[str, Value]) -> None:
    """Add the extras of ``entity`` (its third ``pgTable`` argument) to its kit ``table``."""
    extra = entity.extra
    if isinstance(extra, Closure):
        extra = reader.evaluator.invoke(extra, (entity,))
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
            _extra(reader, entity, table, item)
        else:
            reason = (
                item.reason if isinstance(item, Unresolved) else "not a pg-core index or constraint"
            )
            reader.problems.append(
                (getattr(item, "where", "") or entity.where, f"{entity.name}: {reason}")
            )


def _extra(
    reader: TableReader, entity: TableEntity, table: dict[str, Value], item: Builder
) -> None:
    kind = item.root.name
    if kind in {"index", "uniqueIndex"}:
        read_index(reader, entity, table, item, unique=kind == "uniqueIndex")
    elif kind == "primaryKey":
        _primary_key(reader, entity, table, item)
    elif kind == "foreignKey":
        _table_foreign_key(reader, entity, table, item)
    elif kind == "unique":
        _unique(reader, entity, table, item)
    elif kind == "check":
        _check(reader, table, item)
    elif kind == "pgPolicy":
        reader.add_policy(table, item, reader.problems)
    else:
        reader.problems.append((item.where, f"{entity.name}: unsupported table item {kind}()"))


def _columns_of(reader: TableReader, values: Value, where: str) -> list[Target] | None:
    if not isinstance(values, list):
        reason = (
            values.reason if isinstance(values, Unresolved) else "columns are not a static list"
        )
        reader.problems.append((where, reason))
        return None
    targets = [reader.target(v, where) for v in values]
    bad = next((t for t in targets if isinstance(t, Unresolved)), None)
    if bad is not None:
        reader.problems.append((where, bad.reason))
        return None
    return [t for t in targets if not isinstance(t, Unresolved)]


def _primary_key(
    reader: TableReader, entity: TableEntity, table: dict[str, Value], item: Builder
) -> None:
    args = item.first_args()
    config = args[0] if args and isinstance(args[0], dict) else {"columns": list(args)}
    columns = _columns_of(reader, config.get("columns") or [], item.where)
    if not columns:
        return
    given = config.get("name")
    name = (
        given
        if isinstance(given, str)
        else f"{entity.name}_pkey"
        if reader.kit_major
        else pg_names.kit_primary_key(str(entity.name), [c.original for c in columns])
    )
    if reader.casing is not None and not reader.kit_major:
        name = names.recase(name, [c.original for c in columns], [c.name for c in columns])
    table["compositePrimaryKeys"][name] = {"name": name, "columns": [c.name for c in columns]}


def _table_foreign_key(
    reader: TableReader, entity: TableEntity, table: dict[str, Value], item: Builder
) -> None:
    args = item.first_args()
    config = args[0] if args and isinstance(args[0], dict) else {}
    sources = _columns_of(reader, config.get("columns") or [], item.where)
    if not sources:
        return
    actions = {
        "onDelete": (item.calls("onDelete") or [(None,)])[-1][0],
        "onUpdate": (item.calls("onUpdate") or [(None,)])[-1][0],
    }
    explicit = config.get("name") if isinstance(config.get("name"), str) else None
    foreign = list(config.get("foreignColumns") or [])
    reader.foreign_key(table, sources, foreign, actions, explicit, item.where)


def _unique(
    reader: TableReader, entity: TableEntity, table: dict[str, Value], item: Builder
) -> None:
    args = item.first_args()
    columns = _columns_of(reader, [c for call in item.calls("on") for c in call], item.where)
    if not columns:
        return
    explicit = args[0] if args and isinstance(args[0], str) else None
    name = explicit or reader.unique_name(
        str(entity.name), [c.original for c in columns], [c.name for c in columns]
    )
    table["uniqueConstraints"][name] = {
        "name": name,
        "nullsNotDistinct": bool(item.calls("nullsNotDistinct")),
        "columns": [c.name for c in columns],
    }


def _check(reader: TableReader, table: dict[str, Value], item: Builder) -> None:
    args = item.first_args()
    name = args[0] if args else None
    value = reader.render(args[1] if len(args) > 1 else None, reader.check_mode, item.where)
    if not isinstance(name, str) or isinstance(value, Unresolved):
        reason = value.reason if isinstance(value, Unresolved) else "check name is not static"
        reader.problems.append((item.where, f"{table['name']}: check: {reason}"))
        return
    table["checkConstraints"][name] = {"name": name, "value": value}


def _flatten(items: list[Value]) -> list[Value]:
    flat: list[Value] = []
    for item in items:
        flat.extend(_flatten(item) if isinstance(item, list) else [item])
    return flat
