"""Every row of issue 14's table, measured in one run, each against its peer.

Runs the benchmarks one after the other, each in its own process, at the sizes
the issue names, keeps each one's JSON in ``--out`` and prints the table in
Markdown: what we measured, the peer measured in the same run, the ratio, the
target and whether it is met. A row's verdict reads the figure the target
names (wall clock where the issue's figure was a wall clock); the CPU seconds
beside it say how much of that wall clock was the machine's load.

    python bench/issue_table.py --out /tmp/issue14     # about 40 minutes on 2 quiet cores
    python bench/issue_table.py --from /tmp/issue14    # the table again, from the kept JSON
    python bench/issue_table.py --smoke --out DIR      # small sizes: every row, no verdicts
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
Figures = dict[str, Any]


@dataclass(frozen=True)
class Run:
    """One benchmark process: its script, its arguments at full and smoke sizes."""

    name: str
    script: str
    full: tuple[str, ...]
    smoke: tuple[str, ...]


RUNS = (
    Run("analysis", "bench_analysis.py", ("--tables", "2000"), ("--smoke",)),
    Run(
        "extract",
        "bench_extract.py",
        ("--tables", "2000", "--no-peers", "--repeat", "1"),
        ("--smoke", "--no-peers"),
    ),
    Run(
        "extract_10k",
        "bench_extract.py",
        ("--tables", "10000", "--no-peers", "--repeat", "1"),
        ("--tables", "100", "--no-peers", "--repeat", "1"),
    ),
    Run("render", "bench_render.py", ("--tables", "2000", "--repeat", "1"), ("--smoke",)),
    Run("serve", "bench_serve.py", ("--tables", "2000"), ("--smoke",)),
    Run(
        "drizzle",
        "bench_drizzle.py",
        ("--tables", "3000", "--repeat", "1"),
        ("--tables", "50", "--repeat", "1"),
    ),
    Run("replay", "bench_replay.py", ("--files", "250", "1000", "--repeat", "1"), ("--smoke",)),
    Run(
        "tenants", "bench_tenant_schemas.py", ("--schemas", "2000", "--tables", "20"), ("--smoke",)
    ),
)


@dataclass(frozen=True)
class Row:
    what: str
    now: str
    peer: str
    ratio: str
    target: str
    met: bool


def measure(out: Path, smoke: bool) -> None:
    """Each benchmark in turn, its JSON and its printed report kept in ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    started = _machine()
    for run in RUNS:
        args = run.smoke if smoke else run.full
        print(f"… {run.script} {' '.join(args)}", file=sys.stderr, flush=True)
        began = time.perf_counter()
        with (out / f"{run.name}.txt").open("w", encoding="utf-8") as report:
            subprocess.run(
                [
                    sys.executable,
                    str(BENCH / run.script),
                    *args,
                    "--json",
                    str(out / f"{run.name}.json"),
                ],
                stdout=report,
                check=True,
            )
        print(f"  {time.perf_counter() - began:.0f} s", file=sys.stderr, flush=True)
    machine = {"started": started, "ended": _machine(), "smoke": smoke}
    (out / "machine.json").write_text(json.dumps(machine, indent=2) + "\n", encoding="utf-8")


