"""A `CatalogDiff` as Markdown: the Changelog page and ``schema-catalog diff``.

`analysis.diff` computes the changes as data; this module lays them out through
the ``diff.md.jinja`` template, so every name, expression and message passes
through the one escaper (`escape`), like every other page. Security impact comes
first, because it is what a reviewer must not miss.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from schema_catalog.render.environment import environment

if TYPE_CHECKING:
    from schema_catalog.analysis.diff import CatalogDiff

STATUS_TITLES = (("added", "Tables added"), ("removed", "Tables removed"))


def diff_context(diff: CatalogDiff) -> dict[str, Any]:
    """The rows and counts the diff templates lay out (``_base/diff_body.md.jinja``)."""
    counts = {
        status: sum(1 for t in diff.tables if t.status == status)
        for status in ("added", "removed", "changed")
    }
    return {
        "diff": diff,
        "counts": counts,
        "groups": [
            {"title": title, "tables": [t for t in diff.tables if t.status == status]}
            for status, title in STATUS_TITLES
        ],
        "changed": [t for t in diff.tables if t.status == "changed"],
    }


def diff_markdown(diff: CatalogDiff, templates: Path | None = None) -> str:
    """``schema-catalog diff`` output: the diff as a Markdown document."""
    text = environment(templates).get_template("diff.md.jinja").render(diff_context(diff))
    return text.rstrip("\n") + "\n"
