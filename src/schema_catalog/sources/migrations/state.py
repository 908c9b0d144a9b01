"""The catalog being replayed: mutable tables, enums and the names they take.

Statements (see `replay`) edit this state in file order; `freeze` turns the
tables the pending migrations touched into frozen `model.Table` values.
Expressions whose text depends on column types and names (CHECKs, policies,
index expressions, generated columns) are kept as parse trees and printed at
freeze time, so later renames and type changes show as the server would show
them. Defaults are analysed when set, because the server stores them analysed:
an ``ALTER COLUMN ... TYPE`` only adds a hidden cast on top
(``'x'::character varying`` stays so after a change to ``text``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from pglast import ast

from schema_catalog import model
from schema_catalog.sources.migrations import default_privileges
from schema_catalog.sources.migrations import deparse as d
from schema_catalog.sources.migrations.extensions import owner_schema as extension_object
from schema_catalog.sources.migrations.lookups import Tables
from schema_catalog.sources.migrations.types import UNKNOWN, SqlType, builtin


def is_node(value: object, kind: type) -> bool:
    """``isinstance`` without mypy's narrowing: pglast's stubs type every field Optional,
    while the parser fills the ones each node kind always has."""
    return isinstance(value, kind)


MAX_NESTING = 100
"""Parse-tree depth beyond which a statement is not replayed: analysis and printing
recurse once per level (a few Python frames each), and real DDL stays under ~40."""


def nesting(root: object) -> int:
    """The depth of a pglast parse tree, measured without recursion."""
    deepest, pending = 0, [(root, 1)]
    while pending:
        node, depth = pending.pop()
        if isinstance(node, tuple | list):
            pending.extend((child, depth) for child in node)
        elif isinstance(node, ast.Node):
            deepest = max(deepest, depth)
            slots: Any = getattr(node, "__slots__", ())  # every pglast node class lists its fields
            pending.extend((getattr(node, slot), depth + 1) for slot in slots)
    return deepest


# A stored expression: a parse tree (printed at freeze time) or final text from `base`.
Stored = ast.Node | str


@dataclass
class ColumnState:
    name: str
    type: SqlType
    not_null: bool = False
    default: d.Expr | None = None
    identity: str | None = None
    generated: Stored | None = None
    comment: str | None = None
    collation: str | None = None
    virtual: bool = False
    not_null_name: str | None = None
    """The NOT NULL constraint's name when one was given (PostgreSQL 18 keeps it)."""
    not_null_validated: bool = True


@dataclass
class ForeignKeyState:
    name: str
    columns: list[str]
    ref_schema: str
    ref_table: str
    ref_columns: list[str]
    on_delete: str = "NO ACTION"
    on_update: str = "NO ACTION"
    match: str = "SIMPLE"
    deferrable: bool = False
    initially_deferred: bool = False
    validated: bool = True
    period: bool = False
    enforced: bool = True


@dataclass
class KeyState:
    """A primary key, unique or exclusion constraint (each owns an index of the same name)."""

    name: str
    columns: list[str]
    nulls_not_distinct: bool = False
    deferrable: bool = False
    definition: str | None = None
    without_overlaps: bool = False


@dataclass
class CheckState:
    name: str
    expr: Stored
    validated: bool = True
    enforced: bool = True


@dataclass
class IndexElement:
    column: str | None = None
    expr: Stored | None = None
    suffix: str = ""
    """`` DESC``, `` NULLS FIRST``, an operator class."""


@dataclass
class IndexState:
    name: str
    elements: list[IndexElement]
    method: str = "btree"
    unique: bool = False
    primary: bool = False
    include: list[str] = field(default_factory=list)
    predicate: Stored | None = None
    constraint: str | None = None
    nulls_not_distinct: bool = False
    options: list[str] = field(default_factory=list)
    """``WITH (...)`` storage options as ``reloptions`` holds them, in order."""
    text: tuple[str, ...] | None = None
    """Column texts and definition as `base` gave them (used while untouched)."""


@dataclass
class PolicyState:
    name: str
    command: str = "ALL"
    roles: list[str] = field(default_factory=lambda: ["public"])
    permissive: bool = True
    using: Stored | None = None
    with_check: Stored | None = None


@dataclass
class TriggerState:
    """A ``CREATE TRIGGER`` as replayed (see `triggers`); ``text`` is a live definition from
    `base`, shown as is while no pending statement recreates the trigger."""

    name: str
    timing: str
    events: list[str]
    row: bool
    function: tuple[str, str]
    args: list[str] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    """``UPDATE OF`` columns."""
    when: Stored | None = None
    transitions: list[tuple[str, str]] = field(default_factory=list)
    """``REFERENCING`` tables: (``OLD`` or ``NEW``, name)."""
    constraint: str | None = None
    """``FROM`` relation and deferrability of a constraint trigger, as printed."""
    enabled: bool = True
    comment: str | None = None
    text: str | None = None


