"""Where schema-catalog and pgrls disagreed, decided by the server.

pgrls 0.57 (PyPI; ``pgrls lint`` and ``pgrls matrix``) was run by hand on
tests/fixtures/access_routes.sql and pgrls_decisions.sql. Both tools agree on the
definer view, SECURITY DEFINER function and definer trigger routes, on
``auth.email()`` (its SEC034, our POL002), policies for BYPASSRLS roles (SEC023,
POL003) and unindexed policy columns (PERF003, POL004). Where they disagree, the
server is the judge and the decision is kept here:

1. ``FOR INSERT TO anon`` without WITH CHECK: pgrls's SEC039 says anon can insert;
   the server admits no row, so neither POL001 nor RLS008 fires. Splinter's
   0024 rls_policy_always_true flags it too: tests/test_analysis_splinter_sql.py
   keeps that difference on the splinter fixture, with the same proof.
2. A policy ``TO service_role USING (true)``: pgrls's SEC038 says it leaks every row
   to an anonymous session; anon sees no row through it (POL003: it has no effect).
3. A SECURITY DEFINER *trigger* function executable by PUBLIC: pgrls's SEC042 says
   anyone may call it through ``/rpc``; the server refuses to call a trigger function,
   so the only route is the trigger (our verdict names that one). The splinter rules
   SEC008/SEC009 still flag the EXECUTE grant, as splinter's own SQL does.
4. A foreign-key cascade: ``pgrls matrix`` leaves the child's DELETE ``UNDECIDED``;
   the server deletes the rows, and the verdict names the route
   (tests/test_analysis_access.py proves it).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest

from schema_catalog.analysis import access, analyze
from schema_catalog.config import Config
from schema_catalog.model import Catalog
from schema_catalog.sources import postgres

SQL = (Path(__file__).parent / "fixtures" / "pgrls_decisions.sql").read_text(encoding="utf-8")
Factory = Callable[..., str]


@pytest.fixture
def decisions_db(make_database: Factory) -> str:
    return make_database(SQL)


def _as_anon(dsn: str, statement: str) -> list[tuple[object, ...]]:
    with psycopg.connect(dsn) as conn:
        conn.execute("SET ROLE anon")
        cursor = conn.execute(statement.encode())
        return cursor.fetchall() if cursor.description else []


def _catalog(dsn: str) -> Catalog:
    return analyze(postgres.read(dsn, ["public"]), Config())


def _codes(catalog: Catalog, policy: str) -> set[str]:
    return {f.code for f in catalog.findings if f"`{policy}`" in f.message}


def test_an_insert_policy_without_with_check_lets_no_row_in(decisions_db: str) -> None:
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
        _as_anon(decisions_db, "INSERT INTO posts VALUES (gen_random_uuid(), 'spam')")
    assert not _codes(_catalog(decisions_db), "add") & {"POL001", "RLS008"}


def test_a_service_role_policy_shows_anon_nothing(decisions_db: str) -> None:
    assert _as_anon(decisions_db, "SELECT count(*) FROM posts") == [(0,)]
    catalog = _catalog(decisions_db)
    assert _codes(catalog, "svc") == {"POL003"}
    posts = catalog.table("public.posts")
    assert posts is not None
    assert access.verdict(catalog, posts, "anon").direct == (
        "no rows (RLS on, no policy for this role)"
    )


def test_a_trigger_function_cannot_be_called_through_rpc(decisions_db: str) -> None:
    with pytest.raises(psycopg.errors.FeatureNotSupported, match="trigger"):
        _as_anon(decisions_db, "SELECT public.audit_post()")
    _as_anon(decisions_db, "INSERT INTO notes (body) VALUES ('hi')")  # the trigger's route
    with psycopg.connect(decisions_db) as conn:
        assert conn.execute("SELECT note FROM audit").fetchall() == [("note",)]
    catalog = _catalog(decisions_db)
    audit = catalog.table("public.audit")
    assert audit is not None
    routes = [(r.kind, r.via) for r in access.verdict(catalog, audit, "anon").routes]
    assert routes == [("definer trigger", "public.notes.audited")]
