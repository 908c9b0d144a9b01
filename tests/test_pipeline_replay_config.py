"""pipeline: what catalog.yml says about the target reaches migration replay (no database).

`target`, `server_version` and `supabase.api_grants` decide how replay spells and
grants what migrations create; with a live database the server's own version wins
(`pipeline._server_version`, checked on a real server by the migration oracle).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from schema_catalog import config as config_module
from schema_catalog import pipeline
from schema_catalog.config import Config
from schema_catalog.model import Catalog, SourceInfo

# uuid-ossp is not created here: on Supabase the platform installed it in `extensions`.
MIGRATION = """
create table public.notes (
  id uuid primary key default uuid_generate_v4(),
  written_at timestamp default (now() at time zone 'utc')
);
"""


def _replayed(tmp_path: Path, settings: dict[str, Any]) -> dict[str, Any]:
    project = tmp_path / "_".join(f"{k}-{v}" for k, v in settings.items() if k != "supabase")
    (project / "catalog").mkdir(parents=True)
    (project / "migrations").mkdir()
    (project / "migrations" / "0001_notes.sql").write_text(MIGRATION, encoding="utf-8")
    (project / "catalog" / "catalog.yml").write_text(
        yaml.safe_dump({"sources": {"migrations": ["../migrations"]}, **settings}), encoding="utf-8"
    )
    config = config_module.load(project / "catalog" / "catalog.yml")
    catalog = pipeline.extract(config, pipeline.ExtractOptions(no_database=True))
    notes = catalog.table("public.notes")
    assert notes is not None
    id_, written_at = notes.columns
    return {
        "id default": id_.default,
        "written_at default": written_at.default,
        "grantees": sorted({g.grantee for g in notes.grants}),
    }


def test_the_server_version_in_config_decides_the_spelling(tmp_path: Path) -> None:
    fourteen = _replayed(tmp_path, {"server_version": 14})
    seventeen = _replayed(tmp_path, {"server_version": 17})
    default = _replayed(tmp_path, {})
    # PostgreSQL 14 prints AT TIME ZONE as a call of timezone(); 15 and later as written.
    assert fourteen["written_at default"] == "timezone('utc'::text, now())"
    assert seventeen["written_at default"] == "(now() AT TIME ZONE 'utc'::text)"
    assert default == seventeen  # without a server or a setting: 17, as Supabase runs


def test_target_supabase_puts_extensions_on_the_search_path(tmp_path: Path) -> None:
    postgres = _replayed(tmp_path, {"target": "postgres"})
    supabase = _replayed(tmp_path, {"target": "supabase"})
    assert supabase["id default"] == "extensions.uuid_generate_v4()"
    assert postgres["id default"] == "uuid_generate_v4()"  # a plain server: as written


def test_api_grants_follow_the_supabase_setting(tmp_path: Path) -> None:
    legacy = _replayed(tmp_path, {"target": "supabase", "supabase": {"api_grants": "legacy"}})
    explicit = _replayed(
        tmp_path / "explicit", {"target": "supabase", "supabase": {"api_grants": "explicit"}}
    )
    # Before 2026-10-30 Supabase granted every new public table to its API roles.
    assert {"anon", "authenticated", "service_role"} <= set(legacy["grantees"])
    assert not {"anon", "authenticated"} & set(explicit["grantees"])


def test_a_live_servers_version_wins_over_config() -> None:
    live = Catalog(
        sources=(
            SourceInfo(
                kind="database",
                role="live",
                location="postgresql://postgres@127.0.0.1:5432/app",
                details={"server_version_num": "150013"},
            ),
        )
    )
    assert pipeline._server_version(live, Config(server_version=17)) == 15
    assert pipeline._server_version(None, Config(server_version=14)) == 14
    assert pipeline._server_version(None, Config()) == 17


DRIZZLE_SCHEMA = """
import { sql } from 'drizzle-orm';
import { pgPolicy, pgRole, pgTable, text } from 'drizzle-orm/pg-core';
import { serviceRole } from 'drizzle-orm/supabase';

export const editor = pgRole('editor');

export const drafts = pgTable('drafts', { body: text('body') }, () => [
  pgPolicy('service manages drafts', { to: serviceRole, using: sql`true` }),
]).enableRLS();
"""


def _declared(tmp_path: Path, settings: dict[str, Any]) -> Catalog:
    project = tmp_path / str(settings.get("target", "default"))
    (project / "catalog").mkdir(parents=True)
    (project / "schema.ts").write_text(DRIZZLE_SCHEMA, encoding="utf-8")
    (project / "migrations").mkdir()
    (project / "migrations" / "0001_notes.sql").write_text(MIGRATION, encoding="utf-8")
    sources = {"drizzle": ["../schema.ts"], "migrations": ["../migrations"]}
    (project / "catalog" / "catalog.yml").write_text(
        yaml.safe_dump({"sources": sources, **settings}), encoding="utf-8"
    )
    config = config_module.load(project / "catalog" / "catalog.yml")
    return pipeline.extract(config, pipeline.ExtractOptions(no_database=True))


def test_target_supabase_lists_the_platform_roles_without_a_database(tmp_path: Path) -> None:
    """Migrations and Drizzle both know Supabase's roles, so a role the schema declares
    does not hide that service_role bypasses RLS (POL003 decides from the role list)."""
    from schema_catalog import analysis

    supabase = _declared(tmp_path, {"target": "supabase"})
    roles = {r.name: r for r in supabase.roles}
    assert sorted(roles) == ["anon", "authenticated", "authenticator", "editor", "service_role"]
    assert roles["service_role"].bypass_rls and roles["authenticator"].login
    assert not roles["anon"].bypass_rls
    config = config_module.load(tmp_path / "supabase" / "catalog" / "catalog.yml")
    codes = {(f.code, f.target) for f in analysis.analyze(supabase, config).findings}
    assert ("POL003", "public.drafts") in codes
    postgres = _declared(tmp_path, {"target": "postgres"})
    assert [r.name for r in postgres.roles] == ["editor"]  # only what the schema declares