@dataclass
class TableState:
    schema: str
    name: str
    kind: str = "table"
    columns: dict[str, ColumnState] = field(default_factory=dict)
    primary_key: KeyState | None = None
    foreign_keys: list[ForeignKeyState] = field(default_factory=list)
    uniques: list[KeyState] = field(default_factory=list)
    exclusions: list[KeyState] = field(default_factory=list)
    checks: list[CheckState] = field(default_factory=list)
    indexes: list[IndexState] = field(default_factory=list)
    policies: dict[str, PolicyState] = field(default_factory=dict)
    triggers: dict[str, TriggerState] = field(default_factory=dict)
    grants: set[tuple[str, str, str | None]] = field(default_factory=set)
    rls_enabled: bool = False
    rls_forced: bool = False
    comment: str | None = None
    view_definition: str | None = None
    options: list[str] = field(default_factory=list)
    """``WITH (...)`` storage options as ``reloptions`` holds them (``security_invoker=on``)."""
    partition_key: tuple[str, list[IndexElement]] | None = None
    """``PARTITION BY``: the strategy word (``RANGE``) and the key's columns or expressions."""
    partition_of: TableState | None = field(default=None, repr=False, compare=False)
    """The parent this table is a partition of (it folds under the root, as live)."""
    location: str | None = None
    touched: bool = False
    original: model.Table | None = None

    @property
    def key(self) -> tuple[str, str]:
        return (self.schema, self.name)

    def column_types(self) -> dict[str, SqlType]:
        return {c.name: c.type for c in self.columns.values()}

    @property
    def partition_root(self) -> TableState:
        """The top of this table's partition tree (itself when it is no partition)."""
        table = self
        while table.partition_of is not None:
            table = table.partition_of
        return table

    def constraint_names(self) -> Iterator[str]:
        if self.primary_key:
            yield self.primary_key.name
        yield from (k.name for k in [*self.uniques, *self.exclusions])
        yield from (f.name for f in self.foreign_keys)
        yield from (c.name for c in self.checks)


@dataclass
class EnumState:
    schema: str
    name: str
    values: list[str]
    comment: str | None = None
    location: str | None = None
    touched: bool = False


@dataclass
class FunctionState:
    """A function or procedure as replayed (see `function_statements`)."""

    schema: str
    name: str
    types: tuple[str, ...]
    """Input argument types: with schema and name, what tells overloads apart."""
    arguments: str = ""
    result: str = ""
    kind: str = "function"
    language: str = "sql"
    volatility: str = "volatile"
    security_definer: bool = False
    config: list[str] = field(default_factory=list)
    executable_by: set[str] = field(default_factory=set)
    comment: str | None = None
    location: str | None = None
    original: model.Function | None = None
    touched: bool = True
    body: str | None = None
    """The ``AS '...'`` text, as written."""

    @property
    def key(self) -> tuple[str, str, tuple[str, ...]]:
        return (self.schema, self.name, self.types)


