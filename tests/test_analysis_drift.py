"""Drift items between sources, compared after normalisation and by what constraints do."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from analysis_catalogs import catalog
from schema_catalog.analysis import analyze
from schema_catalog.config import Config
from schema_catalog.sources import drizzle, postgres
from schema_catalog.sources.merge import merge

LIVE: dict[str, Any] = {
    "name": "books",
    "presence": {"database": True, "drizzle": True},
    "columns": [
        {"name": "id", "type": "uuid", "nullable": False, "primary_key": True},
        {"name": "slug", "type": "character varying(100)", "nullable": False},
        {"name": "status", "type": "text", "default": "'draft'::text"},
        {"name": "price", "type": "numeric(10,2)"},
        {"name": "legacy", "type": "text"},
    ],
    "fks": [{"name": "books_org_fk", "columns": ["org"], "ref_schema": "public",
             "ref_table": "orgs", "ref_columns": ["id"]}],
    "rls": True,
    "policies": [{"name": "read", "command": "SELECT", "roles": ["authenticated"],
                  "using": "(org = ( SELECT auth.uid() AS uid))"}],
}  # fmt: skip
DECLARED: dict[str, Any] = {
    "name": "books",
    "columns": [
        {"name": "id", "type": "uuid", "nullable": False, "primary_key": True},
        {"name": "slug", "type": "varchar(255)", "nullable": False},
        {"name": "status", "type": "text", "default": "'published'"},
        {"name": "price", "type": "???", "unresolved": ["type"]},
        {"name": "isbn", "type": "text"},
    ],
    "fks": [{"name": "books_org_id_orgs_id_fk", "columns": ["org"], "ref_schema": "public",
             "ref_table": "orgs", "ref_columns": ["id"]}],
}  # fmt: skip


def _drift(
    live: dict[str, Any], declared: dict[str, Any]
) -> set[tuple[str, str, str | None, str | None]]:
    c = catalog({"tables": [live], "source_views": [{"kind": "drizzle", "tables": [declared]}]})
    table = analyze(c, Config()).table("public.books")
    assert table is not None
    assert {(d.left_source, d.right_source) for d in table.drift} <= {("database", "drizzle")}
    return {(d.kind, d.object, d.left, d.right) for d in table.drift}


def test_column_level_drift_with_sources_named() -> None:
    assert _drift(LIVE, DECLARED) == {
        ("type", "slug", "character varying(100)", "varchar(255)"),
        ("default", "status", "'draft'::text", "'published'"),
        ("missing_column", "legacy", "text", None),
        ("extra_column", "isbn", None, "text"),
        ("unresolved", "price", None, "type unresolved"),  # said, never a type difference
    }  # renamed-but-equal FK, and RLS Drizzle does not declare: no drift


def test_policies_compared_when_the_other_source_declares_them() -> None:
    declared = {**DECLARED, "rls": True, "policies": [
        {"name": "read", "command": "SELECT", "roles": ["authenticated"],
         "using": "org = (select auth.uid())"},
        {"name": "write", "command": "INSERT", "roles": ["authenticated"], "with_check": "true"},
    ]}  # fmt: skip
    kinds = {(k, o) for k, o, _, _ in _drift(LIVE, declared)}
    assert ("policy", "write") in kinds and ("policy", "read") not in kinds


def test_foreign_key_difference_is_reported_by_what_it_does() -> None:
    declared = {**DECLARED, "fks": [{**DECLARED["fks"][0], "on_delete": "CASCADE"}]}
    kinds = [(k, left, right) for k, _, left, right in _drift(LIVE, declared) if k == "foreign_key"]
    assert len(kinds) == 2 and {bool(left) for _, left, _ in kinds} == {True, False}


def test_a_column_drizzle_cannot_name_is_unresolved_never_missing() -> None:
    """Drizzle's `organizationId` is built by a helper the reader cannot run: the label is
    no name, so the database's organization_id is not missing and the label not extra."""
    live = {**LIVE, "columns": [*LIVE["columns"], {"name": "organization_id", "type": "uuid"}]}
    unnamed = {"name": "organizationId", "type": "unresolved",
               "unresolved": ["default", "name", "nullable", "type"]}  # fmt: skip
    declared = {**DECLARED, "columns": [*DECLARED["columns"], unnamed]}
    drift = _drift(live, declared)
    candidates = "legacy, organization_id"  # the database's columns Drizzle does not name
    assert ("unresolved_column", "organizationId", candidates, "name unresolved") in drift
    assert not [d for d in drift if d[0] == "missing_column"]
    assert ("extra_column", "isbn", None, "text") in drift  # the database names all its columns


def test_drizzle_helpers_against_their_own_ddl(make_database: Any) -> None:
    """tests/fixtures/drizzle/helpers: drizzle-kit's DDL on a real server, the TypeScript
    read beside it. The two helper-built columns are unresolved in Drizzle; drift says so,
    and nothing else: no missing organization_id / created_at, no extra label."""
    fixture = Path(__file__).parent / "fixtures" / "drizzle" / "helpers"
    dsn = make_database((fixture / "schema.sql").read_text())
    merged = merge([postgres.read(dsn), drizzle.read([fixture / "input/schema.ts"])])
    table = analyze(merged, Config()).table("public.documents")
    assert table is not None
    assert {(d.kind, d.object, d.left, d.right) for d in table.drift} == {
        ("unresolved_column", "organizationId", "organization_id, created_at", "name unresolved"),
        ("unresolved_column", "createdAt", "organization_id, created_at", "name unresolved"),
    }
    assert not [f for f in analyze(merged, Config()).findings if f.code == "DRF001"]
