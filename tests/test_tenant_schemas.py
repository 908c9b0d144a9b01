"""Schema-per-tenant on a real PostgreSQL: 30 tenant schemas of 5 tables, two of them
drifted, are documented once (the template's pages, the list, the two drifts)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from analysis_catalogs import catalog as compact_catalog
from schema_catalog import config as config_module
from schema_catalog import pipeline, snapshot
from schema_catalog.analysis import analyze
from schema_catalog.model import Catalog, TenantDrift
from schema_catalog.pg.quoting import quote_ident

TENANTS = [f"tenant_{i:02d}" for i in range(1, 31)]


def tenant_sql(schema: str) -> str:
    """Five tables whose defaults, foreign keys, indexes and policies name their own schema."""
    return f"""
CREATE SCHEMA {schema};
CREATE TYPE {schema}.order_state AS ENUM ('open', 'paid');
CREATE TABLE {schema}.customers (id serial PRIMARY KEY, name text NOT NULL,
  plan_id int REFERENCES public.plans (id));
CREATE TABLE {schema}.orders (id serial PRIMARY KEY,
  customer_id int NOT NULL REFERENCES {schema}.customers (id) ON DELETE CASCADE,
  state {schema}.order_state NOT NULL DEFAULT 'open', total numeric(12,2) CHECK (total >= 0));
CREATE INDEX orders_customer_idx ON {schema}.orders (customer_id);
CREATE TABLE {schema}.order_items (order_id int REFERENCES {schema}.orders (id),
  sku text NOT NULL, quantity int NOT NULL DEFAULT 1, PRIMARY KEY (order_id, sku));
CREATE TABLE {schema}.products (sku text PRIMARY KEY, price numeric NOT NULL CHECK (price > 0));
CREATE TABLE {schema}.notes (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  customer_id int REFERENCES {schema}.customers (id), body text);
ALTER TABLE {schema}.notes ENABLE ROW LEVEL SECURITY;
CREATE POLICY notes_read ON {schema}.notes FOR SELECT TO authenticated
  USING (customer_id IN (SELECT id FROM {schema}.customers));
"""


DATABASE_SQL = (
    "CREATE TABLE public.plans (id serial PRIMARY KEY, name text NOT NULL);\n"
    + "".join(tenant_sql(s) for s in TENANTS)
    + """
