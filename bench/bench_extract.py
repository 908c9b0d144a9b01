"""Extraction benchmark: schema-catalog against the tools a user could pick instead.

One run, one database: a throw-away PostgreSQL 16 on TCP (`server`) loaded
with the synthetic schema (`synthetic`), then, each in its own process so that
its peak memory (``ru_maxrss`` from ``wait4``) is its own:

- ``ours``        `postgres.read` + `snapshot.dumps`: the catalog JSON `extract` writes;
- ``bare``        the same catalog queries (`postgres.queries.CATALOG_QUERIES`) run bare
                  with psycopg ``fetchall``, in the same kind of transaction:
                  the floor for our extraction, so ours/bare is the cost of the model;
- ``sqlalchemy``  SQLAlchemy 2 ``MetaData.reflect(views=True)``;
- ``db2dbml``     ``@dbml/cli`` (npm), when npm can install it;
- ``autodoc``     Debian's ``postgresql_autodoc`` (XML output), when installed.

Python tools are timed in-process (imports excluded) and as a whole process;
the external tools only as a whole process, so compare those with our process
time. On a shared machine wall clocks are blurred by whoever else runs: the
Python tools also report CPU seconds, their own process's and those of the
server backend that answered them (``/proc/<backend pid>/stat``, the server
runs on this machine), which other load hardly changes. Each tool runs ``--repeat`` times and the best time counts. Round trips
are counted by the server (``log_statement = all`` on that database only, in a
separate untimed run) at a small size and at the full size.

    python bench/bench_extract.py --tables 2000
    python bench/bench_extract.py --tables 10000 --repeat 1
    python bench/bench_extract.py --smoke --json out.json     # 50 tables, fast
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import psycopg

# bench/ is a folder of scripts, not a package: its siblings import by name.
sys.path.insert(0, str(Path(__file__).parent))
import server as server_module
import synthetic

from schema_catalog import embedded

PYTHON_TOOLS = ("ours", "bare", "sqlalchemy")
PEER_TOOLS = ("db2dbml", "autodoc")
SMALL = 20
"""Table count of the second database, for round trips at another size."""
DEFAULT_PEERS_DIR = Path.home() / ".cache" / "schema-catalog-bench" / "node"
SLOW = 60.0
"""A run this long (seconds) is not repeated, nor re-run to count round trips."""


@dataclass
class Measure:
    tool: str
    seconds: float | None = None
    """Best in-process time (Python tools) or process wall time (external tools)."""
    process_seconds: float | None = None
    peak_mb: float | None = None
    round_trips_small: int | None = None
    round_trips: int | None = None
    detail: dict[str, Any] = field(default_factory=dict)
    skipped: str | None = None


# --------------------------------------------------------------------------- workers
# Each runs in a fresh interpreter (`--worker TOOL`), prints one JSON line.


def backend_cpu(pid: int) -> float:
    """CPU seconds (user + system) a server backend on this machine has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def work_ours(dsn: str) -> dict[str, Any]:
    from schema_catalog import snapshot
    from schema_catalog.sources import postgres

    cpu = time.process_time()
    started = time.perf_counter()
    with postgres.connect(dsn) as conn:
        server = backend_cpu(conn.info.backend_pid)
        catalog = postgres.read_connection(conn, ["public"])
        server = backend_cpu(conn.info.backend_pid) - server
    read = time.perf_counter()
    # What `extract` writes, as it writes it: table by table.
    size = sum(len(piece.encode()) for piece in snapshot.chunks(catalog))
    done = time.perf_counter()
    return {
        "seconds": done - started,
        "cpu_seconds": time.process_time() - cpu,
        "server_cpu_seconds": server,
        "read_seconds": read - started,
        "dumps_seconds": done - read,
        "relations": len(catalog.tables),
        "columns": sum(len(t.columns) for t in catalog.tables),
        "json_mb": round(size / 1e6, 1),
    }


