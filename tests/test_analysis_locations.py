"""Findings point at the file:line of the declaration, relative to the project root."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from gate_project import cli, line_of, make_project
from schema_catalog.analysis import locations
from schema_catalog.model import Catalog, Finding, SourceView, Table

_ANNOTATION = re.compile(
    r"::(?P<level>error|warning|notice) (?:file=(?P<file>[^,]+),line=(?P<line>\d+),)?"
    r"title=(?P<title>[^:]+)::(?P<target>.+?): (?P<message>.*)"
)


@pytest.fixture(scope="module")
def annotations(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict[str, str]]]:
    root = make_project(tmp_path_factory.mktemp("project"))
    # Extract from inside catalog/: paths must still come out relative to the root.
    extracted = cli("extract", "--no-database", "--config", "catalog.yml", cwd=root / "catalog")
    assert extracted.returncode == 0, extracted.stderr
    checked = cli("check", "--format", "github", "--fail-on", "info", cwd=root)
    assert checked.returncode == 1, checked.stderr
    lines = checked.stdout.splitlines()[:-1]  # the last line is the totals
    matches = [_ANNOTATION.fullmatch(line) for line in lines]
    assert all(matches), [line for line, m in zip(lines, matches, strict=True) if not m]
    return root, [m.groupdict() for m in matches if m]


def test_table_findings_point_at_the_declaring_line(
    annotations: tuple[Path, list[dict[str, str]]],
) -> None:
    root, found = annotations
    # Functions have no declaring line yet; every table of this project does.
    tables = [
        a for a in found if not a["title"].startswith(("DRZ", "MIG")) and "(" not in a["target"]
    ]
    assert len(tables) >= 15
    for annotation in tables:
        assert annotation["file"], annotation  # every table of this project is declared in a file
        text = line_of(root / annotation["file"], int(annotation["line"]))
        assert "pgTable(" in text or text.lower().startswith("create table"), (annotation, text)


def test_drizzle_wins_over_the_migration_that_also_creates_the_table(
    annotations: tuple[Path, list[dict[str, str]]],
) -> None:
    _, found = annotations
    places = {(a["target"].split(".")[1], a["file"], a["line"]) for a in found if a["file"]}
    assert ("organizations", "src/db/schema/organizations.ts", "5") in places
    assert ("organization_members", "supabase/migrations/20240101000000_init.sql", "22") in places
    assert not any(file.startswith("/") for _, file, _ in places)


def test_source_findings_keep_their_own_file_and_line(
    annotations: tuple[Path, list[dict[str, str]]],
) -> None:
    root, found = annotations
    by_code = {a["title"].split()[0]: a for a in found}
    assert (by_code["DRZ001"]["file"], by_code["DRZ001"]["line"]) == ("extra/dynamic.ts", "4")
    assert "process.env" in line_of(root / "extra/dynamic.ts", 4)
    late = "supabase/migrations/20240401000000_late.sql"
    assert (by_code["MIG001"]["file"], by_code["MIG001"]["line"]) == (late, "2")
    assert "legacy_things" in line_of(root / late, 2)


def _table(name: str, location: str | None = None) -> Table:
    return Table(schema="public", name=name, location=location)


def test_live_only_tables_and_odd_names_get_no_invented_location() -> None:
    catalog = Catalog(
        tables=(_table("live"), _table("x:12"), _table("books", "db/live_and_declared.sql:3")),
        source_views=(SourceView(kind="drizzle", tables=(_table("books", "db/books.ts:7"),)),),
    )
    findings = [
        Finding(code="A", severity="info", target=target, message="m")
        for target in ("public.live", "public.x:12", "public.books.title", "public.fn(int)")
    ]
    located = [f.location for f in locations.locate(findings, catalog)]
    assert located == [None, None, "db/books.ts:7", None]


def test_subject_leaves_line_numbers_out() -> None:
    finding = Finding(code="DRZ001", severity="warning", target="db/a.ts:12", message="m")
    assert locations.subject(finding) == "db/a.ts"
    assert locations.subject(finding.model_copy(update={"target": "public.t.c"})) == "public.t.c"


def test_the_example_points_live_and_declared_tables_at_drizzle() -> None:
    # The committed example catalog: read from a real PostgreSQL, Drizzle and migration SQL.
    from schema_catalog import analysis, config, snapshot

    root = Path(__file__).resolve().parents[1]
    settings = config.load(root / "catalog" / "catalog.yml")
    catalog = analysis.analyze(snapshot.load(root / "catalog" / "catalog.json"), settings)
    where = {f.target: f.location for f in catalog.findings}
    assert where["public.organizations"] == "examples/movemental/drizzle/db/organizations.ts:5"
    migration = "examples/movemental/migrations/20260126000000_alan_hirsch_to_movemental.sql"
    proposed = [f for f in catalog.findings if f.location and f.location.startswith(migration)]
    assert len(proposed) > 50
    for finding in proposed[:20]:
        line = line_of(root / migration, int(finding.location.rsplit(":", 1)[1]))  # type: ignore[union-attr]
        assert line.lower().startswith("create table"), (finding, line)
    assert all(f.location is None for f in catalog.findings if f.target == "public.books")


def test_prefixed_puts_relative_locations_under_the_repository_folder() -> None:
    findings = [
        Finding(code="A", severity="info", target="t", message="m", location="db/a.ts:3"),
        Finding(code="A", severity="info", target="t", message="m", location="/abs/b.sql:1"),
        Finding(code="A", severity="info", target="t", message="m"),
    ]
    assert [f.location for f in locations.prefixed(findings, "apps/web/")] == [
        "apps/web/db/a.ts:3",
        "/abs/b.sql:1",
        None,
    ]
    assert locations.prefixed(findings, ".") == findings
