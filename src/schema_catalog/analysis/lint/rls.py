"""Rules about row level security: policies, their cost, and what they really allow."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from pglast import ast
from pglast.visitors import Skip, Visitor

from schema_catalog.analysis import rls
from schema_catalog.analysis.lint.expressions import expression_tree
from schema_catalog.analysis.lint.registry import Hit, LintContext, rule
from schema_catalog.analysis.lint.scope import exposed_schema, queryable_tables, quoted, user_tables
from schema_catalog.model import API_ROLES, Policy, Table


@rule("RLS001", "rls_enabled_no_policy", "info", aliases=("0008_rls_enabled_no_policy",))
def rls_enabled_no_policy(ctx: LintContext) -> Iterator[Hit]:
    """RLS is enabled on a table but no policy exists.

    *Anti-pattern*: ``ALTER TABLE notes ENABLE ROW LEVEL SECURITY`` and nothing
    else: every API request sees zero rows, which is often a forgotten policy
    rather than a decision.

    *Best practice*: add the policies the table needs, or say in the table
    comment that it is deliberately closed to the API (then exclude the rule
    for it in catalog.yml).
    """
    for table in user_tables(ctx, "table"):
        if table.rls_enabled and not table.policies:
            yield Hit(
                table.qualified_name, "RLS is enabled but no policy exists", table.qualified_name
            )


@rule("RLS002", "policy_exists_rls_disabled", "error", aliases=("0007_policy_exists_rls_disabled",))
def policy_exists_rls_disabled(ctx: LintContext) -> Iterator[Hit]:
    """A table has RLS policies but RLS is not enabled, so the policies do nothing.

    *Anti-pattern*: ``CREATE POLICY own_rows ON notes USING (user_id = auth.uid())``
    without ``ENABLE ROW LEVEL SECURITY``: everyone with a grant sees every row.

    *Best practice*: ``ALTER TABLE notes ENABLE ROW LEVEL SECURITY``.
    """
    for table in user_tables(ctx, "table"):
        if table.policies and not table.rls_enabled:
            names = sorted(p.name for p in table.policies)
            yield Hit(
                table.qualified_name,
                f"RLS is disabled, so its policies {quoted(names)} have no effect",
                table.qualified_name,
            )


@rule("RLS003", "rls_disabled_in_public", "error", aliases=("0013_rls_disabled_in_public",))
def rls_disabled_in_public(ctx: LintContext) -> Iterator[Hit]:
    """A table in an API-exposed schema is selectable by ``anon`` or ``authenticated`` with RLS off.

    *Anti-pattern*: a table in ``public`` with Supabase's default grants and no
    RLS: anyone holding the public anon key reads (and often writes) every row
    through the Data API.

    *Best practice*: ``ALTER TABLE ... ENABLE ROW LEVEL SECURITY`` and add
    policies, or revoke the grants from ``anon`` and ``authenticated``.
    """
    for table, page in queryable_tables(ctx, "table"):
        roles = rls.selectable_by_api(table)
        if not table.rls_enabled and roles and exposed_schema(table.schema_):
            partition = "" if page == table.qualified_name else f" (a partition of `{page}`)"
            yield Hit(
                table.qualified_name,
                f"RLS is disabled{partition} and {quoted(roles)} can SELECT it through the API",
                page,
            )


@rule("RLS004", "table_exposed_to_anon", "error")
def table_exposed_to_anon(ctx: LintContext) -> Iterator[Hit]:
    """``anon`` holds a privilege (read or write, table or column) on a table with RLS off.

    *Anti-pattern*: ``GRANT INSERT ON feedback TO anon`` on a table without RLS:
    signed-out visitors may write any row, not just read. Splinter's
    ``rls_disabled_in_public`` only looks at SELECT.

    *Best practice*: enable RLS and write a policy per command ``anon`` needs,
    or revoke the grant.
    """
    for table in user_tables(ctx, "table", "partitioned_table"):
        held = sorted(rls.column_privileges(table, "anon"))
        if held and not table.rls_enabled:
            yield Hit(
                table.qualified_name,
                f"RLS is disabled and `anon` holds {', '.join(held)}",
                table.qualified_name,
            )


_INITPLAN = ("auth.uid()", "auth.jwt()", "auth.role()", "auth.email()")


@rule("RLS005", "auth_rls_initplan", "warning", aliases=("0003_auth_rls_initplan",))
def auth_rls_initplan(ctx: LintContext) -> Iterator[Hit]:
    """A policy calls ``auth.uid()`` / ``auth.jwt()`` / ``current_setting()`` once per row.

    *Anti-pattern*: ``USING (user_id = auth.uid())``: PostgreSQL evaluates the
    function for every row it checks, which is slow on large tables.

    *Best practice*: wrap the call in a sub-select so it runs once per
    statement: ``USING (user_id = (select auth.uid()))``.
    """
    for table in user_tables(ctx):
        if not table.rls_enabled:
            continue
        for policy in table.policies:
            if any(_per_row_call(text) for text in (policy.using, policy.with_check)):
                yield Hit(
                    table.qualified_name,
                    f"Policy `{policy.name}` re-evaluates auth.<function>() or "
                    "current_setting() for each row: wrap it in (select ...)",
                    table.qualified_name,
                )


@lru_cache(maxsize=8192)  # one tenant policy on every table: the same few texts
def _per_row_call(text: str | None) -> bool:
    """A call of ``auth.*()`` or ``current_setting()`` outside any sub-select.

    Read from the parse tree, so that ``( SELECT (current_setting('app.org'))::uuid
    AS current_setting)``, as PostgreSQL prints a wrapped call, counts as wrapped;
    text that does not parse falls back to splinter's test.
    """
    if not text:
        return False
    tree = expression_tree(text)
    if tree is None:
        return _per_row_call_text(text)
    finder = _BareCalls()
    finder(tree)
    return finder.found


class _BareCalls(Visitor):
    """Finds a per-row function call; sub-selects are evaluated once, so not entered."""

    found = False

    # pglast dispatches on visit_<NodeName>
    def visit_SubLink(self, _ancestors: object, _node: ast.SubLink) -> object:  # noqa: N802
        return Skip

    def visit_FuncCall(self, _ancestors: object, node: ast.FuncCall) -> None:  # noqa: N802
        name = ".".join(getattr(part, "sval", "") for part in node.funcname or ())
        if f"{name.removeprefix('pg_catalog.')}()" in _INITPLAN or name.endswith("current_setting"):
            self.found = True


def _per_row_call_text(text: str) -> bool:
    # Splinter's test, literally: the call appears, and "select <call>" does not.
    lowered = text.lower()
    for call in _INITPLAN:
        if call in text and f"select {call}" not in lowered:
            return True
    return bool(
        re.search(r"current_setting\(.*\)", text, re.S)
        and not re.search(r"select current_setting\(.*\)", lowered, re.S)
    )


@rule(
    "RLS006",
    "multiple_permissive_policies",
    "warning",
    aliases=("0006_multiple_permissive_policies",),
)
def multiple_permissive_policies(ctx: LintContext) -> Iterator[Hit]:
    """Several permissive policies apply to the same role and command.

    *Anti-pattern*: ``read_own`` and ``read_team`` both ``FOR SELECT TO
    authenticated``: PostgreSQL evaluates every one of them for every row.

    *Best practice*: merge them into one policy with ``OR``, or make the
    narrowing ones ``AS RESTRICTIVE``.
    """
    catalog_subjects = _catalog_subjects(ctx)
    for table in user_tables(ctx, "table"):
        if len(table.policies) < 2:
            continue  # one policy cannot be several
        subjects = catalog_subjects if catalog_subjects is not None else _table_subjects(table)
        for command in rls.COMMANDS:
            for role in subjects:
                names = sorted(p.name for p in rls.permissive_for(table, command, role))
                if len(names) > 1:
                    yield Hit(
                        table.qualified_name,
                        f"Role `{role}` has several permissive {command} policies: {quoted(names)}",
                        table.qualified_name,
                    )


# Supabase roles that bypass RLS, for snapshots that carry no role list.
_BYPASS_ROLES = frozenset({"postgres", "service_role", "supabase_admin"})


def _catalog_subjects(ctx: LintContext) -> list[str] | None:
    """Roles splinter checks: all but pg_*, supabase*admin and roles bypassing RLS; None
    when the snapshot has no role list (then `_table_subjects` stands in, per table).
    Read once per catalog: the list is the same for every table."""
    if not ctx.catalog.roles:
        return None
    return sorted(
        r.name
        for r in ctx.catalog.roles
        if not (r.bypass_rls or r.superuser)
        and not r.name.startswith("pg_")
        and not re.fullmatch(r"supabase.*admin", r.name)
    )


def _table_subjects(table: Table) -> list[str]:
    """Splinter expands a PUBLIC policy to every role it checks; with no role list in
    the snapshot, the API roles and the roles the table's policies name stand in."""
    return sorted(set(rls.policy_roles(table)) - _BYPASS_ROLES)


