"""Renames and drops that ripple through the replayed catalog.

PostgreSQL stores references by OID, so a renamed table or column shows under
its new name everywhere (foreign keys of other tables, CHECKs, policies, index
expressions), while names *derived* from the old one (``books_pkey``,
``books_id_seq``) stay as they are. Stored parse trees are rewritten in place
so that printing them later gives the new names.
"""

from __future__ import annotations

import re

from pglast import ast

from schema_catalog.pg import names
from schema_catalog.pg.quoting import quote_ident
from schema_catalog.sources.migrations.lookups import stored_expressions, walk
from schema_catalog.sources.migrations.state import (
    CatalogState,
    EnumState,
    IndexState,
    Stored,
    TableState,
    is_node,
)
from schema_catalog.sources.migrations.tables import column_refs


def _pin_not_null_names(table: TableState, column: str | None = None) -> None:
    """A rename keeps the NOT NULL constraints' names (PostgreSQL 18 names them
    ``<table>_<column>_not_null`` once, at creation): pin them before the rename."""
    for state in table.columns.values():
        if state.not_null and state.not_null_name is None and column in (None, state.name):
            state.not_null_name = names.not_null_name(table.name, state.name)


def rename_table(catalog: CatalogState, table: TableState, new: str) -> None:
    old = table.name
    _pin_not_null_names(table)
    del catalog.tables[table.key]
    table.name = new
    catalog.tables[table.key] = table
    on_old = f" ON {quote_ident(table.schema)}.{quote_ident(old)} "
    on_new = f" ON {quote_ident(table.schema)}.{quote_ident(new)} "
    for index in table.indexes:
        if index.text is not None:
            index.text = (*index.text[:-1], index.text[-1].replace(on_old, on_new, 1))
    for trigger in table.triggers.values():
        if trigger.text is not None:
            trigger.text = trigger.text.replace(on_old, on_new, 1)
    for other in catalog.tables.values():
        for fk in other.foreign_keys:
            if (fk.ref_schema, fk.ref_table) == (table.schema, old):
                fk.ref_table = new
        for stored in stored_expressions(other):
            _rewrite_relation(stored, old, new)
            catalog.tables.forget(stored)  # its qualifiers may have changed


def rename_column(catalog: CatalogState, table: TableState, old: str, new: str) -> None:
    if old not in table.columns:
        return
    _pin_not_null_names(table, old)
    table.columns = {(new if k == old else k): c for k, c in table.columns.items()}
    table.columns[new].name = new
    keys = [table.primary_key] if table.primary_key else []
    for key in [*keys, *table.uniques, *table.exclusions]:
        key.columns = [new if c == old else c for c in key.columns]
    for fk in table.foreign_keys:
        fk.columns = [new if c == old else c for c in fk.columns]
    for index in table.indexes:
        for element in index.elements:
            element.column = new if element.column == old else element.column
        index.include = [new if c == old else c for c in index.include]
        if index.text is not None:
            index.text = tuple(_replace_word(t, old, new) for t in index.text)
        if isinstance(index.predicate, str):
            index.predicate = _replace_word(index.predicate, old, new)
    for trigger in table.triggers.values():
        trigger.columns = [new if c == old else c for c in trigger.columns]
        if trigger.text is not None:
            trigger.text = _replace_word(trigger.text, old, new)
        if trigger.when is not None and not isinstance(trigger.when, str):
            for row in ("old", "new"):  # WHEN names columns through the row variables
                _rewrite_column(trigger.when, row, old, new, unqualified=False)
    for other in catalog.tables.referring_to(table.key):
        for fk in other.foreign_keys:
            if (fk.ref_schema, fk.ref_table) == table.key:
                fk.ref_columns = [new if c == old else c for c in fk.ref_columns]
    # Its own expressions name the column bare or qualified; other tables' only as
    # ``table.column`` (in a subquery), found by the index rather than by walking them all.
    _rewrite_columns(catalog, table, table.name, old, new, unqualified=True)
    for other in catalog.tables.naming(table.name, old):
        if other is not table:
            _rewrite_columns(catalog, other, table.name, old, new, unqualified=False)


def _rewrite_columns(
    catalog: CatalogState, holder: TableState, table: str, old: str, new: str, *, unqualified: bool
) -> None:
    """Rename column ``old`` of ``table`` in the stored expressions of ``holder``."""
    for stored in stored_expressions(holder):
        if old in catalog.tables.mentions(stored).columns:
            _rewrite_column(stored, table, old, new, unqualified=unqualified)
            catalog.tables.forget(stored)


