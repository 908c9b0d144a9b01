"""Production safety of the PostgreSQL source, against real servers and a real pooler.

What CI meets when it points `extract` at a production database: a
transaction-mode pooler (Debian's pgbouncer, as Supavisor on port 6543), a
role with nothing but LOGIN, migrations running while it reads (concurrent
DDL), a table locked by a migration, huge tables, and the usual bad inputs —
each either works or fails with one clear line, never a raw driver error, never
a password.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg.conninfo import conninfo_to_dict
from psycopg.rows import dict_row

import pooler
from schema_catalog import cli, snapshot
from schema_catalog.errors import ConnectionFailed, ExtractionFailed, SourceError
from schema_catalog.model import Catalog
from schema_catalog.sources import postgres

SCHEMA = """
CREATE TYPE public.plan AS ENUM ('free', 'pro');
CREATE TABLE public.organizations (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL,
  plan public.plan NOT NULL DEFAULT 'free'
);
CREATE TABLE public.projects (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  organization_id uuid NOT NULL REFERENCES public.organizations (id) ON DELETE CASCADE,
  owner_id uuid REFERENCES auth.users (id),
  title varchar(200) NOT NULL
);
CREATE INDEX projects_org_idx ON public.projects (organization_id);
ALTER TABLE public.projects ENABLE ROW LEVEL SECURITY;
CREATE POLICY projects_read ON public.projects FOR SELECT TO authenticated
  USING (owner_id = auth.uid());
