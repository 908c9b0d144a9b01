"""The example's site read as a team reads it, in headless Chromium at 1440×900.

Built from the committed example catalog (tests/test_demo.py keeps it fresh) and
served on 127.0.0.1. Screenshots of Home, a domain, a table page and Findings go
to test-output/ for review.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from browser_support import OUTPUT, Watch, build_site, chromium, diagrams, open_tab, serve
from render_catalogs import synthetic_catalog
from schema_catalog import config as config_module
from schema_catalog import pipeline
from schema_catalog.config import Config
from schema_catalog.render import table_page

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
WIDE = {"width": 1440, "height": 900}


@pytest.fixture(scope="module")
def example_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    config = config_module.load(ROOT / "catalog" / "catalog.yml")
    catalog = pipeline.load(config, ROOT / "catalog" / "catalog.json")
    yield from serve(build_site(catalog, config, tmp_path_factory.mktemp("example_site")))


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


@pytest.fixture
def page(browser: Any) -> Iterator[tuple[Any, Watch]]:
    with open_tab(browser) as (tab, watch):
        tab.set_viewport_size(WIDE)
        yield tab, watch


def first_screen(tab: Any, name: str) -> None:
    OUTPUT.mkdir(exist_ok=True)
    tab.screenshot(path=str(OUTPUT / f"{name}.png"))


# Text of every element of the content that is drawn inside the first screen.
_FIRST_SCREEN_FIGURES = """() => [...document.querySelectorAll('.sc-figures li')]
  .filter(li => { const r = li.getBoundingClientRect();
                  return r.bottom <= window.innerHeight && r.right <= window.innerWidth; })
  .map(li => li.innerText.replace(/\\s+/g, ' ').trim())"""


def test_home_first_screen_answers_the_inventory(example_url: str, page: tuple[Any, Watch]) -> None:
    tab, watch = page
    tab.goto(example_url)
    figures = tab.evaluate(_FIRST_SCREEN_FIGURES)
    assert "44 live tables" in figures, figures
    assert "841 columns in live tables" in figures, figures
    assert "2 declared in Drizzle (1 only there)" in figures, figures
    assert any(f.startswith("91 proposed by migrations") for f in figures), figures
    checked = tab.locator("time.sc-checked").inner_text()
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC", checked), "filled in at build time"
    assert tab.locator(".md-sidebar--primary .md-nav__link", has_text="Findings").is_visible()
    findings_link = tab.locator(".md-content a[href*='findings/#']").first
    assert findings_link.is_visible()
    first_screen(tab, "home")
    assert not watch.errors and not watch.outside


_VISIBLE_ROWS = (
    "() => [...document.querySelectorAll('.sc-filter tbody tr')].filter(r => !r.hidden).length"
)


def test_findings_filter_by_level_and_domain(example_url: str, page: tuple[Any, Watch]) -> None:
    tab, watch = page
    tab.goto(example_url + "findings/")
    total = tab.evaluate(_VISIBLE_ROWS)
    assert total > 100
    tab.locator(".sc-filter__bar label", has_text="Level").locator("select").select_option("error")
    errors = tab.evaluate(_VISIBLE_ROWS)
    assert 0 < errors < total
    tab.locator(".sc-filter__bar label", has_text="Domain").locator("select").select_option("Books")
    in_books = tab.evaluate(_VISIBLE_ROWS)
    assert 0 < in_books < errors
    assert tab.locator(".sc-filter__count").inner_text() == f"{in_books} of {total} shown"
    first = tab.locator(".sc-filter tbody tr:not([hidden])").first
    assert first.locator("td").nth(3).inner_text().split(", ").count("Books") == 1
    assert first.locator("a[href*='rules/#']").count() >= 1  # the rule's why, fix, example
    assert first.locator("a[href*='tables/public/']").count() >= 1  # the object
    first_screen(tab, "findings")
    # Home's rows open the Findings page filtered on their rule.
    tab.goto(example_url)
    tab.locator(".md-content a[href*='findings/#rule-']").first.click()
    tab.wait_for_load_state()
    rule = tab.locator(".sc-filter__bar label", has_text="Rule").locator("select")
    assert rule.input_value() and tab.evaluate(_VISIBLE_ROWS) < total
    assert not watch.errors and not watch.outside


# The font size a reader sees: each label's CSS size times the picture's zoom.
_LABEL_PX = """() => { const out = [];
  document.querySelectorAll('div.sc-diagram').forEach(box => {
    const svg = box.querySelector('svg'); if (!svg) return;
    const zoom = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    svg.querySelectorAll('foreignObject').forEach(fo => {
      const label = fo.querySelector('p, span, div');
      if (!label || !fo.textContent.trim()) return;
      out.push(parseFloat(getComputedStyle(label).fontSize) * zoom); }); });
  out.sort((a, b) => a - b); return out; }"""


def _largest_domain_path() -> str:
    config = config_module.load(ROOT / "catalog" / "catalog.yml")
    catalog = pipeline.load(config, ROOT / "catalog" / "catalog.json")
    largest = max(catalog.domains, key=lambda d: (len(d.tables), d.name))
    return "domains/" + largest.name.lower().replace("/", "-") + "/"


def test_largest_domain_diagram_is_readable_and_entities_open_their_pages(
    example_url: str, page: tuple[Any, Watch]
) -> None:
    tab, watch = page
    path = _largest_domain_path()
    tab.goto(example_url + path)
    drawn = diagrams(tab)
    assert drawn and all(d["svg"] and not d["error"] for d in drawn), drawn
    # Laid out by the local ELK module (a failed import would fall back to dagre).
    assert tab.locator("div.sc-diagram").first.get_attribute("data-layout") == "elk"
    sizes = tab.evaluate(_LABEL_PX)
    assert len(sizes) > 100
    median = sizes[len(sizes) // 2]
    assert median >= 9, f"median label {median:.1f} px at default zoom on {path}"
    # The page's own controls: Fit shows the whole picture, 1:1 the actual size.
    box = tab.locator("div.sc-diagram").first
    box.get_by_role("button", name="Fit").click()
    fitted = tab.evaluate(_LABEL_PX)
    assert fitted[len(fitted) // 2] < median
    box.get_by_role("button", name="1:1").click()
    assert tab.evaluate(_LABEL_PX)[len(sizes) // 2] >= 9
    box.get_by_role("button", name="Full screen").click()
    full = box.bounding_box()
    assert full and full["width"] >= WIDE["width"] - 1 and full["height"] >= WIDE["height"] - 1
    box.get_by_role("button", name="Full screen").click()
    box.get_by_role("button", name="Fit").click()
    first_screen(tab, "domain")
    box.get_by_role("button", name="1:1").click()
    entity = tab.locator("div.sc-diagram g.sc-diagram__entity").first
    href = entity.get_attribute("data-href") or ""
    assert "tables/public/" in href
    entity.click()
    tab.wait_for_url("**/tables/public/**")
    assert tab.locator("h1").first.inner_text().rstrip("¶").strip() in href
    assert not watch.errors and not watch.outside


# Every cell of a table page that holds SQL: its width, and on how many lines it shows.
_SQL_CELLS = """() => [...document.querySelectorAll('.md-content td code.sc-expr')].map(code => {
  const cell = code.closest('td').getBoundingClientRect(), box = code.getBoundingClientRect();
  return {text: code.textContent, width: cell.width, lines: code.getClientRects().length,
          inside: box.left >= cell.left - 0.5 && box.right <= cell.right + 0.5}; })"""
SQL_CELL_MAX_LINES = 3  # at most 40 characters, broken at spaces, `_` and `.` only
SQL_CELL_MIN_WIDTH = 250  # px at 1440: `gen_random_uuid()` on one line, not three


def _table_pages() -> list[str]:
    config = config_module.load(ROOT / "catalog" / "catalog.yml")
    catalog = pipeline.load(config, ROOT / "catalog" / "catalog.json")
    return [f"tables/{t.schema}/{t.name}/" for t in catalog.tables]


def test_table_pages_show_sql_whole_never_squeezed_into_a_cell(
    example_url: str, page: tuple[Any, Watch]
) -> None:
    """Long SQL reads in a highlighted block under its table (a USING squeezed into a
    cell was 20 lines tall); a cell keeps only short SQL, on at most three lines, in a
    cell at least 250 px wide."""
    tab, watch = page
    tab.route("**/mermaid.min.js", lambda route: route.abort())  # diagrams: not measured here
    squeezed: list[str] = []
    cells = blocks = 0
    for path in _table_pages():
        tab.goto(example_url + path)
        for cell in tab.evaluate(_SQL_CELLS):
            cells += 1
            too_long = len(cell["text"]) > table_page.LONG_SQL
            narrow = cell["width"] < SQL_CELL_MIN_WIDTH
            if too_long or narrow or cell["lines"] > SQL_CELL_MAX_LINES or not cell["inside"]:
                squeezed.append(
                    f"{path}: {cell['text']!r}: {cell['lines']} lines, {cell['width']:.0f} px"
                )
        blocks += tab.locator(".sc-sql .highlight pre").count()
    assert not squeezed, squeezed[:10]
    assert cells > 500 and blocks >= 20  # defaults in cells; long policies, predicates in blocks
    # A cell's link lands on its block, which is highlighted SQL, on screen.
    tab.unroute("**/mermaid.min.js")
    del watch.errors[:]  # the blocked script's
    tab.goto(example_url + "tables/public/organizations/")
    link = tab.locator(".md-content td a", has_text="↓ using").first
    anchor = (link.get_attribute("href") or "").lstrip("#")
    link.click()
    block = tab.locator(f"div.sc-sql[id='{anchor}']")
    assert block.evaluate("b => b.matches(':target')")
    top = block.bounding_box()
    assert top is not None and 0 <= top["y"] < WIDE["height"] / 2
    assert block.locator(".highlight pre code span").count() > 3  # highlighted tokens
    first_screen(tab, "table-sql")
    assert not watch.errors and not watch.outside


@pytest.fixture(scope="module")
def hundred_table_domain_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    catalog = synthetic_catalog(100, per_domain=100)  # one domain, chains of foreign keys
    yield from serve(build_site(catalog, Config(), tmp_path_factory.mktemp("hundred_site")))


def test_a_domain_of_100_tables_is_drawn_whole_and_readable(
    hundred_table_domain_url: str, page: tuple[Any, Watch]
) -> None:
    tab, watch = page
    tab.goto(hundred_table_domain_url + "domains/domain-000/")
    tab.wait_for_timeout(2_000)  # drawn at once, the diagram would be laid out by now
    # Below the list of 100 tables, the diagram waits: the page is the reader's at once.
    assert tab.locator("div.sc-diagram").count() == 0 and tab.locator("pre.sc-diagram").count()
    started = time.monotonic()
    drawn = diagrams(tab)  # scrolls to it
    seconds = time.monotonic() - started
    assert drawn and all(d["svg"] and not d["error"] for d in drawn), drawn
    box = tab.locator("div.sc-diagram").first
    assert box.get_attribute("data-layout") == "elk"
    assert tab.locator("g.sc-diagram__entity").count() == 100  # every table, each a link
    assert "not drawn" not in tab.locator(".md-content").inner_text()
    box.get_by_role("button", name="1:1").click()
    sizes = tab.evaluate(_LABEL_PX)
    assert sizes[len(sizes) // 2] >= 9
    # Still answering input once drawn: a frame within 100 ms.
    frame_ms = tab.evaluate(
        "() => new Promise(r => { const s = performance.now();"
        " requestAnimationFrame(() => r(performance.now() - s)); })"
    )
    assert frame_ms < 100
    entity = tab.locator("g.sc-diagram__entity").nth(50)
    entity.scroll_into_view_if_needed()
    href = entity.get_attribute("data-href") or ""
    entity.click()
    tab.wait_for_url("**/tables/public/**")
    assert href.rsplit("/", 2)[-2] in tab.url
    OUTPUT.mkdir(exist_ok=True)
    (OUTPUT / "hundred-table-domain.txt").write_text(
        f"drawn in {seconds:.1f} s; median label at 1:1 {sizes[len(sizes) // 2]:.1f} px\n",
        encoding="utf-8",
    )
    assert not watch.errors and not watch.outside
