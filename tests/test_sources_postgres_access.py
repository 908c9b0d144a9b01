"""The PostgreSQL source's access and failure behaviour, against a real server.

Who can extract (a role with nothing but LOGIN and CONNECT), that extraction
never writes, and that every failure is one line of the right error type
without the password: bad password, unreachable host, unknown schema, a lock
held by a migration, a statement timeout. Also `applied_migrations`.
"""

from __future__ import annotations

import itertools
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from schema_catalog import snapshot
from schema_catalog.errors import ConnectionFailed, ExtractionFailed, SourceError
from schema_catalog.model import Catalog
from schema_catalog.sources import postgres

PITFALLS_SQL = (Path(__file__).parent / "fixtures" / "pitfalls.sql").read_text(encoding="utf-8")
SECRET = "Sup3r-Secret-pw"
_roles = itertools.count()

Factory = Callable[..., str]


def _unique_role(prefix: str) -> str:
    return f"{prefix}_{os.getpid()}_{next(_roles)}"


@contextmanager
def login_role(admin_db_dsn: str, *settings: str) -> Iterator[str]:
    """A role with LOGIN and CONNECT on the database only; yields its DSN.

    ``settings`` (``"name = value"``) become the role's defaults (ALTER ROLE ... SET).
    """
    role = _unique_role("reader")
    database = conninfo_to_dict(admin_db_dsn)["dbname"]
    with psycopg.connect(admin_db_dsn, autocommit=True) as conn:
        conn.execute(f"CREATE ROLE {role} LOGIN")
        for setting in settings:
            conn.execute(f"ALTER ROLE {role} SET {setting}")
        # Take CONNECT from PUBLIC so that the role holds exactly what we grant.
        conn.execute(f'REVOKE CONNECT ON DATABASE "{database}" FROM PUBLIC')
        conn.execute(f'GRANT CONNECT ON DATABASE "{database}" TO {role}')
    try:
        yield make_conninfo(admin_db_dsn, user=role)
    finally:
        with psycopg.connect(admin_db_dsn, autocommit=True) as conn:
            conn.execute(f'REVOKE CONNECT ON DATABASE "{database}" FROM {role}')
            conn.execute(f"DROP ROLE {role}")


def _without_sources(catalog: Catalog) -> str:
    return snapshot.dumps(catalog.model_copy(update={"sources": ()}))


# --------------------------------------------------------------------------- who can read


def test_a_role_with_only_login_and_connect_reads_the_same_catalog(
    make_database: Factory,
) -> None:
    dsn = make_database(PITFALLS_SQL)
    as_superuser = postgres.read(dsn, ["public", "billing"])
    with login_role(dsn) as reader_dsn:
        with psycopg.connect(reader_dsn) as conn:  # it really holds no table privilege
            row = conn.execute(
                "select has_table_privilege('public.organizations', 'SELECT'), "
                "has_schema_privilege('billing', 'USAGE'), rolsuper "
                "from pg_roles where rolname = current_user"
            ).fetchone()
        assert row == (False, False, False)
        as_reader = postgres.read(reader_dsn, ["public", "billing"])
    assert _without_sources(as_reader) == _without_sources(as_superuser)
    assert len(as_reader.tables) > 10


def test_a_role_whose_transactions_are_read_only_can_extract(make_database: Factory) -> None:
    dsn = make_database(PITFALLS_SQL)
    with login_role(dsn, "default_transaction_read_only = on") as reader_dsn:
        with psycopg.connect(reader_dsn) as conn:
            assert conn.execute("show default_transaction_read_only").fetchone() == ("on",)
        assert postgres.read(reader_dsn, ["public", "billing"]).tables


def test_extraction_never_writes_even_as_superuser(make_database: Factory) -> None:
    """A write needs a transaction id; a whole extraction takes none."""
    dsn = make_database(PITFALLS_SQL)
    with psycopg.connect(dsn, autocommit=True) as admin:
        # Other sessions of the cluster (autovacuum) may take an id meanwhile,
        # so a write-free extraction shows as an unchanged counter in at least
        # one of a few runs; a writing one never does.
        unchanged = 0
        for _ in range(3):
            before = admin.execute("select pg_current_snapshot()::text").fetchone()
            assert postgres.read(dsn, ["public", "billing"]).tables
            after = admin.execute("select pg_current_snapshot()::text").fetchone()
            unchanged += before == after
            if unchanged:
                break
        assert unchanged
        # ...and the probe does see a write: a temporary table takes an id.
        before = admin.execute("select pg_current_snapshot()::text").fetchone()
        admin.execute("create temporary table probe (id int)")
        after = admin.execute("select pg_current_snapshot()::text").fetchone()
        assert before != after


# --------------------------------------------------------------------------- connection errors


def _assert_one_line_without_secret(error: Exception) -> None:
    text = str(error)
    assert "\n" not in text
    assert SECRET not in text
    assert "fix" not in text or "(" in text  # a fix is given in parentheses


