"""`schema-catalog demo` end to end, and the repo's own catalog/ and docs/ kept fresh.

The demo runs in a scratch copy of the checkout (the example, catalog.yml and the
committed catalog.json), so the test never touches the working tree; the committed
outputs must equal what the demo makes from the committed example.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from schema_catalog import snapshot
from schema_catalog.render.inputs import INPUTS

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def demo_run(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, subprocess.CompletedProcess[str]]:
    work = tmp_path_factory.mktemp("demo")
    shutil.copytree(ROOT / "examples", work / "examples")
    shutil.copytree(ROOT / "catalog", work / "catalog")
    shutil.copy(ROOT / "mkdocs.yml", work / "mkdocs.yml")
    if (ROOT / "docs").exists():
        shutil.copytree(ROOT / "docs", work / "docs")
    result = subprocess.run(
        [sys.executable, "-m", "schema_catalog", "demo", "--dir", "."],
        cwd=work,
        capture_output=True,
        text=True,
        timeout=600,
    )
    return work, result


def test_demo_ends_with_a_built_site_and_computed_figures(
    demo_run: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    work, result = demo_run
    assert result.returncode == 0, result.stderr
    assert "live tables: 44, 841 columns" in result.stderr
    assert "largest: books (73), content_items (63), user_assessments (51)" in result.stderr
    assert "declared in Drizzle: 2 (1 not in the database)" in result.stderr
    assert "proposed by migrations: 91 new tables" in result.stderr
    assert (work / "site" / "index.html").exists()
    assert "Site built in site/" in result.stderr


def test_committed_catalog_is_what_the_demo_extracts(
    demo_run: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    work, result = demo_run
    assert result.returncode == 0, result.stderr
    fresh = (work / "catalog" / "catalog.json").read_text(encoding="utf-8")
    committed = (ROOT / "catalog" / "catalog.json").read_text(encoding="utf-8")
    assert fresh == committed, "catalog/catalog.json is stale: run `scripts/dev demo` and commit"
    catalog = snapshot.loads(fresh)
    live = [t for t in catalog.tables if "database" in t.presence and t.kind == "table"]
    assert len(live) == 44 and sum(len(t.columns) for t in live) == 841


def test_committed_docs_are_what_the_demo_renders(
    demo_run: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    work, result = demo_run
    assert result.returncode == 0, result.stderr
    # The render's inputs hashes are a cache (`render.inputs`), not part of the site.
    fresh = {
        p.relative_to(work / "docs"): p.read_bytes()
        for p in (work / "docs").rglob("*")
        if p.is_file() and p.name != INPUTS
    }
    committed = {
        p.relative_to(ROOT / "docs"): p.read_bytes()
        for p in (ROOT / "docs").rglob("*")
        if p.is_file() and p.name != INPUTS
    }
    stale = sorted(
        str(path)
        for path in fresh.keys() | committed.keys()
        if fresh.get(path) != committed.get(path)
    )
    assert not stale, (
        f"docs/ is stale ({len(stale)} files, e.g. {stale[:5]}): run `scripts/dev demo` and commit"
    )
