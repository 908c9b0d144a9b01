"""Where our extraction spends its time and memory, phase by phase.

`bench_extract.py` times `postgres.read` + `snapshot.dumps` as a user runs them;
this splits the same work on the same synthetic database into its phases —
the catalog queries (rows as dicts, as `postgres.read` fetches them), building
the model (`postgres.build.build`, with Python's cyclic GC on and paused), and
writing the JSON (`snapshot.dumps` against pydantic's own ``model_dump_json``,
checked byte-identical) — with the resident memory after each (``VmRSS``) and
the process peak (``VmHWM``). Linux only (reads /proc/self/status).

    python bench/profile_extract.py --tables 10000
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import sys
import time
from pathlib import Path
from typing import Any

import psycopg
from psycopg.rows import dict_row

# bench/ is a folder of scripts, not a package: its siblings import by name.
sys.path.insert(0, str(Path(__file__).parent))
import server as server_module
import synthetic

from schema_catalog import embedded, snapshot
from schema_catalog.model import Catalog, SourceInfo
from schema_catalog.sources.postgres import build as pg_build
from schema_catalog.sources.postgres import queries as pg_queries


def memory() -> str:
    status = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines())
    rss, peak = (int(status[k].split()[0]) // 1024 for k in ("VmRSS", "VmHWM"))
    return f"RSS {rss:5d} MB, peak {peak:5d} MB"


def fetch(dsn: str) -> dict[str, list[dict[str, Any]]]:
    results: dict[str, list[dict[str, Any]]] = {}
    with psycopg.connect(dsn, autocommit=True, prepare_threshold=None) as conn:
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        conn.read_only = True
        with conn.transaction():
            conn.execute("select set_config('search_path', 'pg_catalog', true)")
            cur = conn.cursor(row_factory=dict_row)
            for name, query in pg_queries.CATALOG_QUERIES:
                started = time.perf_counter()
                results[name] = cur.execute(query, {"schemas": ["public"]}).fetchall()
                line = f"  query {name:16} {len(results[name]):7d} rows"
                print(f"{line} {time.perf_counter() - started:6.2f} s")
    return results


def build(results: dict[str, Any], *, collect: bool) -> tuple[Catalog, float]:
    source = SourceInfo(kind="database", location="bench")
    gc.collect()
    if not collect:
        gc.disable()
    try:
        started = time.perf_counter()
        catalog = pg_build.build(("public",), results, source)
        return catalog, time.perf_counter() - started
    finally:
        gc.enable()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tables", type=int, default=2000)
    args = parser.parse_args(argv)
    with server_module.tcp_server() as srv:
        dsn = embedded.create_database(srv.dsn, "bench", embedded.supabase_stub_sql())
        synthetic.load(dsn, args.tables)
        print(f"{args.tables} tables loaded; {memory()}")
        started = time.perf_counter()
        results = fetch(dsn)
        print(f"queries {time.perf_counter() - started:.2f} s; {memory()}")
    catalog: Catalog | None = None
    for collect in (True, False):
        catalog = None  # one model alive at a time: the peak is one build's
        # `build.build` takes the rows it builds from: hand it its own lists.
        catalog, seconds = build({k: list(v) for k, v in results.items()}, collect=collect)
        print(f"build, GC {'on ' if collect else 'off'} {seconds:.2f} s; {memory()}")
    assert catalog is not None
    del results
    started = time.perf_counter()
    fast = hashlib.sha256(catalog.model_dump_json(indent=2, by_alias=True).encode() + b"\n")
    print(f"model_dump_json {time.perf_counter() - started:.2f} s; {memory()}")
    started = time.perf_counter()
    text = snapshot.dumps(catalog).encode()
    print(f"snapshot.dumps  {time.perf_counter() - started:.2f} s; {memory()}")
    same = fast.hexdigest() == hashlib.sha256(text).hexdigest()
    print(f"identical JSON: {same} ({len(text) / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