ALTER TABLE tenant_07.orders ADD COLUMN discount numeric;
DROP INDEX tenant_19.orders_customer_idx;
CREATE TABLE tenant_19.legacy_notes (id int PRIMARY KEY);
CREATE SCHEMA reporting;
CREATE TABLE reporting.daily (day date PRIMARY KEY, orders int);
"""
)


@pytest.fixture
def tenants_dsn(make_database: Callable[..., str]) -> str:
    return make_database(DATABASE_SQL)


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("PG", "DATABASE_URL"))}
    return subprocess.run(
        [sys.executable, "-m", "schema_catalog", *args],
        cwd=cwd,
        env=clean,
        capture_output=True,
        text=True,
        timeout=300,
    )


def extract(dsn: str, *schemas: str) -> Catalog:
    options = pipeline.ExtractOptions(dsn=dsn, schemas=schemas)
    return pipeline.extract(config_module.Config(), options)


def write_config(folder: Path, text: str) -> Path:
    path = folder / "catalog" / "catalog.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_a_schema_glob_reads_every_matching_schema(tenants_dsn: str) -> None:
    facts = extract(tenants_dsn, "public", "tenant_*")
    assert facts.schemas == ("public", *TENANTS)
    # The snapshot keeps every schema's facts: grouping is analysis, on load.
    assert sum(t.schema.startswith("tenant_") for t in facts.tables) == 30 * 5 + 1


def test_identical_schemas_form_one_group_with_the_drift_of_the_two_that_differ(
    tenants_dsn: str,
) -> None:
    facts = extract(tenants_dsn, "public", "tenant_*", "reporting")
    analysed = pipeline.analyse(facts, config_module.Config())
    (group,) = analysed.tenant_groups
    assert group.template == "tenant_01"
    assert [m.name for m in group.members] == TENANTS
    assert group.tables == 5
    drifted = {m.name: m.drift for m in group.members if m.drift}
    assert drifted == {
        "tenant_07": (
            TenantDrift(change="added", what="column", object="orders.discount", found="numeric"),
        ),
        "tenant_19": (
            TenantDrift(
                change="added", what="table", object="legacy_notes", found="table, 1 column"
            ),
            TenantDrift(
                change="missing",
                what="index",
                object="orders.orders_customer_idx",
                expected="CREATE INDEX orders_customer_idx ON tenant_01.orders "
                "USING btree (customer_id)",
            ),
        ),
    }
    # `check` and the Findings page name each drifted schema once (TEN010).
    drift_findings = {f.target: f.message for f in analysed.findings if f.code == "TEN010"}
    assert drift_findings == {
        "tenant_07": "`tenant_07`: Differs from its template `tenant_01`: added column `orders.discount`",
        "tenant_19": "`tenant_19`: Differs from its template `tenant_01`: added table `legacy_notes`; "
        "missing index `orders.orders_customer_idx`",
    }
    # Only the template's copy is analysed and shown, with public and reporting.
    schemas = {t.schema for t in analysed.tables}
    assert schemas == {"public", "reporting", "tenant_01"}
    assert {e.schema_ for e in analysed.enums} == {"tenant_01"}
    orders = analysed.table("tenant_01.orders")
    assert orders is not None and orders.foreign_keys[0].ref_schema == "tenant_01"


def test_the_site_has_one_template_set_the_list_and_the_two_drifts(
    tenants_dsn: str, tmp_path: Path
) -> None:
    write_config(tmp_path, "schemas: [public, 'tenant_*']\n")
    env_dsn = ("--dsn", tenants_dsn)
    assert cli("extract", *env_dsn, cwd=tmp_path).returncode == 0
    result = cli("render", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    docs = tmp_path / "docs"
    table_pages = sorted(p.relative_to(docs).as_posix() for p in docs.glob("tables/*/*.md"))
    assert table_pages == [
        "tables/public/index.md",
        "tables/public/plans.md",
        "tables/tenant_01/customers.md",
        "tables/tenant_01/index.md",
        "tables/tenant_01/notes.md",
        "tables/tenant_01/order_items.md",
        "tables/tenant_01/orders.md",
        "tables/tenant_01/products.md",
    ]
    index = (docs / "tables" / "tenant_01" / "index.md").read_text()
    assert '!!! note "Template of 30 schemas"' in index
    assert "[Tenant schemas](../../tenant-schemas.md)" in index
    assert "Template of" not in (docs / "tables" / "public" / "index.md").read_text()
    # Code on site pages may break after `_` and `.` (<wbr>): compare the text without them.
    page = (docs / "tenant-schemas.md").read_text().replace("<wbr>", "")
    for name in TENANTS:
        assert f"<code>{name}</code>" in page
    assert "#### <code>tenant_07</code>" in page
    assert "#### <code>tenant_19</code>" in page
    assert page.count("#### ") == 2
    assert (
        "| added | column | [<code>orders.discount</code>](tables/tenant_01/orders.md) |  "
        "| <code>numeric</code> |" in page
    )
    assert "| added | table | <code>legacy_notes</code> |  | <code>table, 1 column</code> |" in page
    nav = (docs / ".schema-catalog-nav.yml").read_text()
    assert "Tenant schemas: tenant-schemas.md" in nav
    # The published analysed catalog holds the groups too, for tools.
    analysed = Catalog.model_validate_json((docs / "catalog.analysed.json").read_text())
    assert len(analysed.tenant_groups[0].members) == 30
    # And the snapshot itself keeps every schema: nothing of the grouping is in it.
    facts = snapshot.load(tmp_path / "catalog" / "catalog.json")
    assert len({t.schema for t in facts.tables}) == 31


def test_tenant_schemas_false_documents_every_schema(tenants_dsn: str) -> None:
    facts = extract(tenants_dsn, "public", "tenant_*")
    config = config_module.Config.model_validate({"tenant_schemas": False})
    analysed = pipeline.analyse(facts, config)
    assert analysed.tenant_groups == ()
    assert len(analysed.tables) == 1 + 30 * 5 + 1


def test_min_schemas_and_a_configured_template(tenants_dsn: str) -> None:
    facts = extract(tenants_dsn, "public", "tenant_*")
    config = config_module.Config.model_validate(
        {"tenant_schemas": {"schemas": ["tenant_*"], "template": "tenant_07", "min_schemas": 3}}
    )
    (group,) = pipeline.analyse(facts, config).tenant_groups
    assert group.template == "tenant_07"
    # Against tenant_07, every other schema misses the column it adds.
    assert sum(1 for m in group.members if m.drift) == 29
    too_many = config_module.Config.model_validate({"tenant_schemas": {"min_schemas": 31}})
    assert pipeline.analyse(facts, too_many).tenant_groups == ()


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("tenant_schemas: {patern: 'tenant_*'}\n", "unknown key `tenant_schemas.patern`"),
        ("tenant_schemas: {min_schemas: 1}\n", "tenant_schemas.min_schemas"),
        ("tenant_schemas: {schemas: ['nope_*']}\n", "`nope_*`, which matches no schema"),
        ("tenant_schemas: {template: nope}\n", "`tenant_schemas.template` names `nope`"),
    ],
)
def test_bad_tenant_schemas_config_is_one_line_and_exit_2(
    tenants_dsn: str, tmp_path: Path, text: str, fragment: str
) -> None:
    write_config(tmp_path, "schemas: [public, 'tenant_*']\n")
    assert cli("extract", "--dsn", tenants_dsn, cwd=tmp_path).returncode == 0
    write_config(tmp_path, "schemas: [public, 'tenant_*']\n" + text)
    result = cli("render", cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and fragment in lines[0], result.stderr
    assert "catalog.yml" in lines[0]
    assert not (tmp_path / "docs").exists()


def test_a_schema_glob_matching_nothing_is_one_line(tenants_dsn: str, tmp_path: Path) -> None:
    result = cli("extract", "--dsn", tenants_dsn, "--schema", "tenent_*", cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "schema pattern `tenent_*` matches no schema" in lines[0]
    assert "and " in lines[0] and "more" in lines[0]  # 30 tenants: the list is cut short
    result = cli("extract", "--schema", "tenant_*", "--migrations", ".", cwd=tmp_path)
    assert result.returncode == 2
    assert "needs the database" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def _tenant_tables(schema: str, ref: str | None = None) -> list[dict[str, Any]]:
    quoted = quote_ident(schema)
    return [
        {"schema": schema, "name": "customers", "columns": {"id": "integer pk"}},
        {
            "schema": schema,
            "name": "orders",
            "columns": [
                {
                    "name": "id",
                    "type": "integer",
                    "nullable": False,
                    "primary_key": True,
                    "default": f"nextval('{quoted}.orders_id_seq'::regclass)",
                },
                {"name": "customer_id", "type": "integer"},
            ],
            "fks": [f"customer_id -> {ref or schema}.customers(id)"],
            "indexes": [
                {
                    "name": "orders_c",
                    "columns": ["customer_id"],
                    "definition": f"CREATE INDEX orders_c ON {quoted}.orders USING btree (customer_id)",
                }
            ],
        },
    ]


def test_a_schema_is_compared_with_its_own_name_left_out_and_no_more() -> None:
    # `t1` is a prefix of `t10`; `Tenant3` needs quotes; `t2` points at t1's customers,
    # which is another tenant's table, not its own: that one differs.
    tables = [
        *_tenant_tables("t1"),
        *_tenant_tables("t10"),
        *_tenant_tables("Tenant3"),
        *_tenant_tables("t2", ref="t1"),
    ]
    analysed = analyze(compact_catalog({"tables": tables}), config_module.Config())
    (group,) = analysed.tenant_groups
    assert group.template == "Tenant3"  # the first name of the identical ones
    drifted = {m.name: m.drift for m in group.members if m.drift}
    assert drifted == {
        "t2": (
            TenantDrift(
                change="changed",
                what="foreign key",
                object="orders.orders_customer_id_fkey",
                expected='(customer_id) → "Tenant3".customers(id) on delete NO ACTION '
                "on update NO ACTION",
                found="(customer_id) → t1.customers(id) on delete NO ACTION on update NO ACTION",
            ),
        )
    }
