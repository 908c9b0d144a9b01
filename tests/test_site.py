"""site: the real MkDocs + Material build of rendered pages, and `serve` re-rendering."""

from __future__ import annotations

import json
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from render_catalogs import hostile_catalog, sample_catalog
from schema_catalog import config as config_module
from schema_catalog import snapshot
from schema_catalog.config import Config
from schema_catalog.errors import RenderError
from schema_catalog.render import render
from schema_catalog.site import build

ROOT = Path(__file__).resolve().parents[1]


def team_mkdocs_yml(folder: Path) -> Path:
    """A copy of the example's own mkdocs.yml (a team's file): tests never touch the checkout."""
    shutil.copy(ROOT / "mkdocs.yml", folder / "mkdocs.yml")
    return folder / "mkdocs.yml"


@pytest.fixture(scope="module", params=["default", "team"])
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The hostile catalog's site, with schema-catalog's default config and with a team's."""
    work = tmp_path_factory.mktemp("site")
    mkdocs_yml = team_mkdocs_yml(work) if request.param == "team" else None
    render(hostile_catalog(), Config(), work / "docs")
    build(Config(), work / "docs", work / "site", mkdocs_yml=mkdocs_yml)
    return work / "site"


def test_site_has_pages_assets_and_local_mermaid(built: Path) -> None:
    assert (built / "index.html").is_file()
    assert (built / "tables/public/books/index.html").is_file()
    assert (built / "domains/books/index.html").is_file()
    assert (built / "assets/javascripts/mermaid.min.js").stat().st_size > 1_000_000
    assert (built / "assets/stylesheets/schema-catalog.css").is_file()
    page = (built / "tables/public/books/index.html").read_text(encoding="utf-8")
    assert 'class="sc-diagram"' in page and "mermaid.min.js" in page
    assert "schema-catalog.js" in page  # draws the diagrams: pan, zoom, click-through
    assert "sc-badge--rls-on" in page and "schema-catalog.css" in page
    assert not list(built.parent.glob(".mkdocs-*.yml"))  # temporary config gone


def test_no_page_loads_anything_from_another_host(built: Path) -> None:
    external = re.compile(
        r"""(?:src|srcset|data)=["']?(?:https?:)?//|<link[^>]+href=["']?(?:https?:)?//"""
    )
    for page in built.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert not external.search(text), f"{page} loads from another host"
    for css in built.rglob("*.css"):
        assert "fonts.googleapis" not in css.read_text(encoding="utf-8")


def test_search_index_splits_on_underscore_and_skips_tag_pages(built: Path) -> None:
    index = json.loads((built / "search/search_index.json").read_text(encoding="utf-8"))
    assert "_" in index["config"]["separator"]
    locations = [doc["location"] for doc in index["docs"]]
    assert any(loc.startswith("tables/public/organization_members/") for loc in locations)
    assert not any(loc.startswith("tags/") for loc in locations)


def test_hostile_text_is_inert_in_the_html(built: Path) -> None:
    pages = [p for p in (built / "tables/public").iterdir() if p.name.startswith("evil")]
    html = (pages[0] / "index.html").read_text(encoding="utf-8")
    assert "<script>window.__pwned" not in html
    assert "<img src=x" not in html and "onerror=" not in html
    assert "&#60;script&#62;window." in html  # shown, as text


def test_a_broken_link_fails_the_build_in_one_line(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    render(sample_catalog(), Config(), docs)
    (docs / "guide.md").write_text("# Guide\n\nSee [nothing](missing.md).\n", encoding="utf-8")
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "index.html").write_text("previous site", encoding="utf-8")
    with pytest.raises(RenderError, match=r"missing\.md") as raised:
        build(Config(), docs, tmp_path / "site")
    assert "\n" not in str(raised.value)
    assert (tmp_path / "site" / "index.html").read_text(encoding="utf-8") == "previous site"


