"""Site cost per page as the catalog grows: render time, MkDocs build time, site size.

    .venv/bin/python bench/bench_site.py 100 1000 3000

Synthetic catalogs (tests/render_catalogs.synthetic_catalog: ~20 columns, two
FKs per table, domains of 25 tables) are rendered and built with the repo's
mkdocs.yml. Flat per-page figures mean the navigation does not grow with the
catalog (navigation.prune, and table pages listed only under their domain).
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from render_catalogs import synthetic_catalog  # noqa: E402
from schema_catalog.config import Config  # noqa: E402
from schema_catalog.render import render  # noqa: E402
from schema_catalog.site import build  # noqa: E402


def _size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def measure(count: int) -> None:
    catalog = synthetic_catalog(count)
    with tempfile.TemporaryDirectory() as tmp:
        docs, site = Path(tmp) / "docs", Path(tmp) / "site"
        start = time.perf_counter()
        render(catalog, Config(), docs)
        rendered = time.perf_counter() - start
        start = time.perf_counter()
        build(Config(), docs, site, mkdocs_yml=ROOT / "mkdocs.yml")
        built = time.perf_counter() - start
        pages = len(list(site.rglob("index.html")))
        mermaid = (site / "assets/javascripts/mermaid.min.js").stat().st_size
        size = _size(site) - mermaid
        print(
            f"{count:>6} tables {pages:>6} pages | render {rendered:6.2f} s "
            f"({rendered / pages * 1000:5.1f} ms/page) | build {built:7.2f} s "
            f"({built / pages * 1000:5.1f} ms/page) | site {size / 1e6:7.1f} MB "
            f"({size / pages / 1e3:5.1f} kB/page, mermaid.min.js not counted)",
            flush=True,
        )


if __name__ == "__main__":
    for arg in sys.argv[1:] or ["100", "1000"]:
        measure(int(arg))
