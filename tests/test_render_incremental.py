"""A render that skips pages whose inputs did not change writes what a full render writes.

`render` keeps each page's inputs hash (`render.inputs`) and renders only the
pages whose hash moved; `render.parallel` renders many pages in worker
processes. Both are caches of the same function, so every test here compares
with a full render in one process (`render_pages`): after a change of each
kind a page can depend on, docs/ holds exactly the pages of a fresh render.
"""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from render_catalogs import hostile_catalog, sample_catalog
from schema_catalog.analysis.lint.registry import RULES
from schema_catalog.config import Config
from schema_catalog.model import Catalog, Column, Finding, Function
from schema_catalog.render import ASSET_FILES, render, render_pages
from schema_catalog.render.inputs import INPUTS
from schema_catalog.render.parallel import workers_for

CONFIG = Config()


def _with_table(catalog: Catalog, name: str, **update: object) -> Catalog:
    tables = tuple(t.model_copy(update=update) if t.name == name else t for t in catalog.tables)
    return catalog.model_copy(update={"tables": tables})


def _rename_column(catalog: Catalog) -> Catalog:
    """`books` is drawn in the diagrams of the tables around it: theirs change too."""
    books = next(t for t in catalog.tables if t.name == "books")
    columns = tuple(
        c.model_copy(update={"name": "heading"}) if c.name == "title" else c for c in books.columns
    )
    return _with_table(catalog, "books", columns=columns)


def _add_finding(catalog: Catalog) -> Catalog:
    found = Finding(
        code="DOC001", severity="info", target="public.book_chapters", message="new finding"
    )
    return catalog.model_copy(update={"findings": (*catalog.findings, found)})


def _drop_table(catalog: Catalog) -> Catalog:
    tables = tuple(t for t in catalog.tables if t.name != "book_chapters")
    return catalog.model_copy(update={"tables": tables})


def _comment(catalog: Catalog) -> Catalog:
    return _with_table(catalog, "organizations", comment="Changed | *comment*")


def _column_added(catalog: Catalog) -> Catalog:
    orgs = next(t for t in catalog.tables if t.name == "organizations")
    return _with_table(
        catalog, "organizations", columns=(*orgs.columns, Column(name="x", type="int"))
    )


def _definer_function(catalog: Catalog) -> Catalog:
    """A route into `organizations` opened elsewhere: its page's access rows change."""
    opener = Function(
        schema="public",
        name="all_orgs",
        arguments="",
        result="SETOF public.organizations",
        language="sql",
        definition="CREATE FUNCTION public.all_orgs() AS $$ SELECT * FROM public.organizations $$",
        executable_by=("anon", "authenticated"),
        security_definer=True,
    )
    return catalog.model_copy(update={"functions": (*catalog.functions, opener)})


CHANGES: dict[str, Callable[[Catalog], Catalog]] = {
    "a neighbour's column renamed": _rename_column,
    "a finding added": _add_finding,
    "a table dropped": _drop_table,
    "a comment changed": _comment,
    "a column added": _column_added,
    "a definer function opens a route": _definer_function,
}


def _generated(docs: Path) -> dict[str, bytes]:
    ours = {".schema-catalog-manifest", INPUTS, *ASSET_FILES}
    return {
        p.relative_to(docs).as_posix(): p.read_bytes()
        for p in docs.rglob("*")
        if p.is_file() and p.relative_to(docs).as_posix() not in ours
    }


@pytest.mark.parametrize("change", CHANGES)
def test_a_render_after_a_change_writes_what_a_full_render_writes(
    tmp_path: Path, change: str
) -> None:
    before = hostile_catalog()
    first = render(before, CONFIG, tmp_path)
    assert first.rendered == len([p for p in first.written if p.endswith(".md")])
    after = CHANGES[change](before)
    result = render(after, CONFIG, tmp_path)
    assert _generated(tmp_path) == render_pages(after, CONFIG)
    # Only some pages went through their templates again, and at least one did.
    assert 0 < result.rendered < first.rendered


def test_an_unchanged_catalog_renders_no_page(tmp_path: Path) -> None:
    render(hostile_catalog(), CONFIG, tmp_path)
    again = render(hostile_catalog(), CONFIG, tmp_path)
    assert again.rendered == 0 and again.written == []
    assert _generated(tmp_path) == render_pages(hostile_catalog(), CONFIG)


def test_a_page_edited_by_hand_is_rendered_again(tmp_path: Path) -> None:
    render(sample_catalog(), CONFIG, tmp_path)
    page = tmp_path / "tables/public/books.md"
    page.write_text("# edited\n", encoding="utf-8")
    result = render(sample_catalog(), CONFIG, tmp_path)
    assert result.rendered == 1 and result.written == ["tables/public/books.md"]
    assert page.read_bytes() == render_pages(sample_catalog(), CONFIG)["tables/public/books.md"]


