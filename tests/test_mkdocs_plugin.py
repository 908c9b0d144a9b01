"""The `schema-catalog` MkDocs plugin in a team's own Material site, with the real MkDocs.

A small existing site (its own pages, nav and mkdocs.yml) adds the plugin; the
real ``mkdocs build`` must then hold the catalog pages under the section, in
the nav and in the search index, with nothing written into the site's docs/.
The real ``mkdocs serve`` must re-render a table page when catalog.json changes.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from render_catalogs import sample_catalog
from schema_catalog import snapshot

MKDOCS_YML = """\
site_name: Team handbook
theme:
  name: material
nav:
  - Home: index.md
  - Runbooks: runbooks.md
plugins:
  - search
  - schema-catalog:
      catalog: catalog/catalog.json
      section: Database
"""


@pytest.fixture
def team_site(tmp_path: Path) -> Path:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# Handbook\n\nHow we work.\n", encoding="utf-8")
    (tmp_path / "docs" / "runbooks.md").write_text("# Runbooks\n\nOn call.\n", encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
    (tmp_path / "catalog").mkdir()
    snapshot.save(sample_catalog(), tmp_path / "catalog" / "catalog.json")
    return tmp_path


def test_mkdocs_build_puts_the_catalog_in_a_section_and_in_search(team_site: Path) -> None:
    docs_before = sorted(p.name for p in (team_site / "docs").rglob("*"))
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict"],
        cwd=team_site,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    site = team_site / "site"
    assert (site / "runbooks" / "index.html").is_file()  # the team's own pages stay
    page = (site / "database" / "tables" / "public" / "books" / "index.html").read_text(
        encoding="utf-8"
    )
    assert "Books an organization publishes" in page
    # from database/tables/public/books/, ../../../ is database/
    assert 'class="sc-diagram"' in page and '"../../../assets/javascripts/mermaid.min.js"' in page
    assert "sc-badge" in page and '"../../../assets/stylesheets/schema-catalog.css"' in page
    assert (site / "database" / "assets" / "javascripts" / "mermaid.min.js").is_file()
    home = (site / "index.html").read_text(encoding="utf-8")
    assert ">Database<" in home or "Database\n" in home  # the nav section
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    locations = {doc["location"] for doc in index["docs"]}
    for table in sample_catalog().tables:
        assert f"database/tables/{table.schema_}/{table.name}/" in locations, table.name
    assert "runbooks/" in locations
    assert sorted(p.name for p in (team_site / "docs").rglob("*")) == docs_before


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _wait_for(url: str, needle: str, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if needle in response.read().decode("utf-8"):
                    return True
        except OSError:
            pass
        time.sleep(0.3)
    return False


def test_mkdocs_serve_re_renders_a_changed_catalog_json(team_site: Path) -> None:
    port = _free_port()
    log = team_site / "serve.log"
    with log.open("wb") as sink:
        server = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{port}"],
            cwd=team_site,
            stdout=sink,
            stderr=sink,
        )
    try:
        url = f"http://127.0.0.1:{port}/database/tables/public/books/"
        assert _wait_for(url, "Books an organization publishes", 90), log.read_text()
        catalog = sample_catalog()
        changed = tuple(
            t.model_copy(update={"comment": "Rewritten while serving."}) if t.name == "books" else t
            for t in catalog.tables
        )
        snapshot.save(
            catalog.model_copy(update={"tables": changed}), team_site / "catalog" / "catalog.json"
        )
        assert _wait_for(url, "Rewritten while serving.", 90), log.read_text()
    finally:
        server.terminate()
        server.wait(timeout=30)
