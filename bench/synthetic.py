"""A synthetic Supabase-like schema at any size, as SQL, and its fast loader.

Table ``i`` (1-based) of ``n`` is ``<word>_<i:05d>`` in ``public`` with 20
columns (identity primary key, ``organization_id``, an enum, a domain, numeric
with typmods, arrays, jsonb, a generated column, defaults, a CHECK), 3 foreign
keys (``parent_id`` → table i-1, a chain as long as the schema, which is what
overflows SQLAlchemy's recursion; ``related_id`` → table i//2; ``source_id`` →
table i//3; every 50th table also ``owner_id`` → ``auth.users``, outside the
documented schema as on Supabase), 3 secondary
indexes (one partial, one unique) and comments. Every odd table has RLS with
two policies; every even one a BEFORE UPDATE trigger; every 10th a view, every
50th a materialized view, every 20th a SQL function.

Loading is the slow part of a 10,000-table benchmark, so statements are sent
many tables per ``execute`` (one network round trip, one parse per batch) and
committed per batch; ``synchronous_commit`` is off for the session.

    python bench/synthetic.py 2000 > schema.sql          # the SQL text
    python bench/synthetic.py 2000 --load postgresql://...  # load into a database
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Iterator

import psycopg

WORDS = ("accounts", "orders", "events", "posts", "tasks", "invoices", "members", "assets")

PREAMBLE = """
CREATE TYPE public.record_status AS ENUM ('draft', 'active', 'archived');
CREATE DOMAIN public.email AS text CHECK (VALUE ~ '^[^@]+@[^@]+$');
CREATE FUNCTION public.set_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION public.set_updated_at() IS 'Keeps updated_at current.';
"""


def table_name(i: int) -> str:
    return f"{WORDS[i % len(WORDS)]}_{i:05d}"


def table_sql(i: int) -> str:
    """Everything belonging to table ``i``: the table, indexes, RLS, extras."""
    name = table_name(i)
    parent = table_name(max(1, i - 1))
    related = table_name(max(1, i // 2))
    source = table_name(max(1, i // 3))
    # Each FK adds triggers to the referenced table, whose relcache entry is then
    # rebuilt with all of them: pointing every table at auth.users would make
    # loading quadratic. Every 50th table does, as on Supabase.
    owner_fk = " REFERENCES auth.users (id) ON DELETE SET NULL" if i % 50 == 0 else ""
    parts = [
        f"""CREATE TABLE public.{name} (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  organization_id uuid NOT NULL,
  owner_id uuid{owner_fk},
  parent_id bigint REFERENCES public.{parent} (id) ON DELETE CASCADE,
  related_id bigint REFERENCES public.{related} (id),
  name text NOT NULL,
  slug varchar(120) NOT NULL,
  status public.record_status NOT NULL DEFAULT 'draft',
  price numeric(12,2) CHECK (price >= 0),
  quantity integer NOT NULL DEFAULT 0,
  is_active boolean NOT NULL DEFAULT true,
  tags text[] NOT NULL DEFAULT '{{}}',
  metadata jsonb NOT NULL DEFAULT '{{}}'::jsonb,
  contact public.email,
  rating real,
  source_id bigint REFERENCES public.{source} (id) ON DELETE SET NULL,
  external_ref uuid DEFAULT gen_random_uuid(),
  name_length integer GENERATED ALWAYS AS (length(name)) STORED,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz
);""",
        f"CREATE INDEX {name}_org_idx ON public.{name} (organization_id);",
        f"CREATE INDEX {name}_parent_idx ON public.{name} (parent_id) WHERE parent_id IS NOT NULL;",
        f"CREATE UNIQUE INDEX {name}_slug_key ON public.{name} (organization_id, slug);",
        f"COMMENT ON TABLE public.{name} IS 'Synthetic table {i}: {WORDS[i % len(WORDS)]}.';",
        f"COMMENT ON COLUMN public.{name}.organization_id IS 'Tenant key.';",
    ]
    if i % 2 == 1:
        parts += _rls_sql(name)
    else:
        parts.append(
            f"CREATE TRIGGER {name}_touch BEFORE UPDATE ON public.{name} "
            "FOR EACH ROW EXECUTE FUNCTION public.set_updated_at();"
        )
    parts += _extras_sql(i, name)
    return "\n".join(parts)


def _rls_sql(name: str) -> list[str]:
    return [
        f"ALTER TABLE public.{name} ENABLE ROW LEVEL SECURITY;",
        f"CREATE POLICY {name}_read ON public.{name} FOR SELECT TO authenticated "
        "USING (organization_id = ((auth.jwt() ->> 'org_id'))::uuid);",
        f"CREATE POLICY {name}_write ON public.{name} FOR INSERT TO authenticated "
        "WITH CHECK (owner_id = auth.uid());",
    ]


def _extras_sql(i: int, name: str) -> list[str]:
    parts = []
    if i % 10 == 0:
        parts.append(
            f"CREATE VIEW public.{name}_active AS "
            f"SELECT id, organization_id, name, status FROM public.{name} WHERE is_active;"
        )
    if i % 50 == 0:
        parts.append(
            f"CREATE MATERIALIZED VIEW public.{name}_totals AS SELECT organization_id, "
            f"count(*) AS n, sum(price) AS total FROM public.{name} GROUP BY organization_id;"
        )
    if i % 20 == 0:
        parts.append(
            f"CREATE FUNCTION public.{name}_count(p_org uuid) RETURNS bigint "
            f"LANGUAGE sql STABLE AS $$ SELECT count(*) FROM public.{name} "
            "WHERE organization_id = p_org $$;"
        )
    return parts


def batches(n: int, size: int = 250) -> Iterator[str]:
    """The whole schema as SQL text, ``size`` tables per piece (the preamble first)."""
    yield PREAMBLE
    for start in range(1, n + 1, size):
        yield "\n".join(table_sql(i) for i in range(start, min(n, start + size - 1) + 1))


def relation_count(n: int) -> int:
    """How many tables, views and materialized views `load` creates in ``public``."""
    return n + n // 10 + n // 50


def load(dsn: str, n: int, *, size: int = 250) -> float:
    """Load ``n`` synthetic tables into the database at ``dsn``; return seconds.

    The database must already have Supabase's ``auth`` schema (see
    `schema_catalog.embedded.supabase_stub_sql`).
    """
    started = time.perf_counter()
    with psycopg.connect(dsn) as conn:
        conn.execute("SET synchronous_commit = off")
        conn.execute("SET check_function_bodies = off")
        for piece in batches(n, size):
            # No parameters: psycopg sends the text as one simple-protocol query,
            # so a batch of many statements costs one round trip.
            conn.execute(piece.encode())
            conn.commit()
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tables", type=int)
    parser.add_argument("--load", metavar="DSN", help="load into this database instead of printing")
    args = parser.parse_args(argv)
    if args.load:
        seconds = load(args.load, args.tables)
        print(f"loaded {args.tables} tables in {seconds:.1f} s", file=sys.stderr)
    else:
        for piece in batches(args.tables):
            sys.stdout.write(piece + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
