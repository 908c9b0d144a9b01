"""The access verdict against a real server: each route it names really opens the table.

tests/fixtures/access_routes.sql builds a definer view, a SECURITY DEFINER
function, a definer trigger and an ON DELETE CASCADE key. The server proves each
route (as anon or authenticated, through SET ROLE); then the verdict, the rules
(ACC001, ACC002) and the rendered table pages must name the same routes, and no
page may say a role has no way in where one exists.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest

from schema_catalog.analysis import access, analyze
from schema_catalog.config import Config
from schema_catalog.model import Catalog
from schema_catalog.render import render
from schema_catalog.sources import postgres

SQL = (Path(__file__).parent / "fixtures" / "access_routes.sql").read_text(encoding="utf-8")

Factory = Callable[..., str]


@pytest.fixture
def routes_db(make_database: Factory) -> str:
    return make_database(SQL)


def _as(dsn: str, role: str, statement: str) -> list[tuple[object, ...]]:
    with psycopg.connect(dsn) as conn:
        conn.execute(f"SET ROLE {role}")
        cursor = conn.execute(statement.encode())
        return cursor.fetchall() if cursor.description else []


def test_the_server_opens_every_route(routes_db: str) -> None:
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        _as(routes_db, "anon", "SELECT * FROM tasks")
    assert _as(routes_db, "anon", "SELECT title FROM task_list") == [("first",)]
    _as(routes_db, "anon", "SELECT close_task(1)")
    _as(routes_db, "anon", "INSERT INTO feedback (body) VALUES ('from anon')")
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        _as(routes_db, "authenticated", "SELECT * FROM members")
    _as(routes_db, "authenticated", "DELETE FROM organizations WHERE id = 1")
    with psycopg.connect(routes_db) as conn:
        assert conn.execute("SELECT title, done FROM tasks ORDER BY id").fetchall() == [
            ("first", True),
            ("from anon", False),
        ]
        assert conn.execute("SELECT count(*) FROM members").fetchone() == (0,)


def _analysed(dsn: str) -> Catalog:
    return analyze(postgres.read(dsn, ["public"]), Config())


def test_the_verdict_and_the_rules_name_each_route(routes_db: str) -> None:
    catalog = _analysed(routes_db)
    tasks, members = catalog.table("public.tasks"), catalog.table("public.members")
    assert tasks is not None and members is not None
    anon = access.verdict(catalog, tasks, "anon")
    assert anon.direct == "no grant of its own; reached by other routes"
    assert [(r.kind, r.via, r.commands) for r in anon.routes] == [
        ("SECURITY DEFINER function", "public.close_task(task integer)", ("UPDATE",)),
        ("definer trigger", "public.feedback.to_task", ("INSERT",)),
        ("definer view", "public.task_list", ("SELECT",)),
    ]
    authenticated = access.verdict(catalog, members, "authenticated")
    assert [(r.kind, r.commands) for r in authenticated.routes] == [
        ("foreign-key cascade", ("DELETE",))
    ]
    assert access.verdict(catalog, members, "anon").routes == ()
    hits = {f.target: (f.code, f.message) for f in catalog.findings if f.code.startswith("ACC")}
    assert sorted(hits) == ["public.members", "public.tasks"]
    code, message = hits["public.tasks"]
    # one finding per table, listing the routes; close_task is PUBLIC: authenticated too
    assert code == "ACC001" and "4 × " in message
    for route in ("definer view `public.task_list`", "definer trigger `public.feedback.to_task`"):
        assert route in message
    assert hits["public.members"][0] == "ACC002"


def _as_read(markdown: str) -> str:
    """The text a reader sees: no tags (``<code>``, ``<wbr>``), no entities (``&#40;``)."""
    return html.unescape(re.sub(r"<[^>]+>", "", markdown))


def test_no_page_says_no_way_in_where_a_route_exists(routes_db: str, tmp_path: Path) -> None:
    catalog = _analysed(routes_db)
    render(catalog, Config(), tmp_path)
    tasks = (tmp_path / "tables/public/tasks.md").read_text(encoding="utf-8")
    section = tasks.split("## Grants and API exposure", 1)[1].split("\n## ", 1)[0]
    anon_row = next(line for line in section.splitlines() if line.startswith("| anon |"))
    for route in (
        "SELECT through definer view public.task_list",
        "UPDATE through SECURITY DEFINER function public.close_task(task integer)",
        "INSERT through definer trigger public.feedback.to_task",
    ):
        assert route in _as_read(anon_row)
    members = (tmp_path / "tables/public/members.md").read_text(encoding="utf-8")
    assert "DELETE through foreign-key cascade public.members.members_organization_id_fkey" in (
        _as_read(members)
    )
    for page in (tmp_path / "tables").rglob("*.md"):
        for line in page.read_text(encoding="utf-8").splitlines():
            if line.startswith(("| anon |", "| authenticated |")) and "no access" in line:
                assert line.endswith("| none |"), (page.name, line)  # no route either
