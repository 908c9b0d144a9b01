"""Splinter parity with splinter's own SQL as the oracle.

fixtures/splinter/ holds splinter's lint definitions, unchanged (see its README).
Each is created as a view in the splinter fixture database (fixtures/splinter.sql,
with pg_graphql registered as test_analysis_splinter does), and the objects it
reports must be exactly the objects `check` flags under the same splinter name.
Objects are compared as splinter's ``metadata`` names them: (schema, name), plus
the column for ``unsupported_reg_types``, and the extension's name alone.
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
# Rules whose splinter SQL needs what a snapshot cannot hold (index usage statistics).
LIVE_ONLY = {"0005_unused_index"}
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
            found: dict[str, set[Key]] = {}
            for path in LINTS:
                conn.execute(path.read_text(encoding="utf-8").encode())
                view = path.stem
                rows = conn.execute(f'select name, metadata from lint."{view}"').fetchall()
                found[view] = {_splinter_key(m) for _, m in rows}
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
    schema, _, rest = target.partition(".")
    name = rest.split("(", 1)[0]
    if rule == "0018_unsupported_reg_types":
        table, _, column = name.partition(".")
        return (schema, table, column)
    return (schema, name.split(".", 1)[0])


@pytest.mark.parametrize("lint", [p.stem for p in LINTS if p.stem not in LIVE_ONLY])
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
