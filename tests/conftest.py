"""Session-wide real PostgreSQL for the test suite.

`SCHEMA_CATALOG_TEST_DSN` (a superuser DSN) is used when set; else, with
`SCHEMA_CATALOG_TEST_PG_BIN` (a folder of PostgreSQL binaries, see `pg_cluster`),
a cluster of that version starts for the session; otherwise an embedded
PostgreSQL 16 (pgserver) starts once for the whole session. Each test
that needs a database gets its own, created from SQL text, so tests never see
each other's objects.
"""

from __future__ import annotations

import itertools
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from schema_catalog import embedded

FIXTURES = Path(__file__).parent / "fixtures"
SUPABASE_BASE_SQL = embedded.supabase_stub_sql()
_counter = itertools.count()

DatabaseFactory = Callable[..., str]


@pytest.fixture(scope="session")
def pg_admin_dsn() -> Iterator[str]:
    """A superuser DSN on a real PostgreSQL server."""
    external = os.environ.get("SCHEMA_CATALOG_TEST_DSN")
    if external:
        yield external
        return
    # Not under pytest's temp folder: every pytest session that starts on the
    # machine chmods /tmp/pytest-of-<user> back to 0700, and the server, which runs
    # as an unprivileged user, then loses its data folder and shuts down at its
    # next lock-file check (PostgreSQL rechecks postmaster.pid every minute).
    scratch = Path(tempfile.mkdtemp(prefix="schema-catalog-test-pg-"))
    try:
        binaries = os.environ.get("SCHEMA_CATALOG_TEST_PG_BIN")
        if binaries:
            import pg_cluster

            with pg_cluster.server(Path(binaries), scratch / "data") as dsn:
                yield dsn
        else:
            with embedded.server(scratch / "data") as dsn:
                yield dsn
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


@pytest.fixture
def make_database(pg_admin_dsn: str) -> Iterator[DatabaseFactory]:
    """Create a fresh database from SQL: ``make_database(sql, supabase=True) -> dsn``.

    With ``supabase=True`` (the default) the database first gets the Supabase
    roles, the ``auth`` schema, ``auth.users`` and ``auth.uid()``/``auth.jwt()``.
    """
    created: list[str] = []

    def factory(sql: str = "", *, supabase: bool = True, name: str | None = None) -> str:
        db = name or f"t{os.getpid()}_{next(_counter)}"
        created.append(db)
        body = (SUPABASE_BASE_SQL + "\n" if supabase else "") + sql
        return embedded.create_database(pg_admin_dsn, db, body or None)

    yield factory
    import psycopg

    with psycopg.connect(pg_admin_dsn, autocommit=True) as conn:
        for db in created:
            conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
