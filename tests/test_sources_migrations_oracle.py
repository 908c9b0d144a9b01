"""Migration replay against PostgreSQL itself: the server is the oracle.

Each fixture under fixtures/migrations/ is applied to a fresh Supabase-like
database, the database is read back with the live PostgreSQL source, and the
replayed catalog must say the same thing: tables, columns (type, nullability,
default, identity, generated), constraint and index names and definitions,
RLS flags, policies, grants, comments, triggers (with ``pg_get_triggerdef``'s
text) and enums. Nothing here is a literal
copied from the replay's output.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest

from conftest import DatabaseFactory
from schema_catalog import analysis
from schema_catalog.config import Config
from schema_catalog.model import Catalog, Table
from schema_catalog.sources import migrations, postgres
from schema_catalog.sources.migrations.files import discover

FIXTURES = Path(__file__).parent / "fixtures" / "migrations"
PLATFORM_SQL = (Path(__file__).parent / "fixtures" / "supabase_platform.sql").read_text()
# Supabase's default privileges on public before the 2026-10-30 change.
LEGACY_API_GRANTS_SQL = """
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON TABLES TO anon, authenticated, service_role;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON FUNCTIONS TO anon, authenticated, service_role;
"""


@dataclass(frozen=True)
class Case:
    path: Path
    target: str = "postgres"
    api_grants: bool = False
    schemas: tuple[str, ...] | None = None
    requires: tuple[str, ...] = ()
    """Extensions the server must have; which of `scripts/dev test`'s servers ship which
    is written there (no one server has both pgvector and contrib)."""

    def platform_sql(self) -> str:
        if self.target != "supabase":
            return ""
        return PLATFORM_SQL + (LEGACY_API_GRANTS_SQL if self.api_grants else "")


SUPABASE_DIFF = FIXTURES / "supabase_diff"
SUPABASE_SCHEMAS = Path(__file__).parent / "fixtures" / "supabase_schemas"
DRIZZLE_FIXTURES = Path(__file__).parent / "fixtures" / "drizzle"
CASES = {
    "supabase": Case(FIXTURES / "supabase"),
    "drizzle": Case(FIXTURES / "drizzle"),
    "naming": Case(FIXTURES / "naming_edge_cases.sql"),
    "triggers": Case(FIXTURES / "triggers.sql"),
    "reporting": Case(FIXTURES / "reporting", "supabase"),
    "partitions": Case(FIXTURES / "partitions.sql", "supabase", schemas=("public",)),
    "supabase-diff": Case(SUPABASE_DIFF, "supabase", schemas=("public",)),
    "supabase-diff-legacy-grants": Case(SUPABASE_DIFF, "supabase", True, ("public",)),
    "supabase-diff-all-schemas": Case(SUPABASE_DIFF, "supabase", False, ("public", "extensions")),
    "extensions-vector": Case(FIXTURES / "extensions_vector.sql", "supabase", requires=("vector",)),
    # The project the adoption tests install into (tests/test_adopt_e2e.py).
    "team-project": Case(
        Path(__file__).parent / "fixtures" / "team_project" / "supabase" / "migrations", "supabase"
    ),
    # drizzle-kit 0.x's out folder of that project (NNNN_name.sql with meta/_journal.json).
    "team-project-drizzle": Case(
        Path(__file__).parent / "fixtures" / "team_project" / "drizzle", "supabase"
    ),
    # drizzle-kit 1.0's out folders: <timestamp>_<name>/migration.sql beside snapshot.json.
    "drizzle-kit1": Case(DRIZZLE_FIXTURES / "kit1" / "kit-out"),
    "drizzle-kit1-styles": Case(DRIZZLE_FIXTURES / "kit1_styles" / "kit-out"),
    "extensions-contrib": Case(
        FIXTURES / "extensions_contrib.sql",
        "supabase",
        # uuid-ossp is not required: without it the platform SQL creates the same
        # extensions.uuid_generate_v4(), which is all the fixture uses of it.
        requires=("citext", "pg_trgm", "pgcrypto"),
    ),
}
# What a replay cannot know and the live source reports: sizes, row estimates, presence.
_LIVE_ONLY = {"estimated_rows", "size_bytes", "presence", "location", "publications"}
_INDEX_LIVE_ONLY = {"valid", "comment"}


def table_facts(table: Table) -> dict[str, Any]:
    """The comparable part of a table, as plain data."""
    data = table.model_dump(exclude=_LIVE_ONLY | {"view_definition"})
    for index in data["indexes"]:
        for key in _INDEX_LIVE_ONLY:
            index.pop(key)
    return data


def function_facts(catalog: Catalog, without: Catalog | None = None) -> list[dict[str, Any]]:
    """Functions as comparable data: everything but the body, which replay does not keep.
    ``without``: a catalog whose functions are the platform's, not the migrations'."""
    platform = {(f.schema_, f.name) for f in without.functions} if without else set()
    return [
        f.model_dump(exclude={"definition"})
        for f in catalog.functions
        if (f.schema_, f.name) not in platform
    ]


def differences(left: Any, right: Any, path: str = "") -> list[str]:
    """Every leaf where two dumps differ, as ``path: replayed != live`` lines."""
    if isinstance(left, dict) and isinstance(right, dict):
        keys = sorted(set(left) | set(right))
        return [d for k in keys for d in differences(left.get(k), right.get(k), f"{path}.{k}")]
    if (
        isinstance(left, list | tuple)
        and isinstance(right, list | tuple)
        and len(left) == len(right)
    ):
        return [
            d
            for i, (a, b) in enumerate(zip(left, right, strict=True))
            for d in differences(a, b, f"{path}[{i}]")
        ]
    return [] if left == right else [f"{path}: {left!r} != {right!r}"]


def server_version(catalog: Catalog) -> int:
    """The live server's major version: replay spells expressions for it."""
    return int(catalog.sources[0].details["server_version_num"]) // 10000


