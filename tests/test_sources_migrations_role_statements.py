"""Replay of CREATE / ALTER / DROP ROLE, against the server: the roles replay lists
are those the live source lists, with the same attributes."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from conftest import DatabaseFactory
from schema_catalog.sources import migrations, postgres


@pytest.fixture
def role_names(pg_admin_dsn: str) -> Iterator[tuple[str, str]]:
    """Two role names no other test uses (roles are cluster-wide), dropped afterwards."""
    names = tuple(f"role_{uuid.uuid4().hex[:8]}" for _ in range(2))
    yield names[0], names[1]
    with psycopg.connect(pg_admin_dsn, autocommit=True) as conn:
        for name in names:
            conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(name)))


def test_created_roles_are_listed_as_the_server_lists_them(
    role_names: tuple[str, str], make_database: DatabaseFactory, tmp_path: Path
) -> None:
    editor, auditor = role_names
    migration = tmp_path / "20260101000000_roles.sql"
    migration.write_text(
        f"create role {editor} nologin;\n"
        f"alter role {editor} bypassrls;\n"
        f"create user {auditor};\n"
        "create table public.notes (id int primary key, body text);\n"
        "alter table public.notes enable row level security;\n"
        f"create policy editors on public.notes to {editor} using (true);\n"
        f"grant select on public.notes to {auditor};\n",
        encoding="utf-8",
    )
    replayed = migrations.read([migration], target="supabase", api_grants=False)
    dsn = make_database(migration.read_text(encoding="utf-8"))
    try:
        live = postgres.read(dsn, ("public",))
        assert replayed.findings == ()
        assert replayed.roles == live.roles
        roles = {r.name: r for r in replayed.roles}
        assert roles[editor].bypass_rls and not roles[editor].login
        assert roles[auditor].login and roles["service_role"].bypass_rls
    finally:
        with psycopg.connect(dsn, autocommit=True) as conn:
            for name in role_names:
                conn.execute(sql.SQL("DROP OWNED BY {}").format(sql.Identifier(name)))


def test_a_dropped_role_is_not_listed(tmp_path: Path) -> None:
    migration = tmp_path / "0001_roles.sql"
    migration.write_text(
        "create role gone;\ncreate role kept superuser;\ndrop role if exists gone;\n"
        "create table t (id int);\ngrant select on t to gone, kept;\n",
        encoding="utf-8",
    )
    replayed = migrations.read([migration])
    assert [(r.name, r.superuser) for r in replayed.roles] == [("kept", True)]
