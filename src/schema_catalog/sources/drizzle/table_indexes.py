"""``index()`` / ``uniqueIndex()`` table extras → drizzle-kit snapshot index entries.

Owns the builder chain of an index (``.on`` / ``.onOnly`` columns or ``sql``
expressions with ``.asc`` / ``.desc`` / ``.nullsFirst`` / ``.op``, ``.using``,
``.with``, ``.where``) and the default name drizzle-kit gives an unnamed index
(an expression index must be named).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from schema_catalog.pg import names as pg_names
from schema_catalog.sources.drizzle.values import (
    Builder,
    ColRef,
    Sql,
    TableEntity,
    Unresolved,
    Value,
)

if TYPE_CHECKING:
    from schema_catalog.sources.drizzle.tables import TableReader


def read_index(
    reader: TableReader,
    entity: TableEntity,
    table: dict[str, Value],
    item: Builder,
    *,
    unique: bool,
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
    columns = [_index_column(reader, v, item.where) for v in values]
    bad = next((c for c in columns if isinstance(c, Unresolved)), None)
    if bad is not None or not columns:
        reader.problems.append(
            (item.where, f"{entity.name}: index: {bad.reason if bad else 'no columns'}")
        )
        return
    entries = [c for c in columns if isinstance(c, dict)]
    name = explicit or _index_name(reader, entity, entries, item.where)
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
        # kit 1.0 writes an index's columns bare in its WHERE, as in a CHECK
        where = reader.render(item.calls("where")[-1][0], reader.check_mode, item.where)
        if isinstance(where, Unresolved):
            reader.problems.append(
                (item.where, f"{entity.name}: index {name} where: {where.reason}")
            )
        else:
            index["where"] = where
    table["indexes"][name] = index


def _index_name(
    reader: TableReader, entity: TableEntity, entries: list[dict[str, Value]], where: str
) -> str | None:
    if any(e["isExpression"] for e in entries):
        reader.problems.append(
            (where, f"{entity.name}: drizzle-kit needs a name for an expression index")
        )
        return None
    return pg_names.kit_index(str(entity.name), [str(e["expression"]) for e in entries])


def _index_column(reader: TableReader, value: Value, where: str) -> dict[str, Value] | Unresolved:
    steps: tuple[tuple[str, tuple[Value, ...] | None], ...] = ()
    if isinstance(value, Builder) and isinstance(value.root, ColRef | Sql):
        value, steps = value.root, value.steps
    if isinstance(value, Sql):
        expression = reader.render(value, "bare", where)
        entry: dict[str, Value] = {"expression": expression, "isExpression": True}
    else:
        expression = (
            reader.column_name(value)
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
