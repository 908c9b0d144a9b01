"""Where a finding points in the team's files: the ``file:line`` of the declaration.

Sources record where they read a table (`Table.location`: the ``pgTable`` call
in a Drizzle .ts file, the ``CREATE TABLE`` in migration SQL) and report their
own problems at a ``file:line`` target. `locate` gives every finding the
place a reviewer would edit: the Drizzle declaration first (the code the team
writes), then the migration that creates the table, then whatever the primary
source knows. Live-only tables have no file, so their findings have none.

`subject` is what a finding is about with line numbers left out, so that
baselines and fingerprints survive edits that only move code around.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from schema_catalog.model import Catalog, Finding, SourceKind, Table

# A path, a colon and a line number; drive letters and URLs have no place here.
_FILE_LINE = re.compile(r"(?P<path>[^:\s][^:]*):(?P<line>[1-9][0-9]*)")
# Which declaration a finding points at when several sources declare the table.
_PREFERENCE: tuple[SourceKind, ...] = ("drizzle", "migrations")


def locate(findings: Iterable[Finding], catalog: Catalog) -> list[Finding]:
    """``findings`` with `Finding.location` filled where a source knows the place."""
    declared = declarations(catalog)
    known = {t.qualified_name for t in catalog.tables} | declared.keys()
    located: list[Finding] = []
    for finding in findings:
        where = finding.location or _location(finding.target, known, declared)
        located.append(finding.model_copy(update={"location": where}) if where else finding)
    return located


def declarations(catalog: Catalog) -> dict[str, str]:
    """``schema.table`` → ``file:line`` of its declaration, for every table a file declares."""
    found = {t.qualified_name: t.location for t in catalog.tables if t.location}
    for kind in reversed(_PREFERENCE):
        view = catalog.source_view(kind)
        if view is not None:
            found |= {t.qualified_name: t.location for t in view.tables if t.location}
    return found


def split(location: str) -> tuple[str, int] | None:
    """``("path", line)`` from ``"path:line"``; None for anything else."""
    match = _FILE_LINE.fullmatch(location)
    return (match["path"], int(match["line"])) if match else None


def subject(finding: Finding) -> str:
    """The object a finding is about, without a line number (``file.ts`` for ``file.ts:12``)."""
    place = split(finding.target)
    return place[0] if place else finding.target


def prefixed(findings: Sequence[Finding], prefix: str | None) -> list[Finding]:
    """``findings`` with relative locations under ``prefix``: CI systems want paths from
    the repository root, and a project root may be a folder of the repository."""
    if not prefix or prefix.strip("/") in ("", "."):
        return list(findings)
    return [
        f.model_copy(update={"location": prefixed_path(f.location, prefix)}) if f.location else f
        for f in findings
    ]


def prefixed_path(location: str, prefix: str | None) -> str:
    """``location`` under ``prefix`` unless it is absolute (``apps/web`` + ``db/a.ts:3``)."""
    if not prefix or location.startswith("/") or prefix.strip("/") in ("", "."):
        return location
    return f"{prefix.strip('/')}/{location}"


def from_root(catalog: Catalog, root: Path) -> Catalog:
    """``catalog`` with every recorded ``file:line`` relative to the project ``root``.

    Sources record paths relative to the working directory (the files they
    opened); findings must name files as the repository does, whichever folder
    ``extract`` ran in.
    """
    cwd, base = Path.cwd().resolve(), root.resolve()
    if cwd == base:
        return catalog

    def moved(location: str | None) -> str | None:
        place = split(location) if location else None
        if place is None:
            return location
        path = Path(os.path.normpath(cwd / place[0]))
        try:
            return f"{path.relative_to(base).as_posix()}:{place[1]}"
        except ValueError:  # outside the project: keep it absolute, still clickable locally
            return f"{path.as_posix()}:{place[1]}"

    def table(t: Table) -> Table:
        return t.model_copy(update={"location": moved(t.location)}) if t.location else t

    def finding(f: Finding) -> Finding:
        return f.model_copy(update={"target": moved(f.target), "location": moved(f.location)})

    views = tuple(
        v.model_copy(update={"tables": tuple(table(t) for t in v.tables)})
        for v in catalog.source_views
    )
    return catalog.model_copy(
        update={
            "tables": tuple(table(t) for t in catalog.tables),
            "source_views": views,
            "findings": tuple(finding(f) for f in catalog.findings),
        }
    )


def _location(target: str, known: set[str], declared: dict[str, str]) -> str | None:
    table = _table_of(target, known)
    if table is not None:
        return declared.get(table)
    return target if split(target) else None


def _table_of(target: str, known: set[str]) -> str | None:
    # Targets are `schema.table` or `schema.table.column`; names may hold dots,
    # so try every cut, the longest first.
    cuts = [i for i, ch in enumerate(target) if ch == "."]
    for end in [len(target), *reversed(cuts)]:
        if target[:end] in known:
            return target[:end]
    return None
