"""`check --baseline` / `--write-baseline`: fail only on findings the baseline does not hold."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gate_project import cli, make_project
from schema_catalog.analysis import baseline
from schema_catalog.model import Finding

NEW_TENANT_TABLE = """\
create table public.invoices (
  id uuid primary key,
  organization_id uuid not null references public.organizations (id)
);
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = make_project(tmp_path)
    assert cli("extract", "--no-database", cwd=root).returncode == 0
    return root


def test_a_baselined_project_passes_until_a_new_finding_appears(project: Path) -> None:
    written = cli("check", "--write-baseline", "catalog/baseline.json", cwd=project)
    assert written.returncode == 0, written.stderr
    assert "Baseline of" in written.stderr
    quiet = cli("check", "--baseline", "catalog/baseline.json", "--format", "github", cwd=project)
    assert quiet.returncode == 0, quiet.stdout
    assert quiet.stdout == "No findings.\n"
    # Code moves (line numbers change) and a new table without RLS arrives.
    audit = project / "src" / "db" / "schema" / "audit.ts"
    audit.write_text("// a comment that moves every line down\n\n" + audit.read_text())
    migration = project / "supabase" / "migrations" / "20240501000000_invoices.sql"
    migration.write_text(NEW_TENANT_TABLE)
    assert cli("extract", "--no-database", cwd=project).returncode == 0
    gate = cli("check", "--baseline", "catalog/baseline.json", "--format", "github", cwd=project)
    assert gate.returncode == 1
    annotations = gate.stdout.splitlines()[:-1]
    assert annotations and all("public.invoices" in line for line in annotations), annotations
    assert any(line.startswith("::error") and "TEN001" in line for line in annotations)
    assert "20240501000000_invoices.sql,line=1" in annotations[0]
    full = cli("check", "--format", "github", cwd=project)
    assert len(full.stdout.splitlines()) > len(gate.stdout.splitlines())


def test_the_baseline_file_is_deterministic(project: Path) -> None:
    for name in ("a.json", "b.json"):
        assert cli("check", "--write-baseline", name, cwd=project).returncode == 0
    first = (project / "a.json").read_bytes()
    assert first == (project / "b.json").read_bytes()
    data = json.loads(first)
    assert data["kind"] == "schema-catalog findings baseline" and data["version"] == 1
    keys = [(e["code"], e["object"], e["fingerprint"]) for e in data["findings"]]
    assert keys == sorted(keys) and len(set(keys)) == len(keys) >= 15


def _finding(message: str, location: str | None = None, target: str = "public.books") -> Finding:
    return Finding(
        code="KEY001", severity="info", target=target, message=message, location=location
    )


def test_matching_ignores_messages_and_lines_but_counts() -> None:
    before = [_finding("fk a", "db/books.ts:3"), _finding("fk b", "db/books.ts:3")]
    known = baseline.Baseline(findings=tuple(baseline.entries(before)))
    reworded = [_finding("FK a reworded", "db/books.ts:9"), _finding("fk b", "db/books.ts:9")]
    assert baseline.new_findings(reworded, known) == []
    third = [*reworded, _finding("fk c", "db/books.ts:9")]
    assert baseline.new_findings(third, known) == [third[2]]
    elsewhere = [_finding("fk a", target="public.authors")]
    assert baseline.new_findings(elsewhere, known) == elsewhere
    moved_source = Finding(code="DRZ001", severity="warning", target="db/a.ts:4", message="x")
    known_source = baseline.Baseline(findings=tuple(baseline.entries([moved_source])))
    shifted = moved_source.model_copy(update={"target": "db/a.ts:40"})
    assert baseline.new_findings([shifted], known_source) == []


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (None, "baseline not found"),
        ("{not json", "not a readable JSON file"),
        ('{"kind": "something else"}', "not a findings baseline"),
    ],
)
def test_a_bad_baseline_is_one_line_and_exit_2(
    project: Path, content: str | None, fragment: str
) -> None:
    if content is not None:
        (project / "base.json").write_text(content)
    result = cli("check", "--baseline", "base.json", "--write-baseline", "new.json", cwd=project)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and fragment in lines[0] and "base.json" in lines[0], result.stderr
    assert "write-baseline" in lines[0]
    assert not (project / "new.json").exists()  # nothing written on bad input
