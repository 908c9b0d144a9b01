"""`diff --format pr-comment`: one escaped comment with changes, impact, findings and links."""

from __future__ import annotations

from pathlib import Path

import pytest

from gate_project import cli, make_project
from schema_catalog import analysis, config, snapshot
from schema_catalog.analysis import diff
from schema_catalog.model import Catalog
from schema_catalog.render.pr_comment import MARKER, MAX_ROWS, pr_comment

ROOT = Path(__file__).resolve().parents[1]
SITE = "https://acme.github.io/app/"
CHANGE = """\
create table public.invoices (
  id uuid primary key,
  organization_id uuid not null references public.organizations (id)
);
create table public."<img src=x onerror=alert(1)>|*x*" (id int primary key);
alter table public.organization_members disable row level security;
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = make_project(tmp_path_factory.mktemp("project"))
    assert cli("extract", "--no-database", "--out", "old.json", cwd=root).returncode == 0
    (root / "supabase" / "migrations" / "20240501000000_invoices.sql").write_text(CHANGE)
    assert cli("extract", "--no-database", "--out", "new.json", cwd=root).returncode == 0
    return root


@pytest.fixture(scope="module")
def comment(project: Path) -> str:
    result = cli(
        "diff", "old.json", "new.json", "--format", "pr-comment", "--site-url", SITE, cwd=project
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def section(text: str, title: str) -> str:
    start = text.index(f"### {title}")
    end = text.find("\n### ", start + 1)
    return text[start : end if end > 0 else len(text)]


def test_the_comment_starts_with_the_marker_and_puts_security_first(comment: str) -> None:
    assert comment.splitlines()[0] == MARKER
    assert comment.count(MARKER) == 1
    assert comment.index("### Security impact") < comment.index("### New findings")
    impact = section(comment, "Security impact")
    assert (
        "| rls_disabled | <code>public.organization_members</code> | RLS was turned off |" in impact
    )


def test_new_and_resolved_findings_with_where_they_are_declared(comment: str) -> None:
    new = section(comment, "New findings")
    declared = "<code>supabase/migrations/20240501000000_invoices.sql&#58;1</code>"
    assert any(
        "TEN001" in row and "public.invoices" in row and declared in row for row in new.splitlines()
    )
    resolved = section(comment, "Resolved findings")
    assert "TEN002" in resolved and "organization_members" in resolved
    assert "TEN001" not in resolved


def test_links_lead_to_the_pages_render_writes(project: Path, comment: str) -> None:
    pages = section(comment, "Changed pages")
    assert f"]({SITE}tables/public/invoices/): added" in pages
    assert f"]({SITE}tables/public/organization_members/): changed" in pages
    rendered = cli("render", "--catalog", "new.json", "--docs", "docs", cwd=project)
    assert rendered.returncode == 0, rendered.stderr
    for url in [
        line.split("](", 1)[1].split(")", 1)[0] for line in pages.splitlines() if "](" in line
    ]:
        page = url.removeprefix(SITE).rstrip("/") + ".md"
        assert (project / "docs" / page).is_file(), url


def test_database_text_cannot_inject_markup(comment: str) -> None:
    assert "<img" not in comment and "*x*" not in comment
    assert "&#60;img src&#61;x onerror&#61;alert&#40;1&#41;&#62;&#124;&#42;x&#42;" in comment


def test_without_site_url_names_only(project: Path) -> None:
    result = cli("diff", "old.json", "new.json", "--format", "pr-comment", cwd=project)
    assert result.returncode == 0, result.stderr
    assert "- <code>public.invoices</code>: added" in result.stdout
    assert "](" not in result.stdout


def test_a_site_url_that_is_not_a_web_address_is_refused(project: Path) -> None:
    result = cli(
        "diff", "old.json", "new.json", "--format", "pr-comment", "--site-url", "javascript:alert(1)",
        cwd=project,
    )  # fmt: skip
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1 and "--site-url" in result.stderr


def test_a_large_change_still_fits_one_comment() -> None:
    settings = config.load(ROOT / "catalog" / "catalog.yml")
    new = analysis.analyze(snapshot.load(ROOT / "catalog" / "catalog.json"), settings)
    old = Catalog(schemas=new.schemas)
    text = pr_comment(diff.diff(old, new), old, new, site_url=SITE)
    assert len(new.findings) > MAX_ROWS and len(text) < 65_536
    assert f"… and {len(new.findings) - MAX_ROWS} more." in text
    assert section(text, "New findings").count("\n| ") == MAX_ROWS + 1  # header row + capped rows


def test_web_link_refuses_anything_but_a_web_address() -> None:
    from schema_catalog.render.escape import web_link

    assert web_link("a", "https://x.example/a b") == "a"
    assert web_link("a", "javascript:alert(1)") == "a"
    assert web_link("a", "https://x.example/p)[y](z") == "a"
    assert web_link("a_b", "https://x.example/t/") == "[a_b](https://x.example/t/)"
