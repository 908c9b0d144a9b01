"""action.yml's shell steps run for real on a small team project and a real PostgreSQL.

See `action_runner` for what is left to GitHub. The database is the schema
drizzle-kit generated for the project's Drizzle files; the pull request adds a
migration with a tenant table that has no RLS.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from action_runner import run_action
from gate_project import FIXTURES, cli, make_project
from schema_catalog.render.pr_comment import MARKER

INVOICES = """\
create table public.invoices (
  id uuid primary key,
  organization_id uuid not null references public.organizations (id)
);
"""
PULL_REQUEST = {
    "event_name": "pull_request",
    "base_ref": "main",
    "repository": "acme/app",
    "event": {"pull_request": {"number": 7}},
}


@pytest.fixture
def repo(tmp_path: Path, make_database: Callable[..., str]) -> tuple[Path, str]:
    root = make_project(tmp_path / "repo")
    before = cli("extract", "--no-database", "--out", str(tmp_path / "before.json"), cwd=root)
    assert before.returncode == 0, before.stderr
    (root / "supabase" / "migrations" / "20240501000000_invoices.sql").write_text(INVOICES)
    schema = (FIXTURES / "drizzle" / "saas" / "schema.sql").read_text()
    return root, make_database(schema.replace("--> statement-breakpoint", ""))


def test_a_pull_request_gets_annotations_sarif_a_comment_and_a_failed_gate(
    repo: tuple[Path, str],
) -> None:
    root, dsn = repo
    inputs = {
        "database-url": dsn,
        "previous-catalog": str(root.parent / "before.json"),
        "site-url": "https://acme.github.io/app/",
        "sarif": "true",
    }
    run = run_action(root, inputs, PULL_REQUEST)
    assert run.failed == "Gate", [(n, r.stderr) for n, r in run.steps if r and r.returncode]
    check = run.step("Check")
    assert check is not None
    assert (
        "::error file=supabase/migrations/20240501000000_invoices.sql,line=1,title=TEN001"
        in check.stdout
    )
    assert "::warning file=src/db/schema/organizations.ts,line=5," in check.stdout
    sarif = json.loads((run.temp / "schema-catalog.sarif").read_text())
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in sarif["runs"][0]["results"]
    }
    assert "supabase/migrations/20240501000000_invoices.sql" in uris
    comment = (run.temp / "schema-catalog-comment.md").read_text()
    assert comment.startswith(MARKER + "\n")
    assert "](https://acme.github.io/app/tables/public/invoices/): added" in comment
    assert comment in (run.temp / "summary.md").read_text()
    assert run.step("Post or update the comment") is None  # needs GitHub
    assert all(dsn not in (r.stdout + r.stderr) for _, r in run.steps if r is not None)


def test_a_baseline_lets_the_same_findings_pass(repo: tuple[Path, str]) -> None:
    root, dsn = repo
    assert cli("extract", "--dsn", dsn, cwd=root).returncode == 0
    written = cli("check", "--write-baseline", "catalog/baseline.json", cwd=root)
    assert written.returncode == 0, written.stderr
    run = run_action(
        root,
        {"database-url": dsn, "baseline": "catalog/baseline.json", "comment": "false"},
        PULL_REQUEST,
    )
    assert run.failed is None
    check = run.step("Check")
    assert check is not None and check.stdout == "No findings.\n"
    assert run.step("Write the pull-request comment") is None


def test_fail_on_never_and_a_push_run_every_step_without_failing(repo: tuple[Path, str]) -> None:
    root, dsn = repo
    run = run_action(
        root, {"database-url": dsn, "fail-on": "never"}, {**PULL_REQUEST, "event_name": "push"}
    )
    assert run.failed is None
    assert run.step("Gate") is None and run.step("Write the pull-request comment") is None
    check = run.step("Check")
    assert check is not None and "::error" in check.stdout


def test_a_bad_input_stops_at_its_step(repo: tuple[Path, str]) -> None:
    root, _ = repo
    run = run_action(root, {"fail-on": "sometimes"}, PULL_REQUEST)
    assert run.failed == "Check"
    check = run.step("Check")
    assert check is not None and "invalid choice: 'sometimes'" in check.stderr


def test_a_project_in_a_folder_of_the_repository_reports_repository_paths(tmp_path: Path) -> None:
    workspace = tmp_path / "monorepo"
    make_project(workspace / "apps" / "web")
    inputs = {"working-directory": "apps/web", "sarif": "true", "comment": "false"}
    run = run_action(workspace, inputs, PULL_REQUEST)
    assert run.failed == "Gate"
    check = run.step("Check")
    assert check is not None
    assert "::warning file=apps/web/src/db/schema/organizations.ts,line=5," in check.stdout
    assert "file=src/" not in check.stdout
    sarif = json.loads((run.temp / "schema-catalog.sarif").read_text())
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in sarif["runs"][0]["results"]
    }
    assert "apps/web/extra/dynamic.ts" in uris and all(u.startswith("apps/web/") for u in uris)