def work_bare(dsn: str) -> dict[str, Any]:
    from schema_catalog.sources.postgres import queries as pg_queries

    cpu = time.process_time()
    started = time.perf_counter()
    rows = 0
    # As postgres.read does it: autocommit connection without prepared statements,
    # one REPEATABLE READ, READ ONLY transaction, settings made inside it.
    with psycopg.connect(dsn, autocommit=True, prepare_threshold=None) as conn:
        server = backend_cpu(conn.info.backend_pid)
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        conn.read_only = True
        with conn.transaction(), conn.cursor() as cur:
            cur.execute(
                "select set_config('search_path', 'pg_catalog', true), "
                "set_config('statement_timeout', '30000', true), "
                "set_config('lock_timeout', '5000', true)"
            )
            cur.execute(pg_queries.SERVER).fetchall()
            oids: list[int] = []
            for name, query in pg_queries.CATALOG_QUERIES:
                fetched = cur.execute(query, {"schemas": ["public"]}).fetchall()
                rows += len(fetched)
                if name == "tables":
                    oids = [row[0] for row in fetched]
            # As the read ends: which relations a concurrent DROP removed meanwhile.
            cur.execute(pg_queries.VANISHED, {"oids": oids}).fetchall()
        server = backend_cpu(conn.info.backend_pid) - server
    return {
        "seconds": time.perf_counter() - started,
        "cpu_seconds": time.process_time() - cpu,
        "server_cpu_seconds": server,
        "rows": rows,
    }


def work_sqlalchemy(dsn: str) -> dict[str, Any]:
    import threading

    import sqlalchemy

    # reflect() follows foreign keys recursively: a 10,000-table FK chain needs
    # a deep Python stack, and a big C stack (a thread) to hold it.
    sys.setrecursionlimit(1_000_000)
    threading.stack_size(1 << 30)
    engine = sqlalchemy.create_engine(dsn.replace("postgresql://", "postgresql+psycopg://", 1))
    outcome: dict[str, Any] = {}

    def reflect() -> None:
        cpu = time.process_time()
        started = time.perf_counter()
        metadata = sqlalchemy.MetaData()
        with engine.connect() as connection:  # one connection: one backend to measure
            pid = connection.connection.dbapi_connection.info.backend_pid  # type: ignore[union-attr]
            server = backend_cpu(pid)
            metadata.reflect(bind=connection, schema="public", views=True)
            outcome["server_cpu_seconds"] = backend_cpu(pid) - server
        outcome["seconds"] = time.perf_counter() - started
        outcome["cpu_seconds"] = time.process_time() - cpu
        outcome["relations"] = sum(1 for t in metadata.tables.values() if t.schema == "public")

    thread = threading.Thread(target=reflect)
    thread.start()
    thread.join()
    engine.dispose()
    if "seconds" not in outcome:
        raise RuntimeError("SQLAlchemy reflect failed (see above)")
    return outcome


WORKERS: dict[str, Callable[[str], dict[str, Any]]] = {
    "ours": work_ours,
    "bare": work_bare,
    "sqlalchemy": work_sqlalchemy,
}


# --------------------------------------------------------------------------- running tools


@dataclass(frozen=True)
class Run:
    seconds: float
    peak_mb: float
    stdout: str
    returncode: int
    stderr: str
    cpu_seconds: float = 0.0
    """User + system CPU time of the process (``wait4``): what a loaded machine blurs least."""