def test_unreachable_host_is_connection_failed_without_password() -> None:
    dsn = f"postgresql://someone:{SECRET}@127.0.0.1:1/app?connect_timeout=5"
    with pytest.raises(ConnectionFailed) as caught:
        postgres.read(dsn)
    _assert_one_line_without_secret(caught.value)
    assert "postgresql://someone@127.0.0.1:1/app" in str(caught.value)
    assert "check the host and port" in str(caught.value)


def test_unparsable_dsn_is_connection_failed_without_password() -> None:
    with pytest.raises(ConnectionFailed) as caught:
        postgres.read(f"postgresql://u:{SECRET}@host:notaport/db")
    _assert_one_line_without_secret(caught.value)


@contextmanager
def password_auth_for(pg_admin_dsn: str, role: str) -> Iterator[None]:
    """Make ``role`` log in with a password on this server, then restore pg_hba.conf."""
    with psycopg.connect(pg_admin_dsn, autocommit=True) as conn:
        row = conn.execute("show hba_file").fetchone()
        assert row is not None
        hba = Path(row[0])
        if not os.access(hba, os.W_OK):
            pytest.skip("pg_hba.conf of the test server is not writable from here")
        original = hba.read_text()
        rule = f"local all {role} scram-sha-256\nhost all {role} all scram-sha-256\n"
        hba.write_text(rule + original)
        try:
            conn.execute("select pg_reload_conf()")
            yield
        finally:
            hba.write_text(original)
            conn.execute("select pg_reload_conf()")


def _wait_for_password_auth(dsn: str) -> None:
    # pg_reload_conf() only signals the postmaster: wait until logins need the password.
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            psycopg.connect(dsn).close()
        except psycopg.OperationalError:
            return
        time.sleep(0.05)
    raise AssertionError("the server never started asking for the password")


def test_bad_password_is_connection_failed_without_password(
    pg_admin_dsn: str, make_database: Factory
) -> None:
    dsn = make_database("CREATE TABLE t (id int PRIMARY KEY);")
    role = _unique_role("pw")
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f"CREATE ROLE {role} LOGIN PASSWORD 'right-{SECRET}'")
    try:
        with password_auth_for(pg_admin_dsn, role):
            wrong = make_conninfo(dsn, user=role, password=SECRET)
            _wait_for_password_auth(wrong)
            with pytest.raises(ConnectionFailed) as caught:
                postgres.read(wrong)
            _assert_one_line_without_secret(caught.value)
            assert "password authentication failed" in str(caught.value)
            assert "check the password" in str(caught.value)
            # the right password works: the failure above was about the password
            right = make_conninfo(dsn, user=role, password=f"right-{SECRET}")
            assert postgres.read(right).tables[0].name == "t"
    finally:
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f"DROP ROLE {role}")


# --------------------------------------------------------------------------- schema errors


def test_unknown_schema_names_it_and_lists_the_real_ones(make_database: Factory) -> None:
    dsn = make_database(PITFALLS_SQL)
    with pytest.raises(SourceError) as caught:
        postgres.read(dsn, ["public", "nope"])
    assert type(caught.value) is SourceError
    text = str(caught.value)
    assert "schema `nope` not found" in text
    assert "billing" in text and "public" in text and "pg_catalog" not in text
    assert "\n" not in text


def test_system_schemas_are_refused() -> None:
    with pytest.raises(SourceError, match="system schema"):
        postgres.read("postgresql://nobody@127.0.0.1:1/x", ["pg_catalog"])


# --------------------------------------------------------------------------- timeouts


