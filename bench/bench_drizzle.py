"""Benchmark: read a generated Drizzle schema file (110 tables, 5,000 lines by default).

Prints the time of `schema_catalog.sources.drizzle.read` (best of several runs) and,
as the peer in the same process, the time tree-sitter alone needs to parse the
file, with the ratio between them, and the process's peak memory. Targets: the
default file well under a second; a 5 MB file (``--tables 3000``) within 3 s and
300 MB.

    .venv/bin/python bench/bench_drizzle.py
    .venv/bin/python bench/bench_drizzle.py --tables 3000 --repeat 1
"""

from __future__ import annotations

import argparse
import json
import resource
import tempfile
import time
from pathlib import Path

from schema_catalog.sources.drizzle import read
from schema_catalog.sources.drizzle.parse import parse_bytes

TABLES = 110
LINES = 5_000
HEADER = """import { sql } from 'drizzle-orm';
import {
  pgTable, pgEnum, uuid, text, varchar, integer, bigint, boolean, timestamp, numeric, jsonb,
  index, uniqueIndex, check, pgPolicy,
} from 'drizzle-orm/pg-core';
import { authenticatedRole, authUid } from 'drizzle-orm/supabase';

export const status = pgEnum('status', ['draft', 'active', 'archived']);
"""


def table_source(number: int, columns: int) -> str:
    name = f"table_{number:03d}"
    lines = [
        f"export const {name} = pgTable('{name}', {{",
        "  id: uuid().primaryKey().defaultRandom(),",
    ]
    lines.append("  organizationId: uuid().notNull(),")
    if number:
        lines.append(
            f"  parentId: uuid().references(() => table_{number - 1:03d}.id, {{ onDelete: 'cascade' }}),"
        )
    kinds = [
        "text()",
        "varchar({ length: 255 }).notNull()",
        "integer().default(0)",
        "bigint({ mode: 'number' })",
        "boolean().default(false).notNull()",
        "timestamp({ withTimezone: true }).defaultNow()",
        "numeric({ precision: 12, scale: 2 })",
        "jsonb().default({})",
        "status().default('draft')",
    ]
    for index in range(columns):
        lines.append(f"  field{index:02d}: {kinds[index % len(kinds)]},")
    lines += [
        "}, (t) => [",
        "  index().on(t.organizationId),",
        "  uniqueIndex().on(t.organizationId, t.field01),",
        f"  check('{name}_positive', sql`${{t.field02}} >= 0`),",
        "  pgPolicy('tenant read', { for: 'select', to: authenticatedRole, using: sql`${t.organizationId} = ${authUid}` }),",
        "]);",
        "",
    ]
    return "\n".join(lines)


def generate(path: Path, tables: int = TABLES) -> int:
    budget = (LINES - HEADER.count("\n")) // TABLES - 10  # lines left for plain columns per table
    body = HEADER + "\n".join(table_source(n, budget) for n in range(tables))
    path.write_text(body)
    return body.count("\n")


def best_of(runs: int, action: object) -> float:
    """The least CPU time of ``runs`` runs (on a shared machine wall time mostly measures the others)."""
    timings = []
    for _ in range(runs):
        start = time.process_time()
        action()  # type: ignore[operator]
        timings.append(time.process_time() - start)
    return min(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tables", type=int, default=TABLES)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", type=Path, help="also write the figures as JSON here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "schema.ts"
        lines = generate(path, args.tables)
        size = path.stat().st_size
        # The read first, so the peak memory is the read's, not the parse's.
        full = best_of(args.repeat, lambda: read([path]))
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        catalog = read([path])
        assert len(catalog.tables) == args.tables, len(catalog.tables)
        data = path.read_bytes()
        parse = best_of(args.repeat, lambda: parse_bytes(data))
    columns = sum(len(t.columns) for t in catalog.tables)
    print(
        f"drizzle read: {lines} lines ({size / 1e6:.1f} MB), {args.tables} tables, {columns} columns"
    )
    print(f"  tree-sitter parse only : {parse * 1000:7.1f} ms CPU")
    print(f"  read (full catalog)    : {full * 1000:7.1f} ms CPU ({full / parse:.1f}x the parse)")
    print(f"  peak RSS of the read   : {peak:7.0f} MB")
    if args.json:
        figures = {"tables": args.tables, "lines": lines, "mb": size / 1e6, "columns": columns,
                   "parse_s": parse, "read_s": full, "peak_mb": peak}  # fmt: skip
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