def replay_and_apply(case: Case, make_database: DatabaseFactory) -> tuple[Catalog, Catalog]:
    if case.requires:
        with psycopg.connect(make_database(supabase=False)) as conn:
            rows = conn.execute("select name from pg_available_extensions").fetchall()
            version = conn.execute("show server_version").fetchone()
        missing = sorted(set(case.requires) - {name for (name,) in rows})
        if missing:
            pytest.skip(
                f"PostgreSQL {version[0] if version else '?'} here has no "
                f"{', '.join(missing)} (not in pg_available_extensions); scripts/dev test "
                "runs this fixture on its servers that have them"
            )
    sql = case.platform_sql() + "\n".join(f.text for f in discover([case.path]))
    dsn = make_database(sql)
    version = server_version(postgres.read(dsn, ("public",)))
    replayed = migrations.read(
        [case.path],
        schemas=case.schemas,
        server_version=version,
        target=case.target,  # type: ignore[arg-type]
        api_grants=case.api_grants,
    )
    live = postgres.read(dsn, case.schemas or replayed.schemas)
    return replayed, live


def platform_catalog(
    case: Case, schemas: tuple[str, ...], make_database: DatabaseFactory
) -> Catalog:
    """What the case's database holds before any migration, read in those of ``schemas``
    it has (a schema the migrations create, like kit1's `billing`, is not there yet)."""
    dsn = make_database(case.platform_sql())
    with psycopg.connect(dsn) as conn:
        existing = {name for (name,) in conn.execute("select nspname from pg_namespace")}
    return postgres.read(dsn, tuple(s for s in schemas if s in existing) or ("public",))


@pytest.mark.parametrize("case", sorted(CASES))
def test_replay_agrees_with_the_server(case: str, make_database: DatabaseFactory) -> None:
    replayed, live = replay_and_apply(CASES[case], make_database)
    assert replayed.findings == ()
    live_tables = {t.qualified_name: t for t in live.tables}
    replayed_tables = {t.qualified_name: t for t in replayed.tables}
    assert sorted(replayed_tables) == sorted(live_tables)
    for name, table in replayed_tables.items():
        assert table.kind == live_tables[name].kind, name
        assert differences(table_facts(table), table_facts(live_tables[name])) == [], name
    assert replayed.enums == tuple(e.model_copy(update={"comment": e.comment}) for e in live.enums)
    platform = platform_catalog(CASES[case], live.schemas, make_database)
    assert function_facts(replayed) == function_facts(live, without=platform)
    if CASES[case].target == "supabase":  # the platform's roles, as pg_roles shows them
        assert replayed.roles == live.roles


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_same_lints_fire_on_replay_and_live(case: str, make_database: DatabaseFactory) -> None:
    """Every rule decided from SQL gives the same answer on the migrations-only catalog."""
    replayed, live = replay_and_apply(CASES[case], make_database)
    platform = platform_catalog(CASES[case], live.schemas, make_database)
    live = live.model_copy(
        update={
            "functions": tuple(f for f in live.functions if f not in platform.functions),
            "usage": None,  # usage statistics (unused_index): live-only, not decided from SQL
        }
    )
    config = Config()
    found = [
        sorted((f.code, f.target) for f in analysis.analyze(c, config).findings)
        for c in (replayed, live)
    ]
    assert found[0] == found[1]
    assert found[0], "a fixture that fires no rule checks nothing"


