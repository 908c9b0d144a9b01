"""Schema files vs the committed drizzle-kit snapshot: where they disagree.

A snapshot is written by ``drizzle-kit generate`` and committed; when the schema
files change without a new generate, the snapshot goes stale. Each difference is a
DRZ010 finding on the table (or column) concerned.
"""

from __future__ import annotations

from schema_catalog import model


def compare(schema: model.Catalog, snapshot: model.Catalog) -> list[model.Finding]:
    location = snapshot.sources[0].location if snapshot.sources else "snapshot"
    found: list[model.Finding] = []
    ours = {t.qualified_name: t for t in schema.tables}
    theirs = {t.qualified_name: t for t in snapshot.tables}
    for name in sorted(ours.keys() - theirs.keys()):
        found.append(_finding(name, f"declared in the schema files but not in {location}"))
    for name in sorted(theirs.keys() - ours.keys()):
        found.append(_finding(name, f"in {location} but not declared in the schema files"))
    for name in sorted(ours.keys() & theirs.keys()):
        found += _columns(ours[name], theirs[name], location)
    return found


def _columns(ours: model.Table, theirs: model.Table, location: str) -> list[model.Finding]:
    found: list[model.Finding] = []
    mine = {c.name: c for c in ours.columns}
    other = {c.name: c for c in theirs.columns}
    for name in sorted(mine.keys() ^ other.keys()):
        where = "the schema files" if name in mine else location
        found.append(_finding(f"{ours.qualified_name}.{name}", f"column only in {where}"))
    for name in sorted(mine.keys() & other.keys()):
        for attribute in ("type", "nullable", "default"):
            left, right = getattr(mine[name], attribute), getattr(other[name], attribute)
            if left != right:
                message = f"{attribute}: schema files say {left!r}, {location} says {right!r}"
                found.append(_finding(f"{ours.qualified_name}.{name}", message))
    return found


def _finding(target: str, message: str) -> model.Finding:
    return model.Finding(code="DRZ010", severity="warning", target=target, message=message)
