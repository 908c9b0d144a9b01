"""Benchmark: read a generated 5,000-line, 110-table Drizzle schema file.

Prints the time of `schema_catalog.sources.drizzle.read` (best of several runs) and,
as the peer in the same process, the time tree-sitter alone needs to parse the
file, with the ratio between them. Target: well under a second.

    .venv/bin/python bench/bench_drizzle.py
"""

from __future__ import annotations

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


def generate(path: Path) -> int:
    budget = (LINES - HEADER.count("\n")) // TABLES - 10  # lines left for plain columns per table
    body = HEADER + "\n".join(table_source(n, budget) for n in range(TABLES))
    path.write_text(body)
    return body.count("\n")


def best_of(runs: int, action: object) -> float:
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        action()  # type: ignore[operator]
        timings.append(time.perf_counter() - start)
    return min(timings)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "schema.ts"
        lines = generate(path)
        catalog = read([path])
        assert len(catalog.tables) == TABLES, len(catalog.tables)
        data = path.read_bytes()
        parse = best_of(5, lambda: parse_bytes(data))
        full = best_of(5, lambda: read([path]))
    columns = sum(len(t.columns) for t in catalog.tables)
    print(f"drizzle read: {lines} lines, {TABLES} tables, {columns} columns")
    print(f"  tree-sitter parse only : {parse * 1000:7.1f} ms")
    print(f"  read (full catalog)    : {full * 1000:7.1f} ms  ({full / parse:.1f}x the parse)")
    print(f"  target: well under 1 s -> {'OK' if full < 0.5 else 'SLOW'}")


if __name__ == "__main__":
    main()
