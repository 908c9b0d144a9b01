"""An embedded PostgreSQL server for the demo and the test suite.

`pgserver` ships PostgreSQL 16 in a wheel: no system install, no Docker, starts
in about a second and works as root (it runs the server as an unprivileged
user). It listens on a Unix socket only, so it never clashes with a port.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg


@contextmanager
def server(data_dir: Path, *, keep: bool = False) -> Iterator[str]:
    """Run a server whose data lives in ``data_dir``; yield a superuser DSN.

    The server stops when the block ends; its data is removed unless ``keep``.
    """
    # pgserver's platformdirs warns when XDG_RUNTIME_DIR is unset (CI, root shells).
    os.environ.setdefault("XDG_RUNTIME_DIR", str(data_dir.parent))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from pgserver import get_server  # type: ignore[attr-defined]

        data_dir.mkdir(parents=True, exist_ok=True)
        instance = get_server(data_dir, cleanup_mode="stop" if keep else "delete")
    try:
        yield instance.get_uri()
    finally:
        instance.cleanup()


def create_database(admin_dsn: str, name: str, sql: str | None = None) -> str:
    """Create (or recreate) database ``name``, run ``sql`` in it, return its DSN."""
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    dsn = with_database(admin_dsn, name)
    if sql:
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(sql.encode())
    return dsn


def supabase_stub_sql() -> str:
    """SQL that makes a plain database look like a Supabase project to a catalog:
    the roles, ``auth.users``, ``auth.uid()`` / ``auth.jwt()``."""
    return (Path(__file__).parent / "supabase_stub.sql").read_text(encoding="utf-8")


def with_database(dsn: str, name: str) -> str:
    """The same connection string pointed at another database."""
    return psycopg.conninfo.make_conninfo(dsn, dbname=name)