CREATE VIEW public.project_titles AS SELECT id, title FROM public.projects;
COMMENT ON TABLE public.projects IS 'Work owned by an organization.';
"""

PASSWORD = "correct-horse-battery-staple-7731"


def _database(dsn: str) -> str:
    return str(conninfo_to_dict(dsn)["dbname"])


def _content(catalog: Catalog) -> dict[str, Any]:
    """The catalog minus where it came from (the DSN differs between paths)."""
    return catalog.model_dump(mode="json", by_alias=True, exclude={"sources", "extracted_at"})


def _assert_one_line(error: BaseException, *secrets: str) -> str:
    text = str(error)
    assert text and "\n" not in text, text
    for secret in secrets:
        assert secret not in text
    return text


@pytest.fixture(scope="module")
def login_role(pg_admin_dsn: str) -> Iterator[str]:
    """A role with LOGIN and nothing else: no grants, no memberships, no superuser."""
    name = f"sc_login_only_{threading.get_native_id()}"
    with psycopg.connect(pg_admin_dsn, autocommit=True) as conn:
        conn.execute(f"DROP ROLE IF EXISTS {name}")
        conn.execute(f"CREATE ROLE {name} LOGIN")
    yield name
    with psycopg.connect(pg_admin_dsn, autocommit=True) as conn:
        conn.execute(f"DROP ROLE IF EXISTS {name}")


@pytest.fixture(scope="module")
def bouncer(pg_admin_dsn: str, login_role: str) -> Iterator[pooler.Pooler]:
    """pgbouncer in transaction mode with ONE server connection per database/user:
    every client transaction shares it, as on a busy Supavisor."""
    missing = pooler.available()
    if missing:
        pytest.skip(missing)
    with pooler.pgbouncer(
        pg_admin_dsn, pool_mode="transaction", pool_size=1, users=(login_role,)
    ) as running:
        yield running


# --------------------------------------------------------------------------- transaction pooler


def test_the_pooler_really_pools_transactions(bouncer: pooler.Pooler, make_database: Any) -> None:
    """The harness itself: two clients share one server session, and a plain SET
    leaks from one to the other, which is exactly what the extractor must avoid."""
    db = _database(make_database(SCHEMA))
    options: dict[str, Any] = {"autocommit": True, "prepare_threshold": None}
    with (
        psycopg.connect(bouncer.dsn(db), **options) as a,
        psycopg.connect(bouncer.dsn(db), **options) as b,
    ):
        pid_a = a.execute("select pg_backend_pid()").fetchone()
        pid_b = b.execute("select pg_backend_pid()").fetchone()
        assert pid_a == pid_b
        a.execute("SET statement_timeout = 4321")
        assert b.execute("show statement_timeout").fetchone() == ("4321ms",)
        a.execute("RESET statement_timeout")
    mode = {row[0]: row[-1] for row in pooler.admin_query(bouncer, "SHOW POOLS")}
    assert mode[db] == "transaction"


def test_extract_through_transaction_pooler_equals_direct(
    bouncer: pooler.Pooler, make_database: Any
) -> None:
    dsn = make_database(SCHEMA)
    direct = postgres.read(dsn)
    pooled = postgres.read(bouncer.dsn(_database(dsn)))
    assert _content(pooled) == _content(direct)
    assert {t.name for t in pooled.tables} >= {"organizations", "projects", "project_titles"}


def test_concurrent_extractions_share_one_server_session_and_leak_nothing(
    bouncer: pooler.Pooler, make_database: Any
) -> None:
    """Four extractions at once over a single server connection: the pooler
    interleaves their transactions, and every one sees the same catalog. The
    extractor's settings (search_path, timeouts, read only) stay inside its
    transactions: the next client of that server session sees the defaults."""
    dsn = make_database(SCHEMA)
    expected = _content(postgres.read(dsn))
    pooled_dsn = bouncer.dsn(_database(dsn))
    results: list[Catalog | BaseException] = []

    def extract() -> None:
        try:
            results.append(postgres.read(pooled_dsn))
        except BaseException as error:  # collected, asserted below
            results.append(error)

    threads = [threading.Thread(target=extract) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(isinstance(r, Catalog) and _content(r) == expected for r in results), results
    with psycopg.connect(pooled_dsn, autocommit=True, prepare_threshold=None) as conn:
        settings = conn.execute(
            "select current_setting('search_path'), current_setting('statement_timeout'), "
            "current_setting('lock_timeout'), current_setting('transaction_read_only')"
        ).fetchone()
    assert settings == ('"$user", public', "0", "0", "off")


def test_login_only_role_extracts_through_the_pooler(
    bouncer: pooler.Pooler, make_database: Any, login_role: str
) -> None:
    """pg_catalog is readable by everyone: a role with no grant at all documents
    the same tables, columns, constraints, indexes and policies."""
    dsn = make_database(SCHEMA)
    admin = postgres.read(dsn)
    reader = postgres.read(bouncer.dsn(_database(dsn), user=login_role))
    for mine, theirs in zip(reader.tables, admin.tables, strict=True):
        assert mine.qualified_name == theirs.qualified_name
        assert mine.columns == theirs.columns
        assert mine.foreign_keys == theirs.foreign_keys
        assert mine.indexes == theirs.indexes
        assert mine.policies == theirs.policies
        assert mine.view_definition == theirs.view_definition


def test_wrong_password_through_pooler_is_one_line_without_the_password(
    pg_admin_dsn: str, make_database: Any, login_role: str
) -> None:
    missing = pooler.available()
    if missing:
        pytest.skip(missing)
    db = _database(make_database(SCHEMA))
    with pooler.pgbouncer(pg_admin_dsn, passwords={login_role: PASSWORD}) as guarded:
        # The right password gets in: the pooler really checks passwords.
        assert postgres.read(guarded.dsn(db, user=login_role, password=PASSWORD)).tables
        wrong = "not-the-" + PASSWORD
        with pytest.raises(ConnectionFailed) as info:
            postgres.read(guarded.dsn(db, user=login_role, password=wrong))
    text = _assert_one_line(info.value, wrong, PASSWORD)
    # pgbouncer (SCRAM) says "SASL authentication failed", PostgreSQL "password
    # authentication failed for user ...": either way the line says why.
    assert "authentication failed" in text
    assert "check the password" in text  # the fix points at the password, not the network


# --------------------------------------------------------------------------- a busy production server


def test_concurrent_ddl_gives_a_catalog_or_a_clean_error(make_database: Any) -> None:
    """A migration creating and dropping tables (with FKs, indexes, comments)
    while extractions run: each extraction returns a consistent catalog or, after
    its retries, one clean ExtractionFailed — never a raw psycopg error."""
    dsn = make_database(SCHEMA)
    stop = threading.Event()
    churned: list[int] = []
    failures: list[BaseException] = []
    thread = threading.Thread(target=_churn, args=(dsn, stop, churned, failures))
    thread.start()
    outcomes: list[Catalog | ExtractionFailed] = []
    try:
        deadline = time.monotonic() + 30
        while len(churned) < 3 and thread.is_alive() and time.monotonic() < deadline:
            time.sleep(0.01)  # the migration is under way before we read
        for _ in range(25):
            try:
                outcomes.append(postgres.read(dsn))
            except ExtractionFailed as error:
                _assert_one_line(error)
                outcomes.append(error)
    finally:
        stop.set()
        thread.join()
    assert not failures, failures
    catalogs = [o for o in outcomes if isinstance(o, Catalog)]
    assert catalogs, "no extraction succeeded while the schema changed"
    assert churned[-1] > 10, "the DDL loop did not run alongside the extractions"
    for catalog in catalogs:
        _assert_consistent(catalog)


DOOMED = """
CREATE FUNCTION public.touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TABLE public.doomed (
  id int PRIMARY KEY,
  org uuid REFERENCES public.organizations (id),
  note text CHECK (note <> '')
);
CREATE TRIGGER doomed_touch BEFORE UPDATE ON public.doomed
  FOR EACH ROW EXECUTE FUNCTION public.touch();