def test_a_config_or_template_change_renders_every_page_again(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    first = render(sample_catalog(), CONFIG, docs)
    shorter = Config.model_validate({"site": {"long_text": 80}})
    assert render(sample_catalog(), shorter, docs).rendered == first.rendered
    templates = tmp_path / "templates"
    templates.mkdir()
    own = Config.model_validate({"site": {"long_text": 80, "templates": str(templates)}})
    (templates / "tags.md.jinja").write_text("# Our tags\n", encoding="utf-8")
    assert render(sample_catalog(), own, docs).rendered == first.rendered
    assert (docs / "tags.md").read_text(encoding="utf-8") == "# Our tags\n"
    (templates / "tags.md.jinja").write_text("# Our tags, again\n", encoding="utf-8")
    assert render(sample_catalog(), own, docs).rendered == first.rendered
    assert _generated(docs) == render_pages(sample_catalog(), own)


def test_a_rule_whose_documentation_changed_renders_the_rules_page_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Rules page is made from the lint registry, outside render/: an upgrade that
    only rewords a rule still shows on the page."""
    render(sample_catalog(), CONFIG, tmp_path)
    rule = RULES["DOC001"]
    reworded = dataclasses.replace(rule, check=_reworded_check)
    monkeypatch.setitem(RULES, "DOC001", reworded)
    again = render(sample_catalog(), CONFIG, tmp_path)
    assert "rules.md" in again.written
    assert "A reworded rule." in (tmp_path / "rules.md").read_text(encoding="utf-8")


def _reworded_check(catalog: Catalog, settings: object) -> list[Finding]:
    """A reworded rule."""
    return []


_COMPARE_SERIAL_AND_FORKED = """
from render_catalogs import synthetic_catalog
from schema_catalog.config import Config
from schema_catalog.render.environment import environment
from schema_catalog.render.lookup import Lookup
from schema_catalog.render.pages import all_pages, page_paths
from schema_catalog.render.parallel import render_all, workers_for

config = Config()
catalog = synthetic_catalog(60, per_domain=10)
pages = all_pages(catalog, config, page_paths(catalog), lookup=Lookup(catalog))
assert workers_for(len(pages), 2) == 2, "a fresh process with one thread forks"
serial = render_all(environment(None), pages, config.site.long_text, workers=1)
forked = render_all(environment(None), pages, config.site.long_text, workers=2)
assert forked == serial and len(serial) == len(pages), "forked pages differ"
print(len(pages))
"""


def test_pages_rendered_in_worker_processes_are_the_same_bytes() -> None:
    # In a process of its own: this session runs threads (the test server's, the
    # browsers'), and `parallel` rightly never forks a process that has several.
    tests = Path(__file__).resolve().parent
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tests), *sys.path])}
    run = subprocess.run(
        [sys.executable, "-c", _COMPARE_SERIAL_AND_FORKED],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert int(run.stdout) > 50


_A_WORKERS_TEMPLATE_ERROR = """
from pathlib import Path
from jinja2 import DictLoader, Environment
from schema_catalog.errors import RenderError
from schema_catalog.render.pages import Page
from schema_catalog.render.parallel import Sink, render_all, render_into

env = Environment(loader=DictLoader({"ok.md": "fine", "bad.md": "{% include 'gone.md' %}"}))
pages = [Page("ok.md", f"p{i}.md", dict) for i in range(120)]
pages[77] = Page("bad.md", "p77.md", dict)
root = Path(__import__("sys").argv[1])
for run in (
    lambda: render_all(env, pages, 1000, workers=2),
    lambda: render_into(Sink(root / "next", root / "docs"), env, pages, 1000, workers=2),
):
    try:
        run()
    except RenderError as error:
        print(error.what)
    else:
        raise SystemExit("no RenderError")
"""


def test_a_template_error_in_a_worker_is_one_render_error_in_the_parent(tmp_path: Path) -> None:
    tests = Path(__file__).resolve().parent
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tests), *sys.path])}
    run = subprocess.run(
        [sys.executable, "-c", _A_WORKERS_TEMPLATE_ERROR, str(tmp_path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert len(lines) == 2 and all("rendering p77.md" in line for line in lines), run.stdout


def test_a_process_running_threads_renders_in_one_process() -> None:
    started = threading.Event()
    stop = threading.Event()
    thread = threading.Thread(target=lambda: (started.set(), stop.wait()))
    thread.start()
    try:
        started.wait()
        assert workers_for(1000, 4) == 1
    finally:
        stop.set()
        thread.join()


def test_serve_renders_the_changed_tables_first_and_the_lists_next(tmp_path: Path) -> None:
    before = hostile_catalog()
    render(before, CONFIG, tmp_path)
    old = _generated(tmp_path)
    after = _comment(before)
    first = render(after, CONFIG, tmp_path, lists_later=True)
    now = _generated(tmp_path)
    fresh = render_pages(after, CONFIG)
    assert first.written and all(
        path.startswith("tables/public/") and not path.endswith("index.md")
        for path in first.written
        if path.endswith(".md")
    )
    assert now["tables/public/organizations.md"] == fresh["tables/public/organizations.md"]
    assert now["tables/public/index.md"] == old["tables/public/index.md"]  # the list, later
    assert now["tables/public/index.md"] != fresh["tables/public/index.md"]
    second = render(after, CONFIG, tmp_path)
    assert "tables/public/index.md" in second.written
    assert _generated(tmp_path) == fresh
