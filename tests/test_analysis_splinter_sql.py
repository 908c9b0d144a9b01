"""Splinter parity with splinter's own SQL as the oracle.

fixtures/splinter/ holds splinter's lint definitions, unchanged (see its README).
Each is created as a view in the splinter fixture database (fixtures/splinter.sql,
with pg_graphql registered as test_analysis_splinter does), and the objects it
reports must be exactly the objects `check` flags under the same splinter name.
Objects are compared as splinter's ``metadata`` names them: (schema, name), plus
the column for ``unsupported_reg_types``, and the extension's name alone;
``unused_index`` by splinter's cache key, which names the index too.

``unused_index`` reads usage statistics, which only a live read has: before the
lints run, one query scans an index and the statistics are flushed
(``pg_stat_force_next_flush``), so splinter and the catalog see the same counts
and one index of the fixture is used while the others are not.

Where `check` departs from splinter on purpose, the difference is listed in
`DIFFERENCES` (splinter flags the object, `check` does not, and why), and a test
below lets the server decide it on the same database:

- ``0003_auth_rls_initplan``: splinter looks for the text ``select current_setting(``;
  PostgreSQL prints ``(select current_setting('x', true)::json->>'sub')`` as
  ``( SELECT ((current_setting('x'::text, true))::json ->> 'sub'::text))``, so splinter
  flags a call that is wrapped. The plan evaluates it once (an InitPlan), as for
  every other wrapped form, while each form RLS005 flags is evaluated per row.
- ``0024_rls_policy_always_true``: splinter flags a ``FOR INSERT`` policy without
  WITH CHECK as allowing every row; PostgreSQL admits no row through it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

import psycopg
import pytest

from schema_catalog import embedded
from schema_catalog.analysis import analyze
from schema_catalog.analysis.lint.registry import RULES
from schema_catalog.config import Config
from schema_catalog.model import Catalog, Finding
from schema_catalog.sources import postgres
from test_analysis_splinter import BASE, INSTALL_PG_GRAPHQL, SQL

LINTS = sorted((Path(__file__).parent / "fixtures" / "splinter").glob("00*.sql"))
UNUSED_INDEX = "0005_unused_index"
# An index of the fixture that a query uses (the planner is told to): not "unused".
USED_INDEX = "clean_notes_user"
USE_IT = """
set enable_seqscan = off;
set enable_bitmapscan = off;
select count(*) from public.clean_notes where user_id = '00000000-0000-0000-0000-000000000000';
select pg_stat_force_next_flush();
"""
Key = tuple[str, ...]
DIFFERENCES: dict[str, dict[Key, str]] = {
    "0003_auth_rls_initplan": {
        ("public", "clean_initplan_setting"): "the call is wrapped in a sub-select, which "
        "PostgreSQL prints as `( SELECT ((current_setting(`: not splinter's `select current_setting(`",
    },
    "0024_rls_policy_always_true": {
        ("public", "clean_insert_without_check"): "a FOR INSERT policy without WITH CHECK "
        "lets no row in",
    },
}


class Linted(NamedTuple):
    dsn: str
    splinter: dict[str, set[Key]]
    """The objects each of splinter's lints reports, by the lint's file name."""
    catalog: Catalog


@pytest.fixture(scope="module")
def linted(pg_admin_dsn: str) -> Iterator[Linted]:
    """Splinter's and `check`'s findings on one database, which stays up for the module."""
    name = f"splinter_sql_{os.getpid()}"
    dsn = embedded.create_database(pg_admin_dsn, name, BASE + "\n" + SQL + INSTALL_PG_GRAPHQL)
    try:
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute("create schema lint")
            conn.execute("select set_config('pgrst.db_schemas', 'public', false)")
            conn.execute(USE_IT)
            found: dict[str, set[Key]] = {}
            for path in LINTS:
                conn.execute(path.read_text(encoding="utf-8").encode())
                view = path.stem
                rows = conn.execute(f'select cache_key, metadata from lint."{view}"').fetchall()
                found[view] = {
                    (key,) if view == UNUSED_INDEX else _splinter_key(m) for key, m in rows
                }
        yield Linted(dsn, found, analyze(postgres.read(dsn, ["public"]), Config()))
    finally:
        with psycopg.connect(pg_admin_dsn, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _splinter_key(metadata: dict[str, object]) -> Key:
    if metadata.get("type") == "extension":
        return (str(metadata["name"]),)
    key = (str(metadata["schema"]), str(metadata["name"]))
    return (*key, str(metadata["column"])) if "column" in metadata else key


def _our_key(finding: Finding, rule: str) -> Key:
    target = finding.target
    if rule == "0014_extension_in_public":
        return (target,)
    if rule == UNUSED_INDEX:  # splinter's cache key: unused_index_<schema>_<table>_<index>
        return ("unused_index_" + target.replace(".", "_"),)
    schema, _, rest = target.partition(".")
    name = rest.split("(", 1)[0]
    if rule == "0018_unsupported_reg_types":
        table, _, column = name.partition(".")
        return (schema, table, column)
    return (schema, name.split(".", 1)[0])


def _ours(catalog: Catalog, lint: str) -> set[Key]:
    rule = next(r for r in RULES.values() if lint in r.aliases)
    # A rule merged into another's finding (one root cause) is named in `related`.
    return {
        _our_key(f, lint)
        for f in catalog.findings
        if f.rule in rule.names() or rule.code in f.related
    }


@pytest.mark.parametrize("lint", [p.stem for p in LINTS])
def test_check_flags_what_splinter_flags(linted: Linted, lint: str) -> None:
    splinter = linted.splinter[lint]
    differences = DIFFERENCES.get(lint, {})
    assert _ours(linted.catalog, lint) == splinter - differences.keys()
    assert differences.keys() <= splinter, "a documented difference splinter no longer makes"
    assert splinter - differences.keys(), f"the fixture gives splinter's {lint} nothing to flag"


def test_unused_index_needs_usage_and_spares_the_used_one(linted: Linted) -> None:
    splinter, catalog = linted.splinter, linted.catalog
    assert catalog.usage is not None
    scans = {(u.table, u.index): u.scans for u in catalog.usage.indexes}
    assert scans[("public.clean_notes", USED_INDEX)] > 0
    assert not any(USED_INDEX in key[0] for key in splinter[UNUSED_INDEX])
    # A catalog without usage (migrations, Drizzle, a snapshot alone): the rule is silent.
    without = analyze(catalog.facts().model_copy(update={"usage": None}), Config())
    assert not [f for f in without.findings if f.rule == "unused_index"]
    assert [f for f in catalog.findings if f.rule == "unused_index"]


# Tables of splinter.sql whose one policy is FOR SELECT, so a read's plan shows it.
INITPLAN_READS = (
    "initplan",
    "initplan_setting",
    "initplan_jwt",
    "clean_initplan_uid",
    "clean_initplan_setting",
    "clean_initplan_jwt",
)


def _read_plan(dsn: str, table: str) -> dict[str, Any]:
    """The plan of ``SELECT * FROM table`` as ``authenticated``, through its policy."""
    with psycopg.connect(dsn) as conn:
        conn.execute(f"GRANT SELECT ON public.{table} TO authenticated")
        conn.execute("SET LOCAL ROLE authenticated")
        # a sequential scan, so the policy's expression shows as the scan's Filter
        conn.execute("SET LOCAL enable_indexscan = off")
        conn.execute("SET LOCAL enable_bitmapscan = off")
        row = conn.execute(f"EXPLAIN (FORMAT JSON, COSTS OFF) SELECT * FROM public.{table}")
        plans = row.fetchone()
        conn.rollback()  # the grant goes: the other lints never see it
    assert plans is not None
    plan: dict[str, Any] = plans[0][0]["Plan"]
    return plan


def test_auth_rls_initplan_on_policies_as_the_server_prints_them(linted: Linted) -> None:
    with psycopg.connect(linted.dsn) as conn:
        printed = dict(
            conn.execute(
                "SELECT tablename, coalesce(qual, with_check) FROM pg_policies"
                " WHERE schemaname = 'public' AND tablename LIKE %s",
                ["%initplan%"],
            ).fetchall()
        )
    # The catalog holds the server's printing, not the text splinter.sql wrote.
    read = {t.name: t.policies[0] for t in linted.catalog.tables if t.name in printed}
    assert {name: p.using or p.with_check for name, p in read.items()} == printed
    assert "( SELECT ((current_setting(" in printed["clean_initplan_setting"]
    assert "( SELECT auth.jwt() AS jwt)" in printed["clean_initplan_jwt"]
    flagged = {f.target.split(".")[1] for f in linted.catalog.findings if f.code == "RLS005"}
    assert flagged & printed.keys() == {n for n in printed if not n.startswith("clean_")}
    # The server's judgment: a flagged policy calls current_setting() (auth.* inlined)
    # in the scan's filter, for each row; a wrapped one calls it once, in an InitPlan.
    for table in INITPLAN_READS:
        plan = _read_plan(linted.dsn, table)
        per_row = "current_setting(" in plan["Filter"]
        once = [p for p in plan.get("Plans", []) if p["Parent Relationship"] == "InitPlan"]
        assert (per_row, not once) == (table in flagged, table in flagged), table


def test_an_insert_policy_without_with_check_lets_no_row_in(linted: Linted) -> None:
    table = "clean_insert_without_check"
    with psycopg.connect(linted.dsn) as conn:
        conn.execute("SET ROLE authenticated")
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            conn.execute(f"INSERT INTO public.{table} VALUES (gen_random_uuid())")
        conn.rollback()
        # the control: the same command through a policy WITH CHECK is admitted
        conn.execute("SET ROLE anon")
        conn.execute("INSERT INTO public.clean_graphql_write_only VALUES (gen_random_uuid())")
        conn.rollback()
    assert ("public", table) in linted.splinter["0024_rls_policy_always_true"]
    assert f"public.{table}" not in {
        f.target for f in linted.catalog.findings if f.code == "RLS008"
    }
