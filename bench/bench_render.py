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
import resource
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


def _cpu() -> float:
    """CPU seconds of this process and its finished children (the render's workers)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _one_comment_changed(catalog: Catalog) -> Catalog:
    first = catalog.tables[0]
    tables = (first.model_copy(update={"comment": "Changed for the bench."}), *catalog.tables[1:])
    return catalog.model_copy(update={"tables": tables})


def time_render(project: Project, catalog: Catalog, repeat: int) -> dict[str, float]:
    config = config_module.load(project.config_path)
    cold: list[float] = []
    cold_cpu: list[float] = []
    for _ in range(repeat):
        shutil.rmtree(project.docs, ignore_errors=True)
        started, cpu = time.perf_counter(), _cpu()
        result = render.render(catalog, config, project.docs)
        cold.append(time.perf_counter() - started)
        cold_cpu.append(_cpu() - cpu)
    pages = len([p for p in result.written if p.endswith(".md")])  # not the assets and JSON
    before = {p: p.stat().st_mtime_ns for p in project.docs.rglob("*") if p.is_file()}
    started, cpu = time.perf_counter(), _cpu()
    again = render.render(catalog, config, project.docs)
    warm, warm_cpu = time.perf_counter() - started, _cpu() - cpu
    after = {p: p.stat().st_mtime_ns for p in project.docs.rglob("*") if p.is_file()}
    started, cpu = time.perf_counter(), _cpu()
    changed = render.render(_one_comment_changed(catalog), config, project.docs)
    one, one_cpu = time.perf_counter() - started, _cpu() - cpu
    render.render(catalog, config, project.docs)  # back to the snapshot's pages
    started, cpu = time.perf_counter(), _cpu()
    serial = render.render_pages(catalog, config, workers=1)
    serial_s, serial_cpu = time.perf_counter() - started, _cpu() - cpu
    return {
        "render_s": min(cold),
        "render_cpu_s": min(cold_cpu),
        "render_serial_s": serial_s,
        "render_serial_cpu_s": serial_cpu,
        "rerender_unchanged_s": warm,
        "rerender_unchanged_cpu_s": warm_cpu,
        "one_change_s": one,
        "one_change_cpu_s": one_cpu,
        "pages": pages,
        # Machine-independent: an unchanged catalog rewrites nothing and touches no file,
        # and renders no page at all; one changed comment renders a few pages.
        "rewritten_when_unchanged": len(again.written),
        "touched_when_unchanged": sum(1 for p, t in after.items() if before.get(p) != t),
        "rendered_when_unchanged": again.rendered,
        "rendered_after_one_change": changed.rendered,
        "written_after_one_change": len(changed.written),
        # Pages rendered in two worker processes are the bytes of one process.
        "parallel_identical": render.render_pages(catalog, config, workers=2) == serial,
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
    render_ok = "met" if figures["render_s"] <= 1.5 else "MISSED"
    site_ok = "met" if overhead <= 0.05 else "MISSED"
    per_page = figures["bare_mkdocs_s"] / figures["html_pages"] * 1000
    f = figures
    return "\n".join(
        [
            f"{tables} synthetic tables ({synthetic.relation_count(tables)} relations), "
            f"{f['pages']} Markdown pages, {f['html_pages']} HTML pages; "
            f"extract {f['extract_s']:.2f} s",
            "",
            "| step | wall (s) | CPU (s), workers included | pages rendered |",
            "|---|---:|---:|---:|",
            f"| load the snapshot (facts) | {f['load_s']:.2f} | | |",
            f"| analyse on load (facts + catalog.yml) | {f['analyse_s']:.2f} | | |",
            f"| render to Markdown, empty docs/ | {f['render_s']:.2f} | {f['render_cpu_s']:.2f} | {f['pages']} |",
            f"| the same in one process (`workers=1`, in memory) | {f['render_serial_s']:.2f} | {f['render_serial_cpu_s']:.2f} | {f['pages']} |",
            f"| render again, nothing changed ({f['rewritten_when_unchanged']} files written) | {f['rerender_unchanged_s']:.2f} | {f['rerender_unchanged_cpu_s']:.2f} | {f['rendered_when_unchanged']} |",
            f"| one table's comment changed ({f['written_after_one_change']} files written) | {f['one_change_s']:.2f} | {f['one_change_cpu_s']:.2f} | {f['rendered_after_one_change']} |",
            f"| `schema-catalog build` (snapshot → pages → site) | {f['pipeline_s']:.2f} | | |",
            f"| bare `mkdocs build` of the same pages | {f['bare_mkdocs_s']:.2f} | | |",
            "",
            f"render {f['render_s']:.2f} s (target ≤ 1.5 s: {render_ok}); "
            f"parallel output identical to one process: {f['parallel_identical']}",
            f"pipeline over bare mkdocs build: {overhead:+.1%} (target ≤ +5%: {site_ok}); "
            f"bare build {per_page:.1f} ms per page (target ≤ 10 ms)",
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
