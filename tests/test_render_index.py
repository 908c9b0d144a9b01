"""render.index_page: the Tables index and the Tags page come from the same rows, and agree."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from render_catalogs import sample_catalog
from schema_catalog.config import Config
from schema_catalog.model import Catalog
from schema_catalog.render import render_pages
from schema_catalog.render.index_page import FACETS
from schema_catalog.render.pages import LIST_SEARCH_BOOST, table_search_boost


def _pages(catalog: Catalog) -> dict[str, str]:
    # Read without the <wbr> breaks site pages put after `_` and `.` in code.
    pages = render_pages(catalog, Config()).items()
    return {k: v.decode().replace("<wbr>", "") for k, v in pages}


def _rows(page: str) -> list[list[str]]:
    lines = [line for line in page.splitlines() if line.startswith("| ")]
    return [[cell.strip() for cell in line.strip("|").split(" | ")] for line in lines]


class _Anchors(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: dict[str, tuple[str | None, str | None]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id") and "data-facet" in values:
            self.found[values["id"] or ""] = (values["data-facet"], values["data-value"])


def test_the_index_lists_every_table_and_view_once_with_its_facts() -> None:
    catalog = sample_catalog()
    rows = _rows(_pages(catalog)["tables/index.md"])
    header, body = rows[0], rows[2:]
    assert header == ["Table", "Kind", "Domain", "Tenancy", "RLS", "Status", "Columns", "Rows",
                      "Findings"]  # fmt: skip
    assert len(body) == len(catalog.tables)
    by_name = {re.sub(r"<[^>]+>", "", row[0]).split("]")[0].strip("["): row for row in body}
    for table in catalog.tables:
        row = by_name[table.name]
        assert row[6] == str(len(table.columns))
        assert row[1] == table.kind.replace("_", " ")
        if table.kind == "view":
            assert row[3] == "n/a" and row[4] == "n/a"


def test_each_tags_value_links_to_an_index_anchor_for_that_value_and_counts_its_rows() -> None:
    pages = _pages(sample_catalog())
    index = pages["tables/index.md"]
    anchors = _Anchors()
    anchors.feed(index)
    body = _rows(index)[2:]
    header = _rows(index)[0]
    links = re.findall(r"\| \[([^\]]+)\]\(tables/index\.md#([^)]+)\) \| (\d+) \|", pages["tags.md"])
    assert links and {facet for facet, _ in anchors.found.values()} <= set(FACETS)
    for label, anchor, count in links:
        facet, value = anchors.found[anchor]
        assert facet is not None and value is not None
        column = header.index(facet)
        holding = [r for r in body if value in re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", r[column])
                   .replace("&#40;", "(").replace("&#41;", ")").split(", ")]  # fmt: skip
        assert len(holding) == int(count), (label, value)


def test_several_schemas_show_qualified_names() -> None:
    catalog = sample_catalog()
    assert "| [<code>books</code>](public/books.md) |" in _pages(catalog)["tables/index.md"]
    books = next(t for t in catalog.tables if t.name == "books")
    two = catalog.model_copy(
        update={"tables": (*catalog.tables, books.model_copy(update={"schema_": "archive"}))}
    )
    index = _pages(two)["tables/index.md"]
    assert "| [<code>public.books</code>](public/books.md) |" in index
    assert "| [<code>archive.books</code>](archive/books.md) |" in index


def test_search_boosts_rank_a_whole_name_first_and_every_table_above_lists() -> None:
    assert table_search_boost("books") > table_search_boost("books_chapters")
    assert table_search_boost("books_chapters") > table_search_boost("book_reading_progress")
    assert table_search_boost("a_very_long_name_of_many_words_indeed") > LIST_SEARCH_BOOST
    page = _pages(sample_catalog())["tables/public/books.md"]
    assert f"boost: {table_search_boost('books')}" in page


def test_columns_are_search_sections_and_rules_are_found_by_name() -> None:
    pages = _pages(sample_catalog())
    books = pages["tables/public/books.md"]
    assert (
        '| <h3 id="column-organization_id" class="sc-column"><code>organization_id</code></h3> |'
        in books
    )
    assert "tags:" not in books.split("---")[1]  # facts are badges; Tags is a page of counts
    rules = pages["rules.md"]
    assert "## RLS005 · `auth_rls_initplan` { #rls005 }" in rules
    assert "boost: 3" in rules.split("---")[1]
