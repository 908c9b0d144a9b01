"""Nothing lost: a run that fails or is killed half-way leaves the previous outputs.

Each test sets up a project with a good catalog, pages and site, then runs the
real command line (a subprocess, as CI or a user runs it) in a way that fails
or is killed with SIGKILL at a chosen point, and checks byte for byte that the
previous catalog.json, docs/ pages or site/ are still there; then that the next
run completes normally. The kill points are chosen with the render's own
``on_staged`` hook, or by pausing the process inside the step, from a small
driver script: the kill is real, only its timing is arranged.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import DatabaseFactory
from render_catalogs import hostile_catalog, sample_catalog
from schema_catalog import pipeline, snapshot
from schema_catalog.config import Config
from schema_catalog.render import ASSET_FILES, MANIFEST, STAGING, render, render_pages
from schema_catalog.render.inputs import INPUTS

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = """
CREATE TABLE organizations (id uuid PRIMARY KEY, name text NOT NULL);
CREATE TABLE projects (
  id uuid PRIMARY KEY,
  organization_id uuid NOT NULL REFERENCES organizations (id),
  title text
);
"""


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """`schema-catalog ARGS` in a subprocess, without the caller's PG settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PG", "DATABASE_URL"))}
    return subprocess.run(
        [sys.executable, "-m", "schema_catalog", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def assert_one_line_error(result: subprocess.CompletedProcess[str], *fragments: str) -> None:
    assert result.returncode == 2, (result.returncode, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


def tree(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file below ``folder``: bytes and mtime."""
    return {
        p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def without_staging(files: dict[str, tuple[bytes, int]]) -> dict[str, tuple[bytes, int]]:
    return {k: v for k, v in files.items() if not k.startswith(STAGING + "/")}


@pytest.fixture(autouse=True)
def _in_the_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Work from the project folder, as the CLI runs there: the site's default title
    is the project folder's name, so pages rendered here and by the CLI match."""
    monkeypatch.chdir(tmp_path)


# --------------------------------------------------------------------------- extract


@pytest.fixture
def extracted(make_database: DatabaseFactory, tmp_path: Path) -> tuple[Path, str]:
    """A project whose catalog/ holds catalog.json and catalog.previous.json."""
    dsn = make_database(SCHEMA)
    first = cli("extract", "--dsn", dsn, "--out", "catalog/catalog.json", "-q", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    import psycopg

    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("ALTER TABLE projects ADD COLUMN due date")
    second = cli("extract", "--dsn", dsn, "--out", "catalog/catalog.json", "-q", cwd=tmp_path)
    assert second.returncode == 0, second.stderr
    assert (tmp_path / "catalog" / "catalog.previous.json").is_file()
    return tmp_path, dsn


def test_extract_from_an_unreachable_database_keeps_the_catalog(
    extracted: tuple[Path, str],
) -> None:
    project, _ = extracted
    before = tree(project / "catalog")
    bad = "postgresql://catalog:s3cret-pw@127.0.0.1:1/nowhere?connect_timeout=2"
    result = cli("extract", "--dsn", bad, "--out", "catalog/catalog.json", cwd=project)
    assert_one_line_error(result, "127.0.0.1")
    assert "s3cret-pw" not in result.stderr + result.stdout
    assert tree(project / "catalog") == before


def test_extract_with_a_malformed_migration_keeps_the_catalog(
    extracted: tuple[Path, str],
) -> None:
    project, dsn = extracted
    before = tree(project / "catalog")
    migration = project / "migrations" / "0002_broken.sql"
    migration.parent.mkdir()
    migration.write_text("CREATE TABLE broken (id int PRIMARY KEY,, oops;\n", encoding="utf-8")
    result = cli(
        "extract",
        "--dsn",
        dsn,
        "--migrations",
        "migrations",
        "--out",
        "catalog/catalog.json",
        cwd=project,
    )
    assert_one_line_error(result, "0002_broken.sql")
    assert tree(project / "catalog") == before


def test_extract_of_a_missing_schema_keeps_the_catalog(extracted: tuple[Path, str]) -> None:
    project, dsn = extracted
    before = tree(project / "catalog")
    result = cli(
        "extract",
        "--dsn",
        dsn,
        "--schema",
        "no_such_schema",
        "--out",
        "catalog/catalog.json",
        cwd=project,
    )
    assert_one_line_error(result, "no_such_schema")
    assert tree(project / "catalog") == before


# --------------------------------------------------------------------------- render

# Renders catalog.json into docs/, pausing at a point the test chose; the test
# waits for the marker file, then kills the process.
RENDER_DRIVER = """
import pathlib, sys, time
from schema_catalog import pipeline
from schema_catalog.config import Config
from schema_catalog.render import render

catalog_path, docs, marker, point, after = sys.argv[1:6]
marker = pathlib.Path(marker)

def pause():
    marker.write_text("paused")
    time.sleep(600)

def pause_after_renames():
    # Let `after` staged pages reach docs/, then stop in the middle of the commit.
    real = pathlib.Path.replace
    done = [0]
    def replace(self, target):
        result = real(self, target)
        done[0] += 1
        if done[0] == int(after):
            pause()
        return result
    pathlib.Path.replace = replace

hook = pause if point == "staged" else pause_after_renames
catalog = pipeline.load(Config(), pathlib.Path(catalog_path))
render(catalog, Config(), pathlib.Path(docs), on_staged=hook, in_place=True)
"""


def run_and_kill(args: list[str], marker: Path, cwd: Path) -> None:
    """Run a driver until it writes ``marker``, then SIGKILL it."""
    process = subprocess.Popen([sys.executable, "-c", *args], cwd=cwd, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while not marker.exists():
            if process.poll() is not None:
                stderr = process.stderr.read().decode() if process.stderr else ""
                pytest.fail(f"driver ended before the kill point: {stderr}")
            assert time.monotonic() < deadline, "driver never reached the kill point"
            time.sleep(0.05)
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait(timeout=30)
        if process.stderr:
            process.stderr.close()
    assert process.returncode == -signal.SIGKILL


def render_project(tmp_path: Path) -> tuple[Path, Path]:
    """docs/ rendered from previous.json (the sample catalog); catalog.json holding the
    hostile one, for the next render."""
    docs = tmp_path / "docs"
    snapshot.save(sample_catalog(), tmp_path / "previous.json")
    render(pipeline.load(Config(), tmp_path / "previous.json"), Config(), docs)
    (docs / "guide.md").write_text("# Our own guide\n", encoding="utf-8")
    catalog = tmp_path / "catalog.json"
    snapshot.save(hostile_catalog(), catalog)
    return docs, catalog


def kill_render(tmp_path: Path, point: str, after: int = 0) -> None:
    docs, catalog = tmp_path / "docs", tmp_path / "catalog.json"
    marker = tmp_path / "paused"
    args = [RENDER_DRIVER, str(catalog), str(docs), str(marker), point, str(after)]
    run_and_kill(args, marker, tmp_path)


def assert_next_render_completes(tmp_path: Path) -> None:
    """`schema-catalog render` after the kill: exactly the new pages, user pages kept."""
    docs = tmp_path / "docs"
    result = cli("render", "--catalog", "catalog.json", "--docs", "docs", "-q", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert not (docs / STAGING).exists()
    expected = render_pages(pipeline.load(Config(), tmp_path / "catalog.json"), Config())
    ours = (MANIFEST, INPUTS, "guide.md")
    generated = {k: v[0] for k, v in tree(docs).items() if k not in ours}
    assert generated.keys() - set(ASSET_FILES) == expected.keys()
    assert [path for path, data in expected.items() if generated[path] != data] == []
    assert (docs / "guide.md").read_text(encoding="utf-8") == "# Our own guide\n"


def test_render_killed_after_staging_leaves_the_previous_pages(tmp_path: Path) -> None:
    docs, _ = render_project(tmp_path)
    before = tree(docs)
    kill_render(tmp_path, "staged")
    assert (docs / STAGING).is_dir()  # the kill did land after staging
    assert without_staging(tree(docs)) == before
    assert_next_render_completes(tmp_path)


def changed_pages(docs: Path) -> tuple[list[str], list[str]]:
    """What rendering the hostile catalog over ``docs`` renames into place, in order,
    and which of those pages are new."""
    files = render_pages(pipeline.load(Config(), docs.parent / "catalog.json"), Config())
    exists = {path: (docs / path).is_file() for path in files}
    changed = sorted(
        p for p, data in files.items() if not exists[p] or (docs / p).read_bytes() != data
    )
    return changed, [p for p in changed if not exists[p]]


def kill_inside_commit(tmp_path: Path, docs: Path) -> dict[str, tuple[bytes, int]]:
    """Kill a render just after its first new page reached docs/; return the tree."""
    before = tree(docs)
    changed, new = changed_pages(docs)
    after = changed.index(new[0]) + 1
    kill_render(tmp_path, "commit", after)
    now = without_staging(tree(docs))
    renamed = [path for path in now if now[path] != before.get(path) and path != MANIFEST]
    assert len(renamed) == after and new[0] in renamed  # the kill landed inside the commit
    return before


def test_render_killed_inside_the_commit_leaves_nothing_orphaned(tmp_path: Path) -> None:
    """Going back to the previous catalog after the kill gives the previous pages exactly."""
    docs, catalog = render_project(tmp_path)
    before = kill_inside_commit(tmp_path, docs)
    shutil.copy(tmp_path / "previous.json", catalog)
    result = cli("render", "--catalog", "catalog.json", "--docs", "docs", "-q", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert {k: v[0] for k, v in tree(docs).items()} == {k: v[0] for k, v in before.items()}


def test_render_killed_inside_the_commit_does_not_block_the_next_run(tmp_path: Path) -> None:
    """A page the killed run put in place is the catalog's to rewrite, not a user file."""
    docs, catalog = render_project(tmp_path)
    kill_inside_commit(tmp_path, docs)
    tables = tuple(
        t.model_copy(update={"comment": "Changed after the kill."})
        for t in hostile_catalog().tables
    )
    snapshot.save(hostile_catalog().model_copy(update={"tables": tables}), catalog)
    result = cli("render", "--catalog", "catalog.json", "--docs", "docs", "-q", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert not (docs / STAGING).exists()


# --------------------------------------------------------------------------- build


@pytest.fixture
def site_project(tmp_path: Path) -> Path:
    """A project with catalog.json and a built site/ (schema-catalog's default MkDocs config)."""
    snapshot.save(sample_catalog(), tmp_path / "catalog.json")
    result = cli("build", "--catalog", "catalog.json", "--docs", "docs", "-q", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "site" / "index.html").is_file()
    return tmp_path


def test_failing_build_leaves_the_previous_site(site_project: Path) -> None:
    before = tree(site_project / "site")
    (site_project / "docs" / "guide.md").write_text(
        "# Guide\n\nSee [the missing page](missing.md).\n", encoding="utf-8"
    )
    snapshot.save(hostile_catalog(), site_project / "catalog.json")
    result = cli("build", "--catalog", "catalog.json", "--docs", "docs", "-q", cwd=site_project)
    assert_one_line_error(result, "missing.md")
    assert tree(site_project / "site") == before
    leftovers = [p.name for p in site_project.iterdir() if p.name.startswith(".site")]
    assert leftovers == []


# Builds docs/ into site/, pausing once MkDocs is done and before the new site
# is swapped in: the latest moment a kill can come.
BUILD_DRIVER = """
import pathlib, sys, time
from schema_catalog import atomic
from schema_catalog.config import Config
from schema_catalog.site import build

docs, site, marker = map(pathlib.Path, sys.argv[1:4])

def pause(staged, target):
    marker.write_text("paused")
    time.sleep(600)

atomic.swap_directory = pause
build(Config(), docs, site)
"""


def test_build_killed_before_the_swap_leaves_the_previous_site(site_project: Path) -> None:
    before = tree(site_project / "site")
    snapshot.save(hostile_catalog(), site_project / "catalog.json")
    render(pipeline.load(Config(), site_project / "catalog.json"), Config(), site_project / "docs")
    marker = site_project / "paused"
    args = [BUILD_DRIVER, "docs", "site", str(marker)]
    run_and_kill(args, marker, site_project)
    assert tree(site_project / "site") == before
    result = cli("build", "--catalog", "catalog.json", "--docs", "docs", "-q", cwd=site_project)
    assert result.returncode == 0, result.stderr
    assert tree(site_project / "site") != before
    assert list((site_project / "site" / "tables" / "public").glob("evil*/index.html"))
    assert not [p.name for p in site_project.iterdir() if p.name.startswith(".site")]
