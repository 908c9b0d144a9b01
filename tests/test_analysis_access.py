"""The access verdict against a real server: each route it names really opens the table.

tests/fixtures/access_routes.sql builds a definer view, a SECURITY DEFINER
function, a definer trigger and an ON DELETE CASCADE key. The server proves each
route (as anon or authenticated, through SET ROLE); then the verdict, the rules
(ACC001, ACC002) and the rendered table pages must name the same routes, and no
page may say a role has no way in where one exists.

The same fixture with ``tasks`` granted to anon (as Supabase's legacy grants left
new tables in ``public``) keeps RLS on and no policy: anon reads no row of
``tasks`` directly, yet reads and updates it through the same routes. The page's
"Can read or write" must then name them beside its "no rows directly".
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
from schema_catalog.model import API_ROLES, Catalog
from schema_catalog.render import render
from schema_catalog.sources import postgres

SQL = (Path(__file__).parent / "fixtures" / "access_routes.sql").read_text(encoding="utf-8")

Factory = Callable[..., str]


@pytest.fixture
def routes_db(make_database: Factory) -> str:
    return make_database(SQL)


_LEGACY_GRANTS = {
    # the audit's reproduction: anon may read and update tasks, no policy lets it
    "select-update": "GRANT SELECT, UPDATE ON tasks TO anon;",
    # what Supabase granted on every new table in public before 2026-10-30
    "legacy-all": "GRANT ALL ON tasks TO anon, authenticated, service_role;",
}


@pytest.fixture(params=sorted(_LEGACY_GRANTS))
def granted_db(make_database: Factory, request: pytest.FixtureRequest) -> str:
    return make_database(f"{SQL}\n{_LEGACY_GRANTS[request.param]}\n")


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
    assert anon.direct == "no grant of its own"
    assert anon.text == (
        "no grant of its own · updates through SECURITY DEFINER function"
        " `public.close_task(task integer)`; inserts through definer trigger"
        " `public.feedback.to_task`; reads through definer view `public.task_list`"
    )
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


# Words by which a cell of an API role's row denies access, in any form it takes.
_DENIALS = re.compile(
    r"\bno (?:access|rows?|grant|policy|way)\b|\bnot directly\b|\bnone\b|\bnothing\b"
    r"|\bcannot\b|\bcan't\b|\bdenied\b|\bforbidden\b",
    re.I,
)


def _exposure(page: str) -> dict[str, list[str]]:
    """The rows of "Grants and API exposure", by role: role, privileges, can read or
    write, other routes in; each cell as a reader sees it."""
    section = page.split("## Grants and API exposure", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        cells = [_as_read(c).strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 4 and cells[0] in API_ROLES:  # not the grants table under it
            rows[cells[0]] = cells
    return rows


def _assert_denials_name_routes(catalog: Catalog, pages: Path) -> int:
    """No cell of an API role's row on any table page denies access where a route opens
    what it denies, unless it names each such route; returns how many rows had routes."""
    checked = 0
    for table in catalog.tables:
        page = pages / "tables" / table.schema_ / f"{table.name}.md"
        if not page.exists() or table.kind != "table":
            continue
        rows = _exposure(page.read_text(encoding="utf-8"))
        for role, (_, _, can, other) in rows.items():
            verdict = access.verdict(catalog, table, role)
            if not verdict.routes:
                continue
            checked += 1
            assert not _DENIALS.search(other), (page.name, role, other)
            for what, route in verdict.rerouted:
                assert f"{what} through {route.kind} {route.via}" in can, (page.name, role, can)
            if _DENIALS.search(can):
                assert verdict.rerouted and " · " in can, (page.name, role, can)
                denial = can.split(" · ", 1)[0]
                assert "directly" in denial or "of its own" in denial, (page.name, role, can)
    return checked


def test_no_page_says_no_way_in_where_a_route_exists(routes_db: str, tmp_path: Path) -> None:
    catalog = _analysed(routes_db)
    render(catalog, Config(), tmp_path)
    tasks = (tmp_path / "tables/public/tasks.md").read_text(encoding="utf-8")
    anon_row = " | ".join(_exposure(tasks)["anon"])
    for route in (
        "SELECT through definer view public.task_list",
        "UPDATE through SECURITY DEFINER function public.close_task(task integer)",
        "INSERT through definer trigger public.feedback.to_task",
    ):
        assert route in anon_row
    assert _exposure(tasks)["anon"][2] == (
        "no grant of its own · updates through SECURITY DEFINER function"
        " public.close_task(task integer); inserts through definer trigger"
        " public.feedback.to_task; reads through definer view public.task_list"
    )
    members = (tmp_path / "tables/public/members.md").read_text(encoding="utf-8")
    assert _exposure(members)["authenticated"][2] == (
        "no grant of its own · deletes through foreign-key cascade"
        " public.members.members_organization_id_fkey from public.organizations"
    )
    assert _assert_denials_name_routes(catalog, tmp_path) >= 3
    for page in (tmp_path / "tables").rglob("*.md"):
        for line in page.read_text(encoding="utf-8").splitlines():
            if line.startswith(("| anon |", "| authenticated |")) and "no access" in line:
                assert line.endswith("| none |"), (page.name, line)  # no route either


def test_a_grant_without_a_policy_still_names_the_routes(granted_db: str, tmp_path: Path) -> None:
    # the server: anon's own grant reads and updates no row, the routes do
    assert _as(granted_db, "anon", "SELECT * FROM tasks") == []
    assert _as(granted_db, "anon", "UPDATE tasks SET done = true RETURNING id") == []
    assert _as(granted_db, "anon", "SELECT title FROM task_list") == [("first",)]
    _as(granted_db, "anon", "SELECT close_task(1)")
    _as(granted_db, "anon", "INSERT INTO feedback (body) VALUES ('from anon')")
    with psycopg.connect(granted_db) as conn:
        assert conn.execute("SELECT title, done FROM tasks ORDER BY id").fetchall() == [
            ("first", True),
            ("from anon", False),
        ]

    catalog = _analysed(granted_db)
    tasks = catalog.table("public.tasks")
    assert tasks is not None
    anon = access.verdict(catalog, tasks, "anon")
    assert anon.direct == "no rows directly (RLS on, no policy for this role)"
    render(catalog, Config(), tmp_path)
    page = (tmp_path / "tables/public/tasks.md").read_text(encoding="utf-8")
    _, privileges, can, other = _exposure(page)["anon"]
    assert "SELECT" in privileges and "UPDATE" in privileges
    assert can == (
        "no rows directly (RLS on, no policy for this role) · updates through"
        " SECURITY DEFINER function public.close_task(task integer); inserts through"
        " definer trigger public.feedback.to_task; reads through definer view"
        " public.task_list"
    )
    for cell in (privileges, can, other):
        if _DENIALS.search(cell):
            for route in (
                "definer view public.task_list",
                "SECURITY DEFINER function public.close_task(task integer)",
                "definer trigger public.feedback.to_task",
            ):
                assert route in cell, (cell, route)
    assert _assert_denials_name_routes(catalog, tmp_path) >= 3


def test_a_policy_for_one_command_leaves_the_others_to_their_routes(
    make_database: Factory, tmp_path: Path
) -> None:
    dsn = make_database(
        f"{SQL}\nGRANT SELECT, UPDATE ON tasks TO anon;\n"
        "CREATE POLICY anon_reads ON tasks FOR SELECT TO anon USING (true);\n"
    )
    # anon reads tasks itself, but updates and inserts only through the routes
    assert _as(dsn, "anon", "SELECT title FROM tasks") == [("first",)]
    assert _as(dsn, "anon", "UPDATE tasks SET done = true RETURNING id") == []
    _as(dsn, "anon", "SELECT close_task(1)")
    with psycopg.connect(dsn) as conn:
        assert conn.execute("SELECT done FROM tasks").fetchall() == [(True,)]

    catalog = _analysed(dsn)
    render(catalog, Config(), tmp_path)
    page = (tmp_path / "tables/public/tasks.md").read_text(encoding="utf-8")
    _, _, can, other = _exposure(page)["anon"]
    assert can == (
        "rows allowed by RLS policies · updates through SECURITY DEFINER function"
        " public.close_task(task integer); inserts through definer trigger"
        " public.feedback.to_task"
    )
    assert "SELECT through definer view public.task_list" in other
    assert _assert_denials_name_routes(catalog, tmp_path) >= 3
