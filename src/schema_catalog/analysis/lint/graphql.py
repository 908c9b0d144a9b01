"""Supabase splinter's pg_graphql lints: which objects the API roles can discover at /graphql/v1.

pg_graphql builds its introspection schema from the calling role's privileges:
an object whose columns ``anon`` (or ``authenticated``) may SELECT is listed,
with its columns and relationships, even when RLS hides every row. Splinter's
``0026``/``0027`` definitions fire only when the ``pg_graphql`` extension is
installed (a row in ``pg_extension``, which the postgres source reads into
`Catalog.extensions`); they look at tables, views, materialized views and
foreign tables outside the internal schemas, never at partitioned roots.

Where a snapshot stands in for the live check (``has_column_privilege``):
privileges come from the recorded grants (table or column, to the role or to
``PUBLIC``); privileges held only through role membership or ownership are not
recorded. Leaf partitions, folded under their root, are checked with their own
table grants (column grants on a leaf are not recorded).
"""

from __future__ import annotations

from collections.abc import Iterator

from schema_catalog.analysis import rls
from schema_catalog.analysis.lint.registry import Hit, LintContext, rule
from schema_catalog.analysis.lint.scope import queryable_tables
from schema_catalog.model import Table, TableKind

EXTENSION = "pg_graphql"
# pg_graphql's own relkind filter ('r', 'v', 'm', 'f'): partitioned roots are not exposed.
_KIND_LABELS: dict[TableKind, str] = {
    "table": "Table",
    "view": "View",
    "materialized_view": "Materialized view",
    "foreign_table": "Foreign table",
}


@rule(
    "SEC011",
    "pg_graphql_anon_table_exposed",
    "warning",
    aliases=("0026_pg_graphql_anon_table_exposed",),
)
def pg_graphql_anon_table_exposed(ctx: LintContext) -> Iterator[Hit]:
    """With pg_graphql installed, ``anon`` can see an object in the GraphQL schema.

    *Anti-pattern*: Supabase's default grants give ``anon`` SELECT on every new
    table; with ``pg_graphql`` installed, anyone holding the public anon key
    lists ``internal_api_keys``, its columns and its relationships through
    ``/graphql/v1`` introspection, even when RLS returns no rows. A SELECT
    grant on a single column is enough.

    *Best practice*: ``REVOKE SELECT ON public.internal_api_keys FROM anon``
    (and from ``PUBLIC``) for objects that should not be discoverable before
    sign-in; drop the extension if the project does not use GraphQL
    (``DROP EXTENSION pg_graphql``).
    """
    yield from _exposed(ctx, "anon", "without signing in")


@rule(
    "SEC012",
    "pg_graphql_authenticated_table_exposed",
    "warning",
    aliases=("0027_pg_graphql_authenticated_table_exposed",),
)
def pg_graphql_authenticated_table_exposed(ctx: LintContext) -> Iterator[Hit]:
    """With pg_graphql installed, ``authenticated`` can see an object in the GraphQL schema.

    *Anti-pattern*: revoking SELECT from ``anon`` only: Supabase grants
    ``authenticated`` the same default privileges, and with open sign-up any
    throwaway account still reads the object's name, columns and relationships
    through ``/graphql/v1`` introspection.

    *Best practice*: ``REVOKE SELECT ON public.internal_api_keys FROM
    authenticated`` (and from ``PUBLIC``) for objects signed-in users should not
    discover, or drop ``pg_graphql`` when GraphQL is unused.
    """
    yield from _exposed(ctx, "authenticated", "to every signed-in user")


def _graphql_installed(ctx: LintContext) -> bool:
    return any(e.name == EXTENSION for e in ctx.catalog.extensions)


def _exposed(ctx: LintContext, role: str, audience: str) -> Iterator[Hit]:
    if not _graphql_installed(ctx):
        return
    for table, page in queryable_tables(ctx, *_KIND_LABELS):
        if _selectable_column(table, role):
            yield Hit(
                table.qualified_name,
                f"{_KIND_LABELS[table.kind]} is visible in the GraphQL schema {audience}:"
                f" `{role}` can SELECT it (revoke SELECT from `{role}` and PUBLIC to hide it)",
                page,
            )


def _selectable_column(table: Table, role: str) -> bool:
    # has_column_privilege over the table's columns: a relation without columns is
    # never listed, whatever its grants.
    return bool(table.columns) and "SELECT" in rls.column_privileges(table, role)
