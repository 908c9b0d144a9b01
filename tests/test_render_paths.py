"""paths and diagrams: unique, stable page paths for awkward names; safe, capped diagrams."""

from __future__ import annotations

import re
from urllib.parse import unquote

from render_catalogs import hostile_catalog, synthetic_catalog
from schema_catalog.config import Config
from schema_catalog.model import Catalog, Column, Domain, Table
from schema_catalog.render import paths as page_paths
from schema_catalog.render import render_pages
from schema_catalog.render.lookup import Lookup
from schema_catalog.render.mermaid import (
    COMPACT_AFTER,
    ELK_AFTER,
    MAX_DOMAIN_ENTITIES,
    domain_diagram,
    table_diagram,
    type_token,
)

AWKWARD = [
    "users",
    "Users",
    "USERS",
    "order items",
    "order-items",
    "order_items",
    "index",
    "café",
    "cafe\u0301",  # the same word, decomposed (macOS filenames)
    "日本語のテーブル",
    "x" * 63,
    "a/b\\c",
    "..",
    "CON",
]


def _paths(names: list[str]) -> page_paths.PagePaths:
    return page_paths.PagePaths((("public", n) for n in names), ())


def test_every_path_is_unique_even_on_case_insensitive_filesystems() -> None:
    pages = _paths(AWKWARD)
    found = [pages.table(f"public.{n}") for n in AWKWARD]
    assert all(found)
    folded = {p.casefold() for p in found if p}
    assert len(folded) == len(AWKWARD)
    for path in found:
        assert path and re.fullmatch(r"tables/public/[\w\-]+\.md", path), path
        assert ".." not in path and "\\" not in path


def test_paths_are_stable_whatever_else_exists() -> None:
    alone = {n: _paths([n]).table(f"public.{n}") for n in AWKWARD}
    together = _paths(AWKWARD)
    assert alone == {n: together.table(f"public.{n}") for n in AWKWARD}
    assert together.table("public.users") == "tables/public/users.md"
    assert together.table("public.index") != "tables/public/index.md"


def test_awkward_names_render_with_resolving_links() -> None:
    tables = tuple(
        Table(schema="public", name=n, columns=(Column(name="id", type="int"),)) for n in AWKWARD
    )
    files = render_pages(Catalog(tables=tables), Config())
    assert len(
        [p for p in files if p.startswith("tables/public/") and p != "tables/public/index.md"]
    ) == len(AWKWARD)
    index = files["tables/public/index.md"].decode()
    for target in re.findall(r"\]\(([^)]+)\)", index):
        assert unquote(target) in {p.removeprefix("tables/public/") for p in files}, target


def test_table_diagram_is_the_one_hop_neighbourhood() -> None:
    catalog = synthetic_catalog(40)
    lookup = Lookup(catalog)
    table = lookup.tables["public.table_00010"]
    diagram = table_diagram(lookup, table, hops=1)
    expected = {"public.table_00010", "public.table_00005", "public.table_00003"}
    expected |= {t.qualified_name for t, _ in lookup.referenced_by("public.table_00010")}
    labels = set(re.findall(r'\["([^" ]+)(?: \(\+\d+ more columns\))?"\]', diagram.source))
    assert labels == expected
    two_hops = table_diagram(lookup, table, hops=2)
    assert len(re.findall(r'\["', two_hops.source)) > len(expected)


def test_domain_diagram_is_capped_with_stubs_to_other_domains() -> None:
    catalog = synthetic_catalog(500, per_domain=150)
    lookup = Lookup(catalog)
    domain = catalog.domains[1]
    diagram = domain_diagram(lookup, domain.tables)
    assert len(re.findall(r"^  t\d+\[", diagram.source, re.M)) == MAX_DOMAIN_ENTITIES
    assert diagram.omitted_tables == len(domain.tables) - MAX_DOMAIN_ENTITIES
    assert catalog.domains[0].name in diagram.stubs
    assert (
        len(diagram.source) < 50_000
        and diagram.source.count("--") + diagram.source.count("..") < 500
    )


def test_hostile_names_cannot_break_a_diagram() -> None:
    lookup = Lookup(hostile_catalog())
    table = next(t for t in lookup.catalog.tables if t.name.startswith("evil"))
    source = table_diagram(lookup, table, hops=1).source
    for line in source.splitlines()[1:]:
        assert re.fullmatch(
            r'  [ts]\d+\["[\w.\- ]+( \(\+\d+ more columns\))?"\]( \{)?'
            r"|    [\w\[\]()\-]+ \w+( PK| FK| PK, FK)?|  \}"
            r"|  direction LR"
            r'|  t\d+ [|}]o(--|\.\.)[o|]\| [ts]\d+ : "[\w.,\- ]+"',
            line,
        ), line


def test_domain_slugs_are_readable() -> None:
    pages = page_paths.PagePaths((), ["Books", "AI/Agents", "ai agents", "Index"])
    assert pages.domain("Books") == "domains/books/index.md"
    assert pages.domain("AI/Agents") == "domains/ai-agents/index.md"
    assert pages.domain("ai agents") not in (None, pages.domain("AI/Agents"))
    assert pages.domain("Index") != "domains/index/index.md"


def test_domain_pages_link_to_their_tables() -> None:
    tables = (Table(schema="public", name="Users"), Table(schema="public", name="users"))
    catalog = Catalog(
        tables=tables, domains=(Domain(name="People", tables=("public.Users", "public.users")),)
    )
    page = render_pages(catalog, Config())["domains/people/index.md"].decode()
    assert "(../../tables/public/users.md)" in page
    assert re.search(r"\(\.\./\.\./tables/public/users-[0-9a-f]{6}\.md\)", page)


def test_diagram_types_read_as_people_write_them() -> None:
    assert type_token("timestamp with time zone") == "timestamptz"
    assert type_token("text[]") == "text[]"
    assert type_token("public.content_status") == "content_status"
    assert type_token("character varying(200)") == "varchar(200)"
    assert type_token("numeric(10,2)") == "numeric"  # Mermaid's grammar has no comma


def test_a_large_domain_diagram_is_compact_with_the_full_one_on_demand() -> None:
    catalog = synthetic_catalog(200, per_domain=50)
    lookup = Lookup(catalog)
    diagram = domain_diagram(lookup, catalog.domains[1].tables)
    assert diagram.full_source and len(diagram.full_source) > len(diagram.source)
    assert "more columns)" in diagram.source
    small = domain_diagram(lookup, catalog.domains[1].tables[:COMPACT_AFTER])
    assert small.full_source is None


def test_only_a_large_domain_diagram_asks_for_the_elk_layout() -> None:
    catalog = synthetic_catalog(200, per_domain=50)
    lookup = Lookup(catalog)
    large = domain_diagram(lookup, catalog.domains[1].tables)
    for source in (large.source, large.full_source or ""):
        # Mermaid's front matter first, then the diagram as before.
        front, _, rest = source.partition("\n---\n")
        assert front.startswith("---\nconfig:\n") and "  layout: elk" in front.splitlines()
        assert rest.startswith("erDiagram\n")
    small = domain_diagram(lookup, catalog.domains[1].tables[:ELK_AFTER])
    assert small.source.startswith("erDiagram\n") and "layout" not in small.source
    table = table_diagram(lookup, catalog.tables[0], hops=3)
    assert table.source.startswith("erDiagram\n")
