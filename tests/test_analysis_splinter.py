"""Splinter acceptance: each splinter-named rule fires on exactly the objects its definition names.

fixtures/splinter.sql builds a Supabase-like database with one offender per rule
and ``clean_*`` controls; it is extracted by the real PostgreSQL source and analysed.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from schema_catalog import embedded
from schema_catalog.analysis import analyze
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
    "rls_disabled_in_public": {"public.open_table", "public.open_secrets"},
    "sensitive_columns_exposed": {"public.open_secrets"},
    "auth_rls_initplan": {"public.initplan"},
    "multiple_permissive_policies": {"public.many_policies"},
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
}


@pytest.fixture(scope="module")
def analysed(pg_admin_dsn: str) -> Iterator[Catalog]:
    # One database for the whole module: the rules only read it.
    name = f"splinter_{os.getpid()}"
    dsn = embedded.create_database(pg_admin_dsn, name, BASE + "\n" + SQL)
    try:
        yield analyze(postgres.read(dsn, ["public"]), Config())
    finally:
        with psycopg.connect(pg_admin_dsn, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.parametrize("rule", sorted(EXPECTED))
def test_rule_fires_on_exactly_its_objects(analysed: Catalog, rule: str) -> None:
    found = {f.target for f in analysed.findings if f.rule == rule}
    assert found == EXPECTED[rule]


def test_clean_objects_trip_no_splinter_rule(analysed: Catalog) -> None:
    dirty = {f.target for f in analysed.findings if f.rule in EXPECTED and "clean_" in f.target}
    assert not dirty
