"""The PostgreSQL/Supabase source: a live database read into a `Catalog`.

Entry points: `read` (a DSN in, a catalog out), `read_connection` (the same on
an open connection, for callers that manage their own) and `applied_migrations`
(what Supabase's CLI or drizzle-kit recorded as applied).

How a read goes, and why:

- one connection with ``prepare_threshold=None``: a Supavisor or pgbouncer
  transaction pooler cannot keep prepared statements between transactions;
- one ``REPEATABLE READ, READ ONLY`` transaction, so every query sees the same
  catalog snapshot and nothing can be written; its settings are made inside it
  with ``set_config(..., true)`` (a pooler may hand the next transaction to
  another session, so a plain ``SET`` would leak): ``search_path = pg_catalog``
  (so ``pg_get_*def`` qualify every name), statement, lock and idle timeouts,
  and a ``work_mem`` that keeps the large sorts in memory;
- one query per object kind for all schemas (`queries`), so the round trips
  do not grow with the schema; each query's rows become models as they
  arrive (`build`), so no kind's rows are ever all held as Python objects;
- a relation dropped while the read runs is still in the snapshot, but the
  ``pg_get_*def`` functions look it up in the current catalog: those calls are
  guarded, and the dropped relations are left out at the end (a migration
  that drops tables does not make the read start over). Any other concurrent
  DDL that breaks a catalog function (XX000 "cache lookup failed") makes the
  whole read start over, up to `ATTEMPTS` times.

Every failure becomes one line: `ConnectionFailed` (cannot log in),
`ExtractionFailed` (the read started but could not finish) or `SourceError`
(a schema that does not exist). The password never appears in any of them.
"""

from __future__ import annotations

import fnmatch
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Final

import psycopg
from psycopg import errors as pg_errors
from psycopg.rows import dict_row

from schema_catalog import collector
from schema_catalog.errors import ConnectionFailed, ExtractionFailed, SourceError
from schema_catalog.model import Catalog, SourceInfo
from schema_catalog.sources.postgres import build, queries
from schema_catalog.sources.postgres import dsn as dsn_text
from schema_catalog.sources.postgres.deadline import Deadline

Progress = Callable[[str], None]

ATTEMPTS: Final = 3
"""How many times the whole read runs when concurrent DDL breaks it."""
CONNECT_TIMEOUT_S: Final = 10
# A peer that vanishes (network partition, killed pooler) is noticed in about 30 s,
# not after the kernel's two hours: TCP keepalives, and a cap on unacknowledged data.
TCP_OPTIONS: Final = {
    "keepalives": 1,
    "keepalives_idle": 15,
    "keepalives_interval": 5,
    "keepalives_count": 3,
    "tcp_user_timeout": 30000,
}
SYSTEM_SCHEMAS: Final = frozenset({"pg_catalog", "information_schema", "pg_toast"})

_SETTINGS = """
select set_config('search_path', 'pg_catalog', true),
       set_config('statement_timeout', %(statement_timeout)s, true),
       set_config('lock_timeout', %(lock_timeout)s, true),
       set_config('idle_in_transaction_session_timeout', %(idle_timeout)s, true),
       -- the column query sorts 200,000 rows at 10,000 tables: in memory, not on disk
       set_config('work_mem', '64MB', true)
"""


def read(
    dsn: str,
    schemas: Sequence[str] = ("public",),
    *,
    statement_timeout_ms: int = 30000,
    lock_timeout_ms: int = 5000,
    on_progress: Progress | None = None,
    deadline: Deadline | None = None,
) -> Catalog:
    """Read ``schemas`` of the database at ``dsn`` (``""``: libpq's PG* environment).

    Raises `ConnectionFailed`, `ExtractionFailed` or `SourceError`, each one line.
    """
    wanted = _schema_names(schemas)
    _notify(on_progress, f"connecting to {dsn_text.redact(dsn)}")
    with connect(dsn, deadline) as conn:
        return read_connection(
            conn,
            wanted,
            statement_timeout_ms=statement_timeout_ms,
            lock_timeout_ms=lock_timeout_ms,
            on_progress=on_progress,
            location=dsn_text.redact(dsn),
        )


