"""Drift items between sources, compared after normalisation and by what constraints do."""

from __future__ import annotations

from typing import Any

from analysis_catalogs import catalog
from schema_catalog.analysis import analyze
from schema_catalog.config import Config

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
    }  # unresolved type, renamed-but-equal FK, and RLS Drizzle does not declare: no drift


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
