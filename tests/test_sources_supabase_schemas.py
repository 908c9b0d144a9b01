"""Supabase declarative schemas: read in the Supabase CLI's order, declared (not proposed)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from schema_catalog import pipeline
from schema_catalog.cli import main
from schema_catalog.config import Config
from schema_catalog.errors import SourceError
from schema_catalog.sources.registry import ReadContext
from schema_catalog.sources.supabase_schemas import read, schema_files

FIXTURES = Path(__file__).parent / "fixtures" / "supabase_schemas"
ORDERED = FIXTURES / "ordered" / "supabase" / "schemas"
LEXICAL = FIXTURES / "lexical" / "supabase" / "schemas"


def names(files: list[Path], under: Path) -> list[str]:
    return [p.relative_to(under).as_posix() for p in files]


def test_config_toml_schema_paths_set_the_order() -> None:
    names = [p.name for p in schema_files(ORDERED)]
    assert names == ["organizations.sql", "add_plan.sql", "projects.sql"]
    assert schema_files(FIXTURES / "ordered") == schema_files(ORDERED)  # the project folder


def test_without_config_toml_the_order_is_lexical() -> None:
    assert [p.name for p in schema_files(LEXICAL)] == ["a_accounts.sql", "b_sessions.sql"]


def test_without_config_toml_subfolders_count_and_full_paths_sort_by_bytes() -> None:
    """`core.sql` < `core/tasks.sql` ('.' < '/'): the enum and table it needs come first."""
    schemas = FIXTURES / "nested" / "supabase" / "schemas"
    assert names(schema_files(schemas), schemas) == [
        "core.sql",
        "core/tasks.sql",
        "core/views/open_tasks.sql",
        "functions/task_count.sql",
    ]


def test_schema_paths_globs_are_go_globs_each_pattern_sorted_each_file_once() -> None:
    schemas = FIXTURES / "globbed" / "supabase" / "schemas"
    assert names(schema_files(schemas), schemas) == [
        "types/ticket_status.sql",  # the first pattern; matched again by the second
        "app/customers.sql",
        "app/tickets.sql",  # app/archive/old_tickets.sql: ** is one level in Go
        "open_tickets.sql",
    ]


def make_project(root: Path, files: list[str], schema_paths: list[str] | None = None) -> Path:
    supabase = root / "supabase"
    for name in files:
        (supabase / name).parent.mkdir(parents=True, exist_ok=True)
        (supabase / name).write_text("select 1;\n", encoding="utf-8")
    (supabase / "schemas").mkdir(parents=True, exist_ok=True)
    if schema_paths is not None:
        quoted = ", ".join(json.dumps(p) for p in schema_paths)
        (supabase / "config.toml").write_text(
            f"[db.migrations]\nschema_paths = [{quoted}]\n", encoding="utf-8"
        )
    return supabase


def test_the_walk_takes_regular_sql_files_only_and_follows_no_link(tmp_path: Path) -> None:
    supabase = make_project(tmp_path, ["schemas/a.sql", "schemas/a.SQL", "schemas/.hidden.sql"])
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "b.sql").write_text("select 1;\n", encoding="utf-8")
    (supabase / "schemas" / "linked.sql").symlink_to(tmp_path / "elsewhere" / "b.sql")
    (supabase / "schemas" / "linked").symlink_to(tmp_path / "elsewhere")
    assert names(schema_files(tmp_path), supabase) == ["schemas/.hidden.sql", "schemas/a.sql"]


def test_go_glob_syntax(tmp_path: Path) -> None:
    files = ["schemas/a.sql", "schemas/b.sql", "schemas/x/c.sql", "schemas/x/y/d.sql"]
    supabase = make_project(tmp_path, [*files, "other/e.sql"])
    cases = {
        "schemas/**/*.sql": ["schemas/x/c.sql"],  # one level, not zero, not two
        "./schemas/[^a]*.sql": ["schemas/b.sql"],
        "schemas/?.sql": ["schemas/a.sql", "schemas/b.sql"],
        "schemas/*/*/*.sql": ["schemas/x/y/d.sql"],
        "schemas/x/../b.sql": ["schemas/b.sql"],  # cleaned as text, as path.Join does
        "../supabase/other/e.sql": ["other/e.sql"],
    }
    for pattern, expected in cases.items():
        make_project(tmp_path, [], [pattern])
        assert names(schema_files(tmp_path), supabase) == expected, pattern


def test_an_empty_schema_paths_is_no_schema_paths(tmp_path: Path) -> None:
    supabase = make_project(tmp_path, ["schemas/b.sql", "schemas/a/z.sql"], [])
    assert names(schema_files(tmp_path), supabase) == ["schemas/a/z.sql", "schemas/b.sql"]


def test_schema_paths_may_name_files_outside_supabase_schemas(tmp_path: Path) -> None:
    """No `supabase/schemas` folder: the project is found by its `schema_paths`."""
    supabase = tmp_path / "supabase"
    (supabase / "database").mkdir(parents=True)
    (supabase / "database" / "a.sql").write_text("select 1;\n", encoding="utf-8")
    (supabase / "config.toml").write_text(
        '[db.migrations]\nschema_paths = ["./database/*.sql"]\n', encoding="utf-8"
    )
    (tmp_path / "config.toml").write_text("not [ toml", encoding="utf-8")  # someone else's
    assert names(schema_files(tmp_path), supabase) == ["database/a.sql"]


def test_a_pattern_matching_nothing_is_skipped_when_another_matches(tmp_path: Path) -> None:
    """As the CLI: `Glob.Files`' error is dropped by its callers when files were found."""
    supabase = make_project(tmp_path, ["schemas/a.sql"], ["schemas/gone/*.sql", "schemas/*.sql"])
    assert names(schema_files(tmp_path), supabase) == ["schemas/a.sql"]


def test_no_pattern_matching_anything_is_one_line(tmp_path: Path) -> None:
    make_project(tmp_path, ["schemas/a.sql"], ["./schemas/tables/*.sql", "schemas/[.sql"])
    with pytest.raises(SourceError) as raised:
        schema_files(tmp_path)
    line = str(raised.value)
    assert line.startswith(f"{tmp_path / 'supabase' / 'config.toml'}: ")
    assert "'./schemas/tables/*.sql'" in line and "'schemas/[.sql' (not a valid glob)" in line
    assert "relative to the supabase/ folder" in line and "\n" not in line


def test_a_pattern_matching_a_folder_is_an_error(tmp_path: Path) -> None:
    make_project(tmp_path, ["schemas/x/a.sql"], ["schemas/*"])
    with pytest.raises(
        SourceError, match=r"matches the folder supabase/schemas/x.*'schemas/\*/\*\.sql'"
    ):
        schema_files(tmp_path)


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


def test_no_pattern_matching_anything_exits_2_with_one_line(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(project)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    (project / "supabase" / "config.toml").write_text(
        '[db.migrations]\nschema_paths = ["./schemas/tables/*.sql"]\n', encoding="utf-8"
    )
    assert main(["extract", "-q", "--no-database"]) == 2
    error = capsys.readouterr().err
    assert "config.toml" in error and "'./schemas/tables/*.sql'" in error
    assert len(error.strip().splitlines()) == 1