@contextmanager
def locked(dsn: str, table: str) -> Iterator[None]:
    """Hold ACCESS EXCLUSIVE on ``table`` from another session, as a migration would."""
    with psycopg.connect(dsn) as conn:
        conn.execute(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")
        try:
            yield
        finally:
            conn.rollback()


def test_a_table_locked_by_a_migration_is_a_lock_timeout(make_database: Factory) -> None:
    dsn = make_database(PITFALLS_SQL)
    with locked(dsn, "public.organizations"):
        started = time.monotonic()
        with pytest.raises(ExtractionFailed) as caught:
            postgres.read(dsn, lock_timeout_ms=200)
        assert time.monotonic() - started < 10
    text = str(caught.value)
    assert "lock timeout (200 ms)" in text and "\n" not in text
    assert postgres.read(dsn).tables  # the lock is gone, the read works


def test_a_slow_read_is_a_statement_timeout(make_database: Factory) -> None:
    dsn = make_database(PITFALLS_SQL)
    with locked(dsn, "public.organizations"), pytest.raises(ExtractionFailed) as caught:
        postgres.read(dsn, statement_timeout_ms=300, lock_timeout_ms=0)
    assert "statement timeout (300 ms)" in str(caught.value)


# --------------------------------------------------------------------------- concurrent DDL


def test_concurrent_ddl_is_retried_and_never_breaks_an_extraction(
    make_database: Factory,
) -> None:
    """Migrations run in short bursts of DDL; a read that meets one still succeeds.

    Each burst creates a table, keeps it 20 ms, drops it, for 150 ms, then pauses
    1 s. A read that meets a burst either starts over (the catalog changed under
    it; retries, 200 ms and more apart, get past the burst) or, when the table was
    only dropped, leaves it out and keeps the rest (`postgres._leave_out_vanished`).
    Reads go on until one has met a burst. A table the catalog does show is whole.
    """
    dsn = make_database(PITFALLS_SQL)
    stop = threading.Event()

    def migrate_in_bursts() -> None:
        with psycopg.connect(dsn, autocommit=True) as conn:
            while not stop.is_set():
                burst_end = time.monotonic() + 0.15
                while time.monotonic() < burst_end:
                    # separate transactions: each object is visible, then gone
                    conn.execute("CREATE TABLE public.churn (id int PRIMARY KEY, v text)")
                    conn.execute("CREATE INDEX churn_v ON public.churn (lower(v))")
                    time.sleep(0.02)
                    conn.execute("DROP TABLE public.churn")
                stop.wait(1.0)

    met: list[str] = []

    def on_progress(message: str) -> None:
        if "retrying" in message or "dropped while reading" in message:
            met.append(message)

    worker = threading.Thread(target=migrate_in_bursts)
    worker.start()
    try:
        deadline = time.monotonic() + 30
        reads = 0
        while not met and time.monotonic() < deadline:
            catalog = postgres.read(dsn, on_progress=on_progress)
            assert catalog.table("public.organizations") is not None
            churn = catalog.table("public.churn")
            if churn is not None:  # read whole, as the snapshot saw it
                assert [c.name for c in churn.columns] == ["id", "v"]
                assert churn.primary_key is not None and len(churn.indexes) == 2
            reads += 1
    finally:
        stop.set()
        worker.join()
    assert met, f"no read met a burst of DDL in {reads} reads"
    assert (
        "the catalog changed while reading" in met[0]
        or "left out 1 dropped while reading: public.churn" in met[0]
    ), met[0]


# --------------------------------------------------------------------------- applied migrations


def test_applied_migrations_is_empty_without_migration_tables(make_database: Factory) -> None:
    assert postgres.applied_migrations(make_database("")) == frozenset()


def test_applied_migrations_reads_supabase_and_drizzle(make_database: Factory) -> None:
    dsn = make_database(
        """
        CREATE SCHEMA supabase_migrations;
        CREATE TABLE supabase_migrations.schema_migrations (
          version text PRIMARY KEY, statements text[], name text);
        INSERT INTO supabase_migrations.schema_migrations (version, name) VALUES
          ('20240101120000', 'init'), ('20240202120000', 'books');
        CREATE SCHEMA drizzle;
        CREATE TABLE drizzle.__drizzle_migrations (
          id serial PRIMARY KEY, hash text NOT NULL, created_at bigint);
        INSERT INTO drizzle.__drizzle_migrations (hash, created_at) VALUES
          ('9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08', 1700000000000);
        """
    )
    assert postgres.applied_migrations(dsn) == {
        "20240101120000",
        "20240202120000",
        "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    }


def test_applied_migrations_reads_drizzle_orm_1_names(make_database: Factory) -> None:
    """drizzle-orm 1.0's table has a `name` column (the kit 1.0 folder name): it decides
    what is applied by that name, so an applied file edited since still matches."""
    dsn = make_database(
        """
        CREATE SCHEMA drizzle;
        CREATE TABLE drizzle.__drizzle_migrations (
          id serial PRIMARY KEY, hash text NOT NULL, created_at bigint, name text,
          applied_at timestamp with time zone DEFAULT now());
        INSERT INTO drizzle.__drizzle_migrations (hash, created_at, name) VALUES
          ('aa', 1764860516000, '20261204150156_premium_cammi'), ('bb', 1700000000000, NULL);
        """
    )
    assert postgres.applied_migrations(dsn) == {"aa", "bb", "20261204150156_premium_cammi"}


def test_migration_history_without_privilege_is_unreadable_not_an_error(
    make_database: Factory,
) -> None:
    dsn = make_database(
        "CREATE SCHEMA supabase_migrations;"
        "CREATE TABLE supabase_migrations.schema_migrations (version text PRIMARY KEY);"
        "INSERT INTO supabase_migrations.schema_migrations VALUES ('20240101000000');"
    )
    with login_role(dsn) as reader_dsn:
        history = postgres.migration_history(reader_dsn)
        assert history == postgres.MigrationHistory(
            frozenset(), ("supabase_migrations.schema_migrations",)
        )
        # The README's grant restores it.
        role = conninfo_to_dict(reader_dsn)["user"]
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(postgres.HISTORY_GRANT.replace("catalog_reader", role))
        try:
            assert postgres.migration_history(reader_dsn).applied == {"20240101000000"}
        finally:
            with psycopg.connect(dsn, autocommit=True) as conn:
                conn.execute("DROP SCHEMA supabase_migrations CASCADE")
