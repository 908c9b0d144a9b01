"""Default privileges: read from the live database (``pg_default_acl``), applied by a
replay onto it, and written by a replay as the server keeps them. The server is the
oracle: the same migration is applied to it and read back."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from conftest import DatabaseFactory
from schema_catalog.model import Catalog
from schema_catalog.sources import migrations, postgres

PLATFORM_SQL = (Path(__file__).parent / "fixtures" / "supabase_platform.sql").read_text()
LEGACY = """
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON TABLES TO anon, authenticated, service_role;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON FUNCTIONS TO anon, authenticated, service_role;
"""
MIGRATION = """
create table public.notes (id bigint generated always as identity primary key, body text);
alter table public.notes enable row level security;
create view public.note_bodies as select body from public.notes;
create function public.note_count() returns bigint language sql stable
  as 'select count(*) from public.notes';
"""
# What the live database's owner set before the pending migration (as `postgres`).
LIVE_DEFAULTS = {
    "grant select to anon": (
        "ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO anon;"
    ),
    "legacy, anon's revoked": LEGACY
    + "ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON TABLES FROM anon;\n"
    + "ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE EXECUTE ON FUNCTIONS FROM anon;",
    "functions private everywhere": (
        "ALTER DEFAULT PRIVILEGES REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;\n"
        "ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO authenticated;"
    ),
    "none": "",
}


def _grants(catalog: Catalog) -> dict[str, object]:
    tables = {t.name: sorted((g.grantee, g.privilege) for g in t.grants) for t in catalog.tables}
    functions = {f.name: f.executable_by for f in catalog.functions}
    return {**tables, **functions}


def _version(live: Catalog) -> int:
    """The server's major version: replay spells (and expands ALL) for it."""
    return int(live.sources[0].details["server_version_num"]) // 10000


@pytest.fixture(scope="module")
def migrating_role(pg_admin_dsn: str) -> str:
    with psycopg.connect(pg_admin_dsn) as conn:
        row = conn.execute("select current_user").fetchone()
    assert row is not None
    if row[0] != "postgres":
        pytest.skip("replay models migrations run as postgres; this server's superuser is not")
    return str(row[0])


@pytest.mark.parametrize("defaults", sorted(LIVE_DEFAULTS))
@pytest.mark.parametrize("api_grants", [True, False])
def test_a_pending_migration_gets_the_live_default_privileges(
    defaults: str,
    api_grants: bool,
    migrating_role: str,
    make_database: DatabaseFactory,
    tmp_path: Path,
) -> None:
    """Whatever catalog.yml's ``api_grants`` says: the live database decides."""
    before = PLATFORM_SQL + LIVE_DEFAULTS[defaults]
    pending = tmp_path / "20261201000000_notes.sql"
    pending.write_text(MIGRATION, encoding="utf-8")
    base = postgres.read(make_database(before), ("public",))
    replayed = migrations.read(
        [pending],
        base=base,
        target="supabase",
        api_grants=api_grants,
        server_version=_version(base),
    )
    applied = postgres.read(make_database(before + MIGRATION), ("public",))
    assert replayed.findings == ()
    assert _grants(replayed) == _grants(applied)
    assert replayed.default_privileges == applied.default_privileges


@pytest.mark.parametrize("defaults", sorted(LIVE_DEFAULTS))
def test_replayed_default_privileges_read_as_the_server_keeps_them(
    defaults: str, migrating_role: str, make_database: DatabaseFactory, tmp_path: Path
) -> None:
    """The statements replayed from files (no live database), against pg_default_acl."""
    files = tmp_path / "20260101000000_defaults.sql"
    files.write_text(LIVE_DEFAULTS[defaults] + MIGRATION, encoding="utf-8")
    live = postgres.read(make_database(PLATFORM_SQL + files.read_text()), ("public",))
    replayed = migrations.read(
        [files], target="supabase", api_grants=False, server_version=_version(live)
    )
    assert replayed.findings == ()
    assert replayed.default_privileges == live.default_privileges
    assert _grants(replayed) == _grants(live)


def test_the_legacy_platform_reads_as_a_legacy_project(
    migrating_role: str, make_database: DatabaseFactory, tmp_path: Path
) -> None:
    files = tmp_path / "20260101000000_notes.sql"
    files.write_text(MIGRATION, encoding="utf-8")
    live = postgres.read(make_database(PLATFORM_SQL + LEGACY + MIGRATION), ("public",))
    replayed = migrations.read(
        [files], target="supabase", api_grants=True, server_version=_version(live)
    )
    assert replayed.default_privileges == live.default_privileges
    assert {p.grantee for p in live.default_privileges} == {"anon", "authenticated", "service_role"}
