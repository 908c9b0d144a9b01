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
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

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


@pytest.fixture(scope="module")
def linted(pg_admin_dsn: str) -> Iterator[tuple[dict[str, set[Key]], Catalog]]:
    """(splinter's objects per lint name, the analysed catalog) of one database."""
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
        yield found, analyze(postgres.read(dsn, ["public"]), Config())
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


@pytest.mark.parametrize("lint", [p.stem for p in LINTS])
def test_check_flags_what_splinter_flags(
    linted: tuple[dict[str, set[Key]], Catalog], lint: str
) -> None:
    splinter, catalog = linted
    rule = next(r for r in RULES.values() if lint in r.aliases)
    # A rule merged into another's finding (one root cause) is named in `related`.
    ours = {
        _our_key(f, lint)
        for f in catalog.findings
        if f.rule in rule.names() or rule.code in f.related
    }
    assert ours == splinter[lint]
    assert splinter[lint], f"the fixture gives splinter's {lint} nothing to flag"


def test_unused_index_needs_usage_and_spares_the_used_one(
    linted: tuple[dict[str, set[Key]], Catalog],
) -> None:
    splinter, catalog = linted
    assert catalog.usage is not None
    scans = {(u.table, u.index): u.scans for u in catalog.usage.indexes}
    assert scans[("public.clean_notes", USED_INDEX)] > 0
    assert not any(USED_INDEX in key[0] for key in splinter[UNUSED_INDEX])
    # A catalog without usage (migrations, Drizzle, a snapshot alone): the rule is silent.
    without = analyze(catalog.facts().model_copy(update={"usage": None}), Config())
    assert not [f for f in without.findings if f.rule == "unused_index"]
    assert [f for f in catalog.findings if f.rule == "unused_index"]
