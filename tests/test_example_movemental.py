"""The bundled Movemental example against the inventory it is built from.

The example's data files (live schema, proposing migration, Drizzle schema and
its drizzle-kit output, catalog.yml) must say exactly what
`movemental-database-tables.md` says (its figures are kept in
tests/fixtures/movemental_inventory.yml): its 44 tables with their column counts,
`organization_id` on the confirmed multi-tenant tables only, its domains, and
the 91 tables its proposal categories add up to. Facts come from the real
PostgreSQL server (pg_catalog) and from those figures.
"""

from __future__ import annotations

import json
import re
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg
import pytest
import yaml

from schema_catalog import config as catalog_config

REPO = Path(__file__).parents[1]
EXAMPLE = REPO / "examples" / "movemental"
SCHEMA_SQL = EXAMPLE / "schema.sql"
MIGRATION_SQL = EXAMPLE / "migrations" / "20260126000000_alan_hirsch_to_movemental.sql"
DRIZZLE_SNAPSHOT = EXAMPLE / "drizzle" / "drizzle" / "meta" / "0000_snapshot.json"
CATALOG_YML = REPO / "catalog" / "catalog.yml"
INVENTORY = REPO / "tests" / "fixtures" / "movemental_inventory.yml"
"""The hand-written inventory's figures, kept as test data."""

TENANT_ROOT = "organizations"
TENANT_KEY = "organization_id"
HIGH_PRIORITY_REQUIRED = (
    "author_profiles",
    "audience_profiles",
    "content_audits",
    "book_authors",
    "voice_baselines",
)

# One row per table in `public`: name, user column count, whether it has organization_id.
TABLES_SQL = """
select c.relname,
       count(a.attnum) filter (where a.attnum > 0 and not a.attisdropped),
       coalesce(bool_or(a.attname = %(key)s and a.attnum > 0 and not a.attisdropped), false)
from pg_class c
join pg_namespace n on n.oid = c.relnamespace
left join pg_attribute a on a.attrelid = c.oid
where n.nspname = 'public' and c.relkind in ('r', 'p')
group by c.relname
order by c.relname
"""

# Foreign keys between tables of `public` (single-column is all the example uses),
# with whether the referencing column is nullable.
FOREIGN_KEYS_SQL = """
select src.relname, dst.relname, bool_or(not a.attnotnull)
from pg_constraint k
join pg_class src on src.oid = k.conrelid
join pg_class dst on dst.oid = k.confrelid
join pg_namespace n on n.oid = dst.relnamespace and n.nspname = 'public'
join pg_attribute a on a.attrelid = k.conrelid and a.attnum = any (k.conkey)
where k.contype = 'f' and src.relnamespace = dst.relnamespace
group by k.oid, src.relname, dst.relname
"""

# --- the inventory's figures -------------------------------------------------


def _inventory() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(INVENTORY.read_text(encoding="utf-8"))
    return data


def reference_column_counts() -> dict[str, int]:
    """Table → column count, from the "Complete Table List" table."""
    return dict(_inventory()["column_counts"])


def reference_domains() -> dict[str, set[str]]:
    """Domain → tables, from "Tables by Domain"."""
    return {name: set(tables) for name, tables in _inventory()["domains"].items()}


def reference_confirmed_multi_tenant() -> set[str]:
    """Tables listed under "Confirmed Multi-Tenant"."""
    return set(_inventory()["confirmed_multi_tenant"])


def reference_proposal_categories() -> dict[str, int]:
    """Proposal category → table count, from the priority table."""
    return dict(_inventory()["proposal_categories"])


# --- the database -------------------------------------------------------------


def _tables(dsn: str) -> dict[str, tuple[int, bool]]:
    with psycopg.connect(dsn) as conn:
        rows = conn.execute(TABLES_SQL, {"key": TENANT_KEY}).fetchall()
    return {name: (columns, has_key) for name, columns, has_key in rows}


def _edges(dsn: str) -> dict[str, list[tuple[str, bool]]]:
    """Table → [(referenced table, nullable hop)], self references left out."""
    with psycopg.connect(dsn) as conn:
        rows = conn.execute(FOREIGN_KEYS_SQL).fetchall()
    edges: dict[str, list[tuple[str, bool]]] = {}
    for src, dst, nullable in sorted(rows):
        if src != dst:
            edges.setdefault(src, []).append((dst, nullable))
    return edges


def _routes_to_tenant(
    table: str, edges: dict[str, list[tuple[str, bool]]], tenant: set[str]
) -> list[list[tuple[str, bool]]]:
    """Every acyclic FK path from ``table`` to the first tenant table on it."""
    routes: list[list[tuple[str, bool]]] = []
    queue: deque[list[tuple[str, bool]]] = deque([[(table, False)]])
    while queue:
        path = queue.popleft()
        for dst, nullable in edges.get(path[-1][0], []):
            if any(dst == seen for seen, _ in path):
                continue
            step = [*path, (dst, nullable)]
            if dst in tenant:
                routes.append(step[1:])
            else:
                queue.append(step)
    return routes


