"""Which objects the rules look at, as splinter scopes its lints.

Splinter skips Supabase's and extensions' internal schemas; catalog sources
already skip extension-owned objects. Splinter's API rules also require the
schema to be exposed by PostgREST (``pgrst.db_schemas``), a server setting a
snapshot does not hold: every documented schema outside that internal list
counts as exposed (on Supabase, ``public`` is; documenting a schema usually
means it matters).
"""

from __future__ import annotations

from collections.abc import Iterator

from schema_catalog.analysis.lint.registry import LintContext
from schema_catalog.model import Table, TableKind

INTERNAL_SCHEMAS = frozenset(
    [
        "_timescaledb_cache",
        "_timescaledb_catalog",
        "_timescaledb_config",
        "_timescaledb_internal",
        "auth",
        "cron",
        "extensions",
        "graphql",
        "graphql_public",
        "information_schema",
        "net",
        "pgmq",
        "pgroonga",
        "pgsodium",
        "pgsodium_masks",
        "pgtle",
        "pgbouncer",
        "pg_catalog",
        "realtime",
        "repack",
        "storage",
        "supabase_functions",
        "supabase_migrations",
        "tiger",
        "topology",
        "vault",
    ]
)


def user_tables(ctx: LintContext, *kinds: TableKind) -> Iterator[Table]:
    """Tables outside the internal schemas, of the given kinds (all kinds when none given)."""
    for table in ctx.catalog.tables:
        if table.schema_ not in INTERNAL_SCHEMAS and (not kinds or table.kind in kinds):
            yield table


def queryable_tables(ctx: LintContext, *kinds: TableKind) -> Iterator[tuple[Table, str]]:
    """``(relation, the table its findings belong to)`` for every relation a client can
    query by name: `user_tables`, plus the leaf partitions folded under partitioned
    ones. A leaf keeps its root's columns, but RLS flag, grants and policies are its
    own (none of the root's apply when the leaf is queried directly)."""
    for table in user_tables(ctx):
        if not kinds or table.kind in kinds:
            yield table, table.qualified_name
        for leaf in table.leaf_partitions:
            schema, _, name = leaf.name.partition(".")
            if schema in INTERNAL_SCHEMAS or (kinds and leaf.kind not in kinds):
                continue
            relation = table.model_copy(
                update={
                    "schema_": schema,
                    "name": name,
                    "kind": leaf.kind,
                    "rls_enabled": leaf.rls_enabled,
                    "grants": leaf.grants,
                    "policies": (),
                    "partitions": (),
                    "leaf_partitions": (),
                }
            )
            yield relation, table.qualified_name


def exposed_schema(schema: str) -> bool:
    return schema not in INTERNAL_SCHEMAS


def quoted(items: list[str] | tuple[str, ...]) -> str:
    return ", ".join(f"`{item}`" for item in items)
