"""The example built with Zensical (which reads mkdocs.yml) and checked in Chromium.

Material for MkDocs 9.8 announces its end of life and points to Zensical, the
Material team's successor. schema-catalog's default configuration, written out
as a whole mkdocs.yml (`schema-catalog mkdocs-config`), must build with the real
``zensical build`` offline, and the site must search, draw its diagrams and
load nothing from another host. MkDocs stays the default builder.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from browser_support import Watch, chromium, open_tab, serve
from browser_support import diagrams as drawn_diagrams
from schema_catalog import config as config_module
from schema_catalog import pipeline
from schema_catalog.render import render

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
ZENSICAL = Path(sys.executable).parent / "zensical"
# Every link and input, through the (opened) shadow roots Zensical's search lives in.
DEEP_LINKS = """() => { const out = []; const walk = (root) => {
  for (const el of root.querySelectorAll('*')) {
    if (el.tagName === 'A' && el.href) out.push(el.href);
    if (el.shadowRoot) walk(el.shadowRoot);
  } }; walk(document); return out; }"""


@pytest.fixture(scope="module")
def zensical_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    work = tmp_path_factory.mktemp("zensical")
    config = config_module.load(ROOT / "catalog" / "catalog.yml")
    catalog = pipeline.load(config, ROOT / "catalog" / "catalog.json")
    render(catalog, config, work / "docs")
    written = subprocess.run(
        [
            sys.executable,
            "-m",
            "schema_catalog",
            "mkdocs-config",
            "--config",
            str(ROOT / "catalog" / "catalog.yml"),
            "--docs",
            "docs",
            "--site",
            "site",
        ],
        cwd=work,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert written.returncode == 0, written.stderr
    result = subprocess.run(
        [str(ZENSICAL), "build"], cwd=work, capture_output=True, text=True, timeout=900
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert (work / "site" / "tables" / "public" / "books" / "index.html").is_file()
    yield from serve(work / "site")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


@pytest.fixture
def page(browser: Any) -> Iterator[tuple[Any, Watch]]:
    with open_tab(browser) as tab_and_watch:
        yield tab_and_watch


def _search(tab: Any, url: str, query: str, wanted: str) -> list[str]:
    tab.goto(url)
    tab.locator(".md-search__button").first.click()
    tab.keyboard.type(query, delay=40)
    tab.wait_for_function(
        f"() => ({DEEP_LINKS})().some(href => href.includes({wanted!r}))", timeout=20_000
    )
    links: list[str] = tab.evaluate(DEEP_LINKS)
    return links


def test_zensical_site_searches_tables_by_column_and_name_part(
    zensical_url: str, page: tuple[Any, Watch]
) -> None:
    tab, watch = page
    links = _search(tab, zensical_url, "organization_id", "/tables/public/")
    assert any("/tables/public/" in href for href in links)
    links = _search(tab, zensical_url, "members", "organization_member")
    assert any("/tables/public/organization_memberships/" in href for href in links)
    assert not watch.errors, watch.errors
    assert not watch.outside, watch.outside


def test_zensical_site_draws_diagrams_and_stays_local(
    zensical_url: str, page: tuple[Any, Watch]
) -> None:
    tab, watch = page
    tab.goto(zensical_url + "tables/public/books/")
    diagrams = drawn_diagrams(tab)
    assert diagrams and all(d["svg"] and not d["error"] for d in diagrams), diagrams
    assert "books" in diagrams[0]["text"]
    assert tab.locator(".md-content .sc-badge").count() > 0
    assert not watch.errors, watch.errors
    assert not watch.outside, watch.outside
