"""Supabase splinter's security lints on views, functions, extensions and the API surface.

Each rule mirrors one of splinter's published definitions (``lints/*.sql`` in
github.com/supabase/splinter) and carries its name, so users recognise it; the
docstrings say where a snapshot has to stand in for a live server check.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from schema_catalog.analysis import rls
from schema_catalog.analysis.lint.registry import Hit, LintContext, rule
from schema_catalog.analysis.lint.scope import INTERNAL_SCHEMAS, exposed_schema, quoted, user_tables
from schema_catalog.analysis.views import security_invoker
from schema_catalog.model import Function, Table

_AUTH_USERS = re.compile(r'\bauth\s*\.\s*"?users"?\b', re.IGNORECASE)


def _api_selectable(table: Table) -> list[str]:
    return rls.selectable_by_api(table) if exposed_schema(table.schema_) else []


@rule("SEC001", "auth_users_exposed", "error", aliases=("0002_auth_users_exposed",))
def auth_users_exposed(ctx: LintContext) -> Iterator[Hit]:
    """A view or materialized view the API roles can read exposes ``auth.users``.

    *Anti-pattern*: ``CREATE VIEW public.profiles AS SELECT id, email FROM auth.users``
    with Supabase's default grants: every user's email is one API call away.
    Materialized views never apply RLS; plain views run as their owner unless
    ``security_invoker`` is set, and even then ``auth.users`` has no RLS.

    *Best practice*: keep a ``public.profiles`` table filled by a trigger with
    only the columns the app needs, protected by RLS; or revoke SELECT on the
    view from ``anon`` and ``authenticated``.
    """
    auth_users = ctx.catalog.table("auth.users")
    auth_rls = auth_users is not None and auth_users.rls_enabled
    # `user_tables` skips the internal schemas; splinter's test is on the view's schema.
    for view in ctx.catalog.tables:
        if view.kind not in ("view", "materialized_view") or not _api_selectable(view):
            continue
        if not _AUTH_USERS.search(view.view_definition or ""):
            continue
        invoker_safe = view.kind == "view" and security_invoker(view) and auth_rls
        if not invoker_safe:
            yield Hit(
                view.qualified_name,
                f"{_kind_text(view)} may expose `auth.users` to {quoted(_api_selectable(view))}",
                view.qualified_name,
            )


def _kind_text(table: Table) -> str:
    return "Materialized view" if table.kind == "materialized_view" else "View"


@rule("SEC002", "security_definer_view", "error", aliases=("0010_security_definer_view",))
def security_definer_view(ctx: LintContext) -> Iterator[Hit]:
    """A view the API roles can read runs with its owner's rights (no ``security_invoker``).

    *Anti-pattern*: ``CREATE VIEW public.team_posts AS SELECT * FROM posts``: the
    view reads ``posts`` as its owner (usually ``postgres``, which bypasses RLS),
    so the policies on ``posts`` never apply to API callers.

    *Best practice*: ``CREATE VIEW ... WITH (security_invoker = on)``
    (PostgreSQL 15+) so the caller's rights and RLS apply, or revoke the view
    from ``anon`` / ``authenticated``.
    """
    for view in user_tables(ctx, "view"):
        if _api_selectable(view) and not security_invoker(view):
            yield Hit(
                view.qualified_name,
                "View runs as its owner (SECURITY DEFINER): callers bypass RLS of the tables it reads",
                view.qualified_name,
            )


@rule(
    "SEC003",
    "function_search_path_mutable",
    "warning",
    aliases=("0011_function_search_path_mutable",),
)
def function_search_path_mutable(ctx: LintContext) -> Iterator[Hit]:
    """A function does not pin its ``search_path``.

    *Anti-pattern*: ``CREATE FUNCTION public.is_member(...) ... SECURITY DEFINER``
    without ``SET search_path``: the caller's search_path decides which
    ``organization_memberships`` (or ``=`` operator) the body resolves, so a
    user who can create objects earlier on the path can hijack it.

    *Best practice*: ``ALTER FUNCTION public.is_member(uuid) SET search_path = ''``
    and schema-qualify every name in the body.
    """
    for function in _user_functions(ctx):
        if not any(c.lower().startswith("search_path=") for c in function.config):
            yield Hit(
                function.signature,
                f"Function `{function.signature}` has a role mutable search_path",
            )


def _user_functions(ctx: LintContext) -> list[Function]:
    return [f for f in ctx.catalog.functions if f.schema_ not in INTERNAL_SCHEMAS]


@rule("SEC004", "extension_in_public", "warning", aliases=("0014_extension_in_public",))
def extension_in_public(ctx: LintContext) -> Iterator[Hit]:
    """An extension is installed in the ``public`` schema.

    *Anti-pattern*: ``CREATE EXTENSION pg_trgm`` with ``public`` first on the
    search path: its functions and operators land in the API schema, next to
    the application's own objects.

    *Best practice*: ``CREATE EXTENSION pg_trgm WITH SCHEMA extensions`` (move
    an existing one with ``ALTER EXTENSION ... SET SCHEMA extensions``).
    """
    for extension in ctx.catalog.extensions:
        if extension.schema_ == "public" and extension.name != "plpgsql":
            yield Hit(extension.name, f"Extension `{extension.name}` is installed in `public`")


@rule("SEC005", "materialized_view_in_api", "warning", aliases=("0016_materialized_view_in_api",))
def materialized_view_in_api(ctx: LintContext) -> Iterator[Hit]:
    """A materialized view is selectable by ``anon`` or ``authenticated``.

    *Anti-pattern*: a materialized view of per-tenant totals in ``public`` with
    the default grants: materialized views cannot have RLS, so every tenant
    reads every other tenant's totals.

    *Best practice*: move it to an unexposed schema and serve it through a
    function or view that filters by tenant, or revoke SELECT from the API roles.
    """
    yield from _api_objects(ctx, "materialized_view", "Materialized view")


@rule("SEC006", "foreign_table_in_api", "warning", aliases=("0017_foreign_table_in_api",))
def foreign_table_in_api(ctx: LintContext) -> Iterator[Hit]:
    """A foreign table is selectable by ``anon`` or ``authenticated``.

    *Anti-pattern*: a ``postgres_fdw`` / Stripe wrapper table in ``public``:
    foreign tables do not enforce RLS, so the API exposes the remote rows.

    *Best practice*: keep foreign tables in an unexposed schema and expose what
    is needed through a security-invoker view or a function.
    """
    yield from _api_objects(ctx, "foreign_table", "Foreign table")


def _api_objects(ctx: LintContext, kind: str, label: str) -> Iterator[Hit]:
    for table in user_tables(ctx):
        if table.kind == kind and (roles := _api_selectable(table)):
            yield Hit(
                table.qualified_name,
                f"{label} is selectable by {quoted(roles)} through the API",
                table.qualified_name,
            )


_SENSITIVE = frozenset(
    [
        "password",
        "passwd",
        "pwd",
        "passphrase",
        "secret",
        "secret_key",
        "private_key",
        "api_key",
        "apikey",
        "auth_key",
        "token",
        "jwt",
        "access_token",
        "refresh_token",
        "oauth_token",
        "session_token",
        "bearer_token",
        "auth_code",
        "session_id",
        "session_key",
        "session_secret",
        "recovery_code",
        "backup_code",
        "verification_code",
        "otp",
        "two_factor",
        "2fa_secret",
        "2fa_code",
        "ssn",
        "social_security",
        "social_security_number",
        "driver_license",
        "drivers_license",
        "license_number",
        "passport_number",
        "passport_id",
        "national_id",
        "tax_id",
        "credit_card",
        "card_number",
        "cvv",
        "cvc",
        "cvn",
        "bank_account",
        "account_number",
        "routing_number",
        "iban",
        "swift_code",
        "bic",
        "health_record",
        "medical_record",
        "patient_id",
        "insurance_number",
        "health_insurance",
        "medical_insurance",
        "treatment",
        "mac_address",
        "macaddr",
        "imei",
        "device_uuid",
        "pgp_key",
        "gpg_key",
        "ssh_key",
        "certificate",
        "license_key",
        "activation_key",
        "facial_recognition",
    ]
)


@rule("SEC007", "sensitive_columns_exposed", "error", aliases=("0023_sensitive_columns_exposed",))
def sensitive_columns_exposed(ctx: LintContext) -> Iterator[Hit]:
    """A table with sensitive column names is readable through the API with RLS off.

    *Anti-pattern*: ``public.integrations (api_key text, ...)`` granted to
    ``anon`` without RLS: credentials, identity numbers or card data are one
    request away. (Column names are matched exactly against splinter's list:
    ``password``, ``api_key``, ``ssn``, ``iban``, ...)

    *Best practice*: enable RLS with policies, revoke the grants, or move the
    secrets out of the exposed schema (e.g. Supabase Vault).
    """
    for table in user_tables(ctx, "table"):
        if table.rls_enabled or not _api_selectable(table):
            continue
        hits = sorted(c.name for c in table.columns if c.name_resolved and _sensitive(c.name))
        if hits:
            yield Hit(
                table.qualified_name,
                f"Exposed through the API without RLS, with sensitive column(s) {quoted(hits)}",
                table.qualified_name,
            )


def _sensitive(name: str) -> bool:
    return name.lower().replace("-", "_") in _SENSITIVE


@rule(
    "SEC008",
    "anon_security_definer_function_executable",
    "warning",
    aliases=("0028_anon_security_definer_function_executable",),
)
def anon_security_definer_function_executable(ctx: LintContext) -> Iterator[Hit]:
    """``anon`` may execute a SECURITY DEFINER function in an API schema.

    *Anti-pattern*: ``CREATE FUNCTION public.reset_org(...) SECURITY DEFINER``
    with PostgreSQL's default ``EXECUTE`` to ``PUBLIC``: anyone with the anon
    key calls it through ``/rest/v1/rpc/reset_org`` with its owner's rights,
    bypassing RLS.

    *Best practice*: ``REVOKE EXECUTE ON FUNCTION public.reset_org FROM PUBLIC, anon``,
    switch it to ``SECURITY INVOKER``, or move it to an unexposed schema.
    """
    yield from _definer_functions(ctx, "anon")


@rule(
    "SEC009",
    "authenticated_security_definer_function_executable",
    "warning",
    aliases=("0029_authenticated_security_definer_function_executable",),
)
def authenticated_security_definer_function_executable(ctx: LintContext) -> Iterator[Hit]:
    """``authenticated`` may execute a SECURITY DEFINER function in an API schema.

    *Anti-pattern*: a SECURITY DEFINER helper left executable by every
    signed-in user (with open sign-up: anyone with an email address) runs with
    its owner's rights through ``/rest/v1/rpc``.

    *Best practice*: revoke ``EXECUTE`` from ``PUBLIC`` and ``authenticated``
    unless signed-in users must call it, and then check the caller inside it.
    """
    yield from _definer_functions(ctx, "authenticated")


def _definer_functions(ctx: LintContext, role: str) -> Iterator[Hit]:
    for function in _user_functions(ctx):
        holders = {r.lower() for r in function.executable_by}
        if function.security_definer and (role in holders or "public" in holders):
            yield Hit(
                function.signature,
                f"`{role}` can execute SECURITY DEFINER function `{function.signature}`"
                f" via /rest/v1/rpc/{function.name}",
            )


_REG_TYPES = frozenset(
    [
        "regcollation",
        "regconfig",
        "regdictionary",
        "regnamespace",
        "regoper",
        "regoperator",
        "regproc",
        "regprocedure",
    ]
)


@rule("SEC010", "unsupported_reg_types", "warning", aliases=("0018_unsupported_reg_types",))
def unsupported_reg_types(ctx: LintContext) -> Iterator[Hit]:
    """A column uses a ``reg*`` type that ``pg_upgrade`` cannot carry over.

    *Anti-pattern*: ``handler regproc``: the stored OIDs are meaningless after a
    major-version upgrade, so ``pg_upgrade`` refuses the database.

    *Best practice*: store the name as ``text`` (cast with ``::regproc`` when
    needed), or use ``regclass`` / ``regtype``, which upgrades support.
    """
    for table in ctx.catalog.tables:
        for column in table.columns:
            # Splinter matches the scalar types by name: ``regproc[]`` (``_regproc``) is not one.
            base = column.type.lower().removeprefix("pg_catalog.")
            if base in _REG_TYPES:
                yield Hit(
                    f"{table.qualified_name}.{column.name}",
                    f"Column `{column.name}` has unsupported reg* type `{column.type}`",
                    table.qualified_name,
                )
