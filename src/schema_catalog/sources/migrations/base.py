"""Seeding a replay from a live catalog (``base``), so ALTERs on live tables work.

The live database's default privileges (``pg_default_acl``) decide what the tables
and functions pending migrations create are granted, as on the server.

Live expressions arrive as final text (``pg_get_expr`` output) and are kept as
text: they are shown as they are unless a pending migration replaces them.
"""

from __future__ import annotations

from schema_catalog import model
from schema_catalog.sources.migrations import default_privileges, triggers
from schema_catalog.sources.migrations import deparse as d
from schema_catalog.sources.migrations.state import (
    CatalogState,
    CheckState,
    ColumnState,
    EnumState,
    ForeignKeyState,
    FunctionState,
    IndexElement,
    IndexState,
    KeyState,
    PolicyState,
    TableState,
    parse_display,
)
from schema_catalog.sources.migrations.types import UNKNOWN, builtin


def load_base(catalog: model.Catalog) -> CatalogState:
    state = CatalogState()
    state.roles = {r.name: r for r in catalog.roles}
    state.default_privileges = default_privileges.seed(catalog.default_privileges)
    for enum in catalog.enums:
        state.enums[(enum.schema_, enum.name)] = EnumState(
            enum.schema_, enum.name, list(enum.values), enum.comment
        )
    for function in catalog.functions:
        routine = _function(function, state)
        state.routines[routine.key] = routine
    for table in catalog.tables:
        state.tables[(table.schema, table.name)] = _table(table, state)
        for column in table.columns:
            sequence = _owned_sequence(column.default)
            if sequence is not None:
                state.sequences[sequence] = (table.schema, table.name)
    return state


def _table(table: model.Table, state: CatalogState) -> TableState:
    result = TableState(table.schema, table.name, table.kind, original=table)
    for column in table.columns:
        result.columns[column.name] = ColumnState(
            name=column.name,
            type=parse_display(column.type, state.enums),
            not_null=not column.nullable,
            default=d.Raw(UNKNOWN, column.default) if column.default is not None else None,
            identity=column.identity,
            generated=column.generated,
            comment=column.comment,
            collation=column.collation,
            virtual=column.virtual,
            not_null_name=column.not_null_name,
            not_null_validated=column.not_null_validated,
        )
    if table.primary_key:
        pk = table.primary_key
        result.primary_key = KeyState(
            pk.name, list(pk.columns), without_overlaps=pk.without_overlaps
        )
    result.foreign_keys = [
        ForeignKeyState(
            **{**fk.model_dump(), "columns": list(fk.columns), "ref_columns": list(fk.ref_columns)}
        )
        for fk in table.foreign_keys
    ]
    result.uniques = [
        KeyState(
            u.name,
            list(u.columns),
            u.nulls_not_distinct,
            u.deferrable,
            without_overlaps=u.without_overlaps,
        )
        for u in table.unique_constraints
    ]
    result.exclusions = [
        KeyState(e.name, [], definition=e.definition) for e in table.exclusion_constraints
    ]
    result.checks = [
        CheckState(c.name, c.expression, c.validated, c.enforced) for c in table.check_constraints
    ]
    result.indexes = [_index(i) for i in table.indexes]
    result.policies = {
        p.name: PolicyState(p.name, p.command, list(p.roles), p.permissive, p.using, p.with_check)
        for p in table.policies
    }
    result.triggers = {t.name: triggers.from_model(t) for t in table.triggers}
    result.grants = {(g.grantee, g.privilege, g.column) for g in table.grants}
    result.rls_enabled, result.rls_forced = table.rls_enabled, table.rls_forced
    result.comment, result.view_definition = table.comment, table.view_definition
    result.options = list(table.options)
    return result


def _function(function: model.Function, state: CatalogState) -> FunctionState:
    inputs = [a for a in _arguments(function.arguments) if not a.startswith("OUT ")]
    types = tuple(_argument_type(a, state) for a in inputs)
    return FunctionState(
        function.schema_,
        function.name,
        types,
        arguments=function.arguments,
        result=function.result,
        kind=function.kind,
        language=function.language,
        volatility=function.volatility,
        security_definer=function.security_definer,
        config=list(function.config),
        executable_by=set(function.executable_by),
        comment=function.comment,
        original=function,
        touched=False,
    )


def _arguments(text: str) -> list[str]:
    return [a for a in text.split(", ") if a] if text else []


def _argument_type(argument: str, state: CatalogState) -> str:
    """The type of one ``pg_get_function_identity_arguments`` entry (``[mode] [name] type``)."""
    words = argument.split(" ")
    if words[0] in ("IN", "INOUT", "VARIADIC"):
        words = words[1:]
    whole = " ".join(words)
    if parse_display(whole, state.enums).schema is None and _known(whole):
        return whole
    return " ".join(words[1:]) or whole


def _known(text: str) -> bool:
    return builtin(text.removesuffix("[]")) is not None


def _index(index: model.Index) -> IndexState:
    state = IndexState(
        name=index.name,
        elements=[IndexElement(column=c) for c in index.columns],
        method=index.method,
        unique=index.unique,
        primary=index.primary,
        include=list(index.include),
        predicate=index.predicate,
        constraint=index.constraint,
    )
    state.text = (*index.columns, index.definition or "")
    return state


def _owned_sequence(default: str | None) -> tuple[str, str] | None:
    prefix = "nextval('"
    if default is None or not default.startswith(prefix):
        return None
    name = default[len(prefix) :].split("'", 1)[0]
    schema, _, bare = name.rpartition(".")
    return (schema or "public", bare)