def read_connection(
    conn: psycopg.Connection[Any],
    schemas: Sequence[str] = ("public",),
    *,
    statement_timeout_ms: int = 30000,
    lock_timeout_ms: int = 5000,
    on_progress: Progress | None = None,
    location: str | None = None,
) -> Catalog:
    """Read ``schemas`` through an open connection that is not inside a transaction.

    Open it with `connect` (or at least ``prepare_threshold=None`` behind a
    pooler). Sets the connection's isolation level and read-only flag for its
    own transaction, and retries the whole read when concurrent DDL breaks it.
    """
    wanted = _schema_names(schemas)
    where = location or dsn_text.redact(conn.info.dsn)
    timeouts = _Timeouts(statement_ms=statement_timeout_ms, lock_ms=lock_timeout_ms)
    for attempt in range(1, ATTEMPTS + 1):
        step = _Step()
        try:
            return _read_once(conn, wanted, timeouts, step, on_progress, where)
        except psycopg.Error as error:
            if _is_concurrent_ddl(error) and attempt < ATTEMPTS:
                _notify(on_progress, f"the catalog changed while reading {step.name}; retrying")
                time.sleep(0.2 * attempt)
                continue
            raise _extraction_failed(error, conn, step.name, timeouts, where, attempt) from None
    raise AssertionError("unreachable: the last attempt returns or raises")


@dataclass(frozen=True)
class MigrationHistory:
    """What the database records as applied, and the history tables it would not let us read."""

    applied: frozenset[str] = frozenset()
    unreadable: tuple[str, ...] = ()


HISTORY_GRANT: Final = (
    "grant usage on schema supabase_migrations to catalog_reader; "
    "grant select on supabase_migrations.schema_migrations to catalog_reader;"
)


def applied_migrations(dsn: str) -> frozenset[str]:
    """Migration versions the database records as applied (see `migration_history`)."""
    return migration_history(dsn).applied


def migration_history(dsn: str, deadline: Deadline | None = None) -> MigrationHistory:
    """Migration versions the database records as applied; empty when it records none.

    Reads ``supabase_migrations.schema_migrations.version`` (the Supabase CLI's
    timestamp version, e.g. ``20240101120000``, the prefix of the migration
    file name) and ``drizzle.__drizzle_migrations.hash`` (drizzle-kit's SHA-256
    of the migration file's SQL) and, from drizzle-orm 1.0 on, its ``name`` (the
    ``<timestamp>_<name>`` migration folder) when those tables exist. A table the role may
    not read (Supabase's CLI schema is closed to new roles) is listed in
    ``unreadable``: the history is optional, never a reason to fail.
    """
    with connect(dsn, deadline) as conn:
        where = dsn_text.redact(dsn)
        try:
            return _migration_history(conn)
        except psycopg.Error as error:
            raise ExtractionFailed(
                f"cannot read the applied migrations: {_one_line(error, conn)}", where=where
            ) from None


def _migration_history(conn: psycopg.Connection[Any]) -> MigrationHistory:
    with _snapshot(conn, _Timeouts(statement_ms=30000, lock_ms=5000)):
        cur = conn.cursor(row_factory=dict_row)
        tables = {
            row["name"]: row["readable"]
            for row in cur.execute(queries.MIGRATION_HISTORY_TABLES).fetchall()
        }
        versions: set[str] = set()
        for name, query in (
            ("supabase_migrations.schema_migrations", queries.SUPABASE_MIGRATIONS),
            ("drizzle.__drizzle_migrations", queries.DRIZZLE_MIGRATIONS),
        ):
            if tables.get(name):
                versions.update(_strings(cur.execute(query)))
        unreadable = tuple(sorted(name for name, readable in tables.items() if not readable))
        return MigrationHistory(frozenset(versions), unreadable)


# --------------------------------------------------------------------------- connection


def connect(dsn: str, deadline: Deadline | None = None) -> psycopg.Connection[Any]:
    """A pooler-safe connection (no prepared statements), or `ConnectionFailed`.

    The DSN's own settings win over ours (connect_timeout, keepalives...);
    ``deadline`` cuts the connection when it passes.
    """
    params = dsn_text.parse(dsn) if dsn else {}
    defaults: dict[str, Any] = {
        "application_name": "schema-catalog",
        "connect_timeout": CONNECT_TIMEOUT_S,
        **TCP_OPTIONS,
    }
    options = {k: v for k, v in defaults.items() if k not in params}
    try:
        conn = psycopg.connect(dsn, autocommit=True, prepare_threshold=None, **options)
        if deadline is not None:
            deadline.watch(conn)
        return conn
    except psycopg.Error as error:
        message = dsn_text.scrub(" ".join(str(error).split()), dsn)
        raise ConnectionFailed(
            f"cannot connect: {message}", where=dsn_text.redact(dsn), fix=_connect_fix(message)
        ) from None


