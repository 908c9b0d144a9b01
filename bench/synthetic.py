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

Shapes (``--shape``), for the analysis: ``keyed`` (above: every table has the
tenant key, so tenancy needs no search), ``inferred`` (a root table
``organizations``; only every 20th table has ``organization_id``, with a
foreign key to it; the others have an ``account_id`` that is no tenant key and
reach a tenant through the chains above), ``untenanted`` (``account_id``
everywhere, no root: nothing is tenant-keyed, every search finds nothing).

Loading is the slow part of a 10,000-table benchmark, so statements are sent
many tables per ``execute`` (one network round trip, one parse per batch) and
committed per batch; ``synchronous_commit`` is off for the session.

    python bench/synthetic.py 2000 > schema.sql          # the SQL text
    python bench/synthetic.py 2000 --load postgresql://...  # load into a database
    python bench/synthetic.py 2000 --shape inferred --load postgresql://...
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Iterator

import psycopg

SHAPES = ("keyed", "inferred", "untenanted")
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
ROOT = """
CREATE TABLE public.organizations (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), name text NOT NULL);
"""


def table_name(i: int) -> str:
    return f"{WORDS[i % len(WORDS)]}_{i:05d}"


def key_column(i: int, shape: str) -> str:
    """The tenant-looking column of table ``i``: the tenant key, or an ``account_id`` that is none."""
    if shape == "keyed" or (shape == "inferred" and i % 20 == 1):
        return "organization_id"
    return "account_id"


def table_sql(i: int, shape: str = "keyed") -> str:
    """Everything belonging to table ``i``: the table, indexes, RLS, extras."""
    name = table_name(i)
    key = key_column(i, shape)
    key_fk = (
        " REFERENCES public.organizations (id)"
        if shape == "inferred" and key == "organization_id"
        else ""
    )
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
  {key} uuid NOT NULL{key_fk},
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
        f"CREATE INDEX {name}_org_idx ON public.{name} ({key});",
        f"CREATE INDEX {name}_parent_idx ON public.{name} (parent_id) WHERE parent_id IS NOT NULL;",
        f"CREATE UNIQUE INDEX {name}_slug_key ON public.{name} ({key}, slug);",
        f"COMMENT ON TABLE public.{name} IS 'Synthetic table {i}: {WORDS[i % len(WORDS)]}.';",
        f"COMMENT ON COLUMN public.{name}.{key} IS 'Tenant key.';",
    ]
    if i % 2 == 1:
        parts += _rls_sql(name, key)
    else:
        parts.append(
            f"CREATE TRIGGER {name}_touch BEFORE UPDATE ON public.{name} "
            "FOR EACH ROW EXECUTE FUNCTION public.set_updated_at();"
        )
    parts += _extras_sql(i, name, key)
    return "\n".join(parts)


def _rls_sql(name: str, key: str) -> list[str]:
    return [
        f"ALTER TABLE public.{name} ENABLE ROW LEVEL SECURITY;",
        f"CREATE POLICY {name}_read ON public.{name} FOR SELECT TO authenticated "
        f"USING ({key} = ((auth.jwt() ->> 'org_id'))::uuid);",
        f"CREATE POLICY {name}_write ON public.{name} FOR INSERT TO authenticated "
        "WITH CHECK (owner_id = auth.uid());",
    ]


def _extras_sql(i: int, name: str, key: str) -> list[str]:
    parts = []
    if i % 10 == 0:
        parts.append(
            f"CREATE VIEW public.{name}_active AS "
            f"SELECT id, {key}, name, status FROM public.{name} WHERE is_active;"
        )
    if i % 50 == 0:
        parts.append(
            f"CREATE MATERIALIZED VIEW public.{name}_totals AS SELECT {key}, "
            f"count(*) AS n, sum(price) AS total FROM public.{name} GROUP BY {key};"
        )
    if i % 20 == 0:
        parts.append(
            f"CREATE FUNCTION public.{name}_count(p_org uuid) RETURNS bigint "
            f"LANGUAGE sql STABLE AS $$ SELECT count(*) FROM public.{name} "
            f"WHERE {key} = p_org $$;"
        )
    return parts


def batches(n: int, size: int = 250, shape: str = "keyed") -> Iterator[str]:
    """The whole schema as SQL text, ``size`` tables per piece (the preamble first)."""
    yield PREAMBLE + (ROOT if shape == "inferred" else "")
    for start in range(1, n + 1, size):
        yield "\n".join(table_sql(i, shape) for i in range(start, min(n, start + size - 1) + 1))


def relation_count(n: int, shape: str = "keyed") -> int:
    """How many tables, views and materialized views `load` creates in ``public``."""
    return n + n // 10 + n // 50 + (shape == "inferred")


def tenancy_config(shape: str) -> str:
    """The tenancy section of a catalog.yml that fits the shape."""
    if shape == "inferred":
        return "tenancy:\n  root: organizations\n  key: organization_id\n"
    return "tenancy:\n  key: organization_id\n"


def load(dsn: str, n: int, *, size: int = 250, shape: str = "keyed") -> float:
    """Load ``n`` synthetic tables into the database at ``dsn``; return seconds.

    The database must already have Supabase's ``auth`` schema (see
    `schema_catalog.embedded.supabase_stub_sql`).
    """
    started = time.perf_counter()
    with psycopg.connect(dsn) as conn:
        conn.execute("SET synchronous_commit = off")
        conn.execute("SET check_function_bodies = off")
        for piece in batches(n, size, shape):
            # No parameters: psycopg sends the text as one simple-protocol query,
            # so a batch of many statements costs one round trip.
            conn.execute(piece.encode())
            conn.commit()
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tables", type=int)
    parser.add_argument("--load", metavar="DSN", help="load into this database instead of printing")
    parser.add_argument("--shape", choices=SHAPES, default="keyed")
    args = parser.parse_args(argv)
    if args.load:
        seconds = load(args.load, args.tables, shape=args.shape)
        print(f"loaded {args.tables} tables in {seconds:.1f} s", file=sys.stderr)
    else:
        for piece in batches(args.tables, shape=args.shape):
            sys.stdout.write(piece + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