@dataclass
class CatalogState:
    """Everything a replay knows: tables, enums, functions, sequences by schema."""

    tables: Tables = field(default_factory=Tables)
    """(schema, name) → table, with look-ups by index, constraint and reference names."""
    enums: dict[tuple[str, str], EnumState] = field(default_factory=dict)
    functions: dict[tuple[str, str], SqlType] = field(default_factory=dict)
    routines: dict[tuple[str, str, tuple[str, ...]], FunctionState] = field(default_factory=dict)
    """Functions and procedures by (schema, name, input argument types)."""
    sequences: dict[tuple[str, str], tuple[str, str] | None] = field(default_factory=dict)
    """Sequence → owning table (serial and identity columns), or None."""
    default_schema: str = "public"
    extensions: dict[str, str] = field(default_factory=dict)
    """Installed extension → the schema that holds its objects (see `extensions`)."""
    server_version: int = 17
    """The PostgreSQL major version whose spelling the replay prints."""
    default_privileges: set[tuple[str | None, str, str, str]] = field(
        default_factory=lambda: set(default_privileges.BUILT_IN)
    )
    """``ALTER DEFAULT PRIVILEGES`` of the migrating role: (schema or None for every
    schema, object kind ``TABLE`` / ``FUNCTION``, grantee, privilege). Functions are
    executable by PUBLIC unless that is revoked (see `default_privileges`)."""
    roles: dict[str, model.Role] = field(default_factory=dict)
    """The roles known to exist: the platform's (a Supabase target) and those created."""

    @property
    def table_privileges(self) -> tuple[str, ...]:
        """What ``GRANT ALL`` on a table means on this server version."""
        every = ("DELETE", "INSERT", "REFERENCES", "SELECT", "TRIGGER", "TRUNCATE", "UPDATE")
        return (*every, "MAINTAIN") if self.server_version >= 17 else every

    def default_grants(self, schema: str, kind: str) -> set[tuple[str, str]]:
        """(grantee, privilege) pairs a new ``kind`` object in ``schema`` starts with."""
        return {
            (grantee, privilege)
            for where, of, grantee, privilege in self.default_privileges
            if of == kind and where in (None, schema)
        }

    # -------------------------------------------------------------- name lookups

    def relation_taken(self, schema: str, name: str, *, constraint: bool = False) -> bool:
        """Is ``name`` a relation (table, view, index, sequence) in ``schema``?"""
        if (schema, name) in self.tables or (schema, name) in self.sequences:
            return True
        if self.tables.index_taken(schema, name):
            return True
        return constraint and self.constraint_taken(schema, name)

    def constraint_taken(self, schema: str, name: str) -> bool:
        return self.tables.constraint_taken(schema, name)

    def find_index(self, schema: str | None, name: str) -> tuple[TableState, IndexState] | None:
        return self.tables.find_index(schema, name)

    # -------------------------------------------------------------- Resolver protocol

    def relation_columns(
        self, schema: str | None, name: str
    ) -> tuple[str, str, Mapping[str, SqlType]] | None:
        table = self.tables.get((schema or self.default_schema, name))
        if table is None and schema is None:
            table = self.tables.get(("auth", name)) if name == "users" else None
        return (table.schema, table.name, table.column_types()) if table else None

    def resolve_type(self, node: Any) -> SqlType:
        from schema_catalog.sources.migrations.types import is_array, type_name_parts, typmods

        schema, name = type_name_parts(node)
        kind = self.named_type(schema, name)
        kind = SqlType(kind.name, typmods(node) or kind.mods, kind.array, kind.schema, kind.enum)
        return kind.as_array() if is_array(node) else kind

    def named_type(self, schema: str | None, name: str) -> SqlType:
        if schema in (None, "pg_catalog"):
            known = builtin(name)
            if known is not None:
                return known
        enum = self.enums.get((schema or self.default_schema, name))
        if enum is not None:
            return SqlType(enum.name, (), False, enum.schema, True)
        owner = extension_object(self.extensions, "types", name) if schema is None else None
        if owner is not None:
            return SqlType(name, (), False, owner[0])
        return SqlType(name, (), False, schema or self.default_schema)

    def function(self, schema: str | None, name: str) -> tuple[str, SqlType] | None:
        key = (schema or self.default_schema, name)
        if key in self.functions:
            return (key[0], self.functions[key])
        owner = extension_object(self.extensions, "functions", name) if schema is None else None
        if owner is not None:
            return (owner[0], owner[1].functions[name])
        return None

    def opclass(self, parts: list[str], column: SqlType | None, method: str) -> str | None:
        """An index element's operator class as ``pg_get_indexdef`` prints it: None
        when it is the default one for the column's type (the server leaves it out)."""
        if column is not None and column.schema is not None and not column.array:
            owner = extension_object(self.extensions, "types", column.name)
            default = owner[1].default_opclasses.get((column.name, method)) if owner else None
            if default == parts[-1] and parts[:-1] in ([], [owner[0] if owner else ""]):
                return None
        if len(parts) == 1:
            owner = extension_object(self.extensions, "opclasses", parts[0])
            if owner is not None:
                return f"{owner[0]}.{parts[0]}"
        return ".".join(parts)


_DISPLAY = re.compile(
    r"^(?P<name>[^(\[]+?)(?:\((?P<mods>[\d,]+)\))?(?P<zone> with(?:out)? time zone)?(?P<array>(?:\[\])*)$"
)


def parse_display(text: str, enums: Mapping[tuple[str, str], EnumState]) -> SqlType:
    """A ``format_type`` string (from a live catalog) back into a `SqlType`."""
    match = _DISPLAY.match(text)
    if match is None:
        return SqlType(text)
    name = match["name"] + (match["zone"] or "")
    mods = tuple(int(m) for m in match["mods"].split(",")) if match["mods"] else ()
    array = bool(match["array"])
    if builtin(name) is not None or name == UNKNOWN.name:
        return SqlType(name, mods, array)
    schema, _, bare = name.rpartition(".")
    schema = schema or "public"
    return SqlType(bare, mods, array, schema, (schema, bare) in enums)
