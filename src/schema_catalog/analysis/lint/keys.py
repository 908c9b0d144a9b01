"""Rules about keys and indexes: primary keys, covering indexes, duplicates, auth FKs."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from schema_catalog.analysis.lint.registry import Hit, LintContext, rule
from schema_catalog.analysis.lint.scope import user_tables
from schema_catalog.model import Index, Table


@rule(
    "KEY001",
    "unindexed_foreign_keys",
    "info",
    aliases=("0001_unindexed_foreign_keys", "foreign_key_without_index"),
)
def unindexed_foreign_keys(ctx: LintContext) -> Iterator[Hit]:
    """A foreign key has no index whose leading columns are exactly its columns.

    *Anti-pattern*: ``book_chapters.book_id`` references ``books`` with no index
    starting with ``book_id``: deleting a book, or joining chapters to their book,
    scans the whole child table.

    *Best practice*: ``CREATE INDEX ON book_chapters (book_id)`` (an index whose
    first columns are the key's columns, in order, covers it; so does the
    primary key or a unique constraint starting with them).
    """
    for table in user_tables(ctx):
        leading = _leading_columns(table)
        bare = [
            f"`{fk.name}` ({', '.join(fk.columns)})"
            for fk in table.foreign_keys
            if not any(cols[: len(fk.columns)] == fk.columns for cols in leading)
        ]
        if bare:
            # One finding per table, listing its keys: one fix (a migration) per table.
            noun = "Foreign key" if len(bare) == 1 else f"{len(bare)} foreign keys"
            yield Hit(
                table.qualified_name,
                f"{noun} of `{table.qualified_name}` without a covering index: {', '.join(bare)}",
                table.qualified_name,
            )


def _leading_columns(table: Table) -> list[tuple[str, ...]]:
    # Splinter reads pg_index, which holds the primary key and unique constraint indexes;
    # a Drizzle or migration view may list those as constraints only.
    found = [i.columns for i in table.indexes if i.valid]
    found += [u.columns for u in table.unique_constraints]
    if table.primary_key:
        found.append(table.primary_key.columns)
    return found


@rule(
    "KEY002", "no_primary_key", "info", aliases=("0004_no_primary_key", "table_without_primary_key")
)
def no_primary_key(ctx: LintContext) -> Iterator[Hit]:
    """A table has no primary key.

    *Anti-pattern*: ``CREATE TABLE events (payload jsonb)``: rows cannot be
    addressed one by one, logical replication cannot update or delete them, and
    tools (PostgREST, Drizzle) cannot identify a row.

    *Best practice*: give every table a primary key, e.g.
    ``id uuid PRIMARY KEY DEFAULT gen_random_uuid()`` or a composite key on a
    junction table.
    """
    # Splinter looks at regular tables only (relkind 'r'): partitioned parents are skipped.
    for table in user_tables(ctx, "table"):
        if table.primary_key is None and not any(i.primary for i in table.indexes):
            yield Hit(table.qualified_name, "Table has no primary key", table.qualified_name)


@rule("KEY003", "duplicate_index", "warning", aliases=("0009_duplicate_index",))
def duplicate_index(ctx: LintContext) -> Iterator[Hit]:
    """Two or more indexes on a table are identical.

    *Anti-pattern*: ``CREATE INDEX a ON books (slug); CREATE INDEX b ON books (slug);``:
    every write maintains both, and the planner uses one.

    *Best practice*: drop all but one (keep the one backing a constraint).
    """
    for table in user_tables(ctx, "table", "materialized_view"):
        groups: dict[tuple[object, ...], list[str]] = defaultdict(list)
        for index in table.indexes:
            groups[_index_identity(index)].append(index.name)
        for names in sorted(sorted(n) for n in groups.values() if len(n) > 1):
            yield Hit(
                table.qualified_name,
                f"Identical indexes {', '.join(f'`{n}`' for n in names)}: drop all but one",
                table.qualified_name,
            )


def _index_identity(index: Index) -> tuple[object, ...]:
    # Splinter groups by the CREATE INDEX text with the index name removed.
    if index.definition:
        return ("definition", index.definition.replace(f" {index.name} ", " ", 1))
    return (index.unique, index.method, index.columns, index.include, index.predicate)


@rule("KEY004", "invalid_index", "warning")
def invalid_index(ctx: LintContext) -> Iterator[Hit]:
    """An index is marked invalid (``pg_index.indisvalid = false``).

    *Anti-pattern*: a ``CREATE INDEX CONCURRENTLY`` that failed or was cancelled
    leaves an invalid index behind: writes still maintain it, queries never use
    it, and a unique one still rejects rows.

    *Best practice*: ``DROP INDEX CONCURRENTLY`` it and create it again, or
    ``REINDEX INDEX CONCURRENTLY``.
    """
    for table in user_tables(ctx):
        for index in table.indexes:
            if not index.valid:
                yield Hit(
                    f"{table.qualified_name}.{index.name}",
                    f"Index `{index.name}` is invalid: queries never use it",
                    table.qualified_name,
                )


@rule("KEY005", "fkey_to_auth_unique", "error", aliases=("0021_fkey_to_auth_unique",))
def fkey_to_auth_unique(ctx: LintContext) -> Iterator[Hit]:
    """A foreign key references a unique constraint (not the primary key) in the ``auth`` schema.

    *Anti-pattern*: ``REFERENCES auth.users (email)``: Supabase Auth owns its
    unique constraints and may change or drop them in an upgrade, which then
    fails or breaks the key.

    *Best practice*: reference ``auth.users (id)``, the primary key, or drop the
    foreign key and keep the value as plain data.
    """
    for table in ctx.catalog.tables:
        for fk in table.foreign_keys:
            if fk.ref_schema == "auth" and fk.ref_columns != _auth_primary_key(ctx, fk.ref_table):
                yield Hit(
                    table.qualified_name,
                    f"Foreign key `{fk.name}` references `auth.{fk.ref_table}` "
                    f"({', '.join(fk.ref_columns)}), a unique constraint Supabase Auth owns",
                    table.qualified_name,
                )


def _auth_primary_key(ctx: LintContext, name: str) -> tuple[str, ...]:
    # The auth schema is rarely documented; every Supabase Auth table's primary key is `id`.
    table = ctx.catalog.table(f"auth.{name}")
    if table is not None and table.primary_key is not None:
        return table.primary_key.columns
    return ("id",)