def run_process(command: list[str], timeout: float, cwd: Path | None = None) -> Run:
    """Run ``command``; its wall time and its own peak RSS (``wait4``)."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=err, text=True, cwd=cwd)
        deadline = started + timeout
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                process.kill()
                pid, status, usage = os.wait4(process.pid, 0)
                status = -1
                break
            time.sleep(0.005)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status) if status != -1 else -9
        out.seek(0)
        err.seek(0)
        return Run(
            seconds,
            usage.ru_maxrss / 1024,
            out.read(),
            process.returncode,
            err.read(),
            cpu_seconds=usage.ru_utime + usage.ru_stime,
        )


def run_python_tool(tool: str, dsn: str, timeout: float) -> tuple[dict[str, Any], Run]:
    run = run_process([sys.executable, __file__, "--worker", tool, "--dsn", dsn], timeout=timeout)
    if run.returncode != 0:
        last = (run.stderr.strip().splitlines() or ["(no output)"])[-1]
        raise RuntimeError(f"{tool} failed (exit {run.returncode}): {last}")
    result: dict[str, Any] = json.loads(run.stdout.strip().splitlines()[-1])
    return result, run


def peer_command(tool: str, db: Database, out_dir: Path, peers_dir: Path) -> list[str]:
    if tool == "db2dbml":
        # With `public` alone it stops at "Can't find table auth.users" (the FKs
        # Supabase tables have), and still exits 0: give it `auth` too.
        url = f"postgresql://postgres@127.0.0.1:{db.port}/{db.name}?schemas=public,auth"
        binary = peers_dir / "node_modules" / ".bin" / "db2dbml"
        return [str(binary), "postgres", url, "-o", str(out_dir / "schema.dbml")]
    return [
        "postgresql_autodoc", "-d", db.name, "-h", "127.0.0.1", "-p", str(db.port),
        "-u", "postgres", "-s", "public", "-t", "xml", "-f", str(out_dir / "schema"),
    ]  # fmt: skip


def peer_missing(tool: str, peers_dir: Path, install: bool) -> str | None:
    """Why ``tool`` cannot run here, or None. Installs @dbml/cli when allowed."""
    if tool == "autodoc":
        if shutil.which("postgresql_autodoc") is None:
            return "postgresql_autodoc not installed (apt-get install postgresql-autodoc)"
        return None
    if (peers_dir / "node_modules" / ".bin" / "db2dbml").exists():
        return None
    if not install:
        return f"@dbml/cli not installed in {peers_dir}"
    if shutil.which("npm") is None:
        return "npm not found"
    peers_dir.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        ["npm", "install", "--no-audit", "--no-fund", "--prefix", str(peers_dir), "@dbml/cli"],
        capture_output=True,
        text=True,
        check=False,
    )
    return (
        None if result.returncode == 0 else f"npm install @dbml/cli failed: {result.stderr[-200:]}"
    )


# --------------------------------------------------------------------------- measuring


@dataclass(frozen=True)
class Database:
    name: str
    port: int
    dsn: str
    tables: int


def make_database(srv: server_module.Server, tables: int) -> tuple[Database, float]:
    name = f"bench_{tables}"
    dsn = embedded.create_database(srv.dsn, name, embedded.supabase_stub_sql())
    seconds = synthetic.load(srv.database_dsn(name), tables)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")  # catalog statistics as on a settled database
    return Database(name, srv.port, srv.database_dsn(name), tables), seconds


def measure_python(tool: str, db: Database, repeat: int, timeout: float) -> Measure:
    best: dict[str, Any] | None = None
    runs: list[Run] = []
    for _ in range(repeat):
        result, run = run_python_tool(tool, db.dsn, timeout)
        runs.append(run)
        if best is None or result["seconds"] < best["seconds"]:
            best = result
    assert best is not None
    best["process_cpu_seconds"] = min(r.cpu_seconds for r in runs)
    return Measure(
        tool=tool,
        seconds=best.pop("seconds"),
        process_seconds=min(r.seconds for r in runs),
        peak_mb=max(r.peak_mb for r in runs),
        detail=best,
    )


def measure_peer(tool: str, db: Database, repeat: int, timeout: float, peers_dir: Path) -> Measure:
    runs: list[Run] = []
    for _ in range(repeat):
        if runs and runs[-1].seconds > SLOW:
            break  # one run of minutes is precise enough
        with tempfile.TemporaryDirectory() as scratch:
            # cwd: db2dbml drops a dbml-error.log wherever it runs.
            command = peer_command(tool, db, Path(scratch), peers_dir)
            run = run_process(command, timeout, cwd=Path(scratch))
            output = _output_summary(Path(scratch))
        if run.returncode == -9:
            return Measure(tool=tool, skipped=f"timed out after {timeout:.0f} s")
        if run.returncode != 0 or "ERROR" in run.stdout or not output["tables_named"]:
            last = (run.stderr.strip() or run.stdout.strip() or "(no output)").splitlines()[-1]
            return Measure(tool=tool, skipped=f"failed (exit {run.returncode}): {last[:160]}")
        runs.append(run)
    best = min(runs, key=lambda r: r.seconds)
    return Measure(
        tool=tool,
        seconds=best.seconds,
        process_seconds=best.seconds,
        peak_mb=max(r.peak_mb for r in runs),
        detail=output,
    )


def _output_summary(folder: Path) -> dict[str, Any]:
    """Size of what a peer wrote, and how many tables it names (it did the work)."""
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    text = "".join(p.read_text(encoding="utf-8", errors="replace") for p in files)
    # DBML: `Table "name" {`; autodoc's DocBook XML: one <section xreflabel=...> per relation.
    marker = "Table " if any(p.suffix == ".dbml" for p in files) else "xreflabel="
    return {
        "output_kb": sum(p.stat().st_size for p in files) // 1024,
        "tables_named": sum(1 for line in text.splitlines() if line.lstrip().startswith(marker)),
    }


def count_round_trips(
    srv: server_module.Server, db: Database, run: Callable[[Database], object]
) -> int:
    """Statements the server receives while ``run`` works on ``db``."""
    with psycopg.connect(srv.dsn, autocommit=True) as conn:
        conn.execute(f"ALTER DATABASE \"{db.name}\" SET log_statement = 'all'")
    try:
        since = srv.log.stat().st_size
        run(db)
        time.sleep(0.2)  # let the server flush its log lines
        return server_module.statement_count(srv.log, db.name, since)
    finally:
        with psycopg.connect(srv.dsn, autocommit=True) as conn:
            conn.execute(f'ALTER DATABASE "{db.name}" RESET log_statement')


# --------------------------------------------------------------------------- report


def ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def report(measures: dict[str, Measure], meta: dict[str, Any]) -> str:
    ours = measures["ours"]
    lines = [
        f"{meta['tables']} synthetic tables ({meta['relations']} relations with views and "
        f"matviews), loaded in {meta['load_seconds']:.1f} s; PostgreSQL {meta['server']}, "
        f"{meta['cpus']} CPUs, Python {meta['python']}",
        "",
        f"| tool | time (s) | process (s) | vs ours | CPU (s) | server CPU (s) | CPU vs ours "
        f"| peak RSS (MB) | round trips ({SMALL} tables) | round trips ({meta['tables']} tables) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, m in measures.items():
        if m.skipped:
            lines.append(f"| {name} | skipped: {m.skipped} | | | | | | | | |")
            continue
        base = ours.seconds if name in PYTHON_TOOLS else ours.process_seconds
        vs = ratio(m.seconds, base)
        cpu, server = m.detail.get("cpu_seconds"), m.detail.get("server_cpu_seconds")
        lines.append(
            f"| {name} | {_num(m.seconds, 3)} | {_num(m.process_seconds, 2)} | "
            f"{_num(vs, 2)}× | {_num(cpu, 2)} | {_num(server, 2)} "
            f"| {_num(ratio(total_cpu(m), total_cpu(ours)), 2)}× | {_num(m.peak_mb, 0)} "
            f"| {_int(m.round_trips_small)} | {_int(m.round_trips)} |"
        )
    lines += [
        "",
        f"(– under round trips: not re-run, one run took over {SLOW:.0f} s)",
        "",
        *targets(measures),
    ]
    return "\n".join(lines)


def targets(measures: dict[str, Measure]) -> list[str]:
    ours = measures["ours"]
    bare = measures.get("bare", Measure("bare", skipped="not run"))
    sqla = measures.get("sqlalchemy", Measure("sqlalchemy", skipped="not run"))
    model = ratio(ours.seconds, bare.seconds)
    speedup = ratio(sqla.seconds, ours.seconds)
    lines = [
        f"ours/bare = {_num(model, 2)} (target ≤ 1.2: {_verdict(model, lambda r: r <= 1.2)}); "
        f"read {ours.detail['read_seconds']:.3f} s + JSON {ours.detail['dumps_seconds']:.3f} s; "
        f"in CPU (process + server backend): {_num(ratio(total_cpu(ours), total_cpu(bare)), 2)}",
        f"sqlalchemy/ours = {_num(speedup, 1)} (target ≥ 4: {_verdict(speedup, lambda r: r >= 4)}); "
        f"in CPU (process + server backend): {_num(ratio(total_cpu(sqla), total_cpu(ours)), 1)}",
        f"ours peak RSS = {_num(ours.peak_mb, 0)} MB (target ≤ 400 MB: "
        f"{_verdict(ours.peak_mb, lambda r: r <= 400)})",
        f"round trips: {ours.round_trips_small} at {SMALL} tables, {ours.round_trips} at full size "
        f"({_round_trip_verdict(ours)})",
    ]
    for name in PEER_TOOLS:
        peer = measures.get(name)
        if peer and not peer.skipped:
            lines.append(
                f"{name}/ours (process) = {_num(ratio(peer.seconds, ours.process_seconds), 1)}"
            )
    return lines


def _round_trip_verdict(ours: Measure) -> str:
    if ours.round_trips is None:
        return f"not counted at full size: a run took over {SLOW:.0f} s"
    return "independent of table count" if ours.round_trips == ours.round_trips_small else "GROWS"


def total_cpu(measure: Measure) -> float | None:
    """CPU seconds of the tool's work in-process and of the server backend answering it."""
    cpu, server = measure.detail.get("cpu_seconds"), measure.detail.get("server_cpu_seconds")
    return cpu + server if cpu is not None and server is not None else None


