"""Hostile database text and awkward identifiers, end to end, in headless Chromium.

A real PostgreSQL database (tests/fixtures/hostile.sql) holds HTML and script,
Markdown, table-breaking characters, Jinja and Mermaid syntax in every string
that reaches a page, and identifiers that are mixed-case, unicode, 63 bytes
long, differ only by case or collide after slugging. It goes through the real
pipeline (postgres and migration sources → analysis → render → MkDocs with
the repo's mkdocs.yml). Between two extracts the database changes
(tests/fixtures/hostile_changes.sql: policies, roles, grants, columns, defaults,
constraints, a domain type and a function, all named with attr_list ``{: }``,
link and HTML payloads), so the Changelog page shows a diff full of hostile
text; a migration file with a hostile path proposes a hostile table. Every page of the built site is opened in Chromium on
127.0.0.1, once (`visits`); the tests then check what each visit recorded:

- no script runs: ``window.__pwned`` stays undefined, no dialog opens, no
  element carries an event handler or any attribute outside an allowlist, no
  link is ``javascript:``;
- the text reads as written: every string the catalog holds for a page is in
  the page's visible text, literally (``{{ 7*7 }}``, not ``49``), and page
  titles are the names themselves;
- every table has its own page, unique even on a case-insensitive filesystem;
- every internal link resolves (crawling the built HTML, fragments included);
- every diagram draws (an ``<svg>``, no Mermaid syntax error).

The number of cases tried is written to test-output/hostile-summary.txt.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

import psycopg
import pytest
from psycopg import sql as sql_module

from browser_support import OUTPUT, build_site, chromium, diagrams, open_tab, serve, shot
from conftest import FIXTURES, SUPABASE_BASE_SQL
from schema_catalog import embedded, pipeline
from schema_catalog.analysis import diff as diff_module
from schema_catalog.config import Config
from schema_catalog.model import Catalog, Table
from schema_catalog.pg import pretty
from schema_catalog.render import render, table_page
from schema_catalog.render.pages import page_paths

pytestmark = pytest.mark.browser

SCHEMAS = ("public", "Schéma <b>|{{ x }}")
CONFIG = Config.model_validate(
    {
        "schemas": list(SCHEMAS),
        "domains": {
            "Hostile <b>|{{ 7*7 }} %% -->": {
                "tables": ["*script*", "*{{*", "*bold*", "*link*", "a*", "```*"]
            },
            "Identifiers": {"tables": ["*sers", "order*", "über*", "📦*", "表*"]},
        },
        "tenancy": {"root": "organizations"},
        "site": {"title": "Hostile catalog"},
    }
)
EVIL = "<script>window.__pwned=1</script>"
ATTR_LIST = "*a*{: autofocus tabindex=1 onfocus=alert('x') }"
# A migration file whose path and content are hostile: it proposes a table.
MIGRATION_FILE = f"0001_<img src=x onerror=alert(1)> {ATTR_LIST} [m](javascript:alert(1)).sql"
PROPOSED = "*p*{: autofocus onfocus=alert(30) } [p](javascript:alert(31))"
MIGRATION_SQL = f"""CREATE TABLE "{PROPOSED}" (
  id int PRIMARY KEY,
  "[x](javascript:alert(32))" text DEFAULT '{{: onclick=alert(33) }}'
);
COMMENT ON TABLE "{PROPOSED}" IS '*e*{{: autofocus onfocus=alert(34) }} <b>bold</b>';
"""
# The only attributes an element of a page may carry: Material's and MkDocs' own,
# and ours (badges, anchors, links, code). ``data-*`` and ``aria-*`` are Material's.
ALLOWED_ATTRIBUTES = frozenset(
    [
        "class",
        "id",
        "href",
        "title",
        "lang",
        "charset",
        "name",
        "content",
        "rel",
        "type",
        "src",
        "defer",
        "async",
        "dir",
        "role",
        "for",
        "tabindex",
        "hidden",
        "checked",
        "disabled",
        "autocomplete",
        "autocorrect",
        "autocapitalize",
        "spellcheck",
        "required",
        "placeholder",
        "action",
        "method",
        "novalidate",
        "value",
        "translate",
        "viewbox",
        "xmlns",
        "d",
        "width",
        "height",
        "fill",
        "stroke",
        "style",
        "target",
    ]
)
# Literal text a reader must see on the page of the table named EVIL (from its comment).
PAYLOADS = (
    EVIL,
    '<img src=x onerror="window.__pwned=1;alert(1)">',
    "# heading",
    "---",
    "| a | b |",
    "**bold** _em_ [link](javascript:alert(1)) ![img](x.png)",
    "```",
    "`tick` ``double``",
    "{{ 7*7 }} {% raw %} {% if true %}jinja{% endif %} {# comment #}",
    '%% --> ::: ; } " erDiagram',
    "1. list item",
    "> quote",
    '!!! warning "admonition"',
    '{: .attr onclick="window.__pwned=1" }',
    "&amp; &lt;b&gt; &#60;i&#62;",
    "<!-- html comment --> end",
)
# Every table the fixture creates: extraction must keep each name exactly.
TABLES = {
    ("public", name)
    for name in (
        "organizations",
        "Users",
        "users",
        "order items",
        "order-items",
        "order_items",
        "index",
        "CON",
        "tags",
        "readme",
        "a_table_name_of_exactly_sixty_three_bytes_which_is_the_maximum1",
        "表" * 21,
        "über Tabelle",
        "📦 boxes & crates",
        "line one\nline two",
        "../etc/passwd",
        "a/b\\c",
        "---",
        "v1.2 dotted.name",
        "sep\u2028line\x85nel\x9fc1",
        EVIL,
        "</title><script>window.__pwned=1</script>",
        "{{ 7*7 }} {% raw %} {# c #}",
        "**bold** | # heading ---",
        "[link](javascript:alert(1))",
        'a"b;c}d %% --> ::: e',
        "```fence``` `tick`",
        f"view {EVIL}",
        "mv {{ 7*7 }} | `x`",
        # Added between the two extracts (hostile_changes.sql), and proposed by a migration.
        "*t*{: autofocus onfocus=alert(14) } [t](javascript:alert(15))",
        PROPOSED,
    )
} | {("Schéma <b>|{{ x }}", "Users"), ("Schéma <b>|{{ x }}", "users")}
HOSTILE_ROLES = (ATTR_LIST, "[role](javascript:alert(1)) <img src=x onerror=alert(1)>")
MIN_CASES = 1000
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


def normal(text: str) -> str:
    return " ".join(text.split())


# --------------------------------------------------------------------------- the site


@dataclass
class Site:
    catalog: Catalog
    dsn: str
    docs: Path
    site: Path
    url: str
    migrations: Path
    changes: diff_module.CatalogDiff


@pytest.fixture(scope="module")
def hostile_dsn(pg_admin_dsn: str) -> Iterator[str]:
    """The hostile database: `make_database`'s recipe, kept for the whole module."""
    name = f"hostile_{os.getpid()}"
    sql = SUPABASE_BASE_SQL + "\n" + (FIXTURES / "hostile.sql").read_text(encoding="utf-8")
    yield embedded.create_database(pg_admin_dsn, name, sql)
    with psycopg.connect(pg_admin_dsn, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        for role in HOSTILE_ROLES:
            conn.execute(
                sql_module.SQL("DROP ROLE IF EXISTS {}").format(sql_module.Identifier(role))
            )


def extract(dsn: str, migrations: Path) -> Catalog:
    options = pipeline.ExtractOptions(dsn=dsn, migrations=(str(migrations),))
    return pipeline.analyse(pipeline.extract(CONFIG, options), CONFIG)


@pytest.fixture(scope="module")
def built(hostile_dsn: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    work = tmp_path_factory.mktemp("hostile_e2e")
    migrations = work / "migrations"
    migrations.mkdir()
    (migrations / MIGRATION_FILE).write_text(MIGRATION_SQL, encoding="utf-8")
    out = work / "catalog" / "catalog.json"
    pipeline.save(extract(hostile_dsn, migrations), out)
    changes = (FIXTURES / "hostile_changes.sql").read_text(encoding="utf-8")
    with psycopg.connect(hostile_dsn, autocommit=True) as conn:
        conn.execute(changes)  # type: ignore[arg-type]
    catalog = extract(hostile_dsn, migrations)
    pipeline.save(catalog, out)
    previous = pipeline.load(CONFIG, pipeline.previous_path(out))
    changelog = pipeline.changelog(catalog, out, CONFIG)
    site = build_site(catalog, CONFIG, work, changelog=changelog)
    changed = diff_module.diff(previous, catalog)
    for url in serve(site):
        yield Site(catalog, hostile_dsn, work / "docs", site, url, migrations, changed)


def site_url(docs_path: str) -> str:
    """The URL (relative to the site root) of a page of docs/."""
    if docs_path == "index.md":
        return ""
    if docs_path.endswith("/index.md"):
        return docs_path.removesuffix("index.md")
    return docs_path.removesuffix(".md") + "/"


# --------------------------------------------------------------------------- expected text


@dataclass
class Case:
    """One string that must read as written on one page."""

    page: str
    what: str
    text: str


def table_texts(table: Table) -> Iterator[tuple[str, str | None]]:
    """Every string of a table that its page shows."""
    yield "name", table.name
    yield "qualified name", table.qualified_name
    yield "comment", table.comment
    # Shown laid out by pglast (the same statement; the text itself when it cannot parse).
    yield "view definition", pretty.statement(table.view_definition or "") or None
    for c in table.columns:
        yield from (("column", c.name), ("type", c.type), ("default", sql_shown(c.default)))
        yield "generated", sql_shown(c.generated)
        yield "column comment", c.comment
    if table.primary_key:
        yield "primary key", table.primary_key.name
    for u in table.unique_constraints:
        yield "unique", u.name
    for check in table.check_constraints:
        yield from (
            ("check", check.name),
            ("check expression", sql_shown(check.expression, pretty.check)),
        )
    for fk in table.foreign_keys:
        yield "foreign key", fk.name
    for ix in table.indexes:
        yield from (("index", ix.name), ("index predicate", sql_shown(ix.predicate)))
    for p in table.policies:
        yield from (
            ("policy", p.name),
            ("using", sql_shown(p.using)),
            ("with check", sql_shown(p.with_check)),
        )
    for t in table.triggers:
        yield from (("trigger", t.name), ("trigger function", t.function))


def sql_shown(sql: str | None, layout: Callable[[str], str] = pretty.expression) -> str | None:
    """SQL as its page shows it: in its cell, or, when long, laid out by pglast in a block."""
    if sql is None or len(sql) <= table_page.LONG_SQL:
        return sql
    return layout(sql)


def expected_cases(catalog: Catalog) -> list[Case]:
    pages = page_paths(catalog)
    cases: list[Case] = []
    for table in catalog.tables:
        page = site_url(pages.table(table.qualified_name) or "")
        cases += [Case(page, what, text) for what, text in table_texts(table) if text]
        cases += [Case(page, "domain badge", domain) for domain in table.domains]
        for listing in ("tables/", site_url(pages.schema(table.schema))):
            cases.append(Case(listing, "listed table", table.qualified_name))
        if table.kind in ("view", "materialized_view") and table.view_definition:
            cases.append(Case("views/", "view definition", pretty.statement(table.view_definition)))
    for enum in catalog.enums:
        cases.append(Case("enums/", "enum", f"{enum.schema_}.{enum.name}"))
        cases += [Case("enums/", "enum value", value) for value in enum.values]
        cases += [Case("enums/", "enum comment", enum.comment)] if enum.comment else []
    for function in catalog.functions:
        cases.append(Case("functions/", "function", function.signature))
        for what, text in (("definition", function.definition), ("comment", function.comment)):
            cases += [Case("functions/", f"function {what}", text)] if text else []
    for domain in catalog.domains:
        page = site_url(pages.domain(domain.name) or "")
        cases.append(Case(page, "domain", domain.name))
        # The nav shows the domain's tables by name (prefixed, so the case reads the nav).
        cases += [Case(page, "nav", f"nav: {name.split('.', 1)[1]}") for name in domain.tables]
    cases += [Case("", "source", source.location) for source in catalog.sources]
    return cases


def changelog_cases(changes: diff_module.CatalogDiff) -> list[Case]:
    """Every string of the diff that the Changelog page shows."""
    cases = [Case("changelog/", f"{t.status} table", t.table) for t in changes.tables]
    for table in changes.tables:
        for c in table.changes:
            texts = (("name", c.name), ("old", c.old), ("new", c.new))
            cases += [Case("changelog/", f"{c.object_type} {w}", v) for w, v in texts if v]
    for impact in changes.security:
        cases.append(Case("changelog/", "impact target", impact.target))
        if impact.message.count("`") % 2 == 0:  # backquoted parts show as code
            cases.append(Case("changelog/", "impact", impact.message.replace("`", "")))
    return cases


def expected_titles(catalog: Catalog) -> dict[str, str]:
    """Page URL → the title its browser tab must show: the name, on one line, with
    any control character shown as U+FFFD."""
    pages = page_paths(catalog)
    titles = {site_url(pages.table(t.qualified_name) or ""): t.name for t in catalog.tables}
    titles.update({site_url(pages.schema(s)): f"Schema {s}" for s in pages.schemas()})
    titles.update({site_url(pages.domain(d.name) or ""): d.name for d in catalog.domains})
    return {url: CONTROL.sub("\ufffd", normal(title)) for url, title in titles.items()}


# --------------------------------------------------------------------------- visiting every page

PAGE_FACTS = """() => ({
  pwned: typeof window.__pwned,
  title: document.title,
  text: (document.querySelector('.md-content') || document.body).innerText + '\\n'
      + [...document.querySelectorAll('.md-nav--primary .md-nav__link')]
          .map(a => 'nav: ' + a.textContent).join('\\n'),
  handlers: [...document.querySelectorAll('*')].flatMap(el => [...el.attributes]
      .filter(a => /^on/i.test(a.name)).map(a => el.tagName + ' ' + a.name)),
  injected: document.querySelectorAll(
      '.md-content :is(img, iframe, object, embed, form), .md-nav img, .md-header img').length,
  scripts: [...document.scripts].map(s => s.src || s.textContent.slice(0, 60)),
  // Mermaid's SVG (drawn with securityLevel strict) carries SVG's own attributes; the
  // handler and javascript: checks above and below still cover it.
  attributes: [...new Set([...document.querySelectorAll('*')]
      .filter(el => !el.closest('div.sc-diagram svg'))
      .flatMap(el => [...el.attributes].map(a => a.name.toLowerCase())))],
  javascript_links: [...document.querySelectorAll('a[href]')]
      .map(a => a.getAttribute('href')).filter(h => /^\\s*javascript:/i.test(h)),
})"""


@dataclass
class Visit:
    url: str
    facts: dict[str, Any]
    diagrams: list[dict[str, Any]]
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)


def html_pages(site: Path) -> list[str]:
    """Every page of the built site, as URLs relative to its root."""
    urls = []
    for page in sorted(site.rglob("*.html")):
        relative = page.relative_to(site).as_posix()
        urls.append(relative.removesuffix("index.html"))
    return urls


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


@pytest.fixture(scope="module")
def visits(built: Site, browser: Any) -> dict[str, Visit]:
    found: dict[str, Visit] = {}
    with open_tab(browser) as (tab, watch):
        for url in html_pages(built.site):
            before = (len(watch.errors), len(watch.dialogs), len(watch.outside))
            tab.goto(built.url + url, wait_until="load")
            drawn = diagrams(tab) if tab.locator("pre.sc-diagram, div.sc-diagram").count() else []
            facts = tab.evaluate(PAGE_FACTS)
            found[url] = Visit(
                url,
                facts,
                drawn,
                errors=watch.errors[before[0] :],
                dialogs=watch.dialogs[before[1] :],
                outside=watch.outside[before[2] :],
            )
            if url.startswith("tables/public/script-window"):
                shot(tab, "hostile-e2e-table")
    return found


# --------------------------------------------------------------------------- tests


def test_the_changelog_shows_hostile_changes(built: Site) -> None:
    """The diff between the two extracts is full of hostile names: a case per kind."""
    impacts = {(i.kind, i.target) for i in built.changes.security}
    assert ("rls_disabled", f"public.{EVIL}") in impacts
    assert any(ATTR_LIST in i.message for i in built.changes.security)
    statuses = {t.status for t in built.changes.tables}
    assert statuses == {"added", "removed", "changed"}
    changed = {(c.object_type, c.name) for t in built.changes.tables for c in t.changes}
    assert ("policy", ATTR_LIST) in changed and (
        "policy",
        "[click me](javascript:alert(1))",
    ) in changed
    assert len(changelog_cases(built.changes)) >= 20


def test_extraction_keeps_every_name_and_payload(built: Site) -> None:
    assert {(t.schema, t.name) for t in built.catalog.tables} == TABLES
    evil = next(t for t in built.catalog.tables if t.name == EVIL)
    for payload in PAYLOADS:
        assert payload in (evil.comment or ""), payload
    assert sum(len(t.name.encode()) == 63 for t in built.catalog.tables) == 2  # ASCII and CJK


def test_no_script_runs_on_any_page(visits: dict[str, Visit]) -> None:
    assert len(visits) > len(TABLES)
    for url, visit in visits.items():
        assert visit.facts["pwned"] == "undefined", url
        assert not visit.dialogs, (url, visit.dialogs)
        assert not visit.facts["handlers"], (url, visit.facts["handlers"])
        assert not visit.facts["injected"], url
        assert not visit.facts["javascript_links"], (url, visit.facts["javascript_links"])
        outside = [
            name
            for name in visit.facts["attributes"]
            if name not in ALLOWED_ATTRIBUTES and not name.startswith(("data-", "aria-"))
        ]
        assert not outside, (url, outside)
        assert all("pwned" not in s for s in visit.facts["scripts"]), url
        assert not visit.errors, (url, visit.errors)
        assert not visit.outside, (url, visit.outside)


def test_text_reads_as_written(built: Site, visits: dict[str, Visit]) -> None:
    missing = [
        (case.page, case.what, case.text)
        for case in expected_cases(built.catalog) + changelog_cases(built.changes)
        if normal(case.text) not in normal(visits[case.page].facts["text"])
    ]
    assert not missing, missing[:10]
    evil_page = site_url(page_paths(built.catalog).table(f"public.{EVIL}") or "")
    for payload in PAYLOADS:
        assert normal(payload) in normal(visits[evil_page].facts["text"]), payload


def test_page_titles_are_the_names(built: Site, visits: dict[str, Visit]) -> None:
    titles = expected_titles(built.catalog)
    wrong = {
        url: visits[url].facts["title"]
        for url, title in titles.items()
        if visits[url].facts["title"] != f"{title} - {CONFIG.site_name}"
    }
    assert not wrong, wrong


def test_every_table_page_draws_its_diagram(built: Site, visits: dict[str, Visit]) -> None:
    pages = page_paths(built.catalog)
    urls = [site_url(pages.table(t.qualified_name) or "") for t in built.catalog.tables]
    urls += [site_url(pages.domain(d.name) or "") for d in built.catalog.domains]
    for url in urls:
        drawn = visits[url].diagrams
        assert drawn, url
        for diagram in drawn:
            assert diagram["svg"] and not diagram["error"], (url, diagram["text"][:200])
            assert "Syntax error" not in diagram["text"], url


def test_every_table_has_a_unique_case_insensitive_page(built: Site) -> None:
    pages = page_paths(built.catalog)
    paths = [pages.table(t.qualified_name) for t in built.catalog.tables]
    assert all(paths) and len(set(paths)) == len(paths)
    folded = {unicodedata.normalize("NFC", p or "").casefold() for p in paths}
    assert len(folded) == len(paths)
    for path in paths:
        assert path and re.fullmatch(r"tables/[\w\-]+/[\w\-]+\.md", path), path
        assert path == unicodedata.normalize("NFC", path)
        assert (built.docs / path).is_file()
        assert (built.site / site_url(path) / "index.html").is_file()
    everything = [p.relative_to(built.site).as_posix() for p in built.site.rglob("*")]
    clashes = Counter(unicodedata.normalize("NFC", p).casefold() for p in everything)
    assert not [p for p, n in clashes.items() if n > 1]


class _Links(HTMLParser):
    """The links and element ids of one HTML page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(values["id"] or "")
        attribute = {"a": "href", "link": "href", "script": "src", "img": "src"}.get(tag)
        if attribute and values.get(attribute):
            self.links.append(values[attribute] or "")


def crawl(site: Path) -> tuple[dict[str, _Links], list[tuple[str, str]]]:
    """Every page's links and ids, and every (page, link) to a local target."""
    parsed: dict[str, _Links] = {}
    for page in sorted(site.rglob("*.html")):
        parser = _Links()
        parser.feed(page.read_text(encoding="utf-8"))
        parsed[page.relative_to(site).as_posix()] = parser
    local = [
        (page, link)
        for page, parser in parsed.items()
        for link in parser.links
        if not urlsplit(link).scheme and not link.startswith("//")
    ]
    return parsed, local


def resolve(page: str, link: str) -> tuple[str, str]:
    """The file a link from ``page`` points to, and its fragment."""
    target = urlsplit(urljoin("http://site/" + page, link))
    path = unquote(target.path).lstrip("/")
    if path == "" or path.endswith("/"):
        path += "index.html"
    return path, unquote(target.fragment)


@pytest.fixture(scope="module")
def crawled(built: Site) -> tuple[dict[str, _Links], list[tuple[str, str]]]:
    return crawl(built.site)


def test_every_internal_link_resolves(
    built: Site, crawled: tuple[dict[str, _Links], list[tuple[str, str]]]
) -> None:
    parsed, links = crawled
    broken = []
    for page, link in links:
        path, fragment = resolve(page, link)
        if not (built.site / path).is_file():
            broken.append((page, link, "no such file"))
        elif fragment and path in parsed and fragment not in parsed[path].ids:
            broken.append((page, link, "no such anchor"))
    assert not broken, broken[:10]
    assert len(links) > 1000


def test_search_shows_hostile_names_as_text(built: Site, browser: Any) -> None:
    with open_tab(browser) as (tab, watch):
        tab.goto(built.url)
        tab.click("label.md-search__icon, .md-search__input")
        tab.locator("input.md-search__input").press_sequentially("pwned", delay=40)
        results = tab.locator(".md-search-result__item")
        results.first.wait_for(timeout=15_000)
        assert EVIL in tab.locator(".md-search-result").inner_text()
        results.first.locator("a").first.click()
        tab.wait_for_load_state()
        assert tab.evaluate("() => typeof window.__pwned") == "undefined"
        assert not watch.dialogs and not watch.outside, watch.dialogs


# --------------------------------------------------------------------------- stability


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def test_render_is_stable_across_runs_and_extractions(built: Site, tmp_path: Path) -> None:
    again = extract(built.dsn, built.migrations)
    assert page_paths(again).table(f"public.{EVIL}") == page_paths(built.catalog).table(
        f"public.{EVIL}"
    )
    render(built.catalog, CONFIG, tmp_path / "one")
    render(again, CONFIG, tmp_path / "two")
    one, two = tree(tmp_path / "one"), tree(tmp_path / "two")
    assert one.keys() == two.keys()
    assert [p for p in one if one[p] != two[p]] == []


def test_adding_users_does_not_move_Users(built: Site, tmp_path: Path) -> None:  # noqa: N802
    tables = tuple(t for t in built.catalog.tables if t.qualified_name != "public.users")
    without = built.catalog.model_copy(update={"tables": tables})
    before = page_paths(without).table("public.Users") or ""
    render(without, CONFIG, tmp_path)
    assert (tmp_path / before).is_file()
    render(built.catalog, CONFIG, tmp_path)
    after = page_paths(built.catalog)
    assert after.table("public.Users") == before and (tmp_path / before).is_file()
    users = after.table("public.users") or ""
    assert (tmp_path / users).is_file() and users.casefold() != before.casefold()


# --------------------------------------------------------------------------- count


def test_cases_tried_are_counted(
    built: Site, visits: dict[str, Visit], crawled: tuple[dict[str, _Links], list[tuple[str, str]]]
) -> None:
    counts = {
        "text cases (string, page)": len(expected_cases(built.catalog))
        + len(changelog_cases(built.changes))
        + len(PAYLOADS),
        "pages opened in Chromium": len(visits),
        "page titles": len(expected_titles(built.catalog)),
        "diagrams drawn": sum(len(v.diagrams) for v in visits.values()),
        "internal links resolved": len(crawled[1]),
        "table identifiers": len(built.catalog.tables),
    }
    total = sum(counts.values())
    line = f"hostile e2e: {total} cases tried: " + ", ".join(f"{v} {k}" for k, v in counts.items())
    OUTPUT.mkdir(exist_ok=True)
    (OUTPUT / "hostile-summary.txt").write_text(line + "\n", encoding="utf-8")
    print(line)
    assert total >= MIN_CASES and counts["text cases (string, page)"] >= 400, line
