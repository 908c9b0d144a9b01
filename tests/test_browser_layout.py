"""Every page of the example fits its content column, in headless Chromium.

At 1280, 1440 and 1920 px wide and on a 390 px phone, on every page the built
example site has (its files: the sitemap is empty without a ``site_url``):

- nothing makes the page or Material's content column (``.md-content``) scroll
  sideways, nothing is drawn past the column's right edge (over the table of
  contents, or off the screen), and no element with hidden overflow cuts its
  content off;
- on a wide screen no table scrolls inside its wrapper: every column is in view,
  and no code in a cell (a name, type, default or target), nor a word outside the
  last column, wraps between two letters: only at a space, a hyphen or where the
  escaping offers a break.

Allowed to scroll, and only on the phone: Material's own scroll containers, the
table wrapper ``.md-typeset__scrollwrap`` (a table keeps readable columns and
scrolls by itself; the page does not) and code blocks (``pre > code``), whose lines
are source text. Diagrams always pan inside their own ``.sc-diagram__view``. The
edge is the column's, not its text box's (``.md-content__inner``): Material's table
wrapper and, on a phone, its code blocks bleed 0.8rem into the column's margin by
design, and inline code's padding may end a line a few pixels into it.

The sweep blocks the local Mermaid script: a diagram is drawn inside its own
scrolling view, so it cannot change the page's width, and drawing 163 pages' worth
of diagrams four times would take minutes. `test_drawn_diagrams_stay_in_the_column`
checks the drawn ones on the pages with the largest diagrams.

The figures measured (widest overflow per width) go to test-output/layout.txt.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from browser_support import OUTPUT, build_site, chromium, diagrams, open_tab, serve
from schema_catalog import config as config_module
from schema_catalog import pipeline

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
WIDE = (1920, 1440, 1280)
PHONE = 390
HEIGHT = 900

# One page, at the current viewport: what sticks out, what is cut, what scrolls.
_MEASURE = """() => {
  const column = document.querySelector('.md-content');
  const inner = document.querySelector('.md-content__inner');
  const right = column.getBoundingClientRect().right;
  const scrollers = '.md-typeset__scrollwrap, pre, .sc-diagram__view';
  const name = el => el.tagName.toLowerCase() + (el.className ? '.' + String(el.className).trim().replace(/\\s+/g, '.') : '')
    + ' "' + (el.textContent || '').trim().replace(/\\s+/g, ' ').slice(0, 50) + '"';
  const out = {stray: [], clipped: [], tables: 0, code: 0,
    page: document.documentElement.scrollWidth - document.documentElement.clientWidth,
    column: column.scrollWidth - column.clientWidth};
  for (const el of inner.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;
    if (el.parentElement.closest(scrollers)) continue;  // scrolls by itself: measured below
    if (box.right > right + 0.5) out.stray.push(Math.round(box.right - right) + ' px: ' + name(el));
    if (el.scrollWidth <= el.clientWidth + 1) continue;
    const overflow = getComputedStyle(el).overflowX;
    if (overflow === 'hidden' || overflow === 'clip')
      out.clipped.push(el.scrollWidth - el.clientWidth + ' px: ' + name(el));
  }
  // Text in a table cell that wraps between two letters, not at a space, a hyphen or a
  // <wbr>: any code, and the prose of every column but the last (which may break anywhere).
  out.midword = [];
  for (const code of inner.querySelectorAll('td code, td:not(:last-child)')) {
    const walker = document.createTreeWalker(code, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const whole = document.createRange(); whole.selectNodeContents(node);
      if (new Set([...whole.getClientRects()].map(r => Math.round(r.top))).size < 2) continue;
      const text = node.textContent; let previous = null;
      for (let k = 0; k < text.length; k++) {
        const one = document.createRange(); one.setStart(node, k); one.setEnd(node, k + 1);
        const rect = one.getClientRects()[0]; if (!rect) continue;
        if (previous !== null && rect.top > previous + 2 && /\\S/.test(text[k]) && /[^\\s-]/.test(text[k - 1]))
          out.midword.push(name(code));
        previous = rect.top;
      }
    }
  }
  for (const wrap of inner.querySelectorAll('.md-typeset__scrollwrap'))
    out.tables = Math.max(out.tables, wrap.scrollWidth - wrap.clientWidth);
  for (const code of inner.querySelectorAll('pre > code'))
    if (!code.closest('.sc-diagram__view')) out.code = Math.max(out.code, code.scrollWidth - code.clientWidth);
  return out;
}"""


@pytest.fixture(scope="module")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    config = config_module.load(ROOT / "catalog" / "catalog.yml")
    catalog = pipeline.load(config, ROOT / "catalog" / "catalog.json")
    return build_site(catalog, config, tmp_path_factory.mktemp("layout_site"))


@pytest.fixture(scope="module")
def example_url(example_site: Path) -> Iterator[str]:
    yield from serve(example_site)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


def site_pages(site: Path) -> list[str]:
    """Every HTML page of the built site, as a path under its root."""
    found = sorted(p.parent.relative_to(site).as_posix() for p in site.rglob("index.html"))
    return ["" if path == "." else path + "/" for path in found]


def _problems(page: str, width: int, seen: dict[str, Any]) -> list[str]:
    where = f"{page or 'home'} at {width} px"
    problems = [f"{where}: page scrolls sideways by {seen['page']} px"] if seen["page"] > 0 else []
    if seen["column"] > 0:
        problems.append(f"{where}: content column scrolls sideways by {seen['column']} px")
    problems += [f"{where}: past the column by {s}" for s in seen["stray"]]
    problems += [f"{where}: cut off by {c}" for c in seen["clipped"]]
    if width != PHONE and seen["tables"] > 0:
        problems.append(f"{where}: a table scrolls by {seen['tables']} px (columns out of view)")
    if width != PHONE:
        problems += [f"{where}: breaks mid-word: {code}" for code in seen["midword"]]
    if width != PHONE and seen["code"] > 0:
        problems.append(f"{where}: a code block scrolls by {seen['code']} px")
    return problems


def test_no_page_overflows_its_content_column(
    example_site: Path, example_url: str, browser: Any
) -> None:
    pages = site_pages(example_site)
    assert len(pages) > 150 and "tables/public/books/" in pages
    problems: list[str] = []
    widest: dict[int, dict[str, int]] = {}
    with open_tab(browser) as (tab, _watch):
        # Drawn diagrams live in their own scrolling view: see the module docstring.
        tab.route("**/mermaid.min.js", lambda route: route.abort())
        for page in pages:
            tab.set_viewport_size({"width": WIDE[0], "height": HEIGHT})
            tab.goto(example_url + page)
            for width in (*WIDE, PHONE):
                tab.set_viewport_size({"width": width, "height": HEIGHT})
                seen = tab.evaluate(_MEASURE)
                problems += _problems(page, width, seen)
                most = widest.setdefault(width, {"column": 0, "tables": 0, "code": 0})
                for key in most:
                    most[key] = max(most[key], seen[key])
    OUTPUT.mkdir(exist_ok=True)
    (OUTPUT / "layout.txt").write_text(
        f"{len(pages)} pages; widest sideways scroll per viewport width (px)\n"
        + "".join(f"{w}: {widest[w]}\n" for w in (*WIDE, PHONE))
        + "".join(p + "\n" for p in problems),
        encoding="utf-8",
    )
    assert not problems, "\n".join(problems[:40])


def _largest_domain_path() -> str:
    config = config_module.load(ROOT / "catalog" / "catalog.yml")
    catalog = pipeline.load(config, ROOT / "catalog" / "catalog.json")
    largest = max(catalog.domains, key=lambda d: (len(d.tables), d.name))
    return "domains/" + largest.name.lower().replace("/", "-") + "/"


def test_drawn_diagrams_stay_in_the_column(example_url: str, browser: Any) -> None:
    for page in (_largest_domain_path(), "tables/public/books/"):
        with open_tab(browser) as (tab, watch):
            tab.set_viewport_size({"width": PHONE, "height": HEIGHT})
            tab.goto(example_url + page)
            drawn = diagrams(tab)  # drawn on the phone, then seen on a wide screen too
            assert drawn and all(d["svg"] for d in drawn), page
            for width in (PHONE, *WIDE):
                tab.set_viewport_size({"width": width, "height": HEIGHT})
                problems = _problems(page, width, tab.evaluate(_MEASURE))
                assert not problems, problems
            assert not watch.errors and not watch.outside
