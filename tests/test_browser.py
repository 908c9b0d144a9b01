"""The built site in headless Chromium: search, diagrams, badges, no external request, hostile text.

Debian's ``chromium`` driven by Python playwright (never ``playwright install``).
The demo site is the Movemental example extracted from a real PostgreSQL (with
its Drizzle and migration sources, as catalog/catalog.yml names them); a second
site holds a table whose every text is hostile. Each is served by a stdlib HTTP
server on 127.0.0.1. Screenshots go to test-output/ for review.
"""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from render_catalogs import HOSTILE, hostile_catalog
from schema_catalog import config as config_module
from schema_catalog import embedded
from schema_catalog.config import Config
from schema_catalog.model import Catalog
from schema_catalog.render import render
from schema_catalog.site import build

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "test-output"
CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Mermaid draws into a closed shadow root: open every shadow root so tests can look in.
OPEN_SHADOW_ROOTS = """
const attach = Element.prototype.attachShadow;
Element.prototype.attachShadow = function (init) { return attach.call(this, {...init, mode: "open"}); };
"""
MERMAID_SVG = """() => [...document.querySelectorAll('.mermaid')].map(el => {
  const root = el.shadowRoot || el;
  const svg = root.querySelector('svg');
  return {svg: !!svg, text: root.textContent || '', error: !!root.querySelector('.error-icon')};
})"""


def _movemental_catalog(admin_dsn: str) -> tuple[Catalog, Config]:
    from schema_catalog import pipeline

    config = config_module.load(ROOT / "catalog" / "catalog.yml")
    sql = embedded.supabase_stub_sql() + "\n"
    sql += (ROOT / "examples/movemental/schema.sql").read_text(encoding="utf-8")
    dsn = embedded.create_database(admin_dsn, "browser_movemental", sql)
    options = pipeline.ExtractOptions(dsn=dsn, database_label="embedded PostgreSQL")
    return pipeline.extract(config, options), config


def _build(catalog: Catalog, config: Config, work: Path) -> Path:
    # A copy of the project's site layer, so the checkout is never touched.
    shutil.copy(ROOT / "mkdocs.yml", work / "mkdocs.yml")
    shutil.copytree(ROOT / "overrides", work / "overrides")
    render(catalog, config, work / "docs")
    build(config, work / "docs", work / "site", mkdocs_yml=work / "mkdocs.yml")
    return work / "site"


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def _serve(site: Path) -> Iterator[str]:
    handler = functools.partial(_Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture(scope="session")
def demo_url(pg_admin_dsn: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    catalog, config = _movemental_catalog(pg_admin_dsn)
    yield from _serve(_build(catalog, config, tmp_path_factory.mktemp("demo_site")))


@pytest.fixture(scope="session")
def hostile_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    site = _build(hostile_catalog(), Config(), tmp_path_factory.mktemp("hostile_site"))
    yield from _serve(site)


@dataclass
class Watch:
    """What a page did: console errors, and requests that left 127.0.0.1."""

    errors: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.fail("Debian chromium is missing: apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[tuple[Any, Watch]]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.add_init_script(OPEN_SHADOW_ROOTS)
    watch = Watch()
    tab.on("console", lambda m: watch.errors.append(m.text) if m.type == "error" else None)
    tab.on("pageerror", lambda e: watch.errors.append(str(e)))

    def route(request: Any) -> None:
        if urlsplit(request.url).hostname != "127.0.0.1":
            watch.outside.append(request.url)

    tab.on("request", route)
    # Block anything not local, so a slip shows as a failed test, not a slow one.
    tab.route(
        "**/*",
        lambda r: r.continue_() if urlsplit(r.request.url).hostname == "127.0.0.1" else r.abort(),
    )
    yield tab, watch
    context.close()


def _shot(tab: Any, name: str) -> None:
    OUTPUT.mkdir(exist_ok=True)
    tab.screenshot(path=str(OUTPUT / f"{name}.png"), full_page=True)


def _diagrams(tab: Any) -> list[dict[str, Any]]:
    tab.wait_for_function(
        "() => [...document.querySelectorAll('.mermaid')].every("
        "el => (el.shadowRoot || el).querySelector('svg'))",
        timeout=20_000,
    )
    result: list[dict[str, Any]] = tab.evaluate(MERMAID_SVG)
    return result


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
    _shot(tab, "search-organization")
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
    diagrams = _diagrams(tab)
    assert diagrams and all(d["svg"] and not d["error"] for d in diagrams), diagrams
    assert all("Syntax error" not in d["text"] for d in diagrams)
    assert "books" in diagrams[0]["text"]
    badges = tab.locator(".md-content .sc-badge")
    assert badges.count() > 0 and badges.first.is_visible()
    _shot(tab, name)
    assert not watch.errors, watch.errors
    assert not watch.outside, watch.outside


def test_home_and_dark_mode(demo_url: str, page: tuple[Any, Watch]) -> None:
    tab, watch = page
    tab.goto(demo_url)
    assert tab.locator("h1").first.inner_text()
    tab.locator("label.md-header__button[for^='__palette']").first.click()
    scheme = tab.evaluate("() => document.body.getAttribute('data-md-color-scheme')")
    assert scheme == "slate"
    _shot(tab, "home-dark")
    assert not watch.errors and not watch.outside


def test_hostile_text_reads_as_written_and_never_runs(
    hostile_url: str, page: tuple[Any, Watch]
) -> None:
    tab, watch = page
    tab.goto(hostile_url + "tables/")
    tab.locator("a", has_text='evil"<b>|{{x}}').first.click()
    tab.wait_for_load_state()
    diagrams = _diagrams(tab)
    assert diagrams and all(d["svg"] and not d["error"] for d in diagrams)
    assert tab.evaluate("() => window.__pwned") is None
    assert tab.locator("h1").first.inner_text().rstrip("¶") == 'evil"<b>|{{x}}'
    comment = tab.locator("blockquote").first.inner_text()
    assert comment.split() == HOSTILE.split()
    policy = tab.locator("td code", has_text="window.__pwned").first.inner_text()
    assert "<script>" in policy
    assert tab.locator(".md-content script, .md-content img").count() == 0
    _shot(tab, "hostile-table")
    assert not watch.errors, watch.errors
    assert not watch.outside
