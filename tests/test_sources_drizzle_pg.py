"""PostgreSQL as the oracle for the Drizzle reader's PostgreSQL spelling.

drizzle-kit's DDL for each own fixture (schema.sql, committed next to its
snapshot) is applied to a real PostgreSQL; the server's own view (format_type,
pg_get_expr, constraint and index names, policies, RLS, enums) must equal what
`read` says about the TypeScript. This checks the type/default/name conversion
that the drizzle-kit comparison cannot: both sides of that one share it.
Expressions PostgreSQL re-deparses (CHECK, USING, index predicates) are left to
drift analysis and not compared here.
"""

from __future__ import annotations

import re
from pathlib import Path

import psycopg
import pytest

from schema_catalog import model
from schema_catalog.pg.quoting import qualified
from schema_catalog.sources.drizzle import read

OWN = Path(__file__).parent / "fixtures" / "drizzle"
CASES = {
    "saas": ((OWN / "saas/input/drizzle.config.ts",), None, "schema.sql"),
    "supabase": ((OWN / "supabase/input/schema/index.ts",), None, "schema.sql"),
    "legacy": ((OWN / "legacy/input/schema.ts",), None, "schema.sql"),
    "legacy.snake_case": ((OWN / "legacy/input/schema.ts",), "snake_case", "schema.snake_case.sql"),
    "enums": ((OWN / "enums/input/db/schema.ts",), None, "schema.sql"),
    "enums.snake_case": (
        (OWN / "enums/input/db/schema.ts",),
        "snake_case",
        "schema.snake_case.sql",
    ),
    "kit1": ((OWN / "kit1/input/schema.ts",), None, "schema.sql"),  # drizzle-kit 1.0's names
    # kit 1.0 with snakeCase.table, names over 63 bytes (its unnamed inline keys are
    # named by the server), partial indexes
    "kit1_styles": ((OWN / "kit1_styles/input/drizzle.config.ts",), None, "schema.sql"),
    # callback columns, customType bodies, drizzle-orm operators in `.where()`, names
    # over 63 bytes with drizzle-kit 0.31's naming (see REFUSED and `kit_statements`)
    "styles": ((OWN / "styles/input/schema.ts",), None, "schema.sql"),
}
KIT_MAJOR = {"kit1": 1, "kit1_styles": 1}
# The embedded server ships no contrib extensions: a domain stands in for citext's type
# (format_type spells both `citext`), for the customType column that uses it.
PREPARE = {"styles": ("create domain citext as text",)}
# A customType's dataType is written unqualified (`"citext"`): the server finds it on its
# search_path, which a static reader cannot know, so the reader leaves its schema unset.
# Server type → the reader's spelling.
UNQUALIFIED = {"styles": {"public.citext": "citext"}}
REFUSED: dict[str, dict[str, str]] = {
    # drizzle-kit 0.31 names a table's unique constraint and index after the table:
    # PostgreSQL cuts all three of this 68-byte table's names to the same 63 bytes, so
    # its CREATE TABLE fails ("relation ... already exists", 42P07), and so do the
    # statements on that table after it (42P01). The migration drizzle-kit writes cannot
    # be applied; the reader says so (DRZ012) and keeps the table as declared. Table →
    # SQLSTATE of each statement PostgreSQL refuses, in order.
    "styles": {
        "public.organization_membership_invitations_pending_review_by_administr": "42P07 42P01 42P01",
    },
}
# drizzle-kit 0.31 writes each value of an index's `.where(eq(...))` as a bind parameter
# (`"status" = $1`), which DDL cannot take ("there is no parameter $1", 42P02). NULL in its
# place creates the same index (name, columns, method); predicates are not compared here.
_BIND_PARAMETER = re.compile(r"\$[0-9]+")
_SCHEMAS = "n.nspname not in ('pg_catalog', 'information_schema', 'auth', 'pg_toast')"

COLUMNS = f"""
select n.nspname || '.' || c.relname || '.' || a.attname,
       format_type(a.atttypid, a.atttypmod), a.attnotnull,
       case when a.attgenerated = '' then pg_get_expr(d.adbin, d.adrelid) end, a.attidentity
from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
where c.relkind = 'r' and a.attnum > 0 and not a.attisdropped and {_SCHEMAS}
"""
NAMES = f"""
select n.nspname || '.' || c.relname, x.conname, x.contype::text from pg_constraint x
join pg_class c on c.oid = x.conrelid join pg_namespace n on n.oid = c.relnamespace where {_SCHEMAS}
  and x.contype <> 'n'  -- PostgreSQL 18 records NOT NULL as constraints, named by the server
union all
select n.nspname || '.' || t.relname, i.relname, 'i' from pg_index x join pg_class i on i.oid = x.indexrelid
join pg_class t on t.oid = x.indrelid join pg_namespace n on n.oid = t.relnamespace where {_SCHEMAS}
"""
POLICIES = """
select p.schemaname || '.' || p.tablename, p.policyname, p.cmd, p.permissive = 'PERMISSIVE',
       array(select unnest(p.roles)::text order by 1)
from pg_policies p where p.schemaname <> 'auth'
"""
TABLES = f"""
select n.nspname || '.' || c.relname, c.relrowsecurity from pg_class c
join pg_namespace n on n.oid = c.relnamespace where c.relkind = 'r' and {_SCHEMAS}
"""
ENUMS = f"""
select n.nspname || '.' || t.typname, array_agg(e.enumlabel::text order by e.enumsortorder)
from pg_enum e join pg_type t on t.oid = e.enumtypid join pg_namespace n on n.oid = t.typnamespace
where {_SCHEMAS} group by 1
"""