def _connect_fix(message: str) -> str:
    text = message.lower()
    # pgbouncer's SCRAM failure says "SASL authentication failed", no "password".
    if "password" in text or "authentication failed" in text:
        return "check the password in the URL or PGPASSWORD (Supabase pooler users are postgres.<project-ref>)"
    if "does not exist" in text:
        return "check the database and user names"
    if "ssl" in text:
        return "check sslmode (Supabase needs sslmode=require)"
    if "no pg_hba.conf entry" in text:
        return "the server does not accept this user from this host: check pg_hba.conf"
    return (
        "check the host and port; Supabase direct hosts are IPv6-only, "
        "use the pooler URI (port 5432 session or 6543 transaction) on IPv4 networks"
    )


# --------------------------------------------------------------------------- the read


@dataclass(frozen=True)
class _Timeouts:
    statement_ms: int
    lock_ms: int

    def settings(self) -> dict[str, str]:
        # A client that dies mid-read must not pin a snapshot for long; 0 keeps "no limit".
        idle_ms = 2 * self.statement_ms if self.statement_ms > 0 else 0
        return {
            "statement_timeout": str(self.statement_ms),
            "lock_timeout": str(self.lock_ms),
            "idle_timeout": str(idle_ms),
        }


class _Step:
    """The object kind being read, for progress and error messages."""

    def __init__(self) -> None:
        self.name = "the server version"


def _read_once(
    conn: psycopg.Connection[Any],
    schemas: tuple[str, ...],
    timeouts: _Timeouts,
    step: _Step,
    on_progress: Progress | None,
    location: str,
) -> Catalog:
    with collector.paused():
        with _snapshot(conn, timeouts):
            cur = conn.cursor(row_factory=dict_row)
            server = cur.execute(queries.SERVER).fetchone()
            assert server is not None  # a single-row SELECT without FROM
            schemas = expand_schemas(schemas, server["schemas"], location)
            _check_server(server, schemas, location)
            builder = build.CatalogBuilder(schemas)
            catalog_queries = queries.catalog_queries(server["version_num"])
            params = {"schemas": list(schemas)}
            for name, rows in _catalog_rows(conn, catalog_queries, params, step):
                _notify(on_progress, f"reading {name}")
                # Iterating the cursor makes one row at a time: each becomes its model
                # and goes, so a kind's rows are never all alive as Python objects.
                builder.add(name, rows)
            step.name = "the relations dropped while reading"
            _leave_out_vanished(cur, builder, on_progress)
        source = SourceInfo(
            kind="database",
            location=location,
            details={
                "database": server["database"],
                "server_version": server["version"],
                "server_version_num": str(server["version_num"]),
            },
        )
        return builder.catalog(source)


def _leave_out_vanished(
    cur: psycopg.Cursor[dict[str, Any]], builder: build.CatalogBuilder, on_progress: Progress | None
) -> None:
    """Leave out the relations a concurrent DROP removed since the snapshot.

    The snapshot still shows them, but their definitions could not be read
    (`queries.still_exists`), and they are gone from the database anyway. The
    rest is the snapshot's, whole: a migration that only drops tables does not
    make the read start over, however often it drops.
    """
    vanished = [
        row["oid"] for row in cur.execute(queries.VANISHED, {"oids": builder.relation_oids()})
    ]
    if vanished:
        names = builder.leave_out(vanished)
        _notify(on_progress, f"left out {len(names)} dropped while reading: {_some(names)}")


def _catalog_rows(
    conn: psycopg.Connection[Any],
    catalog_queries: Sequence[tuple[str, str]],
    params: dict[str, Any],
    step: _Step,
) -> Iterator[tuple[str, psycopg.Cursor[dict[str, Any]]]]:
    """Each catalog query with its executed cursor, in order; the next query runs
    on the server (in a thread, which waits with the GIL released) while the
    caller builds from this one, so the model build overlaps the queries.

    Only one query runs ahead: two results at most are held at once. A query's
    error is raised here, with ``step`` naming it.
    """

    def execute(query: str) -> psycopg.Cursor[dict[str, Any]]:
        return conn.cursor(row_factory=dict_row).execute(query, params)

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="catalog-query") as pool:
        pending = pool.submit(execute, catalog_queries[0][1])
        for index, (name, _) in enumerate(catalog_queries):
            step.name = name
            cursor = pending.result()
            if index + 1 < len(catalog_queries):
                pending = pool.submit(execute, catalog_queries[index + 1][1])
            yield name, cursor


@contextmanager
def _snapshot(conn: psycopg.Connection[Any], timeouts: _Timeouts) -> Iterator[None]:
    """One REPEATABLE READ, READ ONLY transaction with its settings made inside it."""
    conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
    conn.read_only = True
    with conn.transaction():
        conn.execute(_SETTINGS, timeouts.settings())
        yield


