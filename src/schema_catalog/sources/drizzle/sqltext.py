"""``sql`...``` templates rendered as drizzle-kit renders them.

Column interpolations become ``"table"."column"`` (``"schema"."table"."column"``
for pgSchema tables), or bare ``"column"`` inside index expressions, exactly as
drizzle-orm's ``sqlToQuery`` does for drizzle-kit. Values drizzle would send as
query parameters are not static SQL: drizzle-kit itself would write ``$1``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from schema_catalog.sources.drizzle.values import (
    SUPABASE,
    ColRef,
    Extern,
    Sql,
    TableEntity,
    Unresolved,
    Value,
)

Mode = Literal["qualified", "bare"]
_SUPABASE_SQL = {"authUid": "(select auth.uid())", "realtimeTopic": "realtime.topic()"}
_SUPABASE_TABLES = {"authUsers": ("auth", "users"), "realtimeMessages": ("realtime", "messages")}


def supabase_table(extern: Extern) -> tuple[str, str] | None:
    """``(schema, table)`` of a drizzle-orm/supabase table (``authUsers`` → auth.users)."""
    return _SUPABASE_TABLES.get(extern.name) if extern.module == SUPABASE else None


def render(
    value: Value, mode: Mode, column_name: Callable[[ColRef], str | Unresolved], where: str
) -> str | Unresolved:
    """The SQL text of ``value`` (a `Sql` or a fragment of one)."""
    if isinstance(value, Sql):
        pieces: list[str] = []
        for part in value.parts:
            rendered = part if isinstance(part, str) else render(part, mode, column_name, where)
            if isinstance(rendered, Unresolved):
                return rendered
            pieces.append(rendered)
        return "".join(pieces)
    if isinstance(value, ColRef):
        return _column(value, mode, column_name)
    if isinstance(value, TableEntity) and isinstance(value.name, str):
        return _table_prefix(value.schema, value.name).removesuffix(".")
    if isinstance(value, Extern):
        return _extern(value, mode, where)
    if isinstance(value, Unresolved):
        return value
    return Unresolved("a value interpolated into sql`` is a query parameter, not static SQL", where)


def _column(
    ref: ColRef, mode: Mode, column_name: Callable[[ColRef], str | Unresolved]
) -> str | Unresolved:
    name = column_name(ref)
    if isinstance(name, Unresolved) or isinstance(ref.table.name, Unresolved):
        return name if isinstance(name, Unresolved) else ref.table.name
    if mode == "bare":
        return _quote(name)
    return _table_prefix(ref.table.schema, ref.table.name) + _quote(name)


def _extern(value: Extern, mode: Mode, where: str) -> str | Unresolved:
    if value.module == SUPABASE and value.name in _SUPABASE_SQL:
        return _SUPABASE_SQL[value.name]
    table_name, _, column = value.name.partition(".")
    table = _SUPABASE_TABLES.get(table_name) if value.module == SUPABASE else None
    if table is not None and column:
        return (
            _quote(column)
            if mode == "bare"
            else f"{_quote(table[0])}.{_quote(table[1])}.{_quote(column)}"
        )
    return Unresolved(f"cannot render {value.module}'s {value.name or '*'} as SQL", where)


def _table_prefix(schema: str, table: str) -> str:
    # drizzle-orm writes the schema only for tables declared in a pgSchema (not public)
    return (f"{_quote(schema)}." if schema != "public" else "") + f"{_quote(table)}."


def _quote(name: str) -> str:
    return '"' + name + '"'