def test_site_options_of_catalog_yml_shape_the_default_configuration(tmp_path: Path) -> None:
    (tmp_path / "catalog").mkdir()
    (tmp_path / "catalog" / "team.css").write_text(".team { color: red }", encoding="utf-8")
    (tmp_path / "catalog" / "logo.svg").write_text("<svg/>", encoding="utf-8")
    (tmp_path / "catalog" / "catalog.yml").write_text(
        "site:\n  repo_url: https://forge.example/team/app\n  logo: logo.svg\n"
        "  palette: {primary: teal, accent: amber}\n  extra_css: [team.css]\n",
        encoding="utf-8",
    )
    (tmp_path / "package.json").write_text('{"name": "@acme/billing-app"}', encoding="utf-8")
    config = config_module.load(tmp_path / "catalog" / "catalog.yml")
    assert config.docs_path == tmp_path / "docs" and config.site_path == tmp_path / "site"
    render(sample_catalog(), config, config.docs_path)
    build(config, config.docs_path, config.site_path)
    home = (config.site_path / "index.html").read_text(encoding="utf-8")
    assert "<title>billing-app</title>" in home
    assert 'data-md-color-primary="teal"' in home and 'data-md-color-accent="amber"' in home
    assert "https://forge.example/team/app" in home
    assert "assets/site/team.css" in home and "assets/site/logo.svg" in home
    assert (config.site_path / "assets/site/team.css").is_file()
    assert not list(tmp_path.glob(".mkdocs-*.yml"))


def test_a_team_mkdocs_yml_wins_and_gets_only_what_the_pages_need(tmp_path: Path) -> None:
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: Team handbook\ntheme:\n  name: material\n  palette: {primary: red}\n"
        "markdown_extensions:\n  - pymdownx.superfences\nplugins:\n  - search\n",
        encoding="utf-8",
    )
    config = Config()
    docs = tmp_path / "docs"
    render(sample_catalog(), config, docs)
    build(config, docs, tmp_path / "site", mkdocs_yml=tmp_path / "mkdocs.yml")
    page = (tmp_path / "site" / "tables/public/books/index.html").read_text(encoding="utf-8")
    assert "Team handbook" in page and 'data-md-color-primary="red"' in page
    assert (
        'class="sc-diagram"' in page and "mermaid.min.js" in page and "schema-catalog.css" in page
    )
    index = json.loads((tmp_path / "site/search/search_index.json").read_text(encoding="utf-8"))
    assert "_" in index["config"]["separator"]
    assert (tmp_path / "mkdocs.yml").read_text(encoding="utf-8").startswith("site_name: Team")


def test_missing_mkdocs_yml_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(RenderError, match=r"mkdocs\.yml not found"):
        build(Config(), tmp_path, tmp_path / "site", mkdocs_yml=tmp_path / "mkdocs.yml")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _get(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            body: bytes = response.read()
            return body.decode("utf-8")
    except OSError:
        return None


def _wait_for(url: str, needle: str, seconds: float) -> str | None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        body = _get(url)
        if body is not None and needle in body:
            return body
        time.sleep(0.3)
    return None


def test_serve_re_renders_when_the_snapshot_changes(tmp_path: Path) -> None:
    catalog_path = tmp_path / "catalog.json"
    snapshot.save(sample_catalog(), catalog_path)
    docs = tmp_path / "docs"
    render(sample_catalog(), Config(), docs)
    port = _free_port()
    script = (
        "import sys; from pathlib import Path; from schema_catalog.config import Config; "
        "from schema_catalog.site import serve; "
        f"serve(Config(), Path({str(docs)!r}), "
        f"catalog_path=Path({str(catalog_path)!r}), dev_addr='127.0.0.1:{port}')"
    )
    log = tmp_path / "serve.log"
    with log.open("wb") as sink:
        server = subprocess.Popen([sys.executable, "-c", script], stdout=sink, stderr=sink)
    try:
        url = f"http://127.0.0.1:{port}/tables/public/books/"
        started = _wait_for(url, "Books an organization publishes", 60)
        assert started, log.read_text(encoding="utf-8")
        changed = tuple(
            t.model_copy(update={"comment": "Rewritten while serving."}) if t.name == "books" else t
            for t in sample_catalog().tables
        )
        snapshot.save(sample_catalog().model_copy(update={"tables": changed}), catalog_path)
        rerendered = _wait_for(url, "Rewritten while serving.", 60)
        assert rerendered, log.read_text(encoding="utf-8")
    finally:
        server.terminate()
        server.wait(timeout=20)
    assert not list(tmp_path.glob(".mkdocs-*.yml")), "serve left its temporary config behind"
