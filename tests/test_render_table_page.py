"""render/table_page: long SQL leaves its table cell for a code block under the table."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path
from typing import Any

import markdown

from render_catalogs import sample_catalog
from schema_catalog import site_settings
from schema_catalog.analysis import analyze
from schema_catalog.config import Config
from schema_catalog.model import Catalog, Policy, RlsCoverage
from schema_catalog.pg import pretty
from schema_catalog.render import render_pages
from schema_catalog.render.table_page import LONG_SQL, SqlBlocks
from schema_catalog.sources import drizzle, postgres
from schema_catalog.sources.merge import merge

LONG_USING = "(organization_id = (auth.jwt() ->> 'org_id')::uuid)"  # organization_members


def _html(page: str) -> str:
    """The page as the site's own Markdown extensions turn it into HTML."""
    extensions: list[Any] = []
    configs: dict[str, Any] = {}
    for entry in site_settings.extensions():
        if isinstance(entry, dict):
            (name, options), *_ = entry.items()
            extensions.append(name)
            configs[name] = options
        else:
            extensions.append(entry)
    return markdown.markdown(page, extensions=extensions, extension_configs=configs)


def test_short_sql_stays_in_its_cell_and_long_sql_links_to_its_block() -> None:
    blocks = SqlBlocks("policy")
    assert blocks.cell("true", "p", "using") == '<code class="sc-expr">true</code>'
    assert blocks.cell(None, "p", "using") == ""
    assert not blocks.blocks
    cell = blocks.cell(LONG_USING, "tenant isolation", "with check")
    assert len(LONG_USING) > LONG_SQL
    anchor = "sql-policy-tenant-isolation-" + re.search(r"-([0-9a-f]{6})-", cell)[1]  # type: ignore[index]
    assert cell == f"[↓ with check](#{anchor}-with-check)"
    (block,) = blocks.blocks
    assert block["anchor"] == f"{anchor}-with-check"
    assert block["sql"] == f"```sql\n{pretty.expression(LONG_USING)}\n```"


def test_the_table_page_shows_long_policies_under_the_table() -> None:
    page = render_pages(sample_catalog(), Config())["tables/public/organization_members.md"]
    html = _html(page.decode())
    # The cells link to the blocks, and each block is a highlighted SQL listing.
    links = re.findall(r'<a href="#(sql-policy-[^"]+)">↓ (using|with check)</a>', html)
    assert [part for _, part in links] == ["using", "with check"]
    for anchor, _ in links:
        block = re.search(rf'<div class="sc-sql" id="{anchor}">(.*?)</div>\s*</div>', html, re.S)
        assert block is not None, anchor
        assert re.search(r'<div class="[^"]*highlight"><pre>', block[1]), block[1]
        assert "auth" in block[1] and "org_id" in block[1]
    # The policy's text appears once in the policies table no longer.
    row = next(line for line in page.decode().splitlines() if "tenant isolation" in line)
    assert "org_id" not in row


def test_a_hostile_expression_stays_inside_its_block() -> None:
    hostile = "'</div><script>alert(1)</script> ````' IS NOT NULL AND organization_id = auth.uid()"
    blocks = SqlBlocks("policy")
    cell = blocks.cell(hostile, "p </div> ``` [x](javascript:alert(1))", "using")
    assert cell.startswith("[↓ using](#sql-policy-p-div-x-javascript-alert-1-")
    (block,) = blocks.blocks
    page = f"{block['label']}\n\n{block['sql']}\n"
    html = _html(f'<div class="sc-sql" id="{block["anchor"]}" markdown="block">\n{page}\n</div>\n')
    assert "<script>" not in html and "javascript:" not in html.replace("javascript&#58;", "")
    assert html.count("</div>") == html.count("<div")  # the listing did not close the block
    assert "&lt;/div&gt;&lt;script&gt;" in html  # shown as text, inside the listing