@pytest.fixture
def live_dsn(make_database: Callable[..., str]) -> str:
    return make_database(SCHEMA_SQL.read_text(encoding="utf-8"))


# --- the live schema ----------------------------------------------------------


def test_live_tables_and_column_counts_match_the_reference(live_dsn: str) -> None:
    expected = reference_column_counts()
    tables = _tables(live_dsn)
    assert len(expected) == 44
    assert {name: columns for name, (columns, _) in tables.items()} == expected
    assert sum(columns for columns, _ in tables.values()) == 841


def test_organization_id_only_on_confirmed_multi_tenant_tables(live_dsn: str) -> None:
    tables = _tables(live_dsn)
    confirmed_live = (reference_confirmed_multi_tenant() & set(tables)) - {TENANT_ROOT}
    assert len(confirmed_live) == 9
    assert {name for name, (_, has_key) in tables.items() if has_key} == confirmed_live
    with psycopg.connect(live_dsn) as conn:
        rows = conn.execute(
            """select c.relname from pg_constraint k join pg_class c on c.oid = k.conrelid
               join pg_attribute a on a.attrelid = k.conrelid and a.attnum = k.conkey[1]
               where k.contype = 'f' and k.confrelid = 'public.organizations'::regclass
                 and a.attname = %s and a.attnotnull""",
            (TENANT_KEY,),
        ).fetchall()
    assert {name for (name,) in rows} == confirmed_live


def test_every_live_table_has_a_primary_key(live_dsn: str) -> None:
    with psycopg.connect(live_dsn) as conn:
        missing = conn.execute(
            """select c.relname from pg_class c
               where c.relnamespace = 'public'::regnamespace and c.relkind = 'r'
                 and not exists (select from pg_constraint k where k.conrelid = c.oid and k.contype = 'p')"""
        ).fetchall()
    assert missing == []


def test_needs_audit_tables_have_every_tenancy_shape(live_dsn: str) -> None:
    tables = _tables(live_dsn)
    tenant = {TENANT_ROOT} | {name for name, (_, has_key) in tables.items() if has_key}
    edges = _edges(live_dsn)
    routes = {name: _routes_to_tenant(name, edges, tenant) for name in tables if name not in tenant}

    def firm(name: str) -> list[list[tuple[str, bool]]]:
        return [r for r in routes[name] if not any(nullable for _, nullable in r)]

    unscoped = {name for name, found in routes.items() if not found}
    nullable_only = {name for name, found in routes.items() if found and not firm(name)}
    assert {"user_memory", "user_personality", "agent_tools", "archive_topics"} <= unscoped
    assert "subscription_plans" in unscoped  # platform by configuration, not by shape
    assert {"archive_items", "books_chapters", "page_views", "user_profiles"} <= nullable_only
    assert [hop for hop, _ in firm("book_chapters")[0]] == ["books"]
    assert [hop for hop, _ in min(firm("course_lessons"), key=len)] == ["course_weeks", "courses"]
    assert len(firm("assessment_responses")) >= 2  # two routes to assessments
    assert len(firm("agent_traces")) >= 2  # direct to agents, and via agent_instances
    # one firm route (agents), one through a nullable hop (agent_guardrails.agent_id)
    assert (
        len(routes["agent_guardrail_assignments"]),
        len(firm("agent_guardrail_assignments")),
    ) == (2, 1)


def test_live_schema_has_rls_policies_grants_view_and_triggers(live_dsn: str) -> None:
    with psycopg.connect(live_dsn) as conn:
        rls: dict[str, bool] = dict(
            conn.execute(
                "select relname, relrowsecurity from pg_class where relnamespace = 'public'::regnamespace and relkind = 'r'"
            ).fetchall()
        )
        policies = {
            t
            for (t,) in conn.execute(
                "select distinct tablename from pg_policies where schemaname = 'public'"
            )
        }
        unwrapped = conn.execute(
            "select tablename from pg_policies where schemaname = 'public' and qual ~ 'auth\\.uid\\(\\)' and qual !~* 'select auth\\.uid'"
        ).fetchall()
        anon_tables = conn.execute(
            "select count(*) from pg_class c where c.relnamespace = 'public'::regnamespace and c.relkind = 'r'"
            " and has_table_privilege('anon', c.oid, 'SELECT')"
        ).fetchone()
        views = conn.execute("select count(*) from pg_views where schemaname = 'public'").fetchone()
        triggers = conn.execute(
            "select count(*) from pg_trigger t join pg_proc p on p.oid = t.tgfoid where p.proname = 'set_updated_at'"
        ).fetchone()
    assert {"books", "courses", "organization_memberships"} <= policies
    assert rls["agents"] and "agents" not in policies  # RLS on, no policy
    assert not rls["videos"]  # a tenant table without RLS
    assert unwrapped == [("user_memory",)]
    assert anon_tables == (44,)
    assert views == (1,)
    assert triggers is not None and triggers[0] >= 5


