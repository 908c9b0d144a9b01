"""The values the static evaluator produces for Drizzle schema code.

Plain JavaScript values become Python ones (str, int, float, bool, None, list,
dict). Everything Drizzle builds becomes one of the small classes below: a
`Builder` records a chain of calls such as ``uuid().primaryKey().defaultRandom()``,
entities (`TableEntity`, `EnumEntity`, ...) keep their identity so that a table
exported from two files is one table. What cannot be known without running the
code is an `Unresolved` value carrying the reason and ``file:line``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from schema_catalog.sources.drizzle.parse import Span
    from schema_catalog.sources.drizzle.resolve import Scope

Value = Any
"""A JavaScript value: str, int, float, bool, None, list, dict or one of the classes here."""

Step = tuple[str, "tuple[Value, ...] | None"]
"""One link of a chain: ``(name, args)`` for a call, ``(name, None)`` for a property read;
name ``""`` calls the value itself."""

PG_CORE = "drizzle-orm/pg-core"
DRIZZLE = "drizzle-orm"
SUPABASE = "drizzle-orm/supabase"


@dataclass(frozen=True)
class Unresolved:
    """A value the reader cannot know statically, with the reason and ``file:line``."""

    reason: str
    where: str


@dataclass(frozen=True)
class Extern:
    """A name imported from a package (``drizzle-orm/pg-core``'s ``text``); ``name`` is
    dotted for property reads (``authUsers.id``) and empty for a namespace import."""

    module: str
    name: str

    def member(self, prop: str) -> Extern:
        return Extern(self.module, f"{self.name}.{prop}" if self.name else prop)


@dataclass(frozen=True)
class Sql:
    """A ``sql`...``` template: raw text chunks and interpolated values, in order."""

    parts: tuple[Value, ...]


Param = str | tuple[tuple[str, str], ...]
"""A parameter: its name, or for a destructured object ``({ text, uuid: u })`` the
(local name, property) pairs it binds; ``""`` for a pattern that binds nothing readable."""


@dataclass(frozen=True, eq=False)
class Closure:
    """An arrow function, function or method, evaluated when called.

    It keeps where the function is, not its syntax tree (which would keep the tree of
    its whole statement alive): a call parses it again (`Evaluator.invoke`)."""

    params: tuple[Param, ...]
    function: Span
    statement: Span | None
    """The top-level statement holding the function: parsed when the function alone
    does not parse as itself (a method)."""
    scope: Scope
    where: str


@dataclass(frozen=True)
class Builder:
    """A chain of calls and property reads starting at ``root``."""

    root: Value
    steps: tuple[Step, ...]
    where: str

    def then(self, step: Step) -> Builder:
        return Builder(self.root, (*self.steps, step), self.where)

    def calls(self, name: str) -> list[tuple[Value, ...]]:
        """Argument lists of every call of method ``name`` in the chain."""
        return [args for step, args in self.steps if step == name and args is not None]

    def first_args(self) -> tuple[Value, ...]:
        """Arguments of the call of the root itself (``uuid('id')`` → ``('id',)``)."""
        if self.steps and self.steps[0][0] == "" and self.steps[0][1] is not None:
            return self.steps[0][1]
        return ()


@dataclass(eq=False)
class TableEntity:
    """A ``pgTable`` (or ``schema.table``) declaration."""

    name: str | Unresolved
    schema: str
    columns: dict[str, Value] | Unresolved
    extra: Value
    where: str
    rls: bool = False
    casing: str | None = None
    """drizzle-orm 1.0's per-table casing (``snakeCase.table``, ``pgTableCreator(fn,
    'snake_case')``); None: the project's."""


@dataclass(eq=False)
class ViewEntity:
    """A ``pgView`` / ``pgMaterializedView`` declaration."""

    name: str | Unresolved
    schema: str
    materialized: bool
    columns: dict[str, Value] | None
    where: str
    definition: Value = None
    existing: bool = False


@dataclass(eq=False)
class SchemaEntity:
    """``pgSchema('name')``."""

    name: str | Unresolved


@dataclass(eq=False)
class EnumEntity:
    """``pgEnum(name, values)``; ``from_object`` is set for TypeScript enums and objects,
    which drizzle-kit does not mark with a type schema."""

    name: str | Unresolved
    schema: str
    values: tuple[str, ...] | Unresolved
    where: str
    from_object: bool = False


@dataclass(eq=False)
class CustomTypeEntity:
    """``customType({ dataType() {...} })``: calling it makes a column builder."""

    data_type: Value
    where: str


@dataclass(eq=False)
class RoleEntity:
    """``pgRole('name', {...})``; ``.existing()`` roles are not created by drizzle-kit."""

    name: str | Unresolved
    existing: bool = False


@dataclass(frozen=True)
class ColRef:
    """``table.key``: a column of a declared table, by its object key."""

    table: TableEntity
    key: str


@dataclass(frozen=True)
class BoundMethod:
    """A method read from an entity (``table.enableRLS``), waiting for its call."""

    target: Value
    name: str


@dataclass(eq=False)
class TableCreator:
    """``pgTableCreator((name) => ..., casing?)``."""

    name_fn: Value
    casing: str | None = None


@dataclass(eq=False)
class ModuleNamespace:
    """``import * as schema from './schema'``."""

    module: Any = field(repr=False)
