"""The replay's indexed look-ups give what scanning every table gives, after every statement.

`lookups.Tables` keeps its indexes right by recomputing the tables it handed out;
a statement that changes a table some other way would leave them stale. So the
migration fixtures (those the oracle tests compare with a server) and a script of
the awkward cases are replayed one statement at a time, and after each one every
look-up is compared with a scan of all tables.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pglast import parse_sql
from pglast.stream import RawStream

from schema_catalog.sources.migrations.extensions import supabase_platform
from schema_catalog.sources.migrations.lookups import Tables
from schema_catalog.sources.migrations.replay import Replayer
from schema_catalog.sources.migrations.state import CatalogState, IndexState, TableState

FIXTURES = Path(__file__).parent / "fixtures" / "migrations"

AWKWARD = """
CREATE SCHEMA a; CREATE SCHEMA b;
CREATE TABLE a.t (id int PRIMARY KEY, x int CHECK (x > 0), y int CHECK (y > 0), UNIQUE (x), UNIQUE (x));
CREATE TABLE b.t (id int PRIMARY KEY, x int CHECK (x > 0), UNIQUE (x));
CREATE INDEX same_name ON b.t (x);
CREATE INDEX same_name ON a.t (x);
DROP INDEX same_name;
CREATE INDEX ON a.t (x); CREATE INDEX ON a.t (x);
CREATE TABLE a.u (x int);
ALTER TABLE a.u ADD UNIQUE (x), ADD UNIQUE (x), ADD CHECK (x > 0), ADD CHECK (x > 1);
ALTER INDEX b.same_name RENAME TO renamed;
CREATE TABLE public.parent (id int PRIMARY KEY, note text);
CREATE TABLE public.child (id int PRIMARY KEY, parent_id int REFERENCES public.parent (id));
ALTER TABLE public.child ENABLE ROW LEVEL SECURITY;
CREATE POLICY p ON public.child USING (EXISTS (SELECT 1 FROM public.parent WHERE parent.id = child.parent_id AND parent.note = 'x'));
ALTER TABLE public.parent RENAME COLUMN note TO remark;
ALTER TABLE public.parent RENAME COLUMN id TO parent_key;
ALTER TABLE public.parent RENAME TO elder;
ALTER TABLE public.elder RENAME COLUMN remark TO memo;
ALTER TABLE public.elder DROP COLUMN parent_key CASCADE;
CREATE TABLE public.log (at date NOT NULL, v int) PARTITION BY RANGE (at);
CREATE TABLE public.log_2024 PARTITION OF public.log FOR VALUES FROM ('2024-01-01') TO ('2025-01-01') PARTITION BY RANGE (at);
CREATE TABLE public.log_2024_h1 PARTITION OF public.log_2024 FOR VALUES FROM ('2024-01-01') TO ('2024-07-01');
CREATE TABLE public.log_2025 (at date NOT NULL, v int);
ALTER TABLE public.log ATTACH PARTITION public.log_2025 FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
ALTER TABLE public.log DETACH PARTITION public.log_2024;
ALTER TABLE public.log ATTACH PARTITION public.log_2024 FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
DROP TABLE public.log;
CREATE VIEW public.v AS SELECT 1 AS one;
CREATE OR REPLACE VIEW public.v AS SELECT 1 AS one, 2 AS two;
ALTER TABLE b.t DROP CONSTRAINT t_x_check;
ALTER TABLE b.t ADD CONSTRAINT t_x_check CHECK (x < 10);
CREATE TABLE b.gone (id int PRIMARY KEY REFERENCES a.t (id), CHECK (b.gone.id > 0));
CREATE INDEX gone_idx ON b.gone (id);
DROP TABLE b.gone;
"""


def fixture_scripts() -> list[Path]:
    return sorted(FIXTURES.rglob("*.sql"))


def indexed(tables: Tables) -> dict[str, object]:
    """Everything ``tables`` indexes, by table identity, as of now."""
    tables._refresh()

    def held(index: dict[Any, dict[int, TableState]]) -> dict[Any, set[int]]:
        return {key: set(found) for key, found in index.items()}

    return {
        "indexes": held(tables._indexes),
        "constraints": {key: n for key, n in tables._constraints.items() if n > 0},
        "referrers": held(tables._referrers),
        "qualified": held(tables._qualified),
        "children": held(tables._children),
    }


def check_lookups(catalog: CatalogState) -> None:
    """The index kept up statement by statement is the one built from scratch now."""
    scratch = Tables()
    for key, table in catalog.tables._tables.items():
        scratch[key] = table
    assert indexed(catalog.tables) == indexed(scratch)


def replay_checking(text: str, *, supabase: bool) -> CatalogState:
    catalog = CatalogState()
    if supabase:
        supabase_platform(catalog, api_grants=True)
    replayer = Replayer(catalog)
    for raw in parse_sql(text):
        replayer.statement(raw.stmt, "test")
        check_lookups(catalog)
    return catalog


def test_awkward_cases_agree_with_a_scan() -> None:
    catalog = replay_checking(AWKWARD, supabase=False)
    # Names chosen one after the other inside one statement see the ones before.
    altered = catalog.tables[("a", "u")]
    assert [k.name for k in altered.uniques] == ["u_x_key", "u_x_key1"]
    assert [c.name for c in altered.checks] == ["u_x_check", "u_x_check1"]
    assert [i.name for i in catalog.tables[("a", "t")].indexes][-2:] == ["t_x_idx", "t_x_idx1"]
    # An unqualified DROP INDEX takes the first table's in catalog order (a.t), not the
    # index created first (b.t's).
    assert catalog.find_index(None, "same_name") is None
    assert catalog.find_index("b", "renamed") is not None
    assert not catalog.relation_taken("b", "gone_idx")
    policy = catalog.tables[("public", "child")].policies["p"]
    printed = RawStream()(policy.using)
    assert "memo" in printed and "note" not in printed and "remark" not in printed


@pytest.mark.parametrize("script", fixture_scripts(), ids=lambda p: str(p.relative_to(FIXTURES)))
def test_fixture_migrations_agree_with_a_scan(script: Path) -> None:
    replay_checking(script.read_text(encoding="utf-8"), supabase=True)


def test_a_replaced_table_takes_its_names_along() -> None:
    tables = Tables()
    old = TableState("public", "t")
    old.indexes.append(IndexState("t_idx", []))
    tables[("public", "t")] = old
    assert tables.index_taken("public", "t_idx")
    tables[("public", "t")] = TableState("public", "t")
    assert not tables.index_taken("public", "t_idx")