"""


def test_a_constraint_of_a_dropped_table_reads_as_null_not_an_error(make_database: Any) -> None:
    """The snapshot still shows a table dropped after it was taken, and
    pg_get_constraintdef, which looks the table up in the current catalog, fails
    on it with "cache lookup failed": the guarded query reads on, with no
    definition for the dropped table, and VANISHED names it."""
    dsn = make_database(SCHEMA + DOOMED)
    guard = postgres.queries.still_exists("con.conrelid")
    with psycopg.connect(dsn, row_factory=dict_row) as reader:
        sql = dict(postgres.queries.catalog_queries(reader.info.server_version))["constraints"]
        assert guard in sql
        reader.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        reader.execute("select set_config('search_path', 'pg_catalog', true)")  # the snapshot
        doomed = reader.execute("select 'public.doomed'::regclass::oid as oid").fetchone()
        with psycopg.connect(dsn, autocommit=True) as migration:
            migration.execute("DROP TABLE public.doomed")
        # In a savepoint, so that the failure leaves the snapshot usable.
        with (
            pytest.raises(psycopg.errors.InternalError, match="cache lookup failed"),
            reader.transaction(),
        ):
            reader.execute(sql.replace(guard, "true"), {"schemas": ["public"]})
        rows = reader.execute(sql, {"schemas": ["public"]}).fetchall()
        oids = sorted({row["rel"] for row in rows})
        vanished = reader.execute(postgres.queries.VANISHED, {"oids": oids}).fetchall()
    assert doomed is not None
    assert [row["oid"] for row in vanished] == [doomed["oid"]]
    dropped = [row for row in rows if row["rel"] == doomed["oid"]]
    kept = [row for row in rows if row["rel"] != doomed["oid"]]
    assert len(dropped) == 3, "the snapshot still holds the dropped table's constraints"
    assert all(row["definition"] is None for row in dropped)
    # Only CHECK and EXCLUDE texts are read (the doomed CHECK made the unguarded
    # query fail above); the kept tables have none.
    assert kept and all(row["definition"] is None for row in kept)


def test_a_table_dropped_while_reading_is_left_out_and_the_rest_is_whole(
    make_database: Any,
) -> None:
    """A migration drops a table after the snapshot was taken: the read goes on
    (no retry), leaves that table out, says so, and everything else is read."""
    dsn = make_database(SCHEMA + DOOMED)
    expected = _content(postgres.read(dsn))
    messages: list[str] = []

    def drop_mid_read(message: str) -> None:
        messages.append(message)
        # The snapshot holds public.doomed. Dropped once the last query has run: a
        # DROP landing while a query runs may break a catalog function mid-query,
        # and that is the retry's job (the constraints' guard has a test above).
        if message == f"reading {postgres.queries.CATALOG_QUERIES[-1][0]}":
            with psycopg.connect(dsn, autocommit=True) as migration:
                migration.execute("DROP TABLE public.doomed")

    catalog = postgres.read(dsn, on_progress=drop_mid_read)
    assert catalog.table("public.doomed") is None
    assert "left out 1 dropped while reading: public.doomed" in messages
    assert not [m for m in messages if "retrying" in m], messages
    expected["tables"] = [t for t in expected["tables"] if t["name"] != "doomed"]
    assert _content(catalog) == expected


def _churn(
    dsn: str, stop: threading.Event, churned: list[int], failures: list[BaseException]
) -> None:
    try:
        with psycopg.connect(dsn, autocommit=True) as conn:
            step = 0
            while not stop.is_set():
                conn.execute(
                    f"CREATE TABLE public.churn_{step} (id int PRIMARY KEY, "
                    "org uuid REFERENCES public.organizations (id), note text CHECK (note <> ''));"
                    f"CREATE INDEX churn_{step}_note ON public.churn_{step} (note);"
                    f"COMMENT ON TABLE public.churn_{step} IS 'temporary';"
                )
                if step:
                    conn.execute(f"DROP TABLE public.churn_{step - 1}")
                step += 1
                churned.append(step)
                # ~50 DDL statements a second: a heavy migration. Without a pause
                # (one every millisecond) most reads use up their retries.
                stop.wait(0.02)
    except BaseException as error:  # reported by the test, not lost in the thread
        failures.append(error)


def _assert_consistent(catalog: Catalog) -> None:
    assert catalog.table("public.projects") is not None
    for table in catalog.tables:
        names = {c.name for c in table.columns}
        for index in table.indexes:
            assert set(index.columns) <= names, (table.name, index)
        for fk in table.foreign_keys:
            assert set(fk.columns) <= names, (table.name, fk)


def test_locked_table_fails_fast_with_a_clear_error(make_database: Any) -> None:
    """A migration holding ACCESS EXCLUSIVE on a table: the read stops at the
    lock timeout with a message that says so, instead of hanging behind it."""
    dsn = make_database(SCHEMA)
    with psycopg.connect(dsn) as holder:
        holder.execute("LOCK TABLE public.projects IN ACCESS EXCLUSIVE MODE")
        started = time.monotonic()
        with pytest.raises(ExtractionFailed) as info:
            postgres.read(dsn, lock_timeout_ms=300)
        elapsed = time.monotonic() - started
        holder.rollback()
    text = _assert_one_line(info.value)
    assert "lock timeout" in text
    assert elapsed < 5, f"took {elapsed:.1f} s"
    assert postgres.read(dsn).table("public.projects") is not None  # released: works again


def test_table_with_1600_columns(make_database: Any) -> None:
    """PostgreSQL's maximum column count, in order, and through the snapshot."""
    columns = ", ".join(f"c{i:04d} integer" for i in range(1, 1601))
    dsn = make_database(f"CREATE TABLE public.widest ({columns});")
    catalog = postgres.read(dsn)
    widest = catalog.table("public.widest")
    assert widest is not None
    assert [c.name for c in widest.columns] == [f"c{i:04d}" for i in range(1, 1601)]
    # usage statistics are never in the snapshot (model.Usage)
    assert snapshot.loads(snapshot.dumps(catalog)) == catalog.model_copy(update={"usage": None})


