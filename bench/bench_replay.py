"""Migration replay at size: is the cost linear in the statements?

Generates a folder of Supabase-style migration files (``NNNN_name.sql``),
twenty statements each, that build a schema the way teams do: tables with a
tenant key, columns added and altered later, foreign keys to earlier tables,
indexes, comments, RLS and policies, a view, a rename now and then. Then, for
each size given (files), in the same process:

- ``replay``: `sources.migrations.read` on the folder (parse + replay + model);
- ``parse``: pglast parsing the same files alone (`pglast.parser.parse_sql_json`,
  what the replay parses with): the floor, so replay/parse is the cost of replaying.

Linear means the time per statement stays flat as the folder grows. Times are
CPU seconds of this process (single-threaded work), so other load on the
machine does not blur the trend.

    python bench/bench_replay.py --files 250 500 1000
    python bench/bench_replay.py --smoke --json out.json
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from pglast.parser import parse_sql_json

from schema_catalog.sources import migrations

STATEMENTS_PER_FILE = 20


def migration_sql(number: int) -> str:
    """File ``number``: a new table and changes to earlier ones (20 statements)."""
    t = f"items_{number:05d}"
    parent = f"items_{max(0, number - 1):05d}"
    older = f"items_{number // 2:05d}"
    statements = [
        f"CREATE TABLE public.{t} (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), "
        "organization_id uuid NOT NULL, name text NOT NULL, created_at timestamptz DEFAULT now())",
        f"ALTER TABLE public.{t} ADD COLUMN parent_id uuid",
        f"ALTER TABLE public.{t} ADD COLUMN status text DEFAULT 'draft'",
        f"ALTER TABLE public.{t} ADD COLUMN amount numeric(12,2)",
        f"ALTER TABLE public.{t} ADD COLUMN tags text[] NOT NULL DEFAULT '{{}}'",
        f"ALTER TABLE public.{t} ALTER COLUMN status SET NOT NULL",
        f"ALTER TABLE public.{t} ADD CONSTRAINT {t}_amount_check CHECK (amount >= 0)",
        f"ALTER TABLE public.{t} ADD CONSTRAINT {t}_parent_fkey "
        f"FOREIGN KEY (parent_id) REFERENCES public.{parent} (id) ON DELETE CASCADE",
        f"CREATE INDEX {t}_org_idx ON public.{t} (organization_id)",
        f"CREATE UNIQUE INDEX {t}_name_key ON public.{t} (organization_id, name)",
        f"COMMENT ON TABLE public.{t} IS 'Items, batch {number}'",
        f"COMMENT ON COLUMN public.{t}.organization_id IS 'Tenant key'",
        f"ALTER TABLE public.{t} ENABLE ROW LEVEL SECURITY",
        f"CREATE POLICY {t}_read ON public.{t} FOR SELECT TO authenticated "
        "USING (organization_id = ((select auth.jwt()) ->> 'org_id')::uuid)",
        f"CREATE POLICY {t}_write ON public.{t} FOR INSERT TO authenticated "
        "WITH CHECK (organization_id = ((select auth.jwt()) ->> 'org_id')::uuid)",
        f"ALTER TABLE public.{older} ADD COLUMN note_{number:05d} text",
        f"ALTER TABLE public.{older} ALTER COLUMN note_{number:05d} SET DEFAULT ''",
        f"CREATE OR REPLACE VIEW public.{t}_active AS SELECT id, organization_id, name "
        f"FROM public.{t} WHERE status = 'active'",
        f"ALTER TABLE public.{t} RENAME COLUMN created_at TO inserted_at",
        f"GRANT SELECT ON public.{t} TO authenticated",
    ]
    assert len(statements) == STATEMENTS_PER_FILE
    return ";\n".join(statements) + ";\n"


def generate(folder: Path, files: int) -> int:
    """Write ``files`` migration files into ``folder``; the number of statements."""
    folder.mkdir(parents=True, exist_ok=True)
    for number in range(files):
        (folder / f"{number:05d}_items_{number:05d}.sql").write_text(migration_sql(number))
    return files * STATEMENTS_PER_FILE


def best_of(runs: int, action: Any) -> tuple[float, Any]:
    """The least CPU time of ``runs`` runs (a shared machine's wall time says little)."""
    best, result = float("inf"), None
    for _ in range(runs):
        started = time.process_time()
        result = action()
        best = min(best, time.process_time() - started)
    return best, result


def measure(files: int, repeat: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / "migrations"
        statements = generate(folder, files)
        texts = [p.read_text() for p in sorted(folder.glob("*.sql"))]
        parse, _ = best_of(repeat, lambda: [parse_sql_json(t) for t in texts])
        replay, catalog = best_of(repeat, lambda: migrations.read([folder]))
    return {
        "files": files,
        "statements": statements,
        "tables": len(catalog.tables),
        "findings": len(catalog.findings),
        "replay_s": replay,
        "parse_s": parse,
        "replay_us_per_statement": replay / statements * 1e6,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def report(results: list[dict[str, Any]]) -> str:
    lines = [
        "| files | statements | relations | replay (CPU s) | parse alone (CPU s) | replay / parse "
        "| µs per statement | peak RSS so far (MB) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r['files']} | {r['statements']} | {r['tables']} | {r['replay_s']:.2f} "
            f"| {r['parse_s']:.2f} | {r['replay_s'] / r['parse_s']:.1f}× "
            f"| {r['replay_us_per_statement']:.0f} | {r['peak_mb']:.0f} |"
        )
    first, last = results[0], results[-1]
    growth = last["replay_us_per_statement"] / first["replay_us_per_statement"]
    lines.append(
        f"\nTime per statement at {last['statements']} statements / at {first['statements']}: "
        f"{growth:.2f} ({'linear' if growth < 1.5 else 'GROWS: not linear'})"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, nargs="+", default=[250, 500, 1000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--smoke", action="store_true", help="10 and 40 files, one run")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON here")
    args = parser.parse_args(argv)
    if args.smoke:
        args.files, args.repeat = [10, 40], 1
    results = [measure(files, args.repeat) for files in sorted(args.files)]
    print(report(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