def _machine() -> Figures:
    commit = subprocess.run(
        ["git", "-C", str(BENCH), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return {
        "at": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "load": [round(x, 2) for x in os.getloadavg()],
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "commit": commit,
    }


def _x(ours: float, peer: float) -> str:
    return f"{peer / ours:.2f}×" if ours else "–"


def _cpu(detail: Figures) -> float:
    return float(detail["cpu_seconds"]) + float(detail["server_cpu_seconds"])


def extract_rows(figures: dict[str, Any]) -> list[Row]:
    rows = []
    for result in figures["analysis"]:
        whole, quiet, peer = result["extract"], result["extract_quiet"], result["sqlalchemy"]
        share = result["analyze_seconds"] / (result["analyze_seconds"] + result["read_seconds"])
        wall, quiet_wall = (
            peer["process_seconds"] / whole["process_seconds"],
            (peer["process_seconds"] / quiet["process_seconds"]),
        )
        rows.append(
            Row(
                f"whole `extract`, {result['tables']:,} tables, {result['shape']}",
                f"{whole['process_seconds']:.1f} s (CPU {_cpu(whole):.2f} s with the server's); "
                f"`extract -q` {quiet['process_seconds']:.1f} s (CPU {_cpu(quiet):.2f} s). "
                "Analysis: 0% of `extract`, which no longer runs it; where it runs (on load, "
                f"in `check`, `render`, `serve`) {result['analyze_seconds']:.2f} s, "
                f"{share:.0%} of read + analysis",
                f"SQLAlchemy reflect, whole process: {peer['process_seconds']:.1f} s "
                f"(CPU {_cpu(peer):.2f} s)",
                f"{wall:.2f}× ({_cpu(peer) / _cpu(whole):.2f}× CPU); `-q` {quiet_wall:.2f}× "
                f"({_cpu(peer) / _cpu(quiet):.2f}× CPU)",
                "≥ 4×, analysis ≤ 10% of `extract`",
                wall >= 4,
            )
        )
    return rows


def query_rows(figures: dict[str, Any]) -> list[Row]:
    m = figures["extract"]["measures"]
    ours, bare, alchemy = m["ours"], m["bare"], m["sqlalchemy"]
    big = figures["extract_10k"]["measures"]
    tables = figures["extract"]["meta"]["tables"]
    big_tables = figures["extract_10k"]["meta"]["tables"]
    return [
        Row(
            f"{tables:,} tables → catalog JSON, vs the same queries bare (in-process)",
            f"{ours['seconds']:.2f} s (CPU {_cpu(ours['detail']):.2f} s with the server's)",
            f"bare {bare['seconds']:.2f} s (CPU {_cpu(bare['detail']):.2f} s)",
            f"{ours['seconds'] / bare['seconds']:.2f}× "
            f"({_cpu(ours['detail']) / _cpu(bare['detail']):.2f}× CPU)",
            "≤ 1.2×",
            ours["seconds"] / bare["seconds"] <= 1.2,
        ),
        Row(
            f"SQLAlchemy 2 `reflect()` / ours, {tables:,} tables (in-process)",
            f"ours {ours['seconds']:.2f} s",
            f"SQLAlchemy {alchemy['seconds']:.2f} s",
            _x(ours["seconds"], alchemy["seconds"]),
            "≥ 4×",
            alchemy["seconds"] / ours["seconds"] >= 4,
        ),
        Row(
            f"{big_tables:,} tables, whole process (read + JSON)",
            f"{big['ours']['process_seconds']:.1f} s "
            f"(in-process CPU {_cpu(big['ours']['detail']):.2f} s with the server's)",
            f"bare queries {big['bare']['process_seconds']:.1f} s; "
            f"SQLAlchemy {big['sqlalchemy']['process_seconds']:.1f} s",
            f"{big['ours']['process_seconds'] / big['bare']['process_seconds']:.2f}× the bare "
            "queries",
            "≤ 6 s",
            big["ours"]["process_seconds"] <= 6,
        ),
        Row(
            f"{big_tables:,} tables, peak RSS",
            f"{big['ours']['peak_mb']:.0f} MB",
            f"bare {big['bare']['peak_mb']:.0f} MB; SQLAlchemy {big['sqlalchemy']['peak_mb']:.0f} MB",
            f"{big['ours']['peak_mb'] / big['bare']['peak_mb']:.2f}× the bare queries",
            "≤ 400 MB",
            big["ours"]["peak_mb"] <= 400,
        ),
    ]


def site_rows(figures: dict[str, Any]) -> list[Row]:
    r, serve = figures["render"], figures["serve"]
    per_page = r["pipeline_s"] / r["html_pages"] * 1000
    bare_page = r["bare_mkdocs_s"] / r["html_pages"] * 1000
    dirty = serve["dirty"]
    full = serve.get("full")
    return [
        Row(
            f"render {r['tables']:,} tables to Markdown, empty docs/",
            f"{r['render_s']:.2f} s (CPU {r['render_cpu_s']:.2f} s, workers included); "
            f"nothing changed {r['rerender_unchanged_s']:.2f} s, "
            f"{r['rendered_when_unchanged']} pages rendered",
            f"the same render in one process {r['render_serial_s']:.2f} s",
            f"{r['render_s'] / r['render_serial_s']:.2f}× the one process",
            "≤ 1.5 s",
            r["render_s"] <= 1.5,
        ),
        Row(
            f"`serve` at {serve['tables']:,} tables: one table's change, write → page served",
            f"{dirty['change_to_served_s']:.1f} s (CPU {dirty['change_cpu_s']:.1f} s)",
            f"`--full-rebuild` {full['change_to_served_s']:.1f} s" if full else "–",
            _x(dirty["change_to_served_s"], full["change_to_served_s"]) if full else "–",
            "≤ 5 s",
            dirty["change_to_served_s"] <= 5,
        ),
        Row(
            "`schema-catalog build` over a bare `mkdocs build` of the same pages",
            f"{r['pipeline_s']:.1f} s",
            f"bare `mkdocs build` {r['bare_mkdocs_s']:.1f} s",
            f"{r['pipeline_s'] / r['bare_mkdocs_s'] - 1:+.1%}",
            "≤ +5%",
            r["pipeline_s"] / r["bare_mkdocs_s"] - 1 <= 0.05,
        ),
        Row(
            f"whole site build per page, {r['tables']:,} tables ({r['html_pages']:,} pages)",
            f"{per_page:.1f} ms",
            f"bare `mkdocs build` {bare_page:.1f} ms",
            f"{per_page / bare_page:.2f}×",
            "≤ 10 ms",
            per_page <= 10,
        ),
    ]


def source_rows(figures: dict[str, Any]) -> list[Row]:
    d = figures["drizzle"]
    replay = sorted(figures["replay"], key=lambda r: r["statements"])
    small, large = replay[0], replay[-1]
    growth = large["replay_us_per_statement"] / small["replay_us_per_statement"]
    tenants, one = figures["tenants"]["tenants"], figures["tenants"]["one_schema"]
    steps = tenants["steps"]
    return [
        Row(
            f"Drizzle reader, a {d['mb']:.1f} MB file ({d['tables']:,} tables)",
            f"{d['read_s']:.2f} s CPU, {d['peak_mb']:.0f} MB peak",
            f"tree-sitter's parse alone {d['parse_s']:.2f} s",
            f"{d['read_s'] / d['parse_s']:.1f}× the parse",
            "≤ 3 s, ≤ 300 MB",
            d["read_s"] <= 3 and d["peak_mb"] <= 300,
        ),
        Row(
            f"migration replay, {large['files']:,} files / {large['statements']:,} statements",
            f"{large['replay_s']:.2f} s CPU, {large['replay_us_per_statement']:.0f} µs a "
            f"statement ({small['replay_us_per_statement']:.0f} at {small['statements']:,})",
            f"pglast's parse alone {large['parse_s']:.2f} s",
            f"{growth:.2f}× the time per statement at {large['statements'] // small['statements']}× "
            "the statements",
            "linear",
            growth <= 1.25,
        ),
        Row(
            f"schema-per-tenant, {figures['tenants']['schemas']:,} schemas × "
            f"{figures['tenants']['tables_per_schema']} tables ({figures['tenants']['relations']:,} "
            "relations)",
            f"site {tenants['html_pages']} pages, {tenants['html_bytes'] / 1e6:.2f} MB of HTML; "
            + ", ".join(
                f"`{step}` {s['seconds']:.0f} s / {s['peak_mb']:.0f} MB"
                for step, s in steps.items()
            ),
            f"one schema: {one['html_pages']} pages, {one['html_bytes'] / 1e6:.2f} MB",
            f"{tenants['html_bytes'] / one['html_bytes']:.2f}× the HTML, "
            f"{tenants['html_pages'] - one['html_pages']:+d} pages",
            "one schema + a list",
            tenants["html_pages"] <= one["html_pages"] + 1,
        ),
    ]


ROWS: tuple[Callable[[dict[str, Any]], list[Row]], ...] = (
    extract_rows,
    query_rows,
    site_rows,
    source_rows,
)


def table(out: Path) -> str:
    figures = {run.name: json.loads((out / f"{run.name}.json").read_text()) for run in RUNS}
    machine = json.loads((out / "machine.json").read_text())
    start, end = machine["started"], machine["ended"]
    lines = [
        f"Measured {start['at']} → {end['at']}, commit {start['commit']}, {start['cpus']} CPUs, "
        f"Python {start['python']}, load average {start['load'][0]} at the start and "
        f"{end['load'][0]} at the end"
        + (" (smoke sizes: verdicts left out)" if machine["smoke"] else ""),
        "",
        "| what | now | peer, same run | ratio | target | |",
        "|---|---|---|---|---|---|",
    ]
    for rows in ROWS:
        for row in rows(figures):
            verdict = "–" if machine["smoke"] else ("**met**" if row.met else "missed")
            lines.append(
                f"| {row.what} | {row.now} | {row.peer} | {row.ratio} | {row.target} | {verdict} |"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--out", type=Path, help="run every benchmark, keep the JSON here")
    where.add_argument("--from", dest="source", type=Path, help="print the table from kept JSON")
    parser.add_argument("--smoke", action="store_true", help="small sizes: every row, no verdicts")
    args = parser.parse_args(argv)
    if args.out:
        measure(args.out, args.smoke)
    print(table(args.out or args.source))
    return 0


if __name__ == "__main__":
    sys.exit(main())
