"""`diff`: structural changes and the security impact section, on hand-built catalogs."""

from __future__ import annotations

from typing import Any

from analysis_catalogs import catalog
from schema_catalog.analysis import analyze, diff
from schema_catalog.config import Config
from schema_catalog.model import Catalog

CONFIG = Config.model_validate({"tenancy": {"root": "orgs", "key": "organization_id"}})
POLICY = {"name": "read", "command": "SELECT", "roles": ["authenticated"],
          "using": "(organization_id = ( SELECT auth.uid() AS uid))"}  # fmt: skip
OLD: list[dict[str, Any]] = [
    {"name": "orgs", "columns": {"id": "uuid pk"}},
    {"name": "books", "columns": {"id": "uuid pk", "organization_id": "uuid not null"},
     "rls": True, "policies": [POLICY, {"name": "narrow", "permissive": False, "using": "false"}]},
    {"name": "notes", "columns": {"id": "uuid pk", "organization_id": "uuid not null", "body": "text"},
     "rls": True, "policies": [POLICY]},
]  # fmt: skip


def _analysed(tables: list[dict[str, Any]], **extra: Any) -> Catalog:
    return analyze(catalog({"tables": tables, **extra}), CONFIG)


def test_no_changes() -> None:
    result = diff.diff(_analysed(OLD), _analysed(OLD))
    assert not result.has_changes
    assert "No changes." in result.to_markdown()


def test_security_impacts() -> None:
    new = [
        OLD[0],
        {**OLD[1], "policies": [{**POLICY, "using": "true"}]},  # loosened; restrictive removed
        {
            **OLD[2],
            "rls": False,
            "grants": ["anon SELECT"],
            "columns": {"id": "uuid pk", "body": "text"},
        },
        {"name": "scratch", "columns": {"id": "uuid pk"}},
    ]
    result = diff.diff(_analysed(OLD), _analysed(new))
    impacts = {(i.kind, i.target) for i in result.security}
    assert impacts == {
        ("policy_loosened", "public.books"),
        ("policy_removed", "public.books"),
        ("rls_disabled", "public.notes"),
        ("tenancy_lost", "public.notes"),
        ("grant_added", "public.notes"),
        ("unscoped_table_added", "public.scratch"),
    }
    loosened = next(i for i in result.security if i.kind == "policy_loosened")
    assert "always true" in loosened.message
    removed = next(i for i in result.security if i.kind == "policy_removed")
    assert "restrictive" in removed.message


def test_structural_changes_and_markdown() -> None:
    new = [OLD[0], OLD[1], {**OLD[2], "columns": {"id": "uuid pk", "organization_id": "uuid not null",
                                                 "body": "text not null", "title": "text"}}]  # fmt: skip
    result = diff.diff(_analysed(OLD), _analysed(new))
    [notes] = result.tables
    assert (notes.table, notes.status) == ("public.notes", "changed")
    assert {(c.change, c.name) for c in notes.changes} == {("changed", "body"), ("added", "title")}
    markdown = result.to_markdown()
    assert markdown.index("## Security impact") < markdown.index("## Tables changed")
    assert "| added | column | `title` |" in markdown


def test_unanalysed_snapshots_are_analysed_first() -> None:
    raw_old = catalog({"tables": OLD})
    raw_new = catalog({"tables": [*OLD, {"name": "scratch", "columns": {"id": "uuid pk"}}]})
    result = diff.diff(raw_old, raw_new, CONFIG)
    assert ("unscoped_table_added", "public.scratch") in {
        (i.kind, i.target) for i in result.security
    }


def test_definer_function_newly_executable() -> None:
    fn = {"schema": "public", "name": "reset", "arguments": "", "result": "void",
          "language": "sql", "security_definer": True, "executable_by": ["service_role"]}  # fmt: skip
    old = _analysed(OLD, functions=[fn])
    new = _analysed(OLD, functions=[{**fn, "executable_by": ["PUBLIC"]}])
    [impact] = diff.diff(old, new).security
    assert impact.kind == "definer_function_exposed" and "anon" in impact.message
