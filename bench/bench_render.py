"""Render and site benchmark: Markdown for N tables, and the pipeline over bare MkDocs.

A throw-away project (a catalog.yml with eight domains; its mkdocs.yml is
schema-catalog's default configuration written out) gets the catalog of the synthetic schema
(`synthetic`, extracted from a throw-away server with the real `extract`
pipeline), then:

- ``render``: `render.render` into an empty ``docs/`` (every page written), and
  again over it (nothing changed: nothing rewritten, mtimes kept);
- ``pipeline`` vs ``bare``: ``schema-catalog build`` (load the snapshot, render
  into an empty ``docs/``, MkDocs build) against ``mkdocs build`` of the very
  same pages with the same mkdocs.yml, both as processes, alternating.

    python bench/bench_render.py --tables 2000
    python bench/bench_render.py --smoke          # 50 tables, one run
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# bench/ is a folder of scripts, not a package: its siblings import by name.
sys.path.insert(0, str(Path(__file__).parent))
import server as server_module
import synthetic

from schema_catalog import config as config_module
from schema_catalog import embedded, pipeline, render, site, snapshot
from schema_catalog.model import Catalog

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent

CATALOG_YML = """\
schemas: [public]
output: catalog.json
docs_dir: ../docs
site: {title: Synthetic catalog}
domains:
"""


@dataclass(frozen=True)
class Project:
    root: Path

    @property
    def config_path(self) -> Path:
        return self.root / "catalog" / "catalog.yml"

    @property
    def catalog_path(self) -> Path:
        return self.root / "catalog" / "catalog.json"

    @property
    def docs(self) -> Path:
        return self.root / "docs"


def make_project(root: Path) -> Project:
    """A catalog.yml with a domain per word (the site uses schema-catalog's default config)."""
    (root / "catalog").mkdir()
    domains = "".join(f'  {w.title()}: ["{w}_*"]\n' for w in synthetic.WORDS)
    (root / "catalog" / "catalog.yml").write_text(CATALOG_YML + domains, encoding="utf-8")
    return Project(root)


def extract(project: Project, tables: int) -> tuple[Catalog, float]:
    """Load the synthetic schema into a throw-away server and run the real extract."""
    config = config_module.load(project.config_path)
    with server_module.tcp_server() as srv:
        dsn = embedded.create_database(srv.dsn, "bench", embedded.supabase_stub_sql())
        synthetic.load(dsn, tables)
        started = time.perf_counter()
        catalog = pipeline.extract(config, pipeline.ExtractOptions(dsn=dsn, database_label="bench"))
        seconds = time.perf_counter() - started
    return snapshot.save(catalog, project.catalog_path), seconds


def time_analyse(project: Project, repeat: int) -> tuple[Catalog, dict[str, float]]:
    """What every reader pays before rendering: load the snapshot, analyse it with catalog.yml."""
    config = config_module.load(project.config_path)
    loads: list[float] = []
    analyses: list[float] = []
    for _ in range(repeat):
        started = time.perf_counter()
        facts = snapshot.load(project.catalog_path)
        loaded = time.perf_counter()
        catalog = pipeline.analyse(facts, config)
        loads.append(loaded - started)
        analyses.append(time.perf_counter() - loaded)
    return catalog, {"load_s": min(loads), "analyse_s": min(analyses)}


def time_render(project: Project, catalog: Catalog, repeat: int) -> dict[str, float]:
    config = config_module.load(project.config_path)
    cold: list[float] = []
    for _ in range(repeat):
        shutil.rmtree(project.docs, ignore_errors=True)
        started = time.perf_counter()
        result = render.render(catalog, config, project.docs)
        cold.append(time.perf_counter() - started)
    pages = len([p for p in result.written if p.endswith(".md")])  # not the assets and JSON
    before = {p: p.stat().st_mtime_ns for p in project.docs.rglob("*") if p.is_file()}
    started = time.perf_counter()
    again = render.render(catalog, config, project.docs)
    warm = time.perf_counter() - started
    after = {p: p.stat().st_mtime_ns for p in project.docs.rglob("*") if p.is_file()}
    return {
        "render_s": min(cold),
        "rerender_unchanged_s": warm,
        "pages": pages,
        # Machine-independent: an unchanged catalog rewrites nothing and touches no file.
        "rewritten_when_unchanged": len(again.written),
        "touched_when_unchanged": sum(1 for p, t in after.items() if before.get(p) != t),
    }


def time_process(command: list[str], cwd: Path) -> float:
    started = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise RuntimeError(f"{command[0]} failed: {(result.stderr or result.stdout)[-800:]}")
    return seconds


def time_site(project: Project, repeat: int) -> dict[str, float]:
    """``schema-catalog build`` from an empty docs/ against ``mkdocs build`` of its pages."""
    pipeline_runs: list[float] = []
    bare_runs: list[float] = []
    build = [str(BIN / "schema-catalog"), "build", "--quiet", "--config", "catalog/catalog.yml"]
    build += ["--site", "site-pipeline", "--mkdocs", "mkdocs.yml"]
    bare = [str(BIN / "mkdocs"), "build", "--quiet", "-f", "mkdocs.yml", "-d", "site-bare"]
    config = config_module.load(project.config_path)
    (project.root / "mkdocs.yml").write_text(
        site.standalone_mkdocs_yml(config, project.docs, project.root / "site", project.root),
        encoding="utf-8",
    )
    for _ in range(repeat):
        shutil.rmtree(project.docs, ignore_errors=True)
        pipeline_runs.append(time_process(build, project.root))
        bare_runs.append(time_process(bare, project.root))
    pages = sum(1 for _ in (project.root / "site-bare").rglob("index.html"))
    return {"pipeline_s": min(pipeline_runs), "bare_mkdocs_s": min(bare_runs), "html_pages": pages}


def report(tables: int, figures: dict[str, Any]) -> str:
    overhead = figures["pipeline_s"] / figures["bare_mkdocs_s"] - 1
    render_ok = "met" if figures["render_s"] <= 2.0 else "MISSED"
    site_ok = "met" if overhead <= 0.10 else "MISSED"
    return "\n".join(
        [
            f"{tables} synthetic tables ({synthetic.relation_count(tables)} relations), "
            f"{figures['pages']} Markdown pages, {figures['html_pages']} HTML pages; "
            f"extract {figures['extract_s']:.2f} s",
            "",
            "| step | seconds |",
            "|---|---:|",
            f"| load the snapshot (facts) | {figures['load_s']:.2f} |",
            f"| analyse on load (facts + catalog.yml) | {figures['analyse_s']:.2f} |",
            f"| render to Markdown, empty docs/ | {figures['render_s']:.2f} |",
            f"| render again, nothing changed ({figures['rewritten_when_unchanged']} files written) | {figures['rerender_unchanged_s']:.2f} |",
            f"| `schema-catalog build` (snapshot → pages → site) | {figures['pipeline_s']:.2f} |",
            f"| bare `mkdocs build` of the same pages | {figures['bare_mkdocs_s']:.2f} |",
            "",
            f"render {figures['render_s']:.2f} s (target ≤ 2 s: {render_ok})",
            f"pipeline over bare mkdocs build: {overhead:+.1%} (target ≤ +10%: {site_ok})",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tables", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--smoke", action="store_true", help="50 tables, one run")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON here")
    args = parser.parse_args(argv)
    if args.smoke:
        args.tables, args.repeat = 50, 1
    with tempfile.TemporaryDirectory(prefix="schema-catalog-render-") as scratch:
        project = make_project(Path(scratch))
        _, extract_s = extract(project, args.tables)
        figures: dict[str, Any] = {"extract_s": extract_s, "tables": args.tables}
        catalog, analysed = time_analyse(project, args.repeat)
        figures |= analysed
        figures |= time_render(project, catalog, args.repeat)
        figures |= time_site(project, args.repeat)
    print(report(args.tables, figures))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
