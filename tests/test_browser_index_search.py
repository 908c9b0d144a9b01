"""The example's Tables index, Tags page and search, used as a reader uses them, in Chromium.

Built from the committed example catalog and served on 127.0.0.1, at 1440×900.
Search goes into Material's own search box (it searches on keyup);
a result is a page with its best sections under it, so "first hit" is the first
result's page and, for a column, its first section.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from browser_support import Watch, build_site, chromium, open_tab, serve, shot
from schema_catalog import config as config_module
from schema_catalog import pipeline

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
WIDE = {"width": 1440, "height": 900}
TAGS_PAGE_MAX_PX = 2_000  # it was 21,000 px: a listing of every table under every tag


@pytest.fixture(scope="module")
def example() -> Any:
    config = config_module.load(ROOT / "catalog" / "catalog.yml")
    return pipeline.load(config, ROOT / "catalog" / "catalog.json"), config


@pytest.fixture(scope="module")
def example_url(example: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    catalog, config = example
    yield from serve(build_site(catalog, config, tmp_path_factory.mktemp("index_site")))


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


@pytest.fixture
def page(browser: Any) -> Iterator[tuple[Any, Watch]]:
    with open_tab(browser) as (tab, watch):
        tab.set_viewport_size(WIDE)
        yield tab, watch


_VISIBLE = "() => [...document.querySelectorAll('.sc-filter tbody tr')].filter(r => !r.hidden)"
_COLUMN = "(rows, i) => rows.map(r => r.cells[i].textContent.trim())"


def _visible_column(tab: Any, header: str) -> list[str]:
    headers = [h.strip() for h in tab.locator(".sc-filter thead th").all_inner_texts()]
    index = headers.index(header)
    values: list[str] = tab.evaluate(f"(i) => ({_COLUMN})(({_VISIBLE})(), i)", index)
    return values


def _facet(tab: Any, name: str) -> Any:
    return tab.locator(".sc-filter__bar label", has_text=name).locator("select")


def test_tables_index_sorts_and_filters_every_table(
    example: Any, example_url: str, page: tuple[Any, Watch]
) -> None:
    catalog, _ = example
    tab, watch = page
    tab.goto(example_url + "tables/")
    names = _visible_column(tab, "Table")
    assert sorted(names) == sorted(t.name for t in catalog.tables)  # tables and views
    views = {t.name for t in catalog.tables if t.kind == "view"}
    kinds = dict(zip(names, _visible_column(tab, "Kind"), strict=True))
    assert views and all(kinds[v] == "view" for v in views)
    # Columns sort as numbers, both ways.
    tab.locator(".sc-filter thead th", has_text="Columns").click()
    ascending = [int(v) for v in _visible_column(tab, "Columns")]
    assert ascending == sorted(ascending) and ascending[0] < ascending[-1]
    tab.locator(".sc-filter thead th", has_text="Columns").click()
    assert _visible_column(tab, "Table")[0] == "books"  # the largest table (73 columns)
    # Facets narrow the rows, and a text filter narrows them again.
    _facet(tab, "Status").select_option("proposed")
    assert len(_visible_column(tab, "Table")) == 91
    _facet(tab, "RLS").select_option("on")
    both = _visible_column(tab, "Table")
    assert 0 < len(both) < 91
    assert set(_visible_column(tab, "RLS")) == {"on"}
    tab.locator(".sc-filter__text").press_sequentially(both[0], delay=20)
    assert both[0] in _visible_column(tab, "Table")
    assert len(_visible_column(tab, "Table")) < len(both) or len(both) == 1
    shot(tab, "tables-index")
    assert not watch.errors and not watch.outside


def test_tags_page_counts_and_opens_the_filtered_index(
    example_url: str, page: tuple[Any, Watch]
) -> None:
    tab, watch = page
    tab.goto(example_url + "tags/")
    height = tab.evaluate("document.documentElement.scrollHeight")
    assert height <= TAGS_PAGE_MAX_PX, f"the Tags page is {height} px long"
    books = tab.locator(".md-content tr", has=tab.locator("a", has_text="Books"))
    count = int(books.locator("td").last.inner_text())
    assert count > 1
    books.locator("a", has_text="Books").click()
    tab.wait_for_load_state()
    assert urlsplit(tab.url).path.endswith("/tables/")
    assert _facet(tab, "Domain").input_value() == "Books"
    shown = _visible_column(tab, "Domain")
    assert len(shown) == count and all("Books" in d.split(", ") for d in shown)
    # Every value on the Tags page opens a preset filter showing exactly its count.
    tab.goto(example_url + "tags/")
    values: list[tuple[str, int]] = tab.evaluate(
        """() => [...document.querySelectorAll('.md-content tbody tr')].map(row =>
             [row.querySelector('a').href, Number(row.cells[row.cells.length - 1].textContent)])"""
    )
    assert len(values) > 10
    for href, expected in values:
        tab.goto(href)
        assert len(tab.evaluate(_VISIBLE)) == expected, href
    assert not watch.errors and not watch.outside


def _search(tab: Any, url: str, query: str) -> list[list[str]]:
    """The result list for ``query``: per result, its page link then its sections' links."""
    tab.goto(url)
    tab.click("label.md-search__icon, .md-search__input")
    # The whole query, then one keyup: Material searches on keyup, so typing key by
    # key would search every prefix ("boo", "RLS00"), and a slow machine could show
    # a prefix's results when we read them. This way only the full query is searched.
    box = tab.locator("input.md-search__input")
    box.fill(query)
    box.press("End")
    tab.locator(".md-search-result__item").first.wait_for(timeout=15_000)
    results: list[list[str]] = tab.evaluate(
        """() => [...document.querySelectorAll('.md-search-result__item')].map(item =>
             [...item.querySelectorAll('a.md-search-result__link')].map(a => {
               const u = new URL(a.href); return u.pathname + u.hash; }))"""
    )
    return results


