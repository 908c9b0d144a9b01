"""`schema-catalog init`: what it finds in a repository, and the catalog.yml it writes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from schema_catalog import config as config_module
from schema_catalog import init
from schema_catalog.cli import main
from schema_catalog.errors import ConfigError

PROJECT = Path(__file__).parent / "fixtures" / "team_project"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    shutil.copytree(PROJECT, tmp_path / "repo")
    return tmp_path / "repo"


def test_finds_drizzle_supabase_and_the_name(repo: Path) -> None:
    found = init.look(repo)
    assert found.name == "field-notes"  # package.json's name without its npm scope
    assert found.drizzle_config == "drizzle.config.ts"
    assert found.drizzle == {
        "dialect": "postgresql",
        "schema": "./src/db/schema",
        "out": "./drizzle",
        "casing": "snake_case",
    }
    assert (found.drizzle_out, found.drizzle_meta) == ("drizzle", True)
    assert found.supabase_migrations == "supabase/migrations"
    assert found.project_id == "field-notes"
    assert found.api_schemas == ("public",)  # graphql_public is Supabase's own
    # projects, notes (Drizzle) and projects, audit_events, invoices (SQL): five keys
    # four tables (a table declared in Drizzle and in a migration counts once)
    assert found.tenant == ("organization_id", "organizations", 4)


def test_the_written_file_is_a_valid_config_naming_what_was_found(repo: Path) -> None:
    target, _, report = init.run(repo)
    config = config_module.load(target)
    assert config.sources.drizzle == ("../drizzle.config.ts",)
    assert config.sources.migrations == ("../supabase/migrations",)
    assert config.sources.database is None  # never a URL in the file
    assert config.tenancy.root == "organizations" and config.tenancy.key == ("organization_id",)
    assert config.target == "supabase" and config.schemas == ("public",)
    assert config.site.title == "field-notes"
    assert config.catalog_file == repo / "catalog" / "catalog.json"
    text = target.read_text(encoding="utf-8")
    assert "A GUESS by `schema-catalog init`" in text
    for option in ("domains:", "tables:", "lint:", "repo_url:", "palette:", "docs_dir:"):
        assert f"# {option}" in text or f"#   {option}" in text or f"  # {option}" in text
    assert report.endswith("Next:\n  schema-catalog extract\n  schema-catalog build\n")
    assert "DATABASE_URL" in report and "--dsn" in report


def test_never_replaces_a_file_without_force(repo: Path) -> None:
    target, _, _ = init.run(repo)
    target.write_text("# ours\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"already exists.*--force"):
        init.run(repo)
    assert target.read_text(encoding="utf-8") == "# ours\n"
    init.run(repo, force=True)
    assert "field-notes" in target.read_text(encoding="utf-8")


def test_cli_refuses_an_existing_file_in_one_line(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["init", "--dir", str(repo)]) == 0
    assert main(["init", "--dir", str(repo)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--force" in err


def test_an_empty_repository_gets_a_config_of_comments(tmp_path: Path) -> None:
    target, found, report = init.run(tmp_path)
    assert found.tenant is None and found.name == tmp_path.name
    config = config_module.load(target)
    assert config.sources == config_module.Sources()
    assert "# tenancy:" in target.read_text(encoding="utf-8")
    assert "no schema sources" in report


def test_a_json_drizzle_config_and_another_tenant_key(tmp_path: Path) -> None:
    (tmp_path / "db").mkdir()
    (tmp_path / "db" / "schema.ts").write_text(
        'import { pgTable, uuid } from "drizzle-orm/pg-core";\n'
        'export const workspaces = pgTable("workspaces", { id: uuid().primaryKey() });\n'
        'export const boards = pgTable("boards", {\n'
        "  id: uuid().primaryKey(),\n"
        "  workspaceId: uuid().notNull().references(() => workspaces.id),\n"
        "}, () => []);\n",
        encoding="utf-8",
    )
    (tmp_path / "drizzle.config.json").write_text(
        json.dumps({"schema": "./db/schema.ts", "casing": "snake_case", "schemaFilter": ["app"]}),
        encoding="utf-8",
    )
    found = init.look(tmp_path)
    assert found.tenant == ("workspace_id", "workspaces", 1)
    text = init.render_config(found)
    assert 'schemas: ["app"]' in text and 'key: "workspace_id"' in text


def test_declarative_schemas_in_subfolders_vote_for_the_tenant_key(tmp_path: Path) -> None:
    """The files are read in the Supabase CLI's order, subfolders included."""
    schemas = tmp_path / "supabase" / "schemas"
    (schemas / "core").mkdir(parents=True)
    (schemas / "core.sql").write_text(
        "create table public.workspaces (id uuid primary key);\n", encoding="utf-8"
    )
    (schemas / "core" / "boards.sql").write_text(
        "create table public.boards (id uuid primary key,"
        " workspace_id uuid not null references public.workspaces (id));\n",
        encoding="utf-8",
    )
    found = init.look(tmp_path)
    assert found.tenant == ("workspace_id", "workspaces", 1) and not found.notes


def test_supabase_declarative_schemas_become_a_source(repo: Path) -> None:
    (repo / "supabase" / "schemas").mkdir()
    (repo / "supabase" / "schemas" / "teams.sql").write_text(
        "create table public.teams (id uuid primary key,"
        " org_id uuid not null references public.organizations (id));\n",
        encoding="utf-8",
    )
    target, found, report = init.run(repo)
    assert found.supabase_schemas == "supabase/schemas" and "supabase/schemas/" in report
    config = config_module.load(target)
    assert config.sources.model_extra == {"supabase_schemas": ["../supabase/schemas"]}