@rule(
    "RLS007",
    "rls_references_user_metadata",
    "error",
    aliases=("0015_rls_references_user_metadata",),
)
def rls_references_user_metadata(ctx: LintContext) -> Iterator[Hit]:
    """A policy trusts ``user_metadata`` from the JWT, which every user can edit.

    *Anti-pattern*: ``USING ((auth.jwt() -> 'user_metadata' ->> 'org') = org_id::text)``:
    a user calls ``supabase.auth.updateUser({data: {org: ...}})`` and reads
    another organization's rows.

    *Best practice*: keep authorization data in ``app_metadata`` (only the
    service role can set it) or, better, in a table the policy joins.
    """
    pattern = re.compile(
        r"(auth\.jwt\(\).*user_metadata|current_setting\(.*request\.jwt\.claims.*\).*user_metadata)",
        re.S,
    )
    for table in user_tables(ctx):
        for policy in table.policies:
            if any(text and pattern.search(text) for text in (policy.using, policy.with_check)):
                yield Hit(
                    table.qualified_name,
                    f"Policy `{policy.name}` references Supabase Auth `user_metadata`",
                    table.qualified_name,
                )


_ALWAYS_TRUE = {"true", "(true)", "1=1", "(1=1)"}


@rule("RLS008", "rls_policy_always_true", "warning", aliases=("0024_rls_policy_always_true",))
def rls_policy_always_true(ctx: LintContext) -> Iterator[Hit]:
    """A permissive policy for ``anon`` / ``authenticated`` lets every row be written.

    *Anti-pattern*: ``CREATE POLICY edit ON posts FOR UPDATE TO authenticated
    USING (true)``, or ``FOR INSERT WITH CHECK (true)``: RLS is on, yet any
    signed-in user changes any row. (A policy with no WITH CHECK at all lets no
    row in on PostgreSQL, so it is not flagged.) (``FOR SELECT USING (true)`` is left
    alone: public read access is often deliberate.)

    *Best practice*: constrain by owner or tenant:
    ``USING (author_id = (select auth.uid()))`` and the same in WITH CHECK.
    """
    for table in user_tables(ctx, "table"):
        if not table.rls_enabled:
            continue
        for policy in table.policies:
            if _api_policy(policy) and (part := _always_true_part(policy)):
                yield Hit(
                    table.qualified_name,
                    f"Policy `{policy.name}` for {policy.command} allows unrestricted access"
                    f" ({part} is always true)",
                    table.qualified_name,
                )


def _api_policy(policy: Policy) -> bool:
    public = any(rls.is_public(r) for r in policy.roles)
    return policy.permissive and (public or bool(set(policy.roles) & set(API_ROLES)))


def _always_true_part(policy: Policy) -> str | None:
    # A missing expression opens nothing: PostgreSQL skips a permissive policy without
    # USING when filtering rows, and without WITH CHECK (nor USING to fall back on)
    # when checking new rows, so `FOR INSERT` with no WITH CHECK lets no row in.
    using, check = _squash(policy.using), _squash(policy.with_check)
    writes = policy.command in ("UPDATE", "DELETE", "ALL")
    open_using = writes and using in _ALWAYS_TRUE
    open_check = check in _ALWAYS_TRUE or (
        policy.with_check is None and policy.command in ("UPDATE", "ALL") and using in _ALWAYS_TRUE
    )
    if open_using and open_check:
        return "USING and WITH CHECK"
    return "USING" if open_using else "WITH CHECK" if open_check else None


def _squash(text: str | None) -> str:
    return re.sub(r"[ \n\t]", "", (text or "").lower())