def _verdict(value: float | None, ok: Callable[[float], bool]) -> str:
    return "n/a" if value is None else ("met" if ok(value) else "MISSED")


def _num(value: float | None, digits: int) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _int(value: int | None) -> str:
    return "–" if value is None else str(value)


# --------------------------------------------------------------------------- main


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tables", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--smoke", action="store_true", help="50 tables, one run, no npm install")
    parser.add_argument("--no-peers", action="store_true", help="skip db2dbml and autodoc")
    parser.add_argument(
        "--tools", help=f"comma-separated subset of {','.join(PYTHON_TOOLS + PEER_TOOLS)}"
    )
    parser.add_argument("--peers-dir", type=Path, default=DEFAULT_PEERS_DIR)
    parser.add_argument("--timeout", type=float, default=900, help="per tool run, seconds")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON here")
    parser.add_argument("--worker", choices=sorted(WORKERS), help=argparse.SUPPRESS)
    parser.add_argument("--dsn", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.smoke:
        args.tables, args.repeat = 50, 1
    return args


def benchmark(args: argparse.Namespace) -> tuple[dict[str, Measure], dict[str, Any]]:
    tools = list(PYTHON_TOOLS) + ([] if args.no_peers else list(PEER_TOOLS))
    if args.tools:
        # ours always runs: every ratio is against it.
        tools = [t for t in tools if t == "ours" or t in args.tools.split(",")]
    measures: dict[str, Measure] = {}
    with server_module.tcp_server() as srv:
        small, _ = make_database(srv, SMALL)
        big, load_seconds = make_database(srv, args.tables)
        for tool in tools:
            measures[tool] = _measure(tool, srv, small, big, args)
        with psycopg.connect(srv.dsn) as conn:
            version = conn.execute("show server_version").fetchone()
    meta = {
        "tables": args.tables,
        "relations": synthetic.relation_count(args.tables),
        "load_seconds": load_seconds,
        "server": version[0] if version else "?",
        "cpus": os.cpu_count(),
        "python": sys.version.split()[0],
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
    }
    return measures, meta


def _measure(
    tool: str, srv: server_module.Server, small: Database, big: Database, args: argparse.Namespace
) -> Measure:
    print(f"… {tool}", file=sys.stderr, flush=True)
    if tool in PYTHON_TOOLS:
        measure = measure_python(tool, big, args.repeat, args.timeout)

        def again(db: Database) -> object:
            return run_python_tool(tool, db.dsn, args.timeout)
    else:
        missing = peer_missing(tool, args.peers_dir, install=not args.smoke)
        if missing:
            return Measure(tool=tool, skipped=missing)
        measure = measure_peer(tool, big, args.repeat, args.timeout, args.peers_dir)
        if measure.skipped:
            return measure

        def again(db: Database) -> object:
            with tempfile.TemporaryDirectory() as scratch:
                command = peer_command(tool, db, Path(scratch), args.peers_dir)
                return run_process(command, args.timeout, cwd=Path(scratch))

    measure.round_trips_small = count_round_trips(srv, small, again)
    if (measure.seconds or 0) <= SLOW:
        measure.round_trips = count_round_trips(srv, big, again)
    return measure


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # `kill` must still stop the throw-away server (its `finally`), as Ctrl-C does.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    if args.worker:
        print(json.dumps(WORKERS[args.worker](args.dsn)))
        return 0
    measures, meta = benchmark(args)
    print(report(measures, meta))
    if args.json:
        payload = {"meta": meta, "measures": {k: asdict(v) for k, v in measures.items()}}
        args.json.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
