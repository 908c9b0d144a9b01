"""Supabase declarative schemas: read in the Supabase CLI's order, declared (not proposed)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from schema_catalog import pipeline
from schema_catalog.cli import main
from schema_catalog.config import Config
from schema_catalog.sources.registry import ReadContext
from schema_catalog.sources.supabase_schemas import read, schema_files

FIXTURES = Path(__file__).parent / "fixtures" / "supabase_schemas"
ORDERED = FIXTURES / "ordered" / "supabase" / "schemas"
LEXICAL = FIXTURES / "lexical" / "supabase" / "schemas"


def test_config_toml_schema_paths_set_the_order() -> None:
    names = [p.name for p in schema_files(ORDERED)]
    assert names == ["organizations.sql", "add_plan.sql", "projects.sql"]
    assert schema_files(FIXTURES / "ordered") == schema_files(ORDERED)  # the project folder


def test_without_config_toml_the_order_is_lexical() -> None:
    assert [p.name for p in schema_files(LEXICAL)] == ["a_accounts.sql", "b_sessions.sql"]


def test_the_replay_follows_that_order_and_the_tables_are_declared() -> None:
    [catalog] = read([ORDERED], ReadContext(config=Config(), schemas=("public",)))
    orgs = catalog.table("public.organizations")
    assert orgs is not None and [c.name for c in orgs.columns] == ["id", "name", "plan"]
    assert [(s.kind, s.role) for s in catalog.sources] == [("supabase_schemas", "declared")]
    assert {t.presence for t in catalog.tables} == {("supabase_schemas",)}
    assert not catalog.findings  # every statement modelled, in order


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copytree(FIXTURES / "ordered", tmp_path, dirs_exist_ok=True)
    (tmp_path / "catalog").mkdir()
    (tmp_path / "catalog" / "catalog.yml").write_text(
        "sources:\n  supabase_schemas: [../supabase/schemas]\n"
        "tenancy: {root: organizations, key: organization_id}\n",
        encoding="utf-8",
    )
    return tmp_path


def test_extract_and_render_mark_the_tables_declared(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert main(["extract", "-q", "--no-database"]) == 0
    assert main(["render", "-q"]) == 0
    snapshot = json.loads((project / "catalog" / "catalog.json").read_text(encoding="utf-8"))
    assert [t["presence"] for t in snapshot["tables"]] == [["supabase_schemas"]] * 2
    page = (project / "docs" / "tables" / "public" / "projects.md").read_text(encoding="utf-8")
    assert "declared, not applied" in page and "proposed" not in page
    analysed = pipeline.load(Config(), project / "catalog" / "catalog.json")
    assert {t.migration_status for t in analysed.tables} == {"declared"}


def test_the_command_line_option_comes_from_the_registry(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project)
    out = project / "cli.json"
    args = ["extract", "-q", "--no-database", "--supabase-schemas", str(ORDERED), "--out", str(out)]
    assert main(args) == 0
    kinds = [s["kind"] for s in json.loads(out.read_text(encoding="utf-8"))["sources"]]
    assert kinds == ["supabase_schemas"]


def test_a_source_key_no_source_has_is_one_line(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(project)
    (project / "catalog" / "catalog.yml").write_text(
        "sources:\n  prisma: [schema.prisma]\n", encoding="utf-8"
    )
    assert main(["extract", "-q", "--no-database"]) == 2
    error = capsys.readouterr().err
    assert "sources.prisma" in error and "supabase_schemas" in error
    assert len(error.strip().splitlines()) == 1