def test_a_restrictive_policy_shows_as_narrowing_every_permissive_one() -> None:
    catalog = sample_catalog()
    members = catalog.table("public.organization_members")
    assert members is not None
    narrowed = members.model_copy(
        update={
            "policies": (
                *members.policies,
                Policy(
                    name="only active", permissive=False, roles=("authenticated",), using="active"
                ),
            ),
            "rls": (
                RlsCoverage(
                    command="SELECT",
                    role="authenticated",
                    policies=("tenant isolation",),
                    restrictive=("only active",),
                    tenant_scoped=True,
                ),
            ),
        }
    )
    catalog = catalog.model_copy(
        update={"tables": tuple(narrowed if t is members else t for t in catalog.tables)}
    )
    page = render_pages(catalog, Config())["tables/public/organization_members.md"].decode()
    restrictive = '<span class="sc-badge sc-badge--restrictive">restrictive</span>'
    row = f"| <code>only active</code> | ALL {restrictive} | authenticated | USING <code"
    assert row in page
    header = (
        "| Command | Role | Permissive (any one) | Restrictive (all must pass) | Tenant-scoped |"
    )
    assert header in page
    assert "| SELECT | authenticated | tenant isolation | only active | yes |" in page
    # Without a restrictive policy, the matrix has no such column.
    plain = render_pages(sample_catalog(), Config())["tables/public/organization_members.md"]
    assert "Restrictive (all must pass)" not in plain.decode()


# --------------------------------------------------------------------------- Drizzle fixtures

DRIZZLE = Path(__file__).parent / "fixtures" / "drizzle"
LONG_COLUMN = "review_notes_written_during_the_quarterly_compliance_review_by_auditors"
LONG_INDEX = f"documents_title_{LONG_COLUMN}_index"


def _drizzle_page(catalogs: list[Catalog], table: str) -> str:
    """The page of ``table``, from the sources' catalogs merged and analysed."""
    analysed = analyze(merge(catalogs), Config())
    return render_pages(analysed, Config())[f"tables/public/{table}.md"].decode()


def _text(html: str) -> str:
    """The page's words, as a reader sees them (tags and <wbr> hints dropped)."""
    return unescape(re.sub(r"<[^>]+>", "", html))


def test_a_column_drizzle_cannot_name_shows_as_unresolved_with_its_reason() -> None:
    page = _drizzle_page([drizzle.read([DRIZZLE / "helpers/input/schema.ts"])], "documents")
    rows = {
        _text(line.split("|")[1]).strip(): [_text(cell).strip() for cell in line.split("|")[2:5]]
        for line in page.splitlines()
        if 'class="sc-column"' in line
    }
    label = "organizationId name unresolvedorganizationId is the source's label for this column, not its name"
    type_, default, attributes = rows[label]
    assert (type_, default) == ("unresolved", "unresolved")
    assert attributes.startswith("nullability unresolved")
    assert 'id="column-organizationid' not in page  # a label anchors no column of that name
    reason = next(
        line for line in page.splitlines() if "helpers/input/schema.<wbr>ts&#58;18" in line
    )
    assert "package &#39;&#64;acme/columns&#39; &#40;tenantId&#41;" in reason  # the DRZ001 finding
    assert 'unresolved organizationId "name unresolved"' in page  # the diagram says so too


def test_long_names_show_beside_the_stored_ones() -> None:
    page = _text(_drizzle_page([drizzle.read([DRIZZLE / "helpers/input/schema.ts"])], "documents"))
    assert f"{LONG_COLUMN[:63]}declared as {LONG_COLUMN}" in page
    assert f"{LONG_INDEX[:63]}declared as {LONG_INDEX}" in page
    analysed = analyze(merge([drizzle.read([DRIZZLE / "styles/input/schema.ts"])]), Config())
    pages = render_pages(analysed, Config())
    long_table = "organization_membership_invitations_pending_review_by_administrators"
    [path] = [p for p in pages if p.startswith("tables/public/organization_membership")]
    page = _text(pages[path].decode())
    assert f"public.{long_table[:63]} (declared as {long_table})" in page


def test_a_live_table_shows_the_names_its_drizzle_declaration_gives(make_database: Any) -> None:
    """Live facts first: the database's stored names, with Drizzle's full ones beside them,
    and drift that says which Drizzle columns are unresolved instead of missing ones."""
    dsn = make_database((DRIZZLE / "helpers/schema.sql").read_text())
    declared = drizzle.read([DRIZZLE / "helpers/input/schema.ts"])
    page = _drizzle_page([postgres.read(dsn), declared], "documents")
    assert f"{LONG_COLUMN[:63]}declared as {LONG_COLUMN}" in _text(page)
    assert f"{LONG_INDEX[:63]}declared as {LONG_INDEX}" in _text(page)
    drift = [_text(line) for line in page.split("## Drift", 1)[1].splitlines() if "|" in line]
    assert [line for line in drift if "missing" in line or "extra" in line] == []
    assert any("unresolved column" in line and "organizationId" in line for line in drift)
