"""The PostgreSQL source against a real server: the catalog says what the server says.

The fixture database (fixtures/pitfalls.sql) walks into every introspection
pitfall. Each test asks the server for the same facts another way
(``information_schema``, the ``pg_*`` system views, or one small query per
object) and compares: nothing here is copied from the extractor's output.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg.rows import dict_row
from pydantic import BaseModel

from schema_catalog import embedded, snapshot
from schema_catalog.model import Catalog, Table, Usage
from schema_catalog.sources import postgres

FIXTURES = Path(__file__).parent / "fixtures"
PITFALLS_SQL = (FIXTURES / "supabase_base.sql").read_text(encoding="utf-8") + (
    FIXTURES / "pitfalls.sql"
).read_text(encoding="utf-8")
SCHEMAS = ("billing", "public")


@pytest.fixture(scope="module")
def pitfalls_dsn(pg_admin_dsn: str) -> Iterator[str]:
    name = "pitfalls_source_test"
    yield embedded.create_database(pg_admin_dsn, name, PITFALLS_SQL)
    with psycopg.connect(pg_admin_dsn, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def catalog(pitfalls_dsn: str) -> Catalog:
    return postgres.read(pitfalls_dsn, SCHEMAS)


@pytest.fixture(scope="module")
def server(pitfalls_dsn: str) -> Iterator[psycopg.Connection[dict[str, Any]]]:
    """The test's own connection; search_path as the extractor's, so deparsed text matches."""
    with psycopg.connect(pitfalls_dsn, autocommit=True, row_factory=dict_row) as conn:
        conn.execute("set search_path = pg_catalog")
        yield conn


def rows(conn: psycopg.Connection[dict[str, Any]], sql: str, *params: Any) -> list[dict[str, Any]]:
    return conn.execute(sql, params).fetchall()


def tables_of(catalog: Catalog) -> dict[str, Table]:
    return {t.qualified_name: t for t in catalog.tables}


# --------------------------------------------------------------------------- relations


def test_every_relation_is_there_once_with_its_kind(
    catalog: Catalog, server: psycopg.Connection[dict[str, Any]]
) -> None:
    listed = rows(
        server,
        """select table_schema || '.' || table_name as name, table_type from information_schema.tables
           where table_schema = any(%s)
           union all
           select schemaname || '.' || matviewname, 'MATVIEW' from pg_matviews
           where schemaname = any(%s)""",
        list(SCHEMAS),
        list(SCHEMAS),
    )
    partitions = {
        r["name"]
        for r in rows(
            server,
            "select inhrelid::regclass::text as name "
            "from pg_inherits join pg_class on oid = inhrelid "
            "where relispartition",
        )
    }
    partitioned = {
        r["name"]
        for r in rows(server, "select partrelid::regclass::text as name from pg_partitioned_table")
    }
    kinds = {"VIEW": "view", "FOREIGN": "foreign_table", "MATVIEW": "materialized_view"}
    expected = {}
    for r in listed:
        if quoted(r["name"]) in partitions:
            continue
        kind = kinds.get(r["table_type"], "table")
        expected[r["name"]] = "partitioned_table" if quoted(r["name"]) in partitioned else kind
    assert {t.qualified_name: t.kind for t in catalog.tables} == expected
    assert len(catalog.tables) == len(expected)
    assert all("database" in t.presence for t in catalog.tables)


def quoted(qualified: str) -> str:
    """``public.Weird Name`` as regclass prints it: ``public."Weird Name"``."""
    return ".".join(
        part if re.fullmatch(r"[a-z_][a-z0-9_]*", part) else f'"{part}"'
        for part in qualified.split(".", 1)
    )


def test_tables_are_sorted_and_comments_kept(
    catalog: Catalog, server: psycopg.Connection[dict[str, Any]]
) -> None:
    keys = [(t.schema, t.name) for t in catalog.tables]
    assert keys == sorted(keys)
    for table in catalog.tables:
        (row,) = rows(
            server,
            "select obj_description(%s::regclass, 'pg_class') as c",
            quoted(table.qualified_name),
        )
        assert table.comment == row["c"], table.qualified_name
    assert any(t.comment for t in catalog.tables)


def test_views_carry_their_definition(
    catalog: Catalog, server: psycopg.Connection[dict[str, Any]]
) -> None:
    defs = rows(
        server,
        """select schemaname || '.' || viewname as name, definition from pg_views
           where schemaname = any(%s)
           union all
           select schemaname || '.' || matviewname, definition from pg_matviews
           where schemaname = any(%s)""",
        list(SCHEMAS),
        list(SCHEMAS),
    )
    tables = tables_of(catalog)
    assert len(defs) >= 2
    for row in defs:
        assert tables[row["name"]].view_definition == row["definition"]
    assert all(
        t.view_definition is None
        for t in catalog.tables
        if t.kind not in ("view", "materialized_view")
    )


# --------------------------------------------------------------------------- columns


def test_columns_match_information_schema(
    catalog: Catalog, server: psycopg.Connection[dict[str, Any]]
) -> None:
    info = rows(
        server,
        """select table_schema || '.' || table_name as tab, column_name, ordinal_position,
                  is_nullable, column_default, identity_generation, generation_expression,
                  collation_name, domain_schema, udt_schema, data_type
           from information_schema.columns where table_schema = any(%s)
           order by table_schema, table_name, ordinal_position""",
        list(SCHEMAS),
    )
    expected: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in info:
        expected[r["tab"]].append(r)
    tables = tables_of(catalog)
    checked = 0
    for name, table in tables.items():
        if table.kind == "materialized_view":  # not in information_schema.columns
            continue
        assert [c.name for c in table.columns] == [r["column_name"] for r in expected[name]]
        for column, r in zip(table.columns, expected[name], strict=True):
            if r["domain_schema"] is None:  # domains: see the test below
                assert column.nullable == (r["is_nullable"] == "YES"), (name, column.name)
            assert column.default == r["column_default"], (name, column.name)
            assert column.generated == r["generation_expression"], (name, column.name)
            identity = {"ALWAYS": "always", "BY DEFAULT": "by_default"}
            assert column.identity == identity.get(r["identity_generation"]), (name, column.name)
            assert column.collation == r["collation_name"], (name, column.name)
            user_schema = r["domain_schema"] or (
                r["udt_schema"] if r["udt_schema"] != "pg_catalog" else None
            )
            assert column.type_schema == user_schema, (name, column.name)
            checked += 1
    assert checked > 50


def test_column_types_keep_typmods_and_comments(
    catalog: Catalog, server: psycopg.Connection[dict[str, Any]]
) -> None:
    for table in catalog.tables:
        for column in table.columns:
            (row,) = rows(
                server,
                """select format_type(atttypid, atttypmod) as type,
                          col_description(attrelid, attnum) as comment
                   from pg_attribute where attrelid = %s::regclass and attname = %s""",
                quoted(table.qualified_name),
                column.name,
            )
            assert (column.type, column.comment) == (row["type"], row["comment"])
    org = tables_of(catalog)["public.organizations"]
    assert org.column("slug") is not None and org.column("slug").type == "character varying(63)"  # type: ignore[union-attr]


def test_dropped_columns_never_show(
    catalog: Catalog, server: psycopg.Connection[dict[str, Any]]
) -> None:
    dropped = rows(
        server, "select attrelid::regclass::text as tab from pg_attribute where attisdropped"
    )
    assert dropped, "the fixture drops a column"
    org = tables_of(catalog)["public.organizations"]
    assert all("pg.dropped" not in c.name for t in catalog.tables for c in t.columns)
    assert org.column("legacy_flag") is None


def test_domain_not_null_makes_the_column_not_null(
    catalog: Catalog, server: psycopg.Connection[dict[str, Any]]
) -> None:
    # Ask the server itself: a cast of NULL to the column's domain fails when the
    # domain (or a domain it is built on) is NOT NULL. information_schema only
    # looks at the outer domain, so it misses a domain over a NOT NULL domain.
    domain_columns = [
        (t, c)
        for t in catalog.tables
        for c in t.columns
        if c.type_schema and any(f"{d.schema_}.{d.name}" == c.type for d in catalog.domain_types)
    ]
    refused = 0
    for table, column in domain_columns:
        (row,) = rows(
            server,
            "select attnotnull from pg_attribute where attrelid = %s::regclass and attname = %s",
            quoted(table.qualified_name),
            column.name,
        )
        try:
            server.execute(f"select null::{column.type}")
            domain_allows_null = True
        except psycopg.errors.NotNullViolation:
            domain_allows_null = False
            refused += 1
        expected = domain_allows_null and not row["attnotnull"]
        assert column.nullable == expected, (table.qualified_name, column.name)
    assert refused >= 2  # a NOT NULL domain, and a domain over it


def test_primary_key_flags_match_the_primary_key(catalog: Catalog) -> None:
    for table in catalog.tables:
        flagged = tuple(c.name for c in table.columns if c.primary_key)
        key = table.primary_key.columns if table.primary_key else ()
        assert set(flagged) == set(key), table.qualified_name


# --------------------------------------------------------------------------- leaks, extras


def test_nothing_from_system_schemas_or_extensions_leaks(
    catalog: Catalog, server: psycopg.Connection[dict[str, Any]]
) -> None:
    text = snapshot.dumps(catalog)
    schemas_used = {t.schema for t in catalog.tables} | {f.schema_ for f in catalog.functions}
    schemas_used |= {e.schema_ for e in catalog.enums} | {d.schema_ for d in catalog.domain_types}
    assert schemas_used == set(SCHEMAS)
    # pitfalls.sql installs pgvector, or contrib's cube where the server has no pgvector
    members = rows(
        server,
        """select p.proname as name from pg_depend d join pg_proc p on p.oid = d.objid
           where d.deptype = 'e' and d.classid = 'pg_proc'::regclass
             and d.refobjid = (select oid from pg_extension where extname in ('vector', 'cube'))""",
    )
    assert len(members) > 30
    names = {f.name for f in catalog.functions} | {t.name for t in catalog.composite_types}
    assert not names & ({m["name"] for m in members} | {"avg", "sum", "vector", "cube"})
    assert "pg_toast" not in text and "information_schema" not in text
    assert {e.name for e in catalog.extensions} & {"vector", "cube"}
    assert "plpgsql" in {e.name for e in catalog.extensions}


def test_source_info_names_the_server(
    catalog: Catalog, server: psycopg.Connection[dict[str, Any]]
) -> None:
    (source,) = catalog.sources
    (row,) = rows(server, "select current_setting('server_version') as v, current_database() as d")
    assert source.kind == "database"
    assert source.details["server_version"] == row["v"]
    assert source.details["database"] == row["d"]
    assert catalog.schemas == SCHEMAS


# --------------------------------------------------------------------------- lean build


def assert_same_types_and_values(lean: Any, validated: Any, where: str = "catalog") -> None:
    """Equal, and of the very same types all the way down (``1 == True`` would pass ``==``)."""
    assert type(lean) is type(validated), where
    if isinstance(lean, BaseModel):
        for name in type(lean).model_fields:
            assert_same_types_and_values(
                getattr(lean, name), getattr(validated, name), f"{where}.{name}"
            )
    elif isinstance(lean, tuple | list):
        assert len(lean) == len(validated), where
        for i, (a, b) in enumerate(zip(lean, validated, strict=True)):
            assert_same_types_and_values(a, b, f"{where}[{i}]")
    elif isinstance(lean, dict):
        assert lean.keys() == validated.keys(), where
        for key in lean:
            assert_same_types_and_values(lean[key], validated[key], f"{where}.{key}")
    else:
        assert lean == validated, where


def test_the_lean_build_is_the_validated_model(catalog: Catalog) -> None:
    # `postgres.read` builds its models without validation (`Model.trusted`):
    # pydantic validating the same data from scratch gives the very same model.
    # Usage statistics are never serialised (model.Usage): validated apart.
    assert catalog.usage is not None
    assert_same_types_and_values(catalog.usage, Usage.model_validate(catalog.usage.model_dump()))
    catalog = catalog.model_copy(update={"usage": None})
    validated = Catalog.model_validate(catalog.model_dump(by_alias=True))
    assert_same_types_and_values(catalog, validated)
    assert validated == catalog
    assert catalog.model_dump_json(by_alias=True) == validated.model_dump_json(by_alias=True)
    assert snapshot.dumps(catalog) == snapshot.dumps(validated)
    assert "".join(snapshot.chunks(catalog)) == snapshot.dumps(validated)
    assert snapshot.loads(snapshot.dumps(catalog)) == catalog


# --------------------------------------------------------------------------- determinism


def test_extracting_twice_gives_identical_json(pitfalls_dsn: str, catalog: Catalog) -> None:
    again = postgres.read(pitfalls_dsn, list(reversed(SCHEMAS)))
    assert snapshot.dumps(again) == snapshot.dumps(catalog)


def test_the_same_schema_in_another_database_gives_the_same_json(
    make_database: Any, catalog: Catalog
) -> None:
    # Another database means other oids and another creation order on disk.
    other = postgres.read(make_database((FIXTURES / "pitfalls.sql").read_text()), SCHEMAS)

    def strip(c: Catalog) -> str:
        return snapshot.dumps(c.model_copy(update={"sources": ()}))

    assert strip(other) == strip(catalog)


def test_default_schema_is_public_only(pitfalls_dsn: str) -> None:
    catalog = postgres.read(pitfalls_dsn)
    assert catalog.schemas == ("public",)
    assert {t.schema for t in catalog.tables} == {"public"}
    assert not any(f.schema_ == "billing" for f in catalog.functions)


def test_progress_names_each_step(pitfalls_dsn: str) -> None:
    seen: list[str] = []
    postgres.read(pitfalls_dsn, on_progress=seen.append)
    assert seen[0].startswith("connecting to postgresql://")
    assert "reading tables" in seen and "reading functions" in seen
