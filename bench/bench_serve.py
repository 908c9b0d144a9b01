"""Incremental `serve`: from a write of the catalog to the new page served.

A throw-away project with the synthetic schema at N tables (as `bench_render`
makes it) is served by ``schema-catalog serve`` on 127.0.0.1, once with its
default (MkDocs dirty builds: only the pages whose Markdown changed are
rebuilt) and once with ``--full-rebuild`` (every page, as a plain
``mkdocs serve`` does). In each: the time to the first page served (render and
the first, complete build), then one table's comment is changed in the
snapshot and the time is taken from that write until its page, fetched over
HTTP, shows the new comment.

    python bench/bench_serve.py --tables 2000
    python bench/bench_serve.py --smoke --json out.json      # 50 tables
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

# bench/ is a folder of scripts, not a package: its siblings import by name.
sys.path.insert(0, str(Path(__file__).parent))
import bench_render
import synthetic

from schema_catalog import snapshot
from schema_catalog.model import Catalog

POLL_S = 0.1


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _served(url: str, needle: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return needle in response.read().decode("utf-8", "replace")
    except OSError:
        return False


def _wait(url: str, needle: str, timeout: float, server: subprocess.Popen[bytes]) -> float:
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        if server.poll() is not None:
            raise RuntimeError(f"serve exited with {server.returncode}")
        if _served(url, needle):
            return time.perf_counter() - started
        time.sleep(POLL_S)
    raise RuntimeError(f"{needle!r} not served at {url} within {timeout:.0f} s")


def _cpu_s(pid: int) -> float:
    """CPU seconds (user + system) a process has used: what a change costs `serve`,
    whatever else the machine runs (wall time waits for the CPU others hold)."""
    fields = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8").rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _with_comment(project: bench_render.Project, table: str, comment: str | None) -> Catalog:
    """The snapshot with one table's comment changed: what the next `extract` would save."""
    facts = snapshot.load(project.catalog_path)
    tables = tuple(
        t.model_copy(update={"comment": comment}) if t.qualified_name == table else t
        for t in facts.tables
    )
    return facts.model_copy(update={"tables": tables})


def measure(project: bench_render.Project, full: bool, timeout: float) -> dict[str, float]:
    name = synthetic.table_name(1)
    port = _free_port()
    url = f"http://127.0.0.1:{port}/tables/public/{name}/"
    command = [str(bench_render.BIN / "schema-catalog"), "serve", "--quiet"]
    command += ["--config", "catalog/catalog.yml", "--dev-addr", f"127.0.0.1:{port}"]
    command += ["--full-rebuild"] if full else []
    original = next(t.comment for t in snapshot.load(project.catalog_path).tables if t.name == name)
    with tempfile.TemporaryFile() as log:
        server = subprocess.Popen(command, cwd=project.root, stdout=log, stderr=log)
        try:
            first = _wait(url, "Synthetic table 1", timeout, server)
            time.sleep(2)  # let the watcher settle on the snapshot's current mtime
            # Letters and spaces only: pages escape punctuation as entities.
            marker = f"Changed while serving {'full' if full else 'dirty'}"
            changed = _with_comment(project, f"public.{name}", marker)
            cpu = _cpu_s(server.pid)
            written = time.perf_counter()  # from the write, as `extract` saves it
            snapshot.save(changed, project.catalog_path)
            write_s = time.perf_counter() - written
            change = _wait(url, marker, timeout, server) + write_s
            change_cpu = _cpu_s(server.pid) - cpu
        except RuntimeError:
            log.seek(0)
            sys.stderr.write(log.read().decode("utf-8", "replace")[-3000:])
            raise
        finally:
            server.terminate()
            server.wait(timeout=30)
            snapshot.save(_with_comment(project, f"public.{name}", original), project.catalog_path)
    return {"first_page_s": first, "change_to_served_s": change, "change_cpu_s": change_cpu}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tables", type=int, default=2000)
    parser.add_argument("--smoke", action="store_true", help="50 tables")
    parser.add_argument("--timeout", type=float, default=1200, help="per wait, seconds")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON here")
    parser.add_argument(
        "--no-full", action="store_true", help="leave out the --full-rebuild peer (minutes)"
    )
    args = parser.parse_args(argv)
    if args.smoke:
        args.tables = 50
    with tempfile.TemporaryDirectory() as scratch:
        project = bench_render.make_project(Path(scratch))
        bench_render.extract(project, args.tables)
        figures: dict[str, Any] = {"tables": args.tables}
        modes = (("dirty", False),) if args.no_full else (("dirty", False), ("full", True))
        for mode, full in modes:
            print(f"… serve, {mode}", file=sys.stderr, flush=True)
            figures[mode] = measure(project, full, args.timeout)
    dirty = figures["dirty"]
    print(f"{args.tables} synthetic tables ({synthetic.relation_count(args.tables)} relations)\n")
    print(
        "| `serve` | first page served (s) | one table's change: write → page served (s) "
        "| `serve`'s CPU meanwhile (s) |"
    )
    print("|---|---:|---:|---:|")
    for mode, label in (("dirty", "dirty builds (default)"), ("full", "`--full-rebuild`")):
        if mode in figures:
            f = figures[mode]
            print(
                f"| {label} | {f['first_page_s']:.1f} | {f['change_to_served_s']:.1f} "
                f"| {f['change_cpu_s']:.1f} |"
            )
    verdict = "met" if dirty["change_to_served_s"] <= 5 else "MISSED"
    print(f"\nchange → served: {dirty['change_to_served_s']:.1f} s (target ≤ 5 s: {verdict})")
    if "full" in figures:
        ratio = figures["full"]["change_to_served_s"] / dirty["change_to_served_s"]
        print(f"the full rebuild takes {ratio:.1f}× as long")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
