"""Golden pages: a table page, a domain page and the home page, byte for byte.

``UPDATE_GOLDEN=1 pytest tests/test_render_golden.py`` rewrites them; review the
diff like code. Timestamps are normalised so the pages depend on the schema only.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from render_catalogs import sample_catalog
from schema_catalog.config import Config
from schema_catalog.render import render_pages

GOLDEN = Path(__file__).parent / "golden"
PAGES = {
    "table_books.md": "tables/public/books.md",
    "table_book_chapters.md": "tables/public/book_chapters.md",
    "domain_books.md": "domains/books/index.md",
    "home.md": "index.md",
}
_TIMESTAMP = re.compile(
    r"\d{4}-\d{2}-\d{2}T\d{2}&#58;\d{2}&#58;\d{2}(\.\d+)?(\+\d{2}&#58;\d{2}|Z)?"
    r"|\d{4}-\d{2}-\d{2} \d{2}&#58;\d{2} UTC"
)


def _normalise(text: str) -> str:
    return _TIMESTAMP.sub("<TIMESTAMP>", text)


@pytest.fixture(scope="module")
def rendered() -> dict[str, str]:
    # An explicit title: the default is the project's name (the folder's, here the checkout's).
    config = Config.model_validate({"site": {"title": "Database catalog"}})
    files = render_pages(sample_catalog(), config)
    return {name: _normalise(files[path].decode()) for name, path in PAGES.items()}


@pytest.mark.parametrize("name", sorted(PAGES))
def test_golden_page(name: str, rendered: dict[str, str]) -> None:
    golden = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN") == "1":
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(rendered[name], encoding="utf-8")
    assert golden.exists(), f"{golden} is missing: run with UPDATE_GOLDEN=1"
    assert rendered[name] == golden.read_text(encoding="utf-8")


def test_timestamps_are_normalised(rendered: dict[str, str]) -> None:
    assert "<TIMESTAMP>" in rendered["home.md"]
    assert "2025" not in rendered["home.md"]