# --------------------------------------------------------------------------- bad input, one line each


def test_unreachable_host_is_one_line_without_the_password() -> None:
    secret = "hunter2-do-not-print"
    dsn = f"postgresql://someone:{secret}@127.0.0.1:{pooler._free_port()}/app?connect_timeout=3"
    started = time.monotonic()
    with pytest.raises(ConnectionFailed) as info:
        postgres.read(dsn)
    assert time.monotonic() - started < 10
    text = _assert_one_line(info.value, secret)
    assert "127.0.0.1" in text


def test_missing_schema_is_one_line_naming_it(make_database: Any) -> None:
    dsn = make_database(SCHEMA)
    with pytest.raises(SourceError) as info:
        postgres.read(dsn, ["public", "no_such_schema"])
    assert "no_such_schema" in _assert_one_line(info.value)


@pytest.mark.parametrize("case", ["unreachable", "missing_schema", "locked"])
def test_cli_extract_errors_are_one_line_exit_2(
    case: str,
    make_database: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The same failures through `schema-catalog extract`: exit 2, one line on
    stderr, no traceback, no password, and no catalog written."""
    monkeypatch.chdir(tmp_path)  # no catalog/catalog.yml here
    secret = "s3cr3t-in-the-url"
    out = tmp_path / "catalog.json"
    args = ["extract", "--quiet", "--out", str(out)]
    holder: psycopg.Connection[Any] | None = None
    if case == "unreachable":
        port = pooler._free_port()
        args += ["--dsn", f"postgresql://app:{secret}@127.0.0.1:{port}/app?connect_timeout=3"]
    else:
        dsn = make_database(SCHEMA)
        args += ["--dsn", dsn]
        if case == "missing_schema":
            args += ["--schema", "nowhere"]
        else:
            holder = psycopg.connect(dsn)
            # `extract` waits the default lock timeout (5 s), then gives up.
            holder.execute("LOCK TABLE public.projects IN ACCESS EXCLUSIVE MODE")
    try:
        code = cli.main(args)
    finally:
        if holder is not None:
            holder.close()
    err = capsys.readouterr().err
    assert code == 2
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("schema-catalog: error:"), err
    assert secret not in err and "Traceback" not in err
    assert not out.exists()