KIT1 = Path(__file__).parent / "fixtures" / "drizzle" / "kit1_styles"


def test_a_drizzle_kit_1_out_folder_is_named_as_migrations(tmp_path: Path) -> None:
    """kit 1.0 writes <out>/<timestamp>_<name>/migration.sql: the folder is the migrations."""
    shutil.copytree(KIT1 / "input", tmp_path, dirs_exist_ok=True)
    shutil.copytree(KIT1 / "kit-out", tmp_path / "drizzle")
    target, found, report = init.run(tmp_path)
    assert (found.drizzle_out, found.drizzle_meta, found.drizzle_kit1) == ("drizzle", False, True)
    assert "drizzle-kit output drizzle/ with kit 1.0 migration folders" in report
    config = config_module.load(target)
    assert config.sources.migrations == ("../drizzle",)
    assert not found.notes


def test_an_out_folder_without_migrations_is_not_named(tmp_path: Path) -> None:
    """An empty out folder (or supabase/migrations) named as migrations would stop extract."""
    shutil.copytree(KIT1 / "input", tmp_path, dirs_exist_ok=True)
    (tmp_path / "drizzle").mkdir()
    (tmp_path / "supabase" / "migrations").mkdir(parents=True)
    target, found, _ = init.run(tmp_path)
    assert found.drizzle_out == "drizzle" and found.migration_folders == ()
    assert config_module.load(target).sources.migrations == ()
    assert "#   migrations: [../supabase/migrations]" in target.read_text(encoding="utf-8")


def test_a_json_config_with_kit_1_out_reads_its_snapshot_and_migrations(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A JSON config is not evaluated: init names kit 1.0's out folder for its snapshot."""
    shutil.copy(KIT1 / "input" / "schema.ts", tmp_path / "schema.ts")
    shutil.copytree(KIT1 / "kit-out", tmp_path / "drizzle")
    config = {"dialect": "postgresql", "schema": "./schema.ts", "out": "./drizzle"}
    (tmp_path / "drizzle.config.json").write_text(json.dumps(config), encoding="utf-8")
    target, found, _ = init.run(tmp_path)
    assert init.drizzle_paths(found) == ["schema.ts", "drizzle"]
    loaded = config_module.load(target)
    assert loaded.sources.drizzle == ("../schema.ts", "../drizzle")
    assert loaded.sources.migrations == ("../drizzle",)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert main(["extract", "-q", "--no-database"]) == 0
    catalog = json.loads((tmp_path / "catalog" / "catalog.json").read_text(encoding="utf-8"))
    kinds = sorted(s["kind"] for s in catalog["sources"])
    assert kinds == ["drizzle", "drizzle_snapshot", "migrations"]
    assert len(catalog["tables"]) == 4


def _supabase_repo(root: Path, migrations: list[str], toml: str = "") -> Path:
    folder = root / "supabase" / "migrations"
    folder.mkdir(parents=True)
    for name in migrations:
        (folder / name).write_text("create table public.t (id int primary key);\n")
    (root / "supabase" / "config.toml").write_text(f'project_id = "p"\n{toml}')
    return root


@pytest.mark.parametrize(
    ("migrations", "mode", "why"),
    [
        (["20261101090000_later.sql", "20250102030405_init.sql"], "legacy", "20250102030405_init"),
        (["20261030000000_init.sql", "20261201000000_more.sql"], "explicit", "on or after"),
        ([], "explicit", "no migration yet"),
        (["init.sql"], "legacy", "no migration file is dated"),
    ],
)
def test_supabase_api_grants_follow_the_earliest_migration(
    tmp_path: Path, migrations: list[str], mode: str, why: str
) -> None:
    """Default privileges are set when the project is created: its first migration dates it."""
    target = init.run(_supabase_repo(tmp_path, migrations))[0]
    config = config_module.load(target)
    assert config.target == "supabase" and config.supabase.api_grants == mode
    text = target.read_text(encoding="utf-8")
    chosen = text.splitlines()[text.splitlines().index(f"supabase: {{api_grants: {mode}}}") - 2]
    assert chosen.startswith("# Chosen by `schema-catalog init`:") and why in chosen


def test_no_api_grants_setting_outside_supabase(tmp_path: Path) -> None:
    target, _, _ = init.run(tmp_path)
    assert "# supabase: {api_grants: legacy}" in target.read_text(encoding="utf-8")
    assert config_module.load(target).supabase.api_grants == "legacy"


def test_supabase_major_version_becomes_the_replay_spelling(tmp_path: Path) -> None:
    repo = _supabase_repo(tmp_path / "a", [], "\n[db]\nport = 54322\nmajor_version = 15\n")
    assert config_module.load(init.run(repo)[0]).server_version == 15
    plain = _supabase_repo(tmp_path / "b", [])
    target = init.run(plain)[0]
    assert config_module.load(target).server_version is None
    assert "# server_version: 17" in target.read_text(encoding="utf-8")
    odd = _supabase_repo(tmp_path / "c", [], "\n[db]\nmajor_version = 9\n")
    _, found, report = init.run(odd)
    assert found.major_version is None and "major_version 9 is not supported" in report