def drop_column(catalog: CatalogState, table: TableState, name: str) -> None:
    """Drop a column with everything of its table that uses it, as the server does."""
    del table.columns[name]
    if table.primary_key and name in table.primary_key.columns:
        drop_constraint(table, table.primary_key.name)
    for key in [k for k in [*table.uniques, *table.exclusions] if name in k.columns]:
        drop_constraint(table, key.name)
    table.foreign_keys = [f for f in table.foreign_keys if name not in f.columns]
    table.checks = [c for c in table.checks if name not in set(column_refs(c.expr))]
    table.indexes = [i for i in table.indexes if not _index_uses(i, name)]
    # With CASCADE the server also drops policies and other tables' FKs on the column.
    table.policies = {
        k: p
        for k, p in table.policies.items()
        if name not in {*column_refs(p.using), *column_refs(p.with_check)}
    }
    for other in catalog.tables.referring_to(table.key):
        other.foreign_keys = [
            f
            for f in other.foreign_keys
            if not ((f.ref_schema, f.ref_table) == table.key and name in f.ref_columns)
        ]
    for sequence, owner in list(catalog.sequences.items()):
        if owner == table.key and sequence[1].endswith(f"_{name}_seq"):
            del catalog.sequences[sequence]


def drop_constraint(table: TableState, name: str) -> bool:
    """Remove constraint ``name`` (and the index it owns); False when there is none."""
    before = _count(table)
    if table.primary_key and table.primary_key.name == name:
        table.primary_key = None
    table.uniques = [k for k in table.uniques if k.name != name]
    table.exclusions = [k for k in table.exclusions if k.name != name]
    table.foreign_keys = [f for f in table.foreign_keys if f.name != name]
    table.checks = [c for c in table.checks if c.name != name]
    table.indexes = [i for i in table.indexes if i.constraint != name]
    dropped_not_null = False
    for column in table.columns.values():
        if column.not_null and name == (
            column.not_null_name or names.not_null_name(table.name, column.name)
        ):
            column.not_null, column.not_null_name = False, None
            dropped_not_null = True
    return dropped_not_null or _count(table) != before


def rename_constraint(table: TableState, old: str, new: str) -> None:
    """A constraint rename also renames the index it owns (and vice versa)."""
    for item in [
        table.primary_key,
        *table.uniques,
        *table.exclusions,
        *table.foreign_keys,
        *table.checks,
    ]:
        if item is not None and item.name == old:
            item.name = new
    for index in table.indexes:
        if index.constraint == old:
            index.name, index.constraint = new, new
            if index.text is not None:
                renamed = index.text[-1].replace(
                    f"INDEX {quote_ident(old)} ON", f"INDEX {quote_ident(new)} ON", 1
                )
                index.text = (*index.text[:-1], renamed)


def rename_index(catalog: CatalogState, schema: str | None, old: str, new: str) -> None:
    found = catalog.find_index(schema, old)
    if found is None:
        return
    table, index = found
    table.touched = True
    if index.constraint is not None:
        rename_constraint(table, index.constraint, new)
    if index.text is not None:
        definition = index.text[-1].replace(
            f"INDEX {quote_ident(old)} ON", f"INDEX {quote_ident(new)} ON", 1
        )
        index.text = (*index.text[:-1], definition)
    index.name = new


def rename_enum(catalog: CatalogState, enum: EnumState, new: str) -> None:
    del catalog.enums[(enum.schema, enum.name)]
    old = enum.name
    enum.name, enum.touched = new, True
    catalog.enums[(enum.schema, new)] = enum
    for table in catalog.tables.values():
        for column in table.columns.values():
            if column.type.enum and (column.type.schema, column.type.name) == (enum.schema, old):
                from dataclasses import replace

                column.type = replace(column.type, name=new)
                table.touched = True


def _replace_word(text: str, old: str, new: str) -> str:
    """Rename an identifier in text from the live catalog (outside string literals)."""
    parts = re.split(r"('(?:[^']|'')*')", text)
    pattern = re.compile(rf'(?<![\w."]){re.escape(quote_ident(old))}(?![\w"])')
    replacement = quote_ident(new)
    return "".join(
        p if i % 2 else pattern.sub(lambda _: replacement, p) for i, p in enumerate(parts)
    )


def _count(table: TableState) -> int:
    keys = 1 if table.primary_key else 0
    return (
        keys
        + len(table.uniques)
        + len(table.exclusions)
        + len(table.foreign_keys)
        + len(table.checks)
    )


def _index_uses(index: IndexState, column: str) -> bool:
    if any(e.column == column or column in set(column_refs(e.expr)) for e in index.elements):
        return True
    return column in index.include or column in set(column_refs(index.predicate))


def _rewrite_column(stored: Stored, table: str, old: str, new: str, *, unqualified: bool) -> None:
    for node in walk(stored):
        if not is_node(node, ast.ColumnRef):
            continue
        parts = [getattr(f, "sval", None) for f in node.fields]
        if parts[-1] != old:
            continue
        qualifier = parts[-2] if len(parts) > 1 else None
        if (qualifier is None and unqualified) or qualifier == table:
            node.fields = (*node.fields[:-1], ast.String(sval=new))


def _rewrite_relation(stored: Stored, old: str, new: str) -> None:
    for node in walk(stored):
        if is_node(node, ast.RangeVar) and node.relname == old:
            node.relname = new
        elif is_node(node, ast.ColumnRef) and len(node.fields) > 1:
            qualifier = getattr(node.fields[-2], "sval", None)
            if qualifier == old:
                fields = list(node.fields)
                fields[-2] = ast.String(sval=new)
                node.fields = tuple(fields)
