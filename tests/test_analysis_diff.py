"""`diff`: structural changes and the security impact section, on hand-built catalogs."""

from __future__ import annotations

from typing import Any

import pytest

from analysis_catalogs import catalog
from schema_catalog.analysis import analyze, diff
from schema_catalog.config import Config
from schema_catalog.model import Catalog
from schema_catalog.render.changes import diff_markdown

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
    assert "No changes." in diff_markdown(result)


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
    markdown = diff_markdown(result)
    assert markdown.index("## Security impact") < markdown.index("## Tables changed")
    assert "| added | column | <code>title</code> |" in markdown


def test_new_unscoped_table() -> None:
    old = _analysed(OLD)
    new = _analysed([*OLD, {"name": "scratch", "columns": {"id": "uuid pk"}}])
    result = diff.diff(old, new)
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


# --------------------------------------------------------------------------- policy loosened

MEMBER = "(organization_id IN ( SELECT m.organization_id FROM public.members m WHERE (m.user_id = ( SELECT auth.uid() AS uid))))"  # fmt: skip
OWNER = "(user_id = ( SELECT auth.uid() AS uid))"
READ = {"name": "p", "command": "SELECT", "roles": ["authenticated"], "using": MEMBER}
CHAPTERS = "(book_id IN ( SELECT books.id FROM public.books))"


def _loosened(old: dict[str, Any], new: dict[str, Any], table: str = "books") -> list[str]:
    """The `policy_loosened` messages when policy ``p`` on ``table`` changes from ``old`` to ``new``."""

    def tables(policy: dict[str, Any]) -> list[dict[str, Any]]:
        books = {"name": "books", "columns": {"id": "uuid pk", "organization_id": "uuid not null"},
                 "fks": ["organization_id -> orgs(id)"], "rls": True}  # fmt: skip
        chapters = {"name": "chapters", "columns": {"id": "uuid pk", "book_id": "uuid not null"},
                    "fks": ["book_id -> books(id)"], "rls": True}  # fmt: skip
        target = books if table == "books" else chapters
        target["policies"] = [{**READ, **policy}]
        return [OLD[0], books, chapters]

    result = diff.diff(_analysed(tables(old)), _analysed(tables(new)))
    return [i.message for i in result.security if i.kind == "policy_loosened"]


@pytest.mark.parametrize(
    ("old", "new", "reason"),
    [
        ({}, {"roles": ["anon"]}, "now applies to `anon` (was `authenticated`)"),
        ({}, {"roles": ["anon", "authenticated"]}, "now applies to `anon` (was `authenticated`)"),
        ({}, {"roles": ["public"]}, "now applies to PUBLIC, every role (was `authenticated`)"),
        ({}, {"command": "ALL"}, "command widened from SELECT to ALL"),
        ({}, {"command": "DELETE"}, "now grants DELETE (was SELECT)"),
        ({"permissive": False}, {}, "restrictive became permissive"),
        ({}, {"using": OWNER}, "USING no longer mentions the tenant key `organization_id`"),
        ({}, {"using": "true"}, "USING is now always true"),
        (
            {"command": "INSERT", "using": None, "with_check": MEMBER},
            {"command": "INSERT", "using": None, "with_check": OWNER},
            "WITH CHECK no longer mentions the tenant key `organization_id`",
        ),
        (  # no WITH CHECK on ALL: PostgreSQL checks new rows with USING, which lost the key
            {"command": "ALL", "with_check": MEMBER},
            {"command": "ALL", "using": OWNER},
            "WITH CHECK no longer mentions the tenant key `organization_id`",
        ),
        (
            {"permissive": False, "roles": ["public"]},
            {"permissive": False, "roles": ["authenticated"]},
            "restriction now applies only to `authenticated` (was PUBLIC)",
        ),
        (
            {"permissive": False, "roles": ["anon", "authenticated"]},
            {"permissive": False, "roles": ["authenticated"]},
            "restriction no longer applies to `anon`",
        ),
        (
            {"permissive": False, "command": "ALL"},
            {"permissive": False, "command": "SELECT"},
            "restriction no longer covers DELETE, INSERT, UPDATE",
        ),
        ({"permissive": False}, {"permissive": False, "using": OWNER}, "no longer mentions"),
    ],
)
def test_policy_loosened(old: dict[str, Any], new: dict[str, Any], reason: str) -> None:
    [message] = _loosened(old, new)
    assert reason in message and message.startswith("Policy `p` loosened: ")


def test_policy_loosened_on_an_inherited_table_names_the_path_column() -> None:
    [message] = _loosened({"using": CHAPTERS}, {"using": OWNER}, table="chapters")
    assert "USING no longer mentions the tenant path column `book_id`" in message


def test_several_reasons_are_listed_together() -> None:
    [message] = _loosened({}, {"roles": ["anon"], "command": "ALL", "using": OWNER})
    # The old SELECT policy had no WITH CHECK to lose: the command change covers writes.
    assert message == (
        "Policy `p` loosened: now applies to `anon` (was `authenticated`); command widened"
        " from SELECT to ALL; USING no longer mentions the tenant key `organization_id`"
    )


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ({"roles": ["anon", "authenticated"]}, {}),  # fewer roles
        ({"command": "ALL"}, {}),  # fewer commands
        ({}, {"permissive": False, "using": "true"}),  # no longer grants at all
        ({}, {"using": "(organization_id = ANY (public.my_organizations()))"}),  # key kept
        ({}, {"using": MEMBER.upper().replace("( SELECT", "(SELECT")}),  # spelling only
        ({"permissive": False}, {"permissive": False, "roles": ["public"]}),  # restricts more
        ({"permissive": False, "command": "SELECT"}, {"permissive": False, "command": "ALL"}),
        (  # WITH CHECK omitted on ALL falls back to the same USING
            {"command": "ALL", "with_check": MEMBER},
            {"command": "ALL"},
        ),
        ({"using": "true"}, {"using": OWNER}),  # was open already
    ],
)
def test_policy_not_loosened(old: dict[str, Any], new: dict[str, Any]) -> None:
    assert _loosened(old, new) == []
