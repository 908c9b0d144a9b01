"""The built site in headless Chromium: search, diagrams, badges, no external request, hostile text.

Debian's ``chromium`` driven by Python playwright (never ``playwright install``).
The demo site is the Movemental example extracted from a real PostgreSQL (with
its Drizzle and migration sources, as catalog/catalog.yml names them); a second
site holds a table whose every text is hostile. Each is served by a stdlib HTTP
server on 127.0.0.1. Screenshots go to test-output/ for review.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from browser_support import Watch, build_site, chromium, open_tab, serve, shot
from browser_support import diagrams as drawn_diagrams
from render_catalogs import HOSTILE, hostile_catalog
from schema_catalog import config as config_module
from schema_catalog import embedded
from schema_catalog.config import Config
from schema_catalog.model import Catalog

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]


def _movemental_catalog(admin_dsn: str) -> tuple[Catalog, Config]:
    from schema_catalog import pipeline

    config = config_module.load(ROOT / "catalog" / "catalog.yml")
    sql = embedded.supabase_stub_sql() + "\n"
    sql += (ROOT / "examples/movemental/schema.sql").read_text(encoding="utf-8")
    dsn = embedded.create_database(admin_dsn, "browser_movemental", sql)
    options = pipeline.ExtractOptions(dsn=dsn, database_label="embedded PostgreSQL")
    return pipeline.analyse(pipeline.extract(config, options), config), config


@pytest.fixture(scope="session")
def demo_url(pg_admin_dsn: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    catalog, config = _movemental_catalog(pg_admin_dsn)
    yield from serve(build_site(catalog, config, tmp_path_factory.mktemp("demo_site")))


@pytest.fixture(scope="session")
def hostile_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    site = build_site(hostile_catalog(), Config(), tmp_path_factory.mktemp("hostile_site"))
    yield from serve(site)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


@pytest.fixture
def page(browser: Any) -> Iterator[tuple[Any, Watch]]:
    with open_tab(browser) as tab_and_watch:
        yield tab_and_watch


def test_search_finds_tables_by_column_name(demo_url: str, page: tuple[Any, Watch]) -> None:
    tab, watch = page
    tab.goto(demo_url)
    tab.click("label.md-search__icon, .md-search__input")
    field_ = tab.locator("input.md-search__input")
    field_.press_sequentially("organization", delay=40)
    results = tab.locator(".md-search-result__item")
    results.first.wait_for(timeout=15_000)
    links = [a.get_attribute("href") or "" for a in tab.locator(".md-search-result__link").all()]
    assert any("/tables/public/" in href for href in links), links
    shot(tab, "search-organization")
    field_.fill("")
    field_.press_sequentially("members", delay=40)
    tab.wait_for_function(
        "() => [...document.querySelectorAll('.md-search-result__link')]"
        ".some(a => a.href.includes('organization_member'))",
        timeout=15_000,
    )
    assert not watch.errors and not watch.outside


@pytest.mark.parametrize(
    "path, name", [("domains/books/", "domain-books"), ("tables/public/books/", "table-books")]
)
def test_pages_show_rendered_er_diagrams_and_badges(
    demo_url: str, page: tuple[Any, Watch], path: str, name: str
) -> None:
    tab, watch = page
    tab.goto(demo_url + path)
    diagrams = drawn_diagrams(tab)
    assert diagrams and all(d["svg"] and not d["error"] for d in diagrams), diagrams
    assert all("Syntax error" not in d["text"] for d in diagrams)
    assert "books" in diagrams[0]["text"]
    badges = tab.locator(".md-content .sc-badge")
    assert badges.count() > 0 and badges.first.is_visible()
    shot(tab, name)
    assert not watch.errors, watch.errors
    assert not watch.outside, watch.outside


def test_home_and_dark_mode(demo_url: str, page: tuple[Any, Watch]) -> None:
    tab, watch = page
    tab.goto(demo_url)
    assert tab.locator("h1").first.inner_text()
    tab.locator("label.md-header__button[for^='__palette']").first.click()
    scheme = tab.evaluate("() => document.body.getAttribute('data-md-color-scheme')")
    assert scheme == "slate"
    shot(tab, "home-dark")
    assert not watch.errors and not watch.outside


def test_hostile_text_reads_as_written_and_never_runs(
    hostile_url: str, page: tuple[Any, Watch]
) -> None:
    tab, watch = page
    tab.goto(hostile_url + "tables/")
    tab.locator("a", has_text='evil"<b>|{{x}}').first.click()
    tab.wait_for_load_state()
    diagrams = drawn_diagrams(tab)
    assert diagrams and all(d["svg"] and not d["error"] for d in diagrams)
    assert tab.evaluate("() => window.__pwned") is None
    assert tab.locator("h1").first.inner_text().rstrip("¶") == 'evil"<b>|{{x}}'
    comment = tab.locator("blockquote").first.inner_text()
    assert comment.split() == HOSTILE.split()
    # A long policy is shown in its own block under the table, a short one in its cell.
    policy = tab.locator(".sc-sql pre code, td code", has_text="window.__pwned").first.inner_text()
    assert "<script>" in policy
    assert tab.locator(".md-content script, .md-content img").count() == 0
    shot(tab, "hostile-table")
    assert not watch.errors, watch.errors
    assert not watch.outside
