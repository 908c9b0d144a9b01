"""Analysis benchmark: every analysis pass, and the whole `extract` against SQLAlchemy.

`bench_extract.py` times the read and the JSON; `schema-catalog extract` also
analyses what it read (domains, tenancy, RLS coverage, drift, lint, stats), and
tenancy is where a per-table search over the foreign-key graph turns quadratic.
This loads the synthetic schema (`synthetic`) in the shapes where the search
matters, at each size given:

- ``inferred``: a root table; every 20th table has the tenant key, the others
  an ``account_id`` that is none and reach a tenant through foreign-key chains;
- ``untenanted``: nothing is tenant-keyed, so every table's search finds nothing;

and measures, each in its own process (wall time, and CPU seconds: the
process's own and those of the server backends that served it, which a loaded
machine blurs far less):

- ``passes``: `postgres.read`, then each analysis pass alone (the pieces
  `analysis.analyze` runs, lint rule by rule) and `analysis.analyze` whole;
- ``extract``: the whole ``schema-catalog extract`` command, as a user runs it
  (a project folder with a catalog.yml naming the tenancy), with its summary and
  with ``--quiet``. Neither analyses (the snapshot holds facts; the summary counts
  facts): the analysis is what `check`, `render` and `serve` pay on load, timed
  above pass by pass;
- ``sqlalchemy``: SQLAlchemy 2 ``MetaData.reflect(views=True)`` (see `bench_extract`).

    python bench/bench_analysis.py --tables 2000 10000
    python bench/bench_analysis.py --smoke --json out.json     # 50 tables
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg

# bench/ is a folder of scripts, not a package: its siblings import by name.
sys.path.insert(0, str(Path(__file__).parent))
import bench_extract
import server as server_module
import synthetic

from schema_catalog import embedded

SHAPES = ("inferred", "untenanted")


# --------------------------------------------------------------------------- the passes


def _timed(times: dict[str, float], name: str, work: Callable[[], Any]) -> Any:
    started = time.perf_counter()
    result = work()
    times[name] = times.get(name, 0.0) + time.perf_counter() - started
    return result


def analysis_passes(catalog: Any, config: Any) -> dict[str, float]:
    """Seconds per analysis pass, each run on its own as `analysis.analyze` runs it."""
    from schema_catalog.analysis import domains, drift, rls, stats, tenancy
    from schema_catalog.analysis.lint import RULES, LintContext

    times: dict[str, float] = {}
    names = sorted({t.qualified_name for t in catalog.tables})
    _timed(times, "domains", lambda: domains.assign(catalog, config))
    settings = tenancy.TenancySettings.from_config(config, names)
    statuses = _timed(times, "tenancy", lambda: tenancy.classify(catalog, settings))
    views = _timed(times, "drift (source views)", lambda: drift.view_index(catalog))
    roles = catalog.source_roles()
    for table in catalog.tables:
        status = statuses[table.qualified_name]
        _timed(times, "rls coverage", lambda t=table, s=status: rls.coverage(t, s))
        _timed(
            times,
            "drift (tables)",
            lambda t=table: drift.table_drift(t, views.get(t.qualified_name, {}), roles),
        )
        _timed(times, "drift (status)", lambda t=table: drift.migration_status(t.presence, roles))
    tables = tuple(
        t.model_copy(update={"tenancy": statuses[t.qualified_name]}) for t in catalog.tables
    )
    result = catalog.model_copy(update={"tables": tables})
    ctx = LintContext(result, config, settings)
    findings: list[Any] = []
    for code, rule in sorted(RULES.items()):
        findings += _timed(times, f"lint {code}", lambda r=rule: list(r.check(ctx)))
    _timed(times, "stats", lambda: stats.compute(result, ()))
    return times


def work_passes(dsn: str, shape: str) -> dict[str, Any]:
    import yaml

    from schema_catalog import analysis
    from schema_catalog.config import Config
    from schema_catalog.sources import postgres

    config = Config.model_validate(yaml.safe_load(synthetic.tenancy_config(shape)))
    started = time.perf_counter()
    catalog = postgres.read(dsn, ["public"])
    read = time.perf_counter() - started
    passes = analysis_passes(catalog, config)
    started = time.perf_counter()
    analysed = analysis.analyze(catalog, config)
    whole = time.perf_counter() - started
    statuses: dict[str, int] = {}
    for table in analysed.tables:
        statuses[table.tenancy.status] = statuses.get(table.tenancy.status, 0) + 1
    return {
        "read_seconds": read,
        "analyze_seconds": whole,
        "passes": passes,
        "relations": len(catalog.tables),
        "foreign_keys": sum(len(t.foreign_keys) for t in catalog.tables),
        "tenancy": dict(sorted(statuses.items())),
        "longest_path": max(len(t.tenancy.path) for t in analysed.tables),
    }


# --------------------------------------------------------------------------- measuring


def run_worker(dsn: str, shape: str, timeout: float) -> tuple[dict[str, Any], bench_extract.Run]:
    command = [sys.executable, __file__, "--worker", "--dsn", dsn, "--shape", shape]
    run = bench_extract.run_process(command, timeout=timeout)
    if run.returncode != 0:
        raise RuntimeError(f"passes failed (exit {run.returncode}): {run.stderr[-400:]}")
    result: dict[str, Any] = json.loads(run.stdout.strip().splitlines()[-1])
    return result, run


def run_extract(
    srv: server_module.Server, dsn: str, shape: str, timeout: float, *, quiet: bool
) -> dict[str, Any]:
    """The whole ``schema-catalog extract`` in a fresh project folder."""
    cli = Path(sys.executable).with_name("schema-catalog")
    with tempfile.TemporaryDirectory() as project:
        folder = Path(project) / "catalog"
        folder.mkdir()
        (folder / "catalog.yml").write_text(
            "schemas: [public]\n" + synthetic.tenancy_config(shape), encoding="utf-8"
        )
        command = [str(cli), "extract", "--dsn", dsn] + (["--quiet"] if quiet else [])
        server = srv.ended_backends_cpu()
        run = bench_extract.run_process(command, timeout=timeout, cwd=Path(project))
        server = _after_backends_end(srv) - server
        if run.returncode != 0:
            raise RuntimeError(f"extract failed (exit {run.returncode}): {run.stderr[-400:]}")
        size = (folder / "catalog.json").stat().st_size
    return {
        "process_seconds": run.seconds,
        "cpu_seconds": run.cpu_seconds,
        "server_cpu_seconds": server,
        "peak_mb": run.peak_mb,
        "json_mb": size / 1e6,
    }


def _after_backends_end(srv: server_module.Server) -> float:
    time.sleep(0.5)  # the backend of a finished process is reaped asynchronously
    return srv.ended_backends_cpu()


def best_extract(
    srv: server_module.Server, dsn: str, shape: str, args: argparse.Namespace, *, quiet: bool
) -> dict[str, Any]:
    return min(
        (run_extract(srv, dsn, shape, args.timeout, quiet=quiet) for _ in range(args.repeat)),
        key=lambda r: r["process_seconds"],
    )


def measure(
    srv: server_module.Server, shape: str, tables: int, args: argparse.Namespace
) -> dict[str, Any]:
    name = f"analysis_{shape}_{tables}"
    print(f"… {shape} × {tables}: loading", file=sys.stderr, flush=True)
    dsn = embedded.create_database(srv.dsn, name, embedded.supabase_stub_sql())
    load_seconds = synthetic.load(srv.database_dsn(name), tables, shape=shape)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    dsn = srv.database_dsn(name)
    print(f"… {shape} × {tables}: passes", file=sys.stderr, flush=True)
    passes, _ = run_worker(dsn, shape, args.timeout)
    print(f"… {shape} × {tables}: extract", file=sys.stderr, flush=True)
    extract = best_extract(srv, dsn, shape, args, quiet=False)
    quiet = best_extract(srv, dsn, shape, args, quiet=True)
    print(f"… {shape} × {tables}: sqlalchemy", file=sys.stderr, flush=True)
    db = bench_extract.Database(name, srv.port, dsn, tables)
    server = srv.ended_backends_cpu()
    sqla = bench_extract.measure_python("sqlalchemy", db, args.repeat, args.timeout)
    sqla_server = (_after_backends_end(srv) - server) / args.repeat
    with psycopg.connect(srv.dsn, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
    return {
        "shape": shape,
        "tables": tables,
        "load_seconds": load_seconds,
        **passes,
        "extract": extract,
        "extract_quiet": quiet,
        "sqlalchemy": {
            "seconds": sqla.seconds,
            "process_seconds": sqla.process_seconds,
            "peak_mb": sqla.peak_mb,
            "relations": sqla.detail.get("relations"),
            # the whole process's, as for `extract` (imports included)
            "cpu_seconds": sqla.detail.get("process_cpu_seconds"),
            "server_cpu_seconds": sqla_server,
        },
    }


# --------------------------------------------------------------------------- report


def report(results: list[dict[str, Any]]) -> str:
    lines = [
        "| shape | tables | relations | FKs | read (s) | analyze (s) | analysis share | "
        "`extract` process (s) | CPU + server CPU (s) | peak RSS (MB) | `extract -q` process (s) "
        "| CPU + server CPU (s) | peak RSS (MB) | SQLAlchemy reflect (s) | process (s) "
        "| CPU + server CPU (s) | SQLAlchemy / `extract` | SQLAlchemy / `extract -q` |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        ex, qu, sq = r["extract"], r["extract_quiet"], r["sqlalchemy"]
        share = r["analyze_seconds"] / (r["analyze_seconds"] + r["read_seconds"])
        lines.append(
            f"| {r['shape']} | {r['tables']} | {r['relations']} | {r['foreign_keys']} "
            f"| {r['read_seconds']:.2f} | {r['analyze_seconds']:.2f} | {share:.0%} "
            f"| {ex['process_seconds']:.2f} | {_cpu(ex)} | {ex['peak_mb']:.0f} "
            f"| {qu['process_seconds']:.2f} | {_cpu(qu)} | {qu['peak_mb']:.0f} "
            f"| {sq['seconds']:.2f} | {sq['process_seconds']:.2f} | {_cpu(sq)} "
            f"| {_ratio(sq, ex)} | {_ratio(sq, qu)} |"
        )
    lines += ["", "Passes (seconds; lint rules under 10 ms left out):", ""]
    header = " | ".join(f"{r['shape']} {r['tables']}" for r in results)
    lines += [f"| pass | {header} |", "|---|" + "---:|" * len(results)]
    names = list(results[0]["passes"])
    for name in names:
        values = [r["passes"].get(name, 0.0) for r in results]
        if name.startswith("lint") and max(values) < 0.01:
            continue
        lines.append(f"| {name} | " + " | ".join(f"{v:.3f}" for v in values) + " |")
    lines += ["", "Tenancy found: " + "; ".join(
        f"{r['shape']} {r['tables']}: {r['tenancy']} (longest path {r['longest_path']} hops)"
        for r in results
    )]  # fmt: skip
    return "\n".join(lines)


def _cpu(run: dict[str, Any]) -> str:
    return f"{run['cpu_seconds']:.2f} + {run['server_cpu_seconds']:.2f}"


def _ratio(peer: dict[str, Any], ours: dict[str, Any]) -> str:
    """Whole processes, in wall time and in CPU (the process's and its server backend's)."""
    wall = peer["process_seconds"] / ours["process_seconds"]
    cpu = (peer["cpu_seconds"] + peer["server_cpu_seconds"]) / (
        ours["cpu_seconds"] + ours["server_cpu_seconds"]
    )
    return f"{wall:.2f}× ({cpu:.2f}× CPU)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tables", type=int, nargs="+", default=[2000])
    parser.add_argument("--shapes", nargs="+", choices=SHAPES, default=list(SHAPES))
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--smoke", action="store_true", help="50 tables")
    parser.add_argument("--timeout", type=float, default=1800, help="per run, seconds")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON here")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--dsn", help=argparse.SUPPRESS)
    parser.add_argument("--shape", choices=SHAPES, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    if args.worker:
        print(json.dumps(work_passes(args.dsn, args.shape)))
        return 0
    if args.smoke:
        args.tables = [50]
    results = []
    with server_module.tcp_server() as srv:
        for tables in args.tables:
            for shape in args.shapes:
                results.append(measure(srv, shape, tables, args))
    print(f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}\n")
    print(report(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
