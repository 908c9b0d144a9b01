"""A small team project for the pull-request gate tests: Drizzle + Supabase migrations.

Built from committed fixtures (the `saas` Drizzle schema checked against real
drizzle-kit, the Supabase migrations replayed against a real server) plus two
files that a static reader must report at their file:line: a table whose name
comes from the environment, and a migration that alters a table it never
created. `catalog/catalog.yml` sits in `catalog/`, so the project root is the
folder above it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"

DYNAMIC_TS = """\
import { pgTable, uuid } from 'drizzle-orm/pg-core';

// The name comes from the environment: no static reader can know it.
export const perTenant = pgTable(process.env.NOTES_TABLE!, { id: uuid() });
"""

LATE_SQL = """\
-- A change to a table these migrations never created.
alter table public.legacy_things add column note text;
"""

CATALOG_YML = """\
sources:
  drizzle: [../drizzle.config.ts, ../extra/dynamic.ts]
  migrations: [../supabase/migrations]
"""


def make_project(root: Path) -> Path:
    """Lay the project out under ``root``; returns ``root``."""
    shutil.copytree(FIXTURES / "drizzle" / "saas" / "input", root, dirs_exist_ok=True)
    migrations = root / "supabase" / "migrations"
    shutil.copytree(FIXTURES / "migrations" / "supabase" / "supabase" / "migrations", migrations)
    (migrations / "20240401000000_late.sql").write_text(LATE_SQL)
    (root / "extra").mkdir()
    (root / "extra" / "dynamic.ts").write_text(DYNAMIC_TS)
    (root / "catalog").mkdir()
    (root / "catalog" / "catalog.yml").write_text(CATALOG_YML)
    return root


def line_of(path: Path, line: int) -> str:
    return path.read_text().splitlines()[line - 1]


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The CLI in a subprocess, with no database in the environment."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("PG", "DATABASE_URL"))}
    return subprocess.run(
        [sys.executable, "-m", "schema_catalog", *args],
        cwd=cwd,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )
