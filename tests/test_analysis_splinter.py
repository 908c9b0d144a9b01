"""Splinter acceptance: each splinter-named rule fires on exactly the objects its definition names.

fixtures/splinter.sql builds a Supabase-like database with one offender per rule
and ``clean_*`` controls; it is extracted by the real PostgreSQL source and analysed.

The pg_graphql rules (splinter 0026/0027) fire only when ``pg_graphql`` is installed,
and the embedded server cannot install it (a compiled Rust extension). Splinter tests
exactly ``exists (select from pg_extension where extname = 'pg_graphql')``, and the
postgres source reads extensions from that same catalog, so the test registers the
extension the way both of them see an installed one: a ``pg_extension`` row
(`INSTALL_PG_GRAPHQL`, like splinter.sql's ``pg_index`` update for an invalid index).
The database is read twice: before the row exists (nothing may fire: the non-firing
case, with every grant in place) and after it (exact sets in `EXPECTED`). These two
rules name every object ``anon`` / ``authenticated`` can SELECT, so other rules'
``clean_*`` controls are in their sets; their own controls are ``clean_graphql_*``.
Splinter's own 0026/0027 SQL, run on this database after the row is added, returned
exactly these sets (checked by hand against splinter at commit 55db5b1, April 2026;
its SQL is not vendored here). tests/fixtures/lint_cases/SEC011.yml and SEC012.yml hold the
pass and fail cases as data.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from schema_catalog import embedded
from schema_catalog.analysis import RULES, analyze
from schema_catalog.config import Config
from schema_catalog.model import Catalog
from schema_catalog.sources import postgres

FIXTURES = Path(__file__).parent / "fixtures"
BASE = (FIXTURES / "supabase_base.sql").read_text(encoding="utf-8")
SQL = (FIXTURES / "splinter.sql").read_text(encoding="utf-8")

EXPECTED: dict[str, set[str]] = {
    "unindexed_foreign_keys": {"public.fk_unindexed"},
    "no_primary_key": {"public.no_pk"},
    "duplicate_index": {"public.dup_index"},
    "invalid_index": {"public.invalid_idx.invalid_idx_slug"},
    "rls_enabled_no_policy": {"public.rls_no_policy"},
    "policy_exists_rls_disabled": {"public.policy_no_rls"},
    "rls_disabled_in_public": {
        "public.open_table",
        "public.open_secrets",
        "public.partitioned_events_2026",
    },
    "sensitive_columns_exposed": {"public.open_secrets"},
    "auth_rls_initplan": {
        "public.initplan",
        "public.initplan_jwt",
        "public.initplan_role_check",
        "public.initplan_setting",
    },
    "multiple_permissive_policies": {"public.many_policies", "public.public_policies"},
    "rls_references_user_metadata": {"public.metadata_policy"},
    "rls_policy_always_true": {"public.always_true"},
    "fkey_to_auth_unique": {"public.profiles_by_email"},
    "auth_users_exposed": {"public.auth_emails"},
    "security_definer_view": {"public.auth_emails", "public.definer_view"},
    "materialized_view_in_api": {"public.note_counts"},
    "foreign_table_in_api": {"public.remote_items"},
    "extension_in_public": {"vector"},
    "function_search_path_mutable": {"public.mutable_path()"},
    "anon_security_definer_function_executable": {"public.definer_open(n integer)"},
    "authenticated_security_definer_function_executable": {
        "public.definer_open(n integer)",
        "public.definer_authenticated()",
    },
    "unsupported_reg_types": {"public.reg_table.handler"},
    "pg_graphql_anon_table_exposed": {
        "public.auth_emails",
        "public.clean_closed_secrets",
        "public.clean_column_grant",
        "public.clean_notes",
        "public.graphql_public_grant",
        "public.note_counts",
        "public.open_table",
        "public.partitioned_events_2026",
    },
    "pg_graphql_authenticated_table_exposed": {
        "public.clean_closed_secrets",
        "public.clean_invoker_view",
        "public.clean_notes",
        "public.definer_view",
        "public.graphql_column_grant",
        "public.graphql_public_grant",
        "public.open_secrets",
        "public.partitioned_events_2026",
        "public.remote_items",
    },
}
GRAPHQL_RULES = ("pg_graphql_anon_table_exposed", "pg_graphql_authenticated_table_exposed")
INSTALL_PG_GRAPHQL = """
CREATE SCHEMA graphql;
INSERT INTO pg_catalog.pg_extension (oid, extname, extowner, extnamespace, extrelocatable, extversion)
SELECT (SELECT max(oid)::int8 + 1 FROM pg_catalog.pg_extension)::oid, 'pg_graphql',
       (SELECT oid FROM pg_catalog.pg_roles WHERE rolname = current_user),
       'graphql'::regnamespace, false, '1.5.11';
"""


@pytest.fixture(scope="module")
def before_graphql_and_analysed(pg_admin_dsn: str) -> Iterator[tuple[Catalog, Catalog]]:
    # One database for the whole module: the rules only read it.
    name = f"splinter_{os.getpid()}"
    dsn = embedded.create_database(pg_admin_dsn, name, BASE + "\n" + SQL)
    try:
        before = analyze(postgres.read(dsn, ["public"]), Config())
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(INSTALL_PG_GRAPHQL.encode())
        yield before, analyze(postgres.read(dsn, ["public"]), Config())
    finally:
        with psycopg.connect(pg_admin_dsn, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def analysed(before_graphql_and_analysed: tuple[Catalog, Catalog]) -> Catalog:
    """The database as splinter sees it with pg_graphql installed."""
    return before_graphql_and_analysed[1]


@pytest.mark.parametrize("rule", sorted(EXPECTED))
def test_rule_fires_on_exactly_its_objects(analysed: Catalog, rule: str) -> None:
    code = next(r.code for r in RULES.values() if r.name == rule)
    # A rule merged into another's finding (one root cause) is named in `related`.
    found = {f.target for f in analysed.findings if f.rule == rule or code in f.related}
    expected = EXPECTED[rule]
    if rule == "extension_in_public" and "vector" not in {e.name for e in analysed.extensions}:
        expected = {"cube"}  # splinter.sql's stand-in where the server has no pgvector
    assert found == expected


def test_clean_objects_trip_no_splinter_rule(analysed: Catalog) -> None:
    dirty = {
        f.target
        for f in analysed.findings
        if f.rule in EXPECTED
        and ("clean_graphql_" if f.rule in GRAPHQL_RULES else "clean_") in f.target
    }
    assert not dirty


def test_graphql_rules_need_the_extension(
    before_graphql_and_analysed: tuple[Catalog, Catalog],
) -> None:
    before, after = before_graphql_and_analysed
    assert "pg_graphql" not in {e.name for e in before.extensions}
    assert "pg_graphql" in {e.name for e in after.extensions}
    # Same objects, same grants: only the extension differs, and nothing fires without it.
    assert before.tables == after.tables
    assert not [f for f in before.findings if f.rule in GRAPHQL_RULES]