# --- the proposing migration --------------------------------------------------


def test_migration_applies_on_top_and_creates_the_91_proposed_tables(live_dsn: str) -> None:
    before = _tables(live_dsn)
    with psycopg.connect(live_dsn, autocommit=True) as conn:
        conn.execute(MIGRATION_SQL.read_text(encoding="utf-8"))
    after = _tables(live_dsn)
    created = set(after) - set(before)
    assert set(before) <= set(after)
    assert len(created) == sum(reference_proposal_categories().values()) == 91
    assert len(after) == 44 + 91
    for name in HIGH_PRIORITY_REQUIRED:
        assert after[name][1], f"{name} must carry {TENANT_KEY}"
    with psycopg.connect(live_dsn) as conn:
        nullability: dict[str, bool] = dict(
            conn.execute(
                """select c.relname, not a.attnotnull from pg_attribute a join pg_class c on c.oid = a.attrelid
                   where a.attname = %s and c.relname = any (%s)""",
                (TENANT_KEY, [*HIGH_PRIORITY_REQUIRED, "movement_leader_research"]),
            ).fetchall()
        )
    assert nullability == {
        **dict.fromkeys(HIGH_PRIORITY_REQUIRED, False),
        "movement_leader_research": True,
    }


def test_migration_groups_tables_by_the_reference_categories() -> None:
    text = MIGRATION_SQL.read_text(encoding="utf-8")
    headings = re.findall(r"^-- (\d+)\. (.+?) \((\d+)\)$", text, re.MULTILINE)
    parts = re.split(r"^-- \d+\. .+? \(\d+\)$", text, flags=re.MULTILINE)[1:]
    counted = {
        title: len(re.findall(r"^CREATE TABLE ", part, re.MULTILINE))
        for (_, title, _), part in zip(headings, parts, strict=True)
    }
    assert {title: int(n) for _, title, n in headings} == reference_proposal_categories()
    assert counted == reference_proposal_categories()


# --- Drizzle ------------------------------------------------------------------


def test_drizzle_kit_snapshot_declares_organizations_and_onboarding(live_dsn: str) -> None:
    snapshot = json.loads(DRIZZLE_SNAPSHOT.read_text(encoding="utf-8"))
    tables = {t["name"]: t for t in snapshot["tables"].values()}
    assert set(tables) == {"organizations", "onboarding_responses"}
    with psycopg.connect(live_dsn) as conn:
        live_org_columns = {
            name
            for (name,) in conn.execute(
                "select attname from pg_attribute where attrelid = 'public.organizations'::regclass and attnum > 0 and not attisdropped"
            )
        }
    declared = set(tables["organizations"]["columns"])
    assert len(declared) == 7 and declared < live_org_columns
    onboarding = tables["onboarding_responses"]
    assert len(onboarding["columns"]) == 39
    assert onboarding["columns"][TENANT_KEY]["notNull"] is True
    assert any(
        fk["tableTo"] == TENANT_ROOT and fk["columnsFrom"] == [TENANT_KEY]
        for fk in onboarding["foreignKeys"].values()
    )
    assert "onboarding_responses" not in _tables(live_dsn)


# --- catalog.yml --------------------------------------------------------------


def test_catalog_yml_domains_match_the_reference(live_dsn: str) -> None:
    config = catalog_config.load(CATALOG_YML)
    with psycopg.connect(live_dsn, autocommit=True) as conn:
        conn.execute(MIGRATION_SQL.read_text(encoding="utf-8"))
    every = sorted(f"public.{name}" for name in [*_tables(live_dsn), "onboarding_responses"])
    catalog_config.check_tables(config, every)  # every name and glob matches a table
    live = {f"public.{name}" for name in reference_column_counts()}
    domains = {
        name: {
            t.split(".", 1)[1] for t in catalog_config.match_tables(spec.tables, every) if t in live
        }
        for name, spec in config.domains.items()
    }
    assert {name: tables for name, tables in domains.items() if tables} == reference_domains()
    assert config.tenancy.root == TENANT_ROOT and config.tenancy.key == (TENANT_KEY,)
    assert "subscription_plans" in config.tenancy.platform
    assert config.site.title == "Movemental database catalog"
    assert config.lint.max_columns == 60
    for path in [*config.sources.drizzle, *config.sources.migrations]:
        assert config.resolve(path).exists(), path