def test_pending_files_replay_on_top_of_the_live_catalog(make_database: DatabaseFactory) -> None:
    """The first two Supabase files are applied; the last two replay onto the live catalog."""
    files = discover([CASES["supabase"].path])
    applied_sql = "\n".join(f.text for f in files[:2])
    base = postgres.read(make_database(applied_sql), ("public",))
    versions = frozenset(f.version for f in files[:2])
    replayed = migrations.read(
        [CASES["supabase"].path], base=base, applied=versions, server_version=server_version(base)
    )
    assert replayed.sources[0].details == {"files": "4", "pending": "2"}
    assert replayed.findings == ()
    everything = postgres.read(make_database("\n".join(f.text for f in files)), ("public",))
    live_tables = {t.qualified_name: t for t in everything.tables}
    replayed_tables = {t.qualified_name: t for t in replayed.tables}
    # organization_members is untouched by the pending files, so it is not in the result
    assert sorted(replayed_tables) == [
        "public.audit_events",
        "public.organizations",
        "public.projects",
        "public.todo_items",
    ]
    for name, table in replayed_tables.items():
        assert table.presence == ("migrations",), name
        assert differences(table_facts(table), table_facts(live_tables[name])) == [], name
    assert replayed.enums == everything.enums


def test_a_pending_partition_joins_the_live_ones(
    make_database: DatabaseFactory, tmp_path: Path
) -> None:
    """A partition created by a pending file folds under a live parent, next to the
    live partitions, with its own grants."""
    applied = (
        "create table public.log (at date not null, body text) partition by range (at);\n"
        "create table public.log_1 partition of public.log"
        " for values from ('2026-01-01') to ('2026-02-01');\n"
        "grant select on public.log_1 to anon;\n"
    )
    pending = tmp_path / "20260201000000_next_month.sql"
    pending.write_text(
        "create table public.log_2 partition of public.log"
        " for values from ('2026-02-01') to ('2026-03-01');\n"
        "grant select (at) on public.log_2 to authenticated;\n"
    )
    base = postgres.read(make_database(applied), ("public",))
    replayed = migrations.read([pending], base=base)
    live = postgres.read(make_database(applied + pending.read_text()), ("public",))
    assert replayed.findings == ()
    [table] = replayed.tables
    assert table.partitions == ("public.log_1", "public.log_2")
    assert table.leaf_partitions == live.tables[0].leaf_partitions


@pytest.mark.parametrize("project", ["globbed", "lexical", "nested", "ordered"])
def test_declarative_schemas_read_as_the_server_applies_them(
    project: str, make_database: DatabaseFactory
) -> None:
    """`supabase/schemas` files, applied in the Supabase CLI's order (`schema_files`), to
    a Supabase-like server with the legacy API grants, as the source's default reads them.
    `nested` and `globbed` fail on the server in any other order (see their README)."""
    from schema_catalog.sources import supabase_schemas

    files = supabase_schemas.schema_files(SUPABASE_SCHEMAS / project)
    case = Case(SUPABASE_SCHEMAS / project, "supabase", api_grants=True)
    dsn = make_database(case.platform_sql() + "\n".join(f.read_text() for f in files))
    version = server_version(postgres.read(dsn, ("public",)))
    replayed = migrations.read(files, server_version=version, target="supabase", api_grants=True)
    live = postgres.read(dsn, replayed.schemas)
    assert replayed.findings == ()
    live_tables = {t.qualified_name: t for t in live.tables}
    replayed_tables = {t.qualified_name: t for t in replayed.tables}
    assert replayed_tables and sorted(replayed_tables) == sorted(live_tables)
    for name, table in replayed_tables.items():
        assert table.kind == live_tables[name].kind, name
        assert differences(table_facts(table), table_facts(live_tables[name])) == [], name
    assert replayed.enums == live.enums
    platform = postgres.read(make_database(case.platform_sql()), live.schemas)
    assert function_facts(replayed) == function_facts(live, without=platform)
    live = live.model_copy(
        update={
            "functions": tuple(f for f in live.functions if f not in platform.functions),
            "usage": None,  # usage statistics (unused_index): live-only, not decided from SQL
        }
    )
    found = [
        sorted((f.code, f.target) for f in analysis.analyze(c, Config()).findings)
        for c in (replayed, live)
    ]
    assert found[0] == found[1]
    if project in ("globbed", "nested"):  # what the old flat fixtures did not declare
        assert replayed.enums and replayed.functions
        assert any(t.kind == "view" for t in replayed.tables)


@pytest.mark.parametrize("project", ["globbed", "nested"])
def test_the_declarative_fixtures_fail_on_the_server_in_another_order(
    project: str, make_database: DatabaseFactory
) -> None:
    """Every file the CLI applies, in plain lexical order of the path parts: the server
    refuses, so the test above checks the order and not only the statements."""
    from schema_catalog.sources import supabase_schemas

    files = supabase_schemas.schema_files(SUPABASE_SCHEMAS / project)
    assert files != sorted(files)
    sql = Case(SUPABASE_SCHEMAS / project, "supabase").platform_sql()
    with pytest.raises(psycopg.Error, match="does not exist"):
        make_database(sql + "\n".join(f.read_text() for f in sorted(files)))
