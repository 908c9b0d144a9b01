"""Rules about what policies say: who they are for, what they trust, what they cost.

Expressions are read from their parse tree (pglast, PostgreSQL's own grammar), so
a column inside a sub-select belongs to that sub-select, not to the table.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from pglast import ast
from pglast.visitors import Skip, Visitor

from schema_catalog.analysis import access, rls
from schema_catalog.analysis.lint.expressions import expression_tree
from schema_catalog.analysis.lint.registry import Hit, LintContext, rule
from schema_catalog.analysis.lint.scope import quoted, user_tables
from schema_catalog.analysis.tenancy import is_leading_indexed
from schema_catalog.model import Policy, Table

_WRITES = ("INSERT", "UPDATE", "DELETE")
_AUTH_EMAIL = re.compile(r"\bauth\s*\.\s*email\s*\(\s*\)", re.IGNORECASE)
# Supabase roles that bypass RLS, for snapshots that carry no role list.
_BYPASS_ROLES = frozenset({"postgres", "service_role", "supabase_admin"})


@rule("POL001", "anon_write_policy", "warning")
def anon_write_policy(ctx: LintContext) -> Iterator[Hit]:
    """A permissive policy lets ``anon`` (signed-out visitors) insert, update or delete rows.

    *Anti-pattern*: ``CREATE POLICY add ON comments FOR INSERT TO anon WITH CHECK
    (true)``: anyone holding the public anon key writes rows, with no user to hold
    to account. (A policy ``TO public`` counts when ``anon`` also holds the write
    grant, since it then applies to ``anon`` too.)

    *Best practice*: give write policies to ``authenticated`` and tie them to
    ``(select auth.uid())``; take anonymous input through an Edge Function or a
    SECURITY DEFINER function that validates it.
    """
    for table in user_tables(ctx, "table", "partitioned_table"):
        if not table.rls_enabled:
            continue
        anon_grants = rls.privileges(table, "anon")
        for policy in table.policies:
            commands = _write_commands(policy)
            explicit = "anon" in policy.roles
            via_public = any(rls.is_public(r) for r in policy.roles) and commands & anon_grants
            if policy.permissive and commands and (explicit or via_public):
                yield Hit(
                    table.qualified_name,
                    f"Policy `{policy.name}` lets `anon` {', '.join(sorted(commands))}",
                    table.qualified_name,
                )


def _write_commands(policy: Policy) -> set[str]:
    command: str = policy.command
    wanted = set(_WRITES) if command == "ALL" else {command} & set(_WRITES)
    return {c for c in wanted if access.admits(policy, c)}


@rule("POL002", "auth_email_in_policy", "warning")
def auth_email_in_policy(ctx: LintContext) -> Iterator[Hit]:
    """A policy decides on ``auth.email()``.

    *Anti-pattern*: ``USING (owner_email = auth.email())``: an address changes,
    is reused after an account is deleted, and with some sign-in providers is not
    verified; the policy then grants another person's rows. ``auth.email()`` is
    also deprecated in favour of reading the JWT.

    *Best practice*: key rows on the user id: ``USING (owner_id = (select
    auth.uid()))``.
    """
    for table in user_tables(ctx):
        for policy in table.policies:
            if any(text and _AUTH_EMAIL.search(text) for text in (policy.using, policy.with_check)):
                yield Hit(
                    table.qualified_name,
                    f"Policy `{policy.name}` decides on auth.email()",
                    table.qualified_name,
                )


@rule("POL003", "policy_for_rls_bypassing_role", "warning")
def policy_for_rls_bypassing_role(ctx: LintContext) -> Iterator[Hit]:
    """A policy is written for a role that bypasses RLS, such as ``service_role``.

    *Anti-pattern*: ``CREATE POLICY admin_all ON notes TO service_role USING
    (true)``: ``service_role`` has BYPASSRLS, so the policy is never consulted. It
    suggests the role is limited by policies when it is not, and hides what the
    table really allows.

    *Best practice*: drop the policy; limit what ``service_role`` may do by grants,
    or use a role without BYPASSRLS.
    """
    bypass = _bypassing_roles(ctx)
    for table in user_tables(ctx):
        for policy in table.policies:
            named = sorted(set(policy.roles) & bypass)
            if named:
                yield Hit(
                    table.qualified_name,
                    f"Policy `{policy.name}` is for {quoted(named)}, which bypasses RLS:"
                    " it has no effect",
                    table.qualified_name,
                )


def _bypassing_roles(ctx: LintContext) -> set[str]:
    if ctx.catalog.roles:
        return {r.name for r in ctx.catalog.roles if r.bypass_rls or r.superuser}
    return set(_BYPASS_ROLES)


@rule("POL004", "policy_column_unindexed", "info")
def policy_column_unindexed(ctx: LintContext) -> Iterator[Hit]:
    """A column a policy filters the table on leads no index.

    *Anti-pattern*: ``USING (owner_id = (select auth.uid()))`` on a large
    ``documents`` table with no index on ``owner_id``: every query through the API
    scans the whole table to apply the policy. The tenant-key rule covers only the
    tenant key; this one covers every column a policy compares.

    *Best practice*: ``CREATE INDEX ON documents (owner_id)`` (or a composite index
    that starts with it) for each column the policies filter on.
    """
    for table in user_tables(ctx, "table", "partitioned_table"):
        if not table.rls_enabled:
            continue
        for column in sorted(_policy_columns(table)):
            if not is_leading_indexed(table, column):
                yield Hit(
                    f"{table.qualified_name}.{column}",
                    f"Policies filter on `{column}`, which leads no index",
                    table.qualified_name,
                )


def _policy_columns(table: Table) -> set[str]:
    names = {c.name for c in table.columns if c.name_resolved}  # a label names no column
    found: set[str] = set()
    for policy in table.policies:
        for text in (policy.using, policy.with_check):
            found |= filtered_columns(text, table.name) & names
    return found


def filtered_columns(text: str | None, table: str) -> set[str]:
    """Columns of the policy's own table an expression reads, outside any sub-select."""
    if not text:
        return set()
    found: set[str] = set()
    for parts in column_references(text):
        if len(parts) == 1 and parts[0]:
            found.add(parts[0])
        elif len(parts) == 2 and parts[0] == table and parts[1]:
            found.add(parts[1])
    return found


@lru_cache(maxsize=8192)  # one tenant policy on every table: the same few texts
def column_references(text: str) -> tuple[tuple[str | None, ...], ...]:
    """The name parts of every column reference outside sub-selects, once per text
    (walking a pglast tree costs far more than filtering its references per table)."""
    tree = expression_tree(text)
    if tree is None:
        return ()
    finder = _ColumnRefs()
    finder(tree)
    return tuple(finder.found)


class _ColumnRefs(Visitor):
    """Column references outside sub-selects, as their name parts."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str | None, ...]] = []

    # pglast dispatches on visit_<NodeName>
    def visit_SubLink(self, _ancestors: object, _node: ast.SubLink) -> object:  # noqa: N802
        return Skip

    def visit_ColumnRef(self, _ancestors: object, node: ast.ColumnRef) -> None:  # noqa: N802
        self.found.append(tuple(getattr(f, "sval", None) for f in node.fields or ()))
