"""What the browser tests share: building a site, serving it on 127.0.0.1, Chromium.

Debian's ``chromium`` driven by Python playwright (never ``playwright install``),
headless, with every request that would leave 127.0.0.1 recorded and blocked.
"""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from schema_catalog.config import Config
from schema_catalog.model import Catalog
from schema_catalog.render import render
from schema_catalog.site import build

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
# The site's own script (schema-catalog.js) draws each ```mermaid fence into a
# div.sc-diagram (data-ready "1", or "error" with Mermaid's message).
MERMAID_SVG = """() => [...document.querySelectorAll('div.sc-diagram')].map(el => {
  const svg = el.querySelector('svg');
  return {svg: !!svg, text: svg ? svg.textContent : el.textContent, error: el.dataset.ready === 'error'};
})"""


def build_site(catalog: Catalog, config: Config, work: Path, changelog: Any = None) -> Path:
    """Render and build into ``work``."""
    render(catalog, config, work / "docs", changelog=changelog)
    build(config, work / "docs", work / "site")  # schema-catalog's default MkDocs config
    return work / "site"


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def serve(site: Path) -> Iterator[str]:
    """Serve ``site`` on 127.0.0.1 (a free port); yield its base URL."""
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


# The browser of the outermost `chromium()` block: playwright's sync API runs one
# event loop per thread, so a second module's fixture shares the running browser.
_running: list[Any] = []


@contextmanager
def chromium() -> Iterator[Any]:
    """A headless Chromium browser (the one already running, if any)."""
    if _running:
        yield _running[-1]
        return
    if not CHROMIUM.exists():
        pytest.fail("Debian chromium is missing: apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        _running.append(browser)
        try:
            yield browser
        finally:
            _running.pop()
            browser.close()


@dataclass
class Watch:
    """What a page did: console errors, requests that left 127.0.0.1, dialogs opened."""

    errors: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)


def _local(url: str) -> bool:
    return urlsplit(url).hostname == "127.0.0.1"


@contextmanager
def open_tab(browser: Any) -> Iterator[tuple[Any, Watch]]:
    """A fresh tab whose shadow roots are open and whose requests stay local."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.add_init_script(OPEN_SHADOW_ROOTS)
    watch = Watch()
    tab.on("console", lambda m: watch.errors.append(m.text) if m.type == "error" else None)
    tab.on("pageerror", lambda e: watch.errors.append(str(e)))

    def dialog(d: Any) -> None:
        watch.dialogs.append(f"{d.type}: {d.message}")
        d.dismiss()

    tab.on("dialog", dialog)
    tab.on("request", lambda r: None if _local(r.url) else watch.outside.append(r.url))
    # Block anything not local, so a slip shows as a failed test, not a slow one.
    tab.route("**/*", lambda r: r.continue_() if _local(r.request.url) else r.abort())
    try:
        yield tab, watch
    finally:
        context.close()


def shot(tab: Any, name: str) -> None:
    OUTPUT.mkdir(exist_ok=True)
    tab.screenshot(path=str(OUTPUT / f"{name}.png"), full_page=True)


def diagrams(tab: Any) -> list[dict[str, Any]]:
    """Every Mermaid diagram of the page once drawn: svg present, error shown, text."""
    # Diagrams are drawn once near the screen: bring each waiting one into view in turn.
    tab.wait_for_function(
        """() => {
          const waiting = [...document.querySelectorAll('pre.sc-diagram')]
            .filter(el => !el.closest('[hidden]'));
          if (waiting.length) { waiting[0].scrollIntoView(); return false; }
          return [...document.querySelectorAll('div.sc-diagram')].every(el => el.dataset.ready);
        }""",
        polling=100,
        timeout=20_000,
    )
    result: list[dict[str, Any]] = tab.evaluate(MERMAID_SVG)
    return result