def _check_server(server: dict[str, Any], schemas: tuple[str, ...], location: str) -> None:
    if server["version_num"] < queries.MIN_SERVER_VERSION:
        raise ExtractionFailed(
            f"PostgreSQL {server['version']} is too old",
            where=location,
            fix="schema-catalog reads PostgreSQL 15 or newer",
        )
    existing: list[str] = server["schemas"]
    missing = [s for s in schemas if s not in existing]
    if missing:
        names = ", ".join(f"`{s}`" for s in missing)
        noun = "schema" if len(missing) == 1 else "schemas"
        raise SourceError(
            f"{noun} {names} not found; schemas in the database: {_some(existing)}",
            where=location,
            fix="check --schema or `schemas:` in catalog.yml",
        )


def is_pattern(schema: str) -> bool:
    """A ``--schema`` value with glob characters (``tenant_*``), matched against the server's schemas."""
    return any(ch in schema for ch in "*?[")


def expand_schemas(
    schemas: tuple[str, ...], existing: Sequence[str], location: str
) -> tuple[str, ...]:
    """Globs replaced by the server's schemas they match (schema-per-tenant: ``tenant_*``)."""
    found: set[str] = set()
    for schema in schemas:
        if not is_pattern(schema):
            found.add(schema)
            continue
        matched = fnmatch.filter(existing, schema)
        if not matched:
            raise SourceError(
                f"schema pattern `{schema}` matches no schema; schemas in the database: "
                + _some(existing),
                where=location,
                fix="check --schema or `schemas:` in catalog.yml",
            )
        found.update(matched)
    return tuple(sorted(found))


def _some(names: Sequence[str], limit: int = 20) -> str:
    shown = ", ".join(names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def _schema_names(schemas: Sequence[str]) -> tuple[str, ...]:
    if isinstance(schemas, str):  # a lone "public" would read as p, u, b, ...
        schemas = (schemas,)
    wanted = tuple(sorted(set(schemas)))
    if not wanted:
        raise SourceError("no schema to read", fix="name at least one schema, e.g. public")
    system = [s for s in wanted if s in SYSTEM_SCHEMAS or s.startswith("pg_")]
    if system:
        raise SourceError(
            f"`{system[0]}` is a system schema, not part of the documented schema",
            fix="name the application's schemas, e.g. public",
        )
    return wanted


# --------------------------------------------------------------------------- errors


def _is_concurrent_ddl(error: psycopg.Error) -> bool:
    # XX000 covers "cache lookup failed for relation ..." and "could not open
    # relation with OID ...": an object vanished between snapshot and lookup.
    return error.sqlstate in {"XX000", "40001", "40P01"}


def _extraction_failed(
    error: psycopg.Error,
    conn: psycopg.Connection[Any],
    step: str,
    timeouts: _Timeouts,
    where: str,
    attempt: int,
) -> ExtractionFailed:
    message = _one_line(error, conn)
    if isinstance(error, pg_errors.LockNotAvailable):
        return ExtractionFailed(
            f"lock timeout ({timeouts.lock_ms} ms) while reading {step}: "
            "another session holds a lock on a table (a migration running?)",
            where=where,
            fix="retry when it has finished, or raise the lock timeout",
        )
    if isinstance(error, pg_errors.QueryCanceled):
        return ExtractionFailed(
            f"statement timeout ({timeouts.statement_ms} ms) while reading {step}",
            where=where,
            fix="raise the statement timeout, or extract when the server is less busy",
        )
    if _is_concurrent_ddl(error):
        return ExtractionFailed(
            f"the catalog kept changing while reading {step} (tried {attempt} times): {message}",
            where=where,
            fix="retry when no migration is running",
        )
    if isinstance(error, psycopg.OperationalError):
        return ExtractionFailed(
            f"connection lost while reading {step}: {message}",
            where=where,
            fix="check the network; behind a pooler, use session mode or a direct connection",
        )
    return ExtractionFailed(f"reading {step} failed: {message}", where=where)


def _one_line(error: psycopg.Error, conn: psycopg.Connection[Any]) -> str:
    message = " ".join(str(error).split())
    password = conn.info.password
    return message.replace(password, "***") if password else message


def _strings(cursor: psycopg.Cursor[dict[str, Any]]) -> set[str]:
    return {str(next(iter(row.values()))) for row in cursor.fetchall()}


def _notify(on_progress: Progress | None, message: str) -> None:
    if on_progress is not None:
        on_progress(message)
