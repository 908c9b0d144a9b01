"""``diff --format pr-comment``: one Markdown comment for a pull request.

What a reviewer needs from a schema change, on one screen: the security impact,
the findings the change brings and the ones it resolves (matched as
``check --baseline`` matches them: rule, object and fingerprint, so a moved line
is not a new finding), and links to the changed tables' pages on the published
site (``--site-url``); the full diff follows, folded. It is laid out by
``pr_comment.md.jinja`` through the one escaper, like every page.

The comment starts with `MARKER`, an HTML comment GitHub does not show, so a
workflow finds its own comment and updates it on each push instead of adding one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from schema_catalog.analysis import baseline
from schema_catalog.model import Catalog, Finding
from schema_catalog.render import escape
from schema_catalog.render.changes import diff_context
from schema_catalog.render.environment import environment
from schema_catalog.render.pages import page_paths

if TYPE_CHECKING:
    from schema_catalog.analysis.diff import CatalogDiff

MARKER = "<!-- schema-catalog -->"
_BLANK_RUNS = re.compile(r"\n{3,}")  # the template's optional blocks leave gaps
MAX_ROWS = 50
"""Rows per list; the rest is counted, so a huge change still fits in one comment."""
MAX_CHARS = 60_000
"""GitHub refuses comments over 65,536 characters: past this, the folded diff is left out."""


def pr_comment(
    diff: CatalogDiff,
    old: Catalog,
    new: Catalog,
    *,
    site_url: str | None = None,
    templates: Path | None = None,
) -> str:
    context = _context(diff, old, new, site_url)
    template = environment(templates).get_template("pr_comment.md.jinja")
    text = template.render(context, full_diff=True)
    if len(text) > MAX_CHARS:
        text = template.render(context, full_diff=False)
    return _BLANK_RUNS.sub("\n\n", text).rstrip("\n") + "\n"


def _context(diff: CatalogDiff, old: Catalog, new: Catalog, site_url: str | None) -> dict[str, Any]:
    return {
        **diff_context(diff),
        "marker": escape.Safe(MARKER),
        "security": _capped(diff.security),
        "new_findings": _capped(_not_in(new.findings, old.findings)),
        "resolved_findings": _capped(_not_in(old.findings, new.findings)),
        "pages": _capped(_pages(diff, new, site_url)),
        "site_url": site_url,
    }


def _not_in(findings: Sequence[Finding], others: Sequence[Finding]) -> list[Finding]:
    """``findings`` that ``others`` do not hold, matched as a baseline matches."""
    return baseline.new_findings(
        findings, baseline.Baseline(findings=tuple(baseline.entries(others)))
    )


def _capped(rows: Sequence[Any]) -> dict[str, Any]:
    return {"rows": list(rows[:MAX_ROWS]), "more": max(len(rows) - MAX_ROWS, 0), "total": len(rows)}


def _pages(diff: CatalogDiff, new: Catalog, site_url: str | None) -> list[dict[str, Any]]:
    paths = page_paths(new)
    rows = []
    for table in diff.tables:
        page = paths.table(table.table) if table.status != "removed" else None
        label = escape.code(table.table)
        if page and site_url:
            label = escape.web_link(label, _page_url(site_url, page))
        rows.append({"table": label, "status": table.status, "changes": len(table.changes)})
    return rows


def _page_url(site_url: str, page: str) -> str:
    # MkDocs' default `use_directory_urls`: tables/public/books.md → tables/public/books/
    stem = page.removesuffix(".md")
    stem = stem.removesuffix("index") if stem.endswith("/index") else stem + "/"
    return site_url.rstrip("/") + "/" + stem