@pytest.mark.parametrize(
    "query, page_path, section",
    [
        ("books", "/tables/public/books/", None),  # not books_chapters
        ("auth_rls_initplan", "/rules/", "#rls005"),  # the rule, not tables that fail it
        ("RLS004", "/rules/", "#rls004"),
        ("stripe_customer_id", None, "#column-stripe_customer_id"),  # the column's row
    ],
)
def test_search_ranks_the_named_object_first(
    example: Any,
    example_url: str,
    page: tuple[Any, Watch],
    query: str,
    page_path: str | None,
    section: str | None,
) -> None:
    catalog, _ = example
    tab, watch = page
    results = _search(tab, example_url, query)
    first = results[0]
    if page_path is None:  # a column: a table holding it, opened at the column's row
        holders = {
            f"/tables/public/{t.name}/"
            for t in catalog.tables
            if any(c.name == query for c in t.columns)
        }
        assert first[0] in holders, results[:3]
    else:
        assert first[0] == page_path, results[:3]
    if section is not None:
        assert len(first) > 1 and first[1] == first[0] + section, results[:3]
    assert not watch.errors and not watch.outside


def test_a_column_hit_opens_its_row(example_url: str, page: tuple[Any, Watch]) -> None:
    tab, watch = page
    results = _search(tab, example_url, "stripe_customer_id")
    tab.locator(".md-search-result__item").first.locator("a.md-search-result__link").nth(1).click()
    tab.wait_for_load_state()
    assert urlsplit(tab.url).fragment == "column-stripe_customer_id", results[0]
    row = tab.locator("tr", has=tab.locator("#column-stripe_customer_id"))
    assert row.is_visible() and row.locator("td").nth(1).inner_text().startswith("character")
    box = row.bounding_box()
    assert box is not None and 0 <= box["y"] < WIDE["height"]
    assert not watch.errors and not watch.outside
