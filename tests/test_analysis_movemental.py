"""Movemental acceptance: the bundled example, loaded into a real PostgreSQL and analysed.

The example's three sources (live schema, Drizzle, migration SQL) are read by the
real pipeline with `catalog/catalog.yml`; the statuses issue 4 lists are checked,
and `diff` is run against a copy with RLS off on a tenant table and a new table
without a tenant key.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from schema_catalog import config as config_module
from schema_catalog import embedded, pipeline
from schema_catalog.analysis import analyze, diff
from schema_catalog.config import Config
from schema_catalog.model import Catalog
from schema_catalog.render.changes import diff_markdown

ROOT = Path(__file__).resolve().parents[1]
BASE = (ROOT / "tests" / "fixtures" / "supabase_base.sql").read_text(encoding="utf-8")
SCHEMA = (ROOT / "examples" / "movemental" / "schema.sql").read_text(encoding="utf-8")
CHANGED = """
ALTER TABLE public.books DISABLE ROW LEVEL SECURITY;
CREATE TABLE public.scratch_notes (id uuid PRIMARY KEY, body text);
"""
DIRECT = [
    "organization_memberships",
    "books",
    "courses",
    "content_items",
    "videos",
    "assessments",
    "media_items",
    "communities",
    "agents",
]


@pytest.fixture(scope="module")
def config() -> Config:
    return config_module.load(ROOT / "catalog" / "catalog.yml")


@pytest.fixture(scope="module")
def databases(pg_admin_dsn: str) -> Iterator[dict[str, str]]:
    names = {"example": f"movemental_{os.getpid()}", "changed": f"movemental_changed_{os.getpid()}"}
    sql = {"example": SCHEMA, "changed": SCHEMA + CHANGED}
    try:
        yield {
            key: embedded.create_database(pg_admin_dsn, name, BASE + "\n" + sql[key])
            for key, name in names.items()
        }
    finally:
        with psycopg.connect(pg_admin_dsn, autocommit=True) as conn:
            for name in names.values():
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _extract(config: Config, dsn: str) -> Catalog:
    return pipeline.extract(config, pipeline.ExtractOptions(dsn=dsn))


@pytest.fixture(scope="module")
def example(config: Config, databases: dict[str, str]) -> Catalog:
    return analyze(_extract(config, databases["example"]), config)


def _status(catalog: Catalog, name: str) -> str:
    table = catalog.table(f"public.{name}")
    assert table is not None, name
    return table.tenancy.status


def test_root_platform_and_direct_tables(example: Catalog) -> None:
    assert _status(example, "organizations") == "tenant_root"
    assert _status(example, "subscription_plans") == "platform"
    assert {name: _status(example, name) for name in DIRECT} == dict.fromkeys(DIRECT, "direct")


def test_child_tables_inherit_with_their_path(example: Catalog) -> None:
    chapters = example.table("public.book_chapters")
    lessons = example.table("public.course_lessons")
    assert chapters is not None and lessons is not None
    assert chapters.tenancy.status == "inherited"
    assert [h.ref_table for h in chapters.tenancy.path] == ["public.books"]
    assert lessons.tenancy.status == "inherited"
    assert lessons.tenancy.path[0].table == "public.course_lessons"
    assert lessons.tenancy.path[-1].ref_table == "public.courses"


def _reaches_tenant(catalog: Catalog) -> set[str]:
    """Tables that reach a direct table or the root, by fixpoint (independent of the BFS)."""
    reached = {
        t.qualified_name for t in catalog.tables if t.tenancy.status in ("direct", "tenant_root")
    }
    platform = {t.qualified_name for t in catalog.tables if t.tenancy.status == "platform"}
    changed = True
    while changed:
        changed = False
        for table in catalog.tables:
            name = table.qualified_name
            targets = {f"{fk.ref_schema}.{fk.ref_table}" for fk in table.foreign_keys} - {name}
            if name not in reached | platform and targets & reached:
                reached.add(name)
                changed = True
    return reached


def test_needs_audit_tables_get_a_computed_status(example: Catalog) -> None:
    live = [t for t in example.tables if "database" in t.presence and t.kind == "table"]
    assert len(live) == 44
    reached = _reaches_tenant(example)
    for table in live:
        expected = table.qualified_name in reached or table.tenancy.status == "platform"
        assert (table.tenancy.status != "unscoped") == expected, table.name
    unscoped = [t for t in example.tables if t.tenancy.status == "unscoped"]
    assert example.stats.tenancy["unscoped"] == len(unscoped) > 0
    audit = {f.target for f in example.findings if f.rule == "unscoped_table"}
    assert audit == {t.qualified_name for t in unscoped if t.kind == "table"}


def test_migration_status_and_organizations_drift(example: Catalog) -> None:
    onboarding = example.table("public.onboarding_responses")
    organizations = example.table("public.organizations")
    assert onboarding is not None and organizations is not None
    assert onboarding.migration_status == "drizzle_only"
    assert organizations.migration_status == "live_and_declared"
    drizzle = example.source_view("drizzle")
    assert drizzle is not None
    declared = next(t for t in drizzle.tables if t.name == "organizations")
    assert (len(declared.columns), len(organizations.columns)) == (7, 28)
    missing = [d for d in organizations.drift if d.kind == "missing_column"]
    assert len(missing) == 21
    assert {d.right_source for d in missing} == {"drizzle"}
    assert "drift_database_drizzle" in {
        f.rule for f in example.findings if f.target == "public.organizations"
    }


def test_analysis_is_idempotent(example: Catalog, config: Config) -> None:
    assert analyze(example, config) == example


def test_diff_reports_security_impact(
    example: Catalog, config: Config, databases: dict[str, str]
) -> None:
    changed = analyze(_extract(config, databases["changed"]), config)
    result = diff.diff(example, changed)
    impacts = {(i.kind, i.target) for i in result.security}
    assert ("rls_disabled", "public.books") in impacts
    assert ("unscoped_table_added", "public.scratch_notes") in impacts
    markdown = diff_markdown(result)
    security = markdown.split("## Security impact", 1)[1].split("\n## ", 1)[0]
    assert "public.books" in security and "public.scratch_notes" in security
    assert any(t.table == "public.scratch_notes" and t.status == "added" for t in result.tables)
    assert diff.CatalogDiff.model_validate_json(result.model_dump_json()) == result


def test_stats_count_what_the_inventory_counts(example: Catalog) -> None:
    """The reference's figures (44 tables, its rows summing to 841 columns), computed."""
    by_source = {c.name: c for c in example.stats.by_source}
    assert (by_source["database"].tables, by_source["database"].columns) == (44, 841)
    assert (by_source["drizzle"].tables, by_source["drizzle"].columns) == (2, 7 + 39)
    largest = [(c.name, c.columns) for c in example.stats.largest_tables[:3]]
    assert largest == [
        ("public.books", 73),
        ("public.content_items", 63),
        ("public.user_assessments", 51),
    ]
    by_kind = {c.name: c.tables for c in example.stats.by_kind}
    assert by_kind["view"] == 1  # published_books: listed by kind, not among the tables
    assert example.stats.tables == sum(
        by_kind[k] for k in ("table", "partitioned_table") if k in by_kind
    )
