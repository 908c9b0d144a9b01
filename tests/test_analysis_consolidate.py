"""Findings worth reading: one per root cause, grouped per object, each naming its object."""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis_catalogs import catalog
from schema_catalog import config as config_module
from schema_catalog import snapshot
from schema_catalog.analysis import analyze
from schema_catalog.analysis.lint.consolidate import consolidate
from schema_catalog.config import Config
from schema_catalog.errors import ConfigError
from schema_catalog.model import Catalog, Finding
from schema_catalog.render import render_pages

ROOT = Path(__file__).resolve().parents[1]
ORGS = {"name": "organizations", "columns": {"id": "uuid pk"}}
EXPOSED = {
    "name": "secrets",
    "columns": {"id": "uuid pk", "organization_id": "uuid not null", "api_key": "text"},
    "fks": ["organization_id -> organizations(id)"],
    "grants": ["anon SELECT", "authenticated SELECT"],
}
TENANCY = {"tenancy": {"root": "organizations", "key": ["organization_id"]}}


def _finding(code: str, target: str, message: str, severity: str = "error") -> Finding:
    return Finding.model_validate(
        {"code": code, "severity": severity, "target": target, "message": message}
    )


def test_rls_off_on_an_exposed_table_is_one_finding_naming_the_other_rules() -> None:
    analysed = analyze(catalog({"tables": [ORGS, EXPOSED]}), Config.model_validate(TENANCY))
    on_secrets = [f for f in analysed.findings if f.target == "public.secrets"]
    errors = [f for f in on_secrets if f.severity == "error"]
    assert len(errors) == 1
    (merged,) = errors
    assert merged.code == "RLS003"
    assert set(merged.related) == {"RLS004", "SEC007", "TEN001", "GRT001"}
    assert "`api_key`" in merged.message and "`public.secrets`" in merged.message


def test_repeats_of_one_rule_on_one_object_become_one_finding() -> None:
    found = consolidate(
        [
            _finding("X001", "public.t", "first thing", "info"),
            _finding("X001", "public.t", "second thing", "info"),
            _finding("X001", "public.u", "third thing", "info"),
        ]
    )
    assert sorted(f.message for f in found) == [
        "`public.t`: 2 × first thing; second thing",
        "`public.u`: third thing",
    ]


def test_unindexed_foreign_keys_are_listed_once_per_table() -> None:
    child = {
        "name": "child",
        "columns": {"id": "uuid pk", "a": "uuid", "b": "uuid"},
        "fks": ["a -> organizations(id)", "b -> organizations(id)"],
    }
    analysed = analyze(catalog({"tables": [ORGS, child]}), Config())
    (key,) = [f for f in analysed.findings if f.code == "KEY001"]
    assert key.message.startswith("2 foreign keys of `public.child` without a covering index:")
    assert "(a)" in key.message and "(b)" in key.message


@pytest.fixture(scope="module")
def facts() -> Catalog:
    return snapshot.load(ROOT / "catalog" / "catalog.json")


@pytest.fixture(scope="module")
def example(facts: Catalog) -> tuple[Catalog, Config]:
    config = config_module.load(ROOT / "catalog" / "catalog.yml")
    return analyze(facts, config), config


def test_example_errors_per_object_at_most_1_1(example: tuple[Catalog, Config]) -> None:
    analysed, _ = example
    errors = [f for f in analysed.findings if f.severity == "error"]
    objects = {f.target for f in errors}
    assert errors and len(errors) / len(objects) <= 1.1


def test_example_messages_name_their_objects(example: tuple[Catalog, Config]) -> None:
    analysed, _ = example
    for finding in analysed.findings:
        if finding.code.startswith(("DRZ", "MIG", "SRC")):
            continue  # a source's own finding is about a file, named in its target
        assert finding.target in finding.message, finding


def test_merged_findings_say_each_clause_once(example: tuple[Catalog, Config]) -> None:
    analysed, _ = example
    merged = [f for f in analysed.findings if f.related]
    assert merged
    for finding in merged:
        clauses = finding.message.split("; ")
        assert len(clauses) == len(set(clauses)), finding.message


def test_example_messages_are_precise(example: tuple[Catalog, Config]) -> None:
    analysed, _ = example
    by_code = {(f.code, f.target): f.message for f in analysed.findings}
    # TEN002 names the policy that ignores the tenant key, not the member policy.
    books = by_code[("TEN002", "public.books")]
    assert "policy `Anyone can read published public books` grants SELECT to anon" in books
    assert "Members can read" not in books
    # TEN008 lists the routes.
    routes = by_code[("TEN008", "public.book_purchases")]
    assert "book_purchases.book_id → public.books" in routes
    assert "book_purchases.order_id → public.orders" in routes
    # DOM001 says view for a view.
    assert "View is in no domain" in by_code[("DOM001", "public.published_books")]


def test_a_suppression_silences_one_rule_on_one_table_and_shows_its_reason(
    example: tuple[Catalog, Config], facts: Catalog
) -> None:
    analysed, config = example
    assert any(f.code == "DOC003" and f.target == "public.books" for f in analysed.findings)
    entry = {"rule": "too_many_columns", "tables": ["books"], "reason": "wide <b>by</b> design"}
    data = config.model_dump()
    data["lint"]["suppress"] = [entry]
    quiet = Config.model_validate(data)
    again = analyze(facts, quiet)
    assert not any(f.code == "DOC003" and f.target == "public.books" for f in again.findings)
    assert any(f.code == "DOC003" for f in again.findings)  # other tables still checked
    pages = render_pages(again, quiet)
    for path in ("findings.md", "tables/public/books.md"):
        page = pages[path].decode()
        assert "wide &#60;b&#62;by&#60;/b&#62; design" in page, path
        assert "DOC003" in page


@pytest.mark.parametrize(
    ("entry", "says"),
    [
        ({"rule": "no_such_rule", "tables": ["books"], "reason": "x"}, "names no rule"),
        ({"rule": "DOC003", "tables": ["no_such_table"], "reason": "x"}, "matches no table"),
    ],
)
def test_a_bad_suppression_is_a_config_error(
    example: tuple[Catalog, Config], facts: Catalog, entry: dict[str, object], says: str
) -> None:
    _, config = example
    data = config.model_dump()
    data["lint"]["suppress"] = [entry]
    with pytest.raises(ConfigError, match=says):
        analyze(facts, Config.model_validate(data))
