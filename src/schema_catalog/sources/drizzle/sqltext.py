"""``sql`...``` templates rendered as drizzle-kit renders them.

Column interpolations become ``"table"."column"`` (``"schema"."table"."column"``
for pgSchema tables), or bare ``"column"`` inside index expressions, exactly as
drizzle-orm's ``sqlToQuery`` does for drizzle-kit. drizzle-orm's condition helpers
(``eq``, ``isNull``, ``and``, ``inArray``...) render as drizzle-orm renders them, their
values as numbered parameters (``$1``), which is what drizzle-kit writes. drizzle-orm
1.0 brackets differently (``(x is null)``, ``((a) and (b))``) and drizzle-kit 1.0
inlines the values (``'admin'``, ``true``): ``orm1``. A value interpolated straight
into ``sql`` is not static SQL and stays unresolved.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Literal

from schema_catalog.sources.drizzle.literals import js_number
from schema_catalog.sources.drizzle.values import (
    DRIZZLE,
    SUPABASE,
    Builder,
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
    value: Value,
    mode: Mode,
    column_name: Callable[[ColRef], str | Unresolved],
    where: str,
    *,
    orm1: bool = False,
) -> str | Unresolved:
    """The SQL text of ``value`` (a `Sql`, a condition helper, or a fragment of one);
    ``orm1``: as drizzle-orm 1.0 and drizzle-kit 1.0 write it."""
    return _Renderer(mode, column_name, where, orm1).sql(value)


# drizzle-orm's comparison helpers (sql/expressions/conditions.ts) and their operators
_BINARY = {"eq": "=", "ne": "<>", "gt": ">", "gte": ">=", "lt": "<", "lte": "<="}
_BINARY |= {"like": "like", "notLike": "not like", "ilike": "ilike", "notIlike": "not ilike"}
_BINARY |= {"arrayContains": "@>", "arrayContained": "<@", "arrayOverlaps": "&&"}
_POSTFIX = {"isNull": "is null", "isNotNull": "is not null"}
_JOINED = {"and": " and ", "or": " or "}


class _Renderer:
    """One rendering, numbering query parameters ``$1``, ``$2``... as ``sqlToQuery`` does."""

    def __init__(
        self,
        mode: Mode,
        column_name: Callable[[ColRef], str | Unresolved],
        where: str,
        orm1: bool = False,
    ) -> None:
        self.mode, self.column_name, self.where = mode, column_name, where
        self.orm1 = orm1
        self.params = 0

    def sql(self, value: Value) -> str | Unresolved:
        if isinstance(value, Sql):
            return self._join(value.parts, raw=True)
        if isinstance(value, ColRef):
            return _column(value, self.mode, self.column_name)
        if isinstance(value, TableEntity) and isinstance(value.name, str):
            return _table_prefix(value.schema, value.name).removesuffix(".")
        if isinstance(value, Builder) and isinstance(value.root, Extern):
            return self._helper(value)
        if isinstance(value, Extern):
            return _extern(value, self.mode, self.where)
        if isinstance(value, Unresolved):
            return value
        return Unresolved(
            "a value interpolated into sql`` is a query parameter, not static SQL", self.where
        )

    def _join(
        self, parts: Sequence[Value], *, raw: bool = False, sep: str = ""
    ) -> str | Unresolved:
        pieces: list[str] = []
        for part in parts:
            rendered = part if raw and isinstance(part, str) else self.sql(part)
            if isinstance(rendered, Unresolved):
                return rendered
            pieces.append(rendered)
        return sep.join(pieces)

    def _bound(self, value: Value) -> str | Unresolved:
        """``bindIfParam``: SQL, columns and tables as they are; any other value is a parameter."""
        if isinstance(value, Sql | ColRef | TableEntity | Builder | Extern | Unresolved):
            return self.sql(value)
        if self.orm1:
            return _inline(value, self.where)
        self.params += 1
        return f"${self.params}"

    def _helper(self, builder: Builder) -> str | Unresolved:
        root = builder.root
        if root.module != DRIZZLE or len(builder.steps) != 1:
            return Unresolved(
                f"cannot render {root.module}'s {root.name or '*'} as SQL", self.where
            )
        name, args = root.name, builder.first_args()
        if name in _POSTFIX and args:
            left = self.sql(args[0])
            if isinstance(left, Unresolved):
                return left
            return f"({left} {_POSTFIX[name]})" if self.orm1 else f"{left} {_POSTFIX[name]}"
        if name in _BINARY and len(args) == 2:
            return self._binary(args[0], _BINARY[name], args[1])
        if name in _JOINED:
            return self._joined(name, [a for a in args if a is not None])
        if name == "not" and args:
            inner = self.sql(args[0])
            if isinstance(inner, Unresolved):
                return inner
            bracket = self.orm1 and isinstance(args[0], Sql | Builder)
            return f"not ({inner})" if bracket else f"not {inner}"
        if name in {"inArray", "notInArray"} and len(args) == 2:
            return self._in(args[0], name == "notInArray", args[1])
        if name in {"between", "notBetween"} and len(args) == 3:
            return self._between(args, name == "notBetween")
        return Unresolved(f"cannot render drizzle-orm's {name or '*'} as SQL", self.where)

    def _binary(self, left: Value, operator: str, right: Value) -> str | Unresolved:
        first = self.sql(left)
        if isinstance(first, Unresolved):
            return first
        second = self._bound(right)
        return second if isinstance(second, Unresolved) else f"{first} {operator} {second}"

    def _joined(self, name: str, conditions: list[Value]) -> str | Unresolved:
        if not conditions:
            return Unresolved(f"{name}() of no condition renders nothing", self.where)
        if self.orm1 and len(conditions) > 1:  # joinConditions: ((a) and (b))
            inner = self._join(conditions, sep=f"){_JOINED[name]}(")
            return inner if isinstance(inner, Unresolved) else f"(({inner}))"
        inner = self._join(conditions, sep=_JOINED[name])
        if isinstance(inner, Unresolved) or len(conditions) == 1:
            return inner
        return f"({inner})"

    def _in(self, column: Value, negated: bool, values: Value) -> str | Unresolved:
        if isinstance(values, list) and not values:
            if self.orm1:
                return "1 = 1" if negated else "1 = 0"
            return "true" if negated else "false"
        left = self.sql(column)
        if isinstance(left, Unresolved):
            return left
        if isinstance(values, list):
            items = [self._bound(v) for v in values]
            bad = next((i for i in items if isinstance(i, Unresolved)), None)
            if bad is not None:
                return bad
            right: str | Unresolved = "(" + ", ".join(str(i) for i in items) + ")"
        else:
            right = self.sql(values)
        if isinstance(right, Unresolved):
            return right
        return f"{left} {'not in' if negated else 'in'} {right}"

    def _between(self, args: tuple[Value, ...], negated: bool) -> str | Unresolved:
        left, low, high = self.sql(args[0]), self._bound(args[1]), self._bound(args[2])
        bad = next((x for x in (left, low, high) if isinstance(x, Unresolved)), None)
        if bad is not None:
            return bad
        return f"{left} {'not between' if negated else 'between'} {low} and {high}"


def _inline(value: Value, where: str) -> str | Unresolved:
    """``mapInlineParam``: a value written into the SQL as drizzle-kit 1.0 inlines it."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return js_number(value)
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    return Unresolved("a value drizzle-kit 1.0 would inline is not static", where)


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
