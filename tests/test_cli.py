"""The command line as a user meets it: exit codes and one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest

from schema_catalog import snapshot
from schema_catalog.cli import main
from schema_catalog.model import Catalog


def run(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """The installed CLI in a subprocess: what a user's shell sees."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("PG", "DATABASE_URL"))}
    return subprocess.run(
        [sys.executable, "-m", "schema_catalog", *args],
        cwd=cwd,
        env={**clean, **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
    )


def assert_one_line_error(result: subprocess.CompletedProcess[str], *fragments: str) -> None:
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in lines[0]


def test_json_schema_prints_the_published_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["json-schema"]) == 0
    assert "tables" in json.loads(capsys.readouterr().out)["properties"]


def test_extract_without_any_source_says_how_to_give_one(tmp_path: Path) -> None:
    result = run("extract", cwd=tmp_path)
    assert_one_line_error(result, "no source to read", "--dsn")


def test_a_config_typo_names_the_file_and_key(tmp_path: Path) -> None:
    (tmp_path / "catalog").mkdir()
    (tmp_path / "catalog" / "catalog.yml").write_text("schemas: [public]\ndomain: {}\n")
    result = run("extract", "--no-database", cwd=tmp_path)
    assert_one_line_error(result, "catalog/catalog.yml", "unknown key `domain`")


def test_render_without_a_catalog_says_to_extract_first(tmp_path: Path) -> None:
    result = run("render", cwd=tmp_path)
    assert_one_line_error(result, "catalog.json", "schema-catalog extract")


def test_a_missing_drizzle_path_is_named(tmp_path: Path) -> None:
    result = run("extract", "--no-database", "--drizzle", "db/schema.ts", cwd=tmp_path)
    assert_one_line_error(result, "db/schema.ts", "no such file")


def test_diff_of_a_newer_snapshot_is_refused(tmp_path: Path) -> None:
    old = tmp_path / "old.json"
    old.write_text(snapshot.dumps(Catalog()))
    new = tmp_path / "new.json"
    new.write_text(json.dumps({"format_version": 99}))
    result = run("diff", str(old), str(new), cwd=tmp_path)
    assert_one_line_error(result, "new.json", "newer schema-catalog")


def test_unknown_verb_is_a_usage_error(tmp_path: Path) -> None:
    result = run("frobnicate", cwd=tmp_path)
    assert result.returncode == 2 and "invalid choice" in result.stderr


def test_a_table_locked_by_a_migration_times_out_in_one_line(
    tmp_path: Path, make_database: Callable[..., str]
) -> None:
    dsn = make_database("CREATE TABLE busy (id int PRIMARY KEY);")
    with psycopg.connect(dsn) as holder:
        holder.execute("LOCK TABLE busy IN ACCESS EXCLUSIVE MODE")
        result = run("extract", "--dsn", dsn, "--lock-timeout", "0.3", cwd=tmp_path)
    assert_one_line_error(result, "lock")
    assert not (tmp_path / "catalog" / "catalog.json").exists()


def test_extract_prints_facts_and_refuses_a_bad_catalog_yml_without_analysing(
    tmp_path: Path,
) -> None:
    (tmp_path / "db").mkdir()
    (tmp_path / "db" / "0001_notes.sql").write_text("CREATE TABLE notes (id int PRIMARY KEY);\n")
    args = ("extract", "--no-database", "--migrations", "db")
    shown = run(*args, cwd=tmp_path)
    assert shown.returncode == 0, shown.stderr
    assert "proposed by migrations: 1 new tables" in shown.stderr
    # Facts only: the findings are for `check` and the site, which analyse on load.
    assert "findings: `schema-catalog check` lists them" in shown.stderr
    quiet = run(*args, "--quiet", cwd=tmp_path)
    assert quiet.returncode == 0 and quiet.stderr == ""
    # Quiet or not, what the analysis would refuse in catalog.yml is refused at once:
    # a table, a tenant schema or a global unique key that no source has.
    (tmp_path / "catalog").mkdir(exist_ok=True)
    config = tmp_path / "catalog" / "catalog.yml"
    for text, *words in (
        ("tenancy:\n  root: public.nowhere\n", "tenancy.root", "public.nowhere"),
        ("tenant_schemas:\n  schemas: [tenant_*]\n", "tenant_schemas.schemas", "tenant_*"),
        ("tenancy:\n  global_unique:\n    notes: [[slug]]\n", "global_unique.notes", "`slug`"),
    ):
        config.write_text(text)
        for extra in ((), ("--quiet",)):
            assert_one_line_error(run(*args, *extra, cwd=tmp_path), *words)


INVITATIONS_SQL = """
CREATE TABLE organizations (id uuid PRIMARY KEY);
CREATE TABLE invitations (
  id uuid PRIMARY KEY,
  organization_id uuid NOT NULL REFERENCES organizations (id),
  token text NOT NULL UNIQUE,
  email text NOT NULL UNIQUE
);
"""


def test_global_unique_keys_apply_on_reading_the_snapshot(tmp_path: Path) -> None:
    (tmp_path / "db").mkdir()
    (tmp_path / "db" / "0001_init.sql").write_text(INVITATIONS_SQL)
    (tmp_path / "catalog").mkdir()
    yml = tmp_path / "catalog" / "catalog.yml"
    yml.write_text("tenancy: {root: organizations}\n")
    extracted = run("extract", "--no-database", "--migrations", "db", "-q", cwd=tmp_path)
    assert extracted.returncode == 0, extracted.stderr

    def unique_findings() -> set[str]:
        checked = run("check", "--format", "json", "-q", cwd=tmp_path)
        assert checked.returncode == 1, checked.stderr  # TEN001: no RLS
        return {f["target"] for f in json.loads(checked.stdout) if f["code"] == "TEN009"}

    token, email = (
        "public.invitations.invitations_token_key",
        "public.invitations.invitations_email_key",
    )
    assert unique_findings() == {token, email}
    # The same snapshot, read with the setting: catalog.yml is applied at analysis.
    yml.write_text("tenancy: {root: organizations, global_unique: {invitations: [token]}}\n")
    assert unique_findings() == {email}
    rendered = run("render", "--docs", "docs", "-q", cwd=tmp_path)
    assert rendered.returncode == 0, rendered.stderr
    page = (tmp_path / "docs" / "tables" / "public" / "invitations.md").read_text()
    (note,) = [line for line in page.splitlines() if "Unique across tenants on purpose" in line]
    assert note.endswith("<code>token</code>")
    for bad, says in (
        ("{invitations: token}", "key `tenancy.global_unique.invitations`: expected `all`"),
        (
            "{invitations: [tokn]}",
            "`tenancy.global_unique.invitations` names the unique key (`tokn`)",
        ),
        ("{invitationz: all}", "`tenancy.global_unique` names `invitationz`"),
    ):
        yml.write_text(f"tenancy: {{root: organizations, global_unique: {bad}}}\n")
        assert_one_line_error(run("check", "-q", cwd=tmp_path), "catalog/catalog.yml", says)
