"""`CatalogDiff` as Markdown: the changelog page and ``schema-catalog diff`` output.

Security impact comes first, because it is what a reviewer must not miss.
Database text (names, expressions) is escaped for table cells here; the page
renderer treats this Markdown as trusted.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from schema_catalog.analysis.diff import CatalogDiff, TableDiff


def render(diff: CatalogDiff) -> str:
    lines = ["# Schema changes", ""]
    if diff.old_extracted_at or diff.new_extracted_at:
        lines += [
            f"From {diff.old_extracted_at or 'unknown'} to {diff.new_extracted_at or 'unknown'}.",
            "",
        ]
    lines += [_summary(diff), ""]
    lines += _security(diff)
    for status, title in (("added", "Tables added"), ("removed", "Tables removed")):
        group = [t for t in diff.tables if t.status == status]
        if group:
            lines += [f"## {title}", ""]
            lines += [f"- `{_cell(t.table)}` ({t.kind}, {t.columns} columns)" for t in group]
            lines.append("")
    changed = [t for t in diff.tables if t.status == "changed"]
    if changed:
        lines += ["## Tables changed", ""]
        for table in changed:
            lines += _changed(table)
    return "\n".join(lines).rstrip("\n") + "\n"


def _summary(diff: CatalogDiff) -> str:
    if not diff.has_changes:
        return "No changes."
    counts = {
        s: sum(1 for t in diff.tables if t.status == s) for s in ("added", "removed", "changed")
    }
    text = ", ".join(f"{n} table{'s' if n != 1 else ''} {s}" for s, n in counts.items())
    return f"{text}; {len(diff.security)} security impact{'s' if len(diff.security) != 1 else ''}."


def _security(diff: CatalogDiff) -> list[str]:
    lines = ["## Security impact", ""]
    if not diff.security:
        return [*lines, "None found.", ""]
    lines += ["| Impact | Object | Detail |", "|---|---|---|"]
    lines += [f"| {i.kind} | `{_cell(i.target)}` | {_cell(i.message)} |" for i in diff.security]
    return [*lines, ""]


def _changed(table: TableDiff) -> list[str]:
    lines = [
        f"### `{_cell(table.table)}`",
        "",
        "| Change | Object | Name | Old | New |",
        "|---|---|---|---|---|",
    ]
    lines += [
        f"| {c.change} | {c.object_type} | `{_cell(c.name)}` | {_code(c.old)} | {_code(c.new)} |"
        for c in table.changes
    ]
    return [*lines, ""]


def _code(text: str | None) -> str:
    return f"`{_cell(text)}`" if text else ""


def _cell(text: str | None) -> str:
    value = " ".join((text or "").split())
    for raw, escaped in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("|", "\\|"), ("`", "'")):
        value = value.replace(raw, escaped)
    return value
