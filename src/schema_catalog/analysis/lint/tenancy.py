"""Tenant-aware rules, which splinter cannot express: they need to know the tenant.

They read the tenancy and RLS coverage `analyze` computed (`Table.tenancy`,
`Table.rls`), so they agree with what the pages show.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator

from schema_catalog.analysis.lint.registry import Hit, LintContext, rule
from schema_catalog.analysis.lint.scope import quoted, user_tables
from schema_catalog.analysis.tenancy import is_leading_indexed
from schema_catalog.analysis.unique_keys import is_global, unique_keys
from schema_catalog.model import RlsCoverage, Table

_TENANT = ("direct", "inherited")


def _tenant_tables(ctx: LintContext) -> Iterator[Table]:
    for table in user_tables(ctx, "table", "partitioned_table"):
        if table.tenancy.status in _TENANT:
            yield table


@rule("TEN001", "tenant_table_without_rls", "error")
def tenant_table_without_rls(ctx: LintContext) -> Iterator[Hit]:
    """A tenant-owned table (direct or inherited) has RLS disabled.

    *Anti-pattern*: ``books`` carries ``organization_id`` but has no RLS:
    nothing in the database keeps one organization's books from another's, so
    one missing ``WHERE`` in the app leaks data across tenants.

    *Best practice*: ``ALTER TABLE books ENABLE ROW LEVEL SECURITY`` and a policy
    per command that checks membership of ``organization_id``.
    """
    for table in _tenant_tables(ctx):
        if not table.rls_enabled:
            yield Hit(
                table.qualified_name,
                f"Tenant table ({table.tenancy.status}) has RLS disabled",
                table.qualified_name,
            )


@rule("TEN002", "policies_ignore_tenant_key", "warning")
def policies_ignore_tenant_key(ctx: LintContext) -> Iterator[Hit]:
    """A tenant table's policies grant a command without mentioning the tenant key or its path.

    *Anti-pattern*: ``CREATE POLICY read ON books FOR SELECT TO authenticated
    USING (published)``: every signed-in user of any organization reads every
    published book.

    *Best practice*: tie each permissive policy to the tenant, e.g.
    ``USING (organization_id IN (SELECT organization_id FROM organization_memberships
    WHERE user_id = (select auth.uid())))``; for inherited tables, through the
    foreign-key column (``book_id IN (SELECT id FROM books WHERE ...)``).
    """
    for table in _tenant_tables(ctx):
        if not table.rls_enabled:
            continue
        loose = [r for r in table.rls if r.policies and not r.tenant_scoped]
        if loose:
            yield Hit(
                table.qualified_name,
                f"{_loose_policies(loose)} without mentioning `{table.tenancy.column}`",
                table.qualified_name,
            )


def _loose_policies(rows: list[RlsCoverage]) -> str:
    """``policy `p` grants SELECT to anon; policy `q` ...``: who gets what, untied to a tenant."""
    grants: dict[str, dict[str, set[str]]] = {}
    for row in rows:
        for name in row.policies:
            grants.setdefault(name, {}).setdefault(row.command, set()).add(row.role)
    parts = []
    for name, commands in sorted(grants.items()):
        what = ", ".join(
            f"{command} to {', '.join(sorted(roles))}" for command, roles in commands.items()
        )
        parts.append(f"policy `{name}` grants {what}")
    return "; ".join(parts)


@rule("TEN003", "unscoped_table", "warning")
def unscoped_table(ctx: LintContext) -> Iterator[Hit]:
    """A table has no tenant key, no foreign-key path to a tenant, and is not declared platform-level.

    *Anti-pattern*: ``analytics_events`` with only ``user_id``: which
    organization owns a row is unknown, so neither policies nor exports can
    scope it.

    *Best practice*: add ``organization_id`` (NOT NULL, indexed, FK to the
    root), or a foreign key to a tenant table; if the table is shared by all
    tenants, list it under ``tenancy.platform`` in catalog.yml.
    """
    for table in user_tables(ctx, "table", "partitioned_table"):
        if table.tenancy.status == "unscoped":
            yield Hit(
                table.qualified_name,
                "Table is not tenant-scoped: needs audit",
                table.qualified_name,
            )


@rule("TEN004", "nullable_tenant_key", "warning")
def nullable_tenant_key(ctx: LintContext) -> Iterator[Hit]:
    """A direct tenant table allows NULL in its tenant key.

    *Anti-pattern*: ``organization_id uuid`` without NOT NULL: rows with NULL
    belong to no tenant, and ``organization_id = ...`` policies hide them from
    everyone but the service role.

    *Best practice*: ``ALTER TABLE ... ALTER COLUMN organization_id SET NOT NULL``
    (after backfilling), or declare the table platform-level.
    """
    for table in _tenant_tables(ctx):
        column = table.column(table.tenancy.column or "")
        if table.tenancy.status == "direct" and column is not None and column.nullable:
            yield Hit(
                f"{table.qualified_name}.{column.name}",
                f"Tenant key `{column.name}` is nullable",
                table.qualified_name,
            )


@rule("TEN005", "unindexed_tenant_key", "warning")
def unindexed_tenant_key(ctx: LintContext) -> Iterator[Hit]:
    """No index starts with a direct tenant table's tenant key.

    *Anti-pattern*: every policy and query filters on ``organization_id``, but
    no index leads with it: each request scans the table.

    *Best practice*: ``CREATE INDEX ON books (organization_id)`` (or make it the
    first column of a composite index the queries use).
    """
    for table in _tenant_tables(ctx):
        key = table.tenancy.column
        if table.tenancy.status == "direct" and key and not is_leading_indexed(table, key):
            yield Hit(
                f"{table.qualified_name}.{key}",
                f"No index starts with tenant key `{key}`",
                table.qualified_name,
            )


@rule("TEN006", "tenant_key_without_foreign_key", "warning")
def tenant_key_without_foreign_key(ctx: LintContext) -> Iterator[Hit]:
    """A direct tenant table's tenant key does not reference the tenant root.

    *Anti-pattern*: ``organization_id uuid NOT NULL`` with no foreign key: rows
    can point at organizations that never existed or were deleted.

    *Best practice*: ``REFERENCES organizations (id) ON DELETE CASCADE`` (or
    RESTRICT, as the data's lifecycle requires).
    """
    root = ctx.tenancy.root
    for table in _tenant_tables(ctx):
        key = table.tenancy.column
        if root is None or table.tenancy.status != "direct" or key is None:
            continue
        if not any(key in fk.columns and fk.target == root for fk in table.foreign_keys):
            yield Hit(
                f"{table.qualified_name}.{key}",
                f"Tenant key `{key}` has no foreign key to `{root}`",
                table.qualified_name,
            )


@rule("TEN007", "nullable_tenant_path", "info")
def nullable_tenant_path(ctx: LintContext) -> Iterator[Hit]:
    """An inherited table reaches its tenant through a nullable foreign key.

    *Anti-pattern*: ``course_lessons.week_id`` is nullable and is the only way
    to ``courses``: a lesson without a week belongs to no organization.

    *Best practice*: make the hop NOT NULL, or add a direct ``organization_id``.
    """
    for table in _tenant_tables(ctx):
        nullable = [h for h in table.tenancy.path if h.nullable]
        if nullable:
            hops = [f"{h.table}.{','.join(h.columns)}" for h in nullable]
            yield Hit(
                table.qualified_name,
                f"Tenant path has nullable hop(s) {quoted(hops)}",
                table.qualified_name,
            )


@rule("TEN008", "ambiguous_tenant_path", "info")
def ambiguous_tenant_path(ctx: LintContext) -> Iterator[Hit]:
    """An inherited table reaches tenants by several equally short foreign-key routes.

    *Anti-pattern*: ``citations`` references both ``books`` and
    ``content_items``: if they belong to different organizations, which one
    owns the citation?

    *Best practice*: add a direct ``organization_id`` (and check consistency
    with a constraint or trigger), or drop the redundant route.
    """
    routes_from: dict[tuple[str, int], list[tuple[str, ...]]] = {}
    for table in _tenant_tables(ctx):
        if table.tenancy.routes > 1 and table.tenancy.status == "inherited":
            # one more than shown: whether to say there are more
            routes = shortest_routes(ctx, table, _ROUTES_SHOWN + 1, routes_from)
            yield Hit(
                table.qualified_name,
                f"{table.tenancy.routes} equally short routes to a tenant: "
                + "; ".join(" → ".join(route) for route in routes[:_ROUTES_SHOWN])
                + (" …" if len(routes) > _ROUTES_SHOWN else ""),
                table.qualified_name,
            )


_ROUTES_SHOWN = 4


def shortest_routes(
    ctx: LintContext,
    table: Table,
    limit: int,
    routes_from: dict[tuple[str, int], list[tuple[str, ...]]] | None = None,
) -> list[tuple[str, ...]]:
    """The first ``limit``, in order, of the foreign-key routes as long as the table's
    tenancy path to a direct table or root.

    Each route reads ``table.column → table.column → … → tenant table``. The routes
    from a table in so many steps are kept in ``routes_from`` (shared by the tables of
    one lint run, with one ``limit``): tables of one tree share their parents' routes,
    and walking them again for every child made the rule the slowest pass at 2,000
    tables. Only the first ``limit`` are kept: the first routes from a table start
    with the first routes from the tables it references, and the number of routes
    multiplies at every level (`Tenancy.routes` counts them).
    """
    memo = {} if routes_from is None else routes_from

    def walk(current: Table, steps_left: int) -> list[tuple[str, ...]]:
        key = (current.qualified_name, steps_left)
        if key in memo:
            return memo[key]
        found: list[tuple[str, ...]] = []
        if steps_left == 0:
            if current.tenancy.status in ("direct", "tenant_root"):
                found.append((current.qualified_name,))
        else:
            for fk in current.foreign_keys:
                target = ctx.catalog.table(fk.target)
                if target is None or target is current or target.tenancy.status == "platform":
                    continue
                step = f"{current.name}.{','.join(fk.columns)}"
                found += [(step, *rest) for rest in walk(target, steps_left - 1)]
        memo[key] = heapq.nsmallest(limit, found)
        return memo[key]

    return walk(table, len(table.tenancy.path))


@rule("TEN009", "unique_without_tenant_key", "warning")
def unique_without_tenant_key(ctx: LintContext) -> Iterator[Hit]:
    """A UNIQUE constraint or index on a tenant table leaves out the tenant key.

    *Anti-pattern*: ``UNIQUE (slug)`` on ``projects``, which carries
    ``organization_id``: two organizations cannot both have a project called
    ``roadmap``, and the error one of them gets tells it the other exists (a
    cross-tenant oracle). For inherited tables the key is the column that leads to
    the tenant (``project_id``).

    A unique that includes a key to another tenant-owned row (``UNIQUE (book_id,
    author_id)``) is scoped through that row and passes.

    *Best practice*: ``UNIQUE (organization_id, slug)``. Where a value must be
    unique across tenants on purpose (an invitation token, a public handle, an
    external id), say so in catalog.yml, per table: ``tenancy: {global_unique:
    {invitations: [token], accounts: [handle, [provider, external_id]], api_keys: all}}``
    (each item a column or a list of columns); the table page notes it.
    """
    for table in _tenant_tables(ctx):
        scope = {c.lower() for c in _scope(table)}
        if not scope:
            continue
        # a key to another tenant-owned row (`book_id`) scopes the value as well
        scoping = scope | {c.lower() for c in _tenant_references(ctx, table)}
        declared = ctx.tenancy.global_unique.get(table.qualified_name)
        for name, columns in unique_keys(table):
            if not scoping & {c.lower() for c in columns} and not is_global(declared, columns):
                yield Hit(
                    f"{table.qualified_name}.{name}",
                    f"Unique {quoted(list(columns))} leaves out the tenant key {quoted(sorted(scope))}",
                    table.qualified_name,
                )


def _scope(table: Table) -> tuple[str, ...]:
    if table.tenancy.status == "direct" and table.tenancy.column:
        return (table.tenancy.column,)
    return table.tenancy.path[0].columns if table.tenancy.path else ()


def _tenant_references(ctx: LintContext, table: Table) -> set[str]:
    """Columns of single-column foreign keys into tenant-owned tables (or the root)."""
    found = set()
    for fk in table.foreign_keys:
        target = ctx.catalog.table(f"{fk.ref_schema}.{fk.ref_table}")
        owned = target is not None and target.tenancy.status in ("tenant_root", *_TENANT)
        if owned and len(fk.columns) == 1:
            found.add(fk.columns[0])
    return found
