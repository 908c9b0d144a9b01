"""Row level security: who may run which command, and whether tenants are enforced.

For each table with RLS on (or with policies), coverage is listed per command
(SELECT, INSERT, UPDATE, DELETE) × role: Supabase's ``anon`` and
``authenticated`` plus every role a policy names (``public`` applies to all).
A role is covered by the *permissive* policies that apply to it; *restrictive*
policies only narrow access (a row must pass every one of them as well), so
they never grant, and are listed beside the permissive ones. ``tenant_scoped``
says whether a permissive policy, or a restrictive one narrowing a granted
cell, mentions the tenant key (direct tables), the column that starts the FK
path (inherited), or the key's counterpart ``id`` (the root) in USING or WITH
CHECK.

Grants answer the other half: what ``anon`` / ``authenticated`` can reach,
directly or through ``PUBLIC``; `privileges` mirrors ``has_table_privilege``
(table-level grants only, as PostgreSQL's function does).
"""

from __future__ import annotations

from schema_catalog.analysis.normalize import identifiers
from schema_catalog.model import API_ROLES, Policy, RlsCoverage, Table, Tenancy

COMMANDS = ("SELECT", "INSERT", "UPDATE", "DELETE")


def coverage(table: Table, tenancy: Tenancy) -> tuple[RlsCoverage, ...]:
    """RLS coverage rows, sorted by command then role; empty when RLS plays no part."""
    if not table.rls_enabled and not table.policies:
        return ()
    scope = scope_columns(table, tenancy)
    rows = []
    for command in COMMANDS:
        for role in policy_roles(table):
            granting = permissive_for(table, command, role)
            narrowing = restrictive_for(table, command, role)
            scoping = granting + narrowing if granting else []
            rows.append(
                RlsCoverage(
                    command=command,
                    role=role,
                    policies=tuple(sorted(p.name for p in granting)),
                    restrictive=tuple(sorted(p.name for p in narrowing)),
                    tenant_scoped=any(mentions(p, scope) for p in scoping),
                )
            )
    return tuple(rows)


def policy_roles(table: Table) -> list[str]:
    """The API roles plus every role a policy names (``public`` stands for all of them)."""
    named = {r for p in table.policies for r in p.roles if not is_public(r)}
    return sorted(named | set(API_ROLES))


def applies(policy: Policy, command: str, role: str) -> bool:
    if policy.command not in ("ALL", command):
        return False
    return any(is_public(r) or r == role for r in policy.roles)


def permissive_for(table: Table, command: str, role: str) -> list[Policy]:
    return [p for p in table.policies if p.permissive and applies(p, command, role)]


def restrictive_for(table: Table, command: str, role: str) -> list[Policy]:
    return [p for p in table.policies if not p.permissive and applies(p, command, role)]


def is_public(role: str) -> bool:
    return role.lower() == "public"


def scope_columns(table: Table, tenancy: Tenancy) -> set[str]:
    """Columns whose mention in a policy ties rows to a tenant."""
    if tenancy.status == "direct" and tenancy.column:
        return {tenancy.column.lower()}
    if tenancy.status == "inherited" and tenancy.path:
        return {c.lower() for c in tenancy.path[0].columns}
    if tenancy.status == "tenant_root" and table.primary_key:
        return {c.lower() for c in table.primary_key.columns}
    return set()


def mentions(policy: Policy, columns: set[str]) -> bool:
    said = identifiers(policy.using) | identifiers(policy.with_check)
    return bool(columns & said)


def privileges(table: Table, role: str) -> set[str]:
    """Table-level privileges (`Table.privileges`: ``has_table_privilege``)."""
    return table.privileges(role)


def column_privileges(table: Table, role: str) -> set[str]:
    """Privileges on some column or the whole table (`Table.column_privileges`)."""
    return table.column_privileges(role)


def selectable_by_api(table: Table) -> list[str]:
    """API roles that may SELECT the table (``has_table_privilege`` on anon, authenticated)."""
    return [role for role in API_ROLES if "SELECT" in privileges(table, role)]