def kit_statements(dsn: str, sql: str, prepare: tuple[str, ...]) -> dict[str, str]:
    """Apply drizzle-kit's DDL one statement at a time, as its migrator would; return the
    tables of the statements PostgreSQL refused, each with the SQLSTATEs in order."""
    refused: dict[str, list[str]] = {}
    with psycopg.connect(dsn, autocommit=True) as conn:
        for statement in prepare:
            conn.execute(statement.encode())
        for statement in sql.split("--> statement-breakpoint"):
            if not statement.strip():
                continue
            try:
                conn.execute(_BIND_PARAMETER.sub("NULL", statement).encode())
            except psycopg.Error as error:
                table = re.search(r'(?:TABLE|ON) "([^"]+)"', statement)
                assert table is not None, statement
                key = f"public.{table[1][:63]}"
                refused.setdefault(key, []).append(str(error.sqlstate))
    return {table: " ".join(states) for table, states in refused.items()}


def _applied(catalog: model.Catalog, refused: dict[str, str]) -> tuple[model.Table, ...]:
    return tuple(t for t in catalog.tables if t.qualified_name not in refused)


def server_view(dsn: str, unqualified: dict[str, str]) -> dict[str, object]:
    with psycopg.connect(dsn) as conn:
        conn.execute("select set_config('search_path', 'pg_catalog', true)")
        columns = {
            r[0]: (unqualified.get(r[1], r[1]), not r[2], r[3], r[4] or None)
            for r in conn.execute(COLUMNS)
        }
        names = sorted((r[0], r[1]) for r in conn.execute(NAMES))
        policies = {(r[0], r[1]): (r[2], r[3], tuple(r[4])) for r in conn.execute(POLICIES)}
        tables = {r[0]: r[1] for r in conn.execute(TABLES)}
        enums = {r[0]: tuple(r[1]) for r in conn.execute(ENUMS)}
    return {"columns": columns, "names": names, "policies": policies, "rls": tables, "enums": enums}


def reader_view(catalog: model.Catalog) -> dict[str, object]:
    tables = [t for t in catalog.tables if t.kind == "table"]
    identity = {"always": "a", "by_default": "d", None: None}
    columns = {
        f"{t.qualified_name}.{c.name}": (
            qualified(c.type_schema, c.type).replace('"', "") if c.type_schema else c.type,
            c.nullable,
            c.default,
            identity[c.identity],
        )
        for t in tables
        for c in t.columns
    }
    names = sorted(
        (t.qualified_name, n)
        for t in tables
        for n in [
            *([t.primary_key.name] if t.primary_key else []),
            *(f.name for f in t.foreign_keys),
            *(u.name for u in t.unique_constraints),
            *(c.name for c in t.check_constraints),
            *(i.name for i in t.indexes),
        ]
    )
    policies = {
        (t.qualified_name, p.name): (p.command, p.permissive, p.roles)
        for t in tables
        for p in t.policies
    }
    return {
        "columns": columns,
        "names": names,
        "policies": policies,
        "rls": {t.qualified_name: t.rls_enabled for t in tables},
        "enums": {f"{e.schema_}.{e.name}": e.values for e in catalog.enums},
    }


@pytest.mark.parametrize("name", sorted(CASES))
def test_reader_agrees_with_postgresql(name: str, make_database: object) -> None:
    inputs, casing, sql_file = CASES[name]
    fixture = OWN / name.split(".")[0]
    dsn = make_database("")  # type: ignore[operator]
    refused = kit_statements(dsn, (fixture / sql_file).read_text(), PREPARE.get(name, ()))
    assert refused == REFUSED.get(name, {}), "statements PostgreSQL refuses"
    server = server_view(dsn, UNQUALIFIED.get(name, {}))
    catalog = read(list(inputs), casing=casing, kit_major=KIT_MAJOR.get(name))  # type: ignore[arg-type]
    ours = reader_view(catalog.model_copy(update={"tables": _applied(catalog, refused)}))
    for aspect, expected in server.items():
        if aspect == "columns":
            assert isinstance(expected, dict)
            got = ours["columns"]
            assert isinstance(got, dict)
            misses = {k: (got.get(k), v) for k, v in expected.items() if got.get(k) != v}
            assert not misses, f"{aspect}: ours vs PostgreSQL: {misses}"
            assert got.keys() == expected.keys()
        else:
            assert ours[aspect] == expected, aspect
