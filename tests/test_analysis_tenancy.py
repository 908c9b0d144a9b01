"""Tenancy, RLS coverage, domains, drift and stats on small hand-built catalogs."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis_catalogs import catalog
from schema_catalog import snapshot
from schema_catalog.analysis import analyze, tenancy
from schema_catalog.config import Config
from schema_catalog.errors import ConfigError
from schema_catalog.model import Catalog, Finding, Table, Tenancy

CONFIG = Config.model_validate(
    {
        "tenancy": {"root": "organizations", "key": "organization_id", "platform": ["plans"]},
        "domains": {"Books": ["books", "book_*"], "Orgs": {"tables": ["organizations"]}},
        "tables": {"books": {"description": "All books", "owner": "content-team"}},
    }
)
TABLES: list[dict[str, Any]] = [
    {"name": "organizations", "columns": {"id": "uuid pk"}, "rls": True},
    {"name": "plans", "columns": {"id": "uuid pk"}},
    {
        "name": "books",
        "columns": {"id": "uuid pk", "organization_id": "uuid not null"},
        "fks": ["organization_id -> organizations(id)"],
        "indexes": ["organization_id"],
        "rls": True,
        "policies": [
            {
                "name": "read",
                "command": "SELECT",
                "roles": ["authenticated"],
                "using": "(organization_id IN ( SELECT m.organization_id FROM public.members m))",
            },
            {"name": "public_read", "command": "SELECT", "roles": ["anon"], "using": "true"},
            {
                "name": "only_mine",
                "command": "ALL",
                "roles": ["authenticated"],
                "permissive": False,
                "using": "true",
            },
        ],
    },
    {
        "name": "book_chapters",
        "columns": {"id": "uuid pk", "book_id": "uuid not null"},
        "fks": ["book_id -> books(id)"],
    },
    {
        "name": "book_notes",
        "columns": {"id": "uuid pk", "chapter_id": "uuid", "org_id": "uuid"},
        "fks": ["chapter_id -> book_chapters(id)"],
    },
    {
        "name": "plan_features",
        "columns": {"id": "uuid pk", "plan_id": "uuid not null"},
        "fks": ["plan_id -> plans(id)"],
    },
    {
        "name": "drafts",
        "columns": {"id": "uuid pk", "organization_id": "uuid"},
        "presence": {"drizzle": True},
    },
    {
        "name": "draft_pages",
        "columns": {"id": "uuid pk", "draft_id": "uuid not null"},
        "fks": ["draft_id -> drafts(id)"],
        "presence": {"migrations": True},
    },
]


@pytest.fixture
def analysed() -> Catalog:
    return analyze(catalog({"tables": TABLES}), CONFIG)


def _t(c: Catalog, name: str) -> Any:
    table = c.table(f"public.{name}")
    assert table is not None
    return table


def test_statuses(analysed: Catalog) -> None:
    statuses = {t.name: t.tenancy.status for t in analysed.tables}
    assert statuses == {
        "organizations": "tenant_root",
        "plans": "platform",
        "books": "direct",
        "book_chapters": "inherited",
        "book_notes": "inherited",
        "plan_features": "unscoped",
        "drafts": "direct",
        "draft_pages": "inherited",
    }


def test_direct_table_notes(analysed: Catalog) -> None:
    assert _t(analysed, "books").tenancy.notes == ()
    notes = " ".join(_t(analysed, "drafts").tenancy.notes)
    assert "nullable" in notes and "no index" in notes and "no foreign key" in notes


def test_inherited_path_with_nullable_hop(analysed: Catalog) -> None:
    tenancy = _t(analysed, "book_notes").tenancy
    assert [(h.table, h.columns, h.ref_table, h.nullable) for h in tenancy.path] == [
        ("public.book_notes", ("chapter_id",), "public.book_chapters", True),
        ("public.book_chapters", ("book_id",), "public.books", False),
    ]
    assert tenancy.column == "chapter_id" and tenancy.routes == 1


def test_proposed_table_inherits_from_drizzle_only_table(analysed: Catalog) -> None:
    pages = _t(analysed, "draft_pages")
    assert pages.migration_status == "proposed"
    assert pages.tenancy.path[0].ref_table == "public.drafts"
    assert _t(analysed, "drafts").migration_status == "drizzle_only"


def test_rls_coverage(analysed: Catalog) -> None:
    rows = {(r.command, r.role): r for r in _t(analysed, "books").rls}
    assert rows["SELECT", "authenticated"].policies == ("read",)
    assert rows["SELECT", "authenticated"].tenant_scoped
    assert rows["SELECT", "anon"].policies == ("public_read",)
    assert not rows["SELECT", "anon"].tenant_scoped
    # The restrictive policy narrows but never grants; it is listed where it applies.
    assert rows["DELETE", "authenticated"].policies == ()
    assert rows["DELETE", "authenticated"].restrictive == ("only_mine",)
    assert rows["SELECT", "authenticated"].restrictive == ("only_mine",)
    assert rows["SELECT", "anon"].restrictive == ()
    assert _t(analysed, "book_chapters").rls == ()


def test_a_restrictive_tenant_check_scopes_what_permissive_policies_let_through() -> None:
    gate = {"name": "tenant_gate", "command": "ALL", "roles": ["authenticated"],
            "permissive": False, "using": "(organization_id = auth.org_id())"}  # fmt: skip
    open_read = {"name": "open_read", "command": "SELECT", "roles": ["authenticated"],
                 "using": "true"}  # fmt: skip
    tables = [{**t, "policies": [gate, open_read]} if t["name"] == "books" else t for t in TABLES]
    analysed = analyze(catalog({"tables": tables}), CONFIG)
    rows = {(r.command, r.role): r for r in _t(analysed, "books").rls}
    assert rows["SELECT", "authenticated"].tenant_scoped
    # Nothing lets DELETE through, so the gate scopes nothing there.
    assert not rows["DELETE", "authenticated"].tenant_scoped


def test_domains_and_config_enrichment(analysed: Catalog) -> None:
    assert [(d.name, d.tables) for d in analysed.domains] == [
        ("Books", ("public.book_chapters", "public.book_notes", "public.books")),
        ("Orgs", ("public.organizations",)),
    ]
    books = _t(analysed, "books")
    assert (books.domains, books.description, books.owner) == (
        ("Books",),
        "All books",
        "content-team",
    )


def test_domain_suggestions_from_neighbours_then_name() -> None:
    tables = [
        *TABLES,
        {"name": "invites", "columns": {"id": "uuid pk", "org": "uuid"},
         "fks": ["org -> organizations(id)"]},
        {"name": "bookshelf", "columns": {"id": "uuid pk"}},
    ]  # fmt: skip
    found = analyze(catalog({"tables": tables}), CONFIG).findings
    messages = {f.target: f.message for f in found if f.rule == "table_without_domain"}
    assert messages["public.invites"] == "`public.invites`: Table is in no domain (suggested: Orgs)"
    assert (
        messages["public.bookshelf"]
        == "`public.bookshelf`: Table is in no domain (suggested: Books)"
    )
    assert messages["public.drafts"] == "`public.drafts`: Table is in no domain"


def test_stats_are_computed(analysed: Catalog) -> None:
    stats = analysed.stats
    assert stats.tables == len(TABLES)
    assert stats.columns == sum(len(t.columns) for t in analysed.tables)
    assert stats.tenancy == {
        "direct": 2,
        "inherited": 3,
        "platform": 1,
        "tenant_root": 1,
        "unscoped": 1,
    }
    assert stats.largest_tables[0].columns == 3
    assert sum(stats.findings.values()) == len(analysed.findings)
    assert {c.name: c.tables for c in stats.by_domain} == {"Books": 3, "Orgs": 1}


def test_judgments_come_from_the_facts_and_source_findings_are_kept() -> None:
    source_finding = Finding(
        code="DRZ001", severity="warning", target="db/schema.ts:3", message="x"
    )
    raw = catalog({"tables": TABLES}).model_copy(update={"findings": (source_finding,)})
    once = analyze(raw, CONFIG)
    # Through its rule: named, and placed where the team edits.
    located = source_finding.model_copy(
        update={"location": "db/schema.ts:3", "rule": "drizzle_unresolved_value"}
    )
    assert located in once.findings
    # The snapshot keeps the facts only; analysing them again gives the same catalog.
    assert analyze(snapshot.loads(snapshot.dumps(once)), CONFIG) == once
    assert once.facts().tables == raw.facts().tables


def test_findings_are_sorted(analysed: Catalog) -> None:
    order = {"error": 0, "warning": 1, "info": 2}
    keys = [(order[f.severity], f.code, f.target, f.message) for f in analysed.findings]
    assert keys == sorted(keys)


def test_config_naming_a_missing_table_is_an_error() -> None:
    config = Config.model_validate({"tables": {"no_such_table": {"owner": "x"}}})
    with pytest.raises(ConfigError, match="no_such_table"):
        analyze(catalog({"tables": TABLES}), config)


def test_ambiguous_routes_are_counted() -> None:
    tables = [
        *TABLES,
        {"name": "citations", "columns": {"id": "uuid pk", "book_id": "uuid", "draft_id": "uuid"},
         "fks": ["book_id -> books(id)", "draft_id -> drafts(id)"]},
    ]  # fmt: skip
    tenancy = _t(analyze(catalog({"tables": tables}), CONFIG), "citations").tenancy
    assert tenancy.status == "inherited" and tenancy.routes == 2
    assert any("ambiguous" in n for n in tenancy.notes)


# --------------------------------------------------------------------------- views


def _view(name: str, definition: str | None, *columns: str, **extra: Any) -> dict[str, Any]:
    return {"name": name, "kind": "view", "view_definition": definition,
            "columns": {c: "uuid" for c in columns}, **extra}  # fmt: skip


VIEWS: list[dict[str, Any]] = [
    # pg_get_viewdef spelling: qualified relations, aliases on columns
    _view("published_books", " SELECT b.id, b.organization_id, o.id AS org\n   FROM (public.books b\n"
          "     JOIN public.organizations o ON ((o.id = b.organization_id)));", "id", "organization_id"),
    # Drizzle / migration spelling: bare names after FROM and JOIN
    _view("chapter_list", "select c.id from book_chapters c join books on books.id = c.book_id", "id"),
    _view("plan_list", 'SELECT "plans".id FROM "public"."plans"', "id"),
    _view("feature_list", "SELECT plan_features.id FROM public.plan_features", "id"),
    # strings, comments and function calls name no relation
    _view("odd", "SELECT 'public.books' AS t /* from public.books */ FROM generate_series(1, 3)",
          "organization_id"),
    _view("no_definition", None, "id"),
    _view("chapter_list_2", "SELECT chapter_list.id FROM public.chapter_list", "id",
          options=["security_invoker=true"]),
    {**_view("book_totals", "SELECT count(*) AS n FROM public.books", "n"), "kind": "materialized_view"},
]  # fmt: skip


@pytest.fixture
def with_views() -> Catalog:
    return analyze(catalog({"tables": TABLES + VIEWS}), CONFIG)


def test_views_follow_their_base_tables(with_views: Catalog) -> None:
    statuses = {
        t.name: (t.tenancy.status, t.tenancy.column) for t in with_views.tables if t.kind != "table"
    }
    assert statuses == {
        "published_books": ("direct", "organization_id"),  # shows the key, reads books
        "chapter_list": ("inherited", None),  # reads tenant tables, no key
        "chapter_list_2": ("inherited", None),  # a view over that view
        "plan_list": ("platform", None),
        "feature_list": ("unscoped", None),
        "odd": ("direct", "organization_id"),  # nothing recognised: the key column decides
        "no_definition": ("unscoped", None),
        "book_totals": ("inherited", None),
    }


def test_view_notes_name_bases_and_rights(with_views: Catalog) -> None:
    notes = {t.name: t.tenancy.notes for t in with_views.tables if t.kind != "table"}
    assert notes["published_books"] == (
        "view over `public.books` (direct), `public.organizations` (tenant root):"
        " its rows follow their tenancy",
        "no security_invoker: it reads as its owner, so the base tables' RLS does not apply"
        " to callers",
    )
    assert notes["chapter_list"][0].startswith(
        "view over `public.book_chapters` (inherited), `public.books` (direct)"
    )
    assert "security_invoker: callers' rights" in notes["chapter_list_2"][1]
    assert notes["odd"][0] == (
        "view: tenancy follows its base tables (none recognised in its definition)"
    )
    assert "materialized view: a stored copy without RLS" in notes["book_totals"][1]
    # The table checks (index, FK to the root) mean nothing for a view.
    assert not any("index" in n or "foreign key" in n for n in notes["published_books"])


def test_views_change_no_table_status(with_views: Catalog, analysed: Catalog) -> None:
    before = {t.name: t.tenancy for t in analysed.tables}
    assert {t.name: t.tenancy for t in with_views.tables if t.name in before} == before


def test_tenant_table_rules_leave_views_alone(with_views: Catalog) -> None:
    views = {f"public.{v['name']}" for v in VIEWS}
    tenant_findings = [f for f in with_views.findings if f.code.startswith("TEN")]
    assert tenant_findings  # the tables still trip them (drafts: nullable key, no RLS ...)
    # A target is `schema.table[.column]`.
    assert not [f for f in tenant_findings if ".".join(f.target.split(".")[:2]) in views]


# --------------------------------------------------------------------------- routes at random


def _routes_one_search_per_table(
    start: str, tables: dict[str, Table], known: dict[str, Tenancy]
) -> tuple[tuple[str, ...], int] | None:
    """The definition the linear search must match: breadth-first from one table.

    Foreign keys are tried NOT NULL first, then by name; the first tenant table
    met on the shortest level wins; routes count every shortest walk.
    """

    def steps(name: str) -> list[tuple[str, str]]:
        table = tables[name]
        nullable = lambda fk: any(  # noqa: E731
            (c := table.column(n)) is None or c.nullable for n in fk.columns
        )
        ordered = sorted(table.foreign_keys, key=lambda fk: (nullable(fk), fk.name))
        targets = [(fk.name, f"{fk.ref_schema}.{fk.ref_table}") for fk in ordered]
        return [(fk, target) for fk, target in targets if target != name and target in tables]

    parents: dict[str, tuple[str, str] | None] = {start: None}
    counts = {start: 1}
    frontier = [start]
    while frontier:
        level: dict[str, None] = {}
        for name in frontier:
            for fk, target in steps(name):
                if target in parents and target not in level:
                    continue
                if target not in level:
                    parents[target], counts[target], level[target] = (name, fk), 0, None
                counts[target] += counts[name]
        ends = [t for t in level if known.get(t, Tenancy()).status in ("direct", "tenant_root")]
        if ends:
            path, step = [], parents[ends[0]]
            while step is not None:
                path.append(step[1])
                step = parents[step[0]]
            return tuple(reversed(path)), sum(counts[t] for t in ends)
        frontier = [t for t in level if known.get(t, Tenancy()).status != "platform"]
    return None


@st.composite
def _fk_graphs(draw: st.DrawFn) -> tuple[Catalog, list[str]]:
    """Up to 14 tables with random keys and foreign keys (parallel, cyclic, dangling), and
    up to two platform tables."""
    size = draw(st.integers(2, 14))
    specs = []
    for i in range(size):
        columns = {"id": "uuid pk"}
        if draw(st.booleans()) and draw(st.booleans()):
            columns["organization_id"] = draw(st.sampled_from(["uuid", "uuid not null"]))
        fks = []
        for j, target in enumerate(draw(st.lists(st.integers(-1, size - 1), max_size=4))):
            columns[f"r{j}"] = draw(st.sampled_from(["uuid", "uuid not null"]))
            fks.append(f"r{j} -> {'elsewhere' if target < 0 else f't{target}'}(id)")
        specs.append({"name": f"t{i}", "columns": columns, "fks": fks})
    platform = draw(st.lists(st.sampled_from([s["name"] for s in specs]), max_size=2))
    return catalog({"tables": specs}), platform


@settings(max_examples=300, deadline=None)
@given(_fk_graphs())
def test_one_search_from_the_tenants_finds_each_tables_shortest_route(
    graph_and_platform: tuple[Catalog, list[str]],
) -> None:
    graph, platform = graph_and_platform
    config = Config.model_validate(
        {"tenancy": {"root": "t0", "key": "organization_id", "platform": platform}}
    )
    names = [t.qualified_name for t in graph.tables]
    statuses = tenancy.classify(graph, tenancy.TenancySettings.from_config(config, names))
    tables = {t.qualified_name: t for t in graph.tables}
    known = {n: s for n, s in statuses.items() if s.status in ("tenant_root", "direct", "platform")}
    for name, status in statuses.items():
        if status.status not in ("inherited", "unscoped"):
            continue
        expected = _routes_one_search_per_table(name, tables, known)
        got = (tuple(h.foreign_key for h in status.path), status.routes) if status.path else None
        assert got == expected, name
        assert status.status == ("inherited" if expected else "unscoped")
