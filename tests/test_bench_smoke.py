"""The benchmarks still run, at a tiny size, and what they generate is what they claim.

Not timed tests: the figures live in bench/README.md. Here the benchmark
scripts run end to end (`--smoke`: 50 tables, one run, no peers to install) and
their output is checked for what does not depend on the machine: every tool sees
every relation, and our round trips do not grow with the table count.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from schema_catalog import embedded
from schema_catalog.sources import postgres

BENCH = Path(__file__).resolve().parents[1] / "bench"
sys.path.insert(0, str(BENCH))
import synthetic  # noqa: E402  (bench/ is a folder of scripts)


def _run(script: str, tmp_path: Path, *args: str) -> dict[str, Any]:
    figures: dict[str, Any] = _run_json(script, tmp_path, *args)
    return figures


def _run_json(script: str, tmp_path: Path, *args: str) -> Any:
    out = tmp_path / f"{script}.json"
    result = subprocess.run(
        [sys.executable, str(BENCH / script), "--smoke", "--json", str(out), *args],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(out.read_text())


def test_extract_bench_smoke(tmp_path: Path) -> None:
    figures = _run("bench_extract.py", tmp_path, "--no-peers")
    measures = figures["measures"]
    relations = synthetic.relation_count(50)
    assert measures["ours"]["detail"]["relations"] == relations
    assert measures["sqlalchemy"]["detail"]["relations"] == relations
    assert measures["bare"]["detail"]["rows"] > 50 * 20  # at least every column row
    ours = measures["ours"]
    # 20 tables or 50: the same statements, one per object kind.
    assert ours["round_trips_small"] == ours["round_trips"]
    assert 10 <= ours["round_trips"] <= 30
    assert measures["bare"]["round_trips"] == ours["round_trips"]
    for name in ("ours", "bare", "sqlalchemy"):
        assert measures[name]["seconds"] > 0 and measures[name]["peak_mb"] > 10


def test_analysis_bench_smoke(tmp_path: Path) -> None:
    results = {r["shape"]: r for r in _run_json("bench_analysis.py", tmp_path)}
    inferred, untenanted = results["inferred"], results["untenanted"]
    for shape, r in results.items():
        assert r["relations"] == synthetic.relation_count(50, shape)
        assert r["sqlalchemy"]["relations"] == r["relations"]
        assert r["extract"]["json_mb"] > 0 and r["passes"]["tenancy"] > 0
        # Quiet or with its summary, `extract` writes the same snapshot.
        assert r["extract_quiet"]["json_mb"] == r["extract"]["json_mb"]
    # Every 20th table holds the key; every other table and view reaches one.
    assert inferred["tenancy"] == {"direct": 3, "inherited": 53, "tenant_root": 1}
    assert inferred["longest_path"] >= 2
    assert untenanted["tenancy"] == {"unscoped": synthetic.relation_count(50, "untenanted")}


def test_replay_bench_smoke(tmp_path: Path) -> None:
    for r in _run_json("bench_replay.py", tmp_path):
        # Every file adds a table and its view; every statement replays without a finding.
        assert r["tables"] == 2 * r["files"] and r["statements"] == 20 * r["files"]
        assert r["findings"] == 0 and r["replay_s"] > 0


def test_render_bench_smoke(tmp_path: Path) -> None:
    figures = _run("bench_render.py", tmp_path)
    assert figures["pages"] > synthetic.relation_count(50)
    assert figures["html_pages"] >= figures["pages"] - 5  # index pages fold into sections
    assert figures["pipeline_s"] > 0 and figures["bare_mkdocs_s"] > 0
    # Rendering an unchanged catalog again rewrites no page and touches no file,
    # and renders none: every page's inputs hash is unchanged.
    assert figures["rewritten_when_unchanged"] == 0 and figures["touched_when_unchanged"] == 0
    assert figures["rendered_when_unchanged"] == 0
    # One table's comment: its page, its neighbours' and the lists, not the site.
    assert 1 <= figures["written_after_one_change"] <= figures["rendered_after_one_change"]
    assert figures["rendered_after_one_change"] < figures["pages"] / 2
    assert figures["parallel_identical"] is True


@pytest.fixture
def synthetic_dsn(pg_admin_dsn: str) -> Any:
    name = "bench_synthetic_check"
    dsn = embedded.create_database(pg_admin_dsn, name, embedded.supabase_stub_sql())
    synthetic.load(dsn, 100, size=30)  # several batches
    yield dsn
    import psycopg

    with psycopg.connect(pg_admin_dsn, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_synthetic_schema_is_what_the_readme_says(synthetic_dsn: str) -> None:
    catalog = postgres.read(synthetic_dsn)
    kinds = [t.kind for t in catalog.tables]
    assert kinds.count("table") == 100
    assert kinds.count("view") == 10 and kinds.count("materialized_view") == 2
    assert len(catalog.functions) == 1 + 100 // 20  # set_updated_at + one per 20 tables
    for i in range(1, 101):
        table = catalog.table(f"public.{synthetic.table_name(i)}")
        assert table is not None
        assert len(table.columns) == 20
        assert table.primary_key is not None
        fks = {(fk.ref_schema, fk.ref_table) for fk in table.foreign_keys}
        assert len(table.foreign_keys) == (4 if i % 50 == 0 else 3)
        assert ("public", synthetic.table_name(max(1, i - 1))) in fks
        assert (("auth", "users") in fks) == (i % 50 == 0)
        assert len([ix for ix in table.indexes if not ix.primary]) == 3
        assert table.rls_enabled == (i % 2 == 1)
        assert len(table.policies) == (2 if i % 2 == 1 else 0)
        assert len(table.triggers) == (0 if i % 2 == 1 else 1)


def test_long_text_bench_smoke(tmp_path: Path) -> None:
    figures = _run("bench_long_text.py", tmp_path)
    assert figures["size"] == 65536 and figures["collapsed"] == 2  # table and column comment
    assert figures["plain"] > 0 and figures["long"] > 0


def test_tenant_schemas_bench_smoke(tmp_path: Path) -> None:
    figures = _run("bench_tenant_schemas.py", tmp_path)
    tenants, one = figures["tenants"], figures["one_schema"]
    assert figures["relations"] == 12 * 5 + 2
    (group,) = tenants["groups"]
    assert group["schemas"] == 12 and group["drifted"] == figures["expected_drifted"]
    # The schema-per-tenant site is one schema's site plus the list of schemas: one
    # template set of table pages, however many schemas follow it.
    assert tenants["documented_tables"] == one["documented_tables"] == 5 + 1
    assert tenants["md_pages"] == one["md_pages"] + 1
    assert tenants["html_pages"] == one["html_pages"] + 1
    # The snapshot still holds every schema's facts: grouping happens on load.
    assert tenants["snapshot_tables"] == figures["relations"]
    for project in (tenants, one):
        for step in project["steps"].values():
            assert step["seconds"] > 0 and step["peak_mb"] > 10


def test_issue_table_has_every_row_of_the_issue(tmp_path: Path) -> None:
    """`issue_table.py` runs every benchmark once and prints one row per target of issue 14,
    and prints the same table again from the JSON it kept."""
    script = str(BENCH / "issue_table.py")

    def table(*args: str) -> str:
        result = subprocess.run(
            [sys.executable, script, *args],
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
        assert result.returncode == 0, result.stderr[-2000:]
        return result.stdout

    measured = table("--smoke", "--out", str(tmp_path))
    rows = [line for line in measured.splitlines() if line.startswith("| ") and "---" not in line]
    header, *targets = rows
    assert header.startswith("| what | now | peer, same run | ratio | target |")
    # extract (two shapes), JSON vs bare, SQLAlchemy, 10k time, 10k memory, render, serve,
    # build overhead, per page, Drizzle, replay, schema-per-tenant
    assert len(targets) == 13
    assert all(row.endswith("| – |") for row in targets)  # smoke sizes give no verdict
    assert table("--from", str(tmp_path)) == measured
