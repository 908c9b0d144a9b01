"""Round trips of the PostgreSQL source do not grow with the schema.

The extraction runs on a real server through a connection whose cursors count
every statement they send; 10 tables and 200 tables (each with a key, a foreign
key, an index, a policy, a trigger, a grant and comments) cost the same number.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import psycopg

from schema_catalog.sources import postgres

Factory = Callable[..., str]


def schema_of(count: int) -> str:
    parts = [
        "CREATE FUNCTION public.touch() RETURNS trigger LANGUAGE plpgsql "
        "AS $$ BEGIN RETURN NEW; END $$;",
        "CREATE TABLE public.t0 (id int PRIMARY KEY);",
    ]
    for i in range(1, count):
        parts.append(
            f"""
            CREATE TABLE public.t{i} (
              id int PRIMARY KEY,
              parent_id int REFERENCES public.t{i - 1} (id),
              name text NOT NULL CHECK (name <> ''),
              created_at timestamptz DEFAULT now()
            );
            CREATE INDEX t{i}_name_idx ON public.t{i} (lower(name));
            ALTER TABLE public.t{i} ENABLE ROW LEVEL SECURITY;
            CREATE POLICY t{i}_read ON public.t{i} FOR SELECT TO authenticated
              USING (parent_id IS NOT NULL);
            CREATE TRIGGER t{i}_touch BEFORE UPDATE ON public.t{i}
              FOR EACH ROW EXECUTE FUNCTION public.touch();
            GRANT SELECT ON public.t{i} TO anon;
            COMMENT ON TABLE public.t{i} IS 'table {i}';
            COMMENT ON COLUMN public.t{i}.name IS 'name {i}';
            """
        )
    return "\n".join(parts)


def count_statements(dsn: str) -> tuple[int, int]:
    """(statements sent, tables read) for one extraction of ``dsn``."""
    sent: list[str] = []

    class CountingCursor(psycopg.Cursor[Any]):
        def execute(self, query: Any, params: Any = None, **kwargs: Any) -> Any:
            sent.append(str(query)[:40])
            return super().execute(query, params, **kwargs)

    with psycopg.connect(
        dsn, autocommit=True, prepare_threshold=None, cursor_factory=CountingCursor
    ) as conn:
        catalog = postgres.read_connection(conn, ["public"])
    return len(sent), len(catalog.tables)


def test_round_trips_do_not_grow_with_the_number_of_tables(make_database: Factory) -> None:
    small, small_tables = count_statements(make_database(schema_of(10)))
    large, large_tables = count_statements(make_database(schema_of(200)))
    assert (small_tables, large_tables) == (10, 200)
    assert small == large
    # one per object kind, plus the settings and the server check
    assert small <= 20
