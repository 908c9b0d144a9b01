"""Grants gate Supabase's Data API as much as RLS does.

Since 2026-10-30, Supabase no longer grants new tables in ``public`` to ``anon``,
``authenticated`` and ``service_role`` by default. A table is reachable through
the Data API only when the role holds the privilege *and* RLS lets the row
through, so each half can fail alone:

* granted to an API role with RLS off: every row leaks (`api_grant_without_rls`);
* RLS on with policies for an API role, but no grant: the client silently gets
  nothing, or ``permission denied`` (`policy_without_api_grant`).

Privileges are read as ``has_table_privilege`` would from the recorded grants
(table or column, to the role or to ``PUBLIC``). Drizzle declares no grants, so
tables known only from Drizzle are not judged.
"""

from __future__ import annotations

from collections.abc import Iterator

from schema_catalog.analysis import rls
from schema_catalog.analysis.lint.registry import Hit, LintContext, rule
from schema_catalog.analysis.lint.scope import exposed_schema, queryable_tables
from schema_catalog.model import API_ROLES, Table


@rule("GRT001", "api_grant_without_rls", "error")
def api_grant_without_rls(ctx: LintContext) -> Iterator[Hit]:
    """``anon`` or ``authenticated`` holds a privilege on a table whose RLS is off.

    *Anti-pattern*: ``GRANT SELECT, INSERT ON invoices TO authenticated`` on a
    table without RLS: any signed-in user reads and writes every organization's
    invoices through the Data API (``anon`` likewise, with only the public key).

    *Best practice*: ``ALTER TABLE invoices ENABLE ROW LEVEL SECURITY`` and write
    the policies each granted command needs, or revoke the grant.
    """
    for table, page in queryable_tables(ctx, "table", "partitioned_table"):
        if table.rls_enabled or not exposed_schema(table.schema_) or not _grants_known(table):
            continue
        held = {role: sorted(rls.column_privileges(table, role)) for role in API_ROLES}
        said = [f"`{role}` holds {', '.join(p)}" for role, p in held.items() if p]
        if said:
            yield Hit(
                table.qualified_name,
                f"RLS is disabled and {'; '.join(said)}: every row is reachable",
                page,
            )


@rule("GRT002", "policy_without_api_grant", "warning")
def policy_without_api_grant(ctx: LintContext) -> Iterator[Hit]:
    """RLS is on and a policy admits ``anon`` or ``authenticated``, who hold no grant for it.

    *Anti-pattern*: a table created after Supabase stopped granting new tables to
    the API roles (2026-10-30), with RLS and ``CREATE POLICY read_own ... FOR
    SELECT TO authenticated``, but no ``GRANT SELECT``: the policy never runs,
    and the client gets ``permission denied`` (or an empty embed) instead of its
    rows.

    *Best practice*: ``GRANT SELECT ON ... TO authenticated`` (each command the
    policies are for), or drop the policies the API roles are not meant to use.
    """
    for table, page in queryable_tables(ctx, "table", "partitioned_table"):
        if not table.rls_enabled or not exposed_schema(table.schema_) or not _grants_known(table):
            continue
        missing = [
            f"`{role}` {command}"
            for role in API_ROLES
            for command in rls.COMMANDS
            if rls.permissive_for(table, command, role)
            and command not in rls.column_privileges(table, role)
        ]
        if missing:
            yield Hit(
                table.qualified_name,
                f"Policies admit {', '.join(missing)} without a grant: the client gets nothing",
                page,
            )


# Sources whose tables carry grants: SQL replayed, or the live catalog. Drizzle has none.
_GRANTING_SOURCES = frozenset(["database", "migrations", "supabase_schemas"])


def _grants_known(table: Table) -> bool:
    return bool(_GRANTING_SOURCES & set(table.presence))
