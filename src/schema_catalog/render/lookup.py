"""Lookups a render needs beyond the catalog's own indexes, built once per render.

Tables by name and incoming foreign keys are `Catalog.table` and
`Catalog.referenced_by` (indexes cached on the frozen model); this adds the
domains and findings of each table. A finding a source reports at a ``file:line``
inside a table's declaration (a Drizzle column it could not resolve) is that table's.
"""

from __future__ import annotations

from collections import defaultdict

from schema_catalog.analysis.locations import declarations, split
from schema_catalog.model import Catalog, Finding, ForeignKey, Table


class Lookup:
    """Tables by name, incoming foreign keys, domains and findings per table."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.tables: dict[str, Table] = {t.qualified_name: t for t in catalog.tables}
        self.domains_of = _domains_of(catalog)
        self._findings = _findings_by_table(catalog, self.tables)
        # Memos of `mermaid`: each table is drawn in its neighbours' diagrams too.
        self.diagram_attributes: dict[tuple[str, bool], list[str]] = {}
        self.neighbours: dict[str, frozenset[str]] = {}

    def table(self, name: str) -> Table | None:
        return self.catalog.table(name)

    def referenced_by(self, name: str) -> tuple[tuple[Table, ForeignKey], ...]:
        return self.catalog.referenced_by(name)

    def findings(self, name: str) -> tuple[Finding, ...]:
        return self._findings.get(name, ())

    def table_of_target(self, target: str) -> str | None:
        """The table a finding's target is about (``public.books.col`` → ``public.books``)."""
        parts = target.split(".")
        for end in range(len(parts), 0, -1):
            candidate = ".".join(parts[:end])
            if candidate in self.tables:
                return candidate
        return None


def _domains_of(catalog: Catalog) -> dict[str, tuple[str, ...]]:
    found: dict[str, set[str]] = defaultdict(set)
    for domain in catalog.domains:
        for name in domain.tables:
            found[name].add(domain.name)
    for table in catalog.tables:
        found[table.qualified_name].update(table.domains)
    return {name: tuple(sorted(domains)) for name, domains in found.items()}


def _findings_by_table(
    catalog: Catalog, tables: dict[str, Table]
) -> dict[str, tuple[Finding, ...]]:
    found: dict[str, list[Finding]] = defaultdict(list)
    declared = _declarations_by_file(catalog, tables)
    for finding in catalog.findings:
        parts = finding.target.split(".")
        for end in range(len(parts), 0, -1):
            candidate = ".".join(parts[:end])
            if candidate in tables:
                found[candidate].append(finding)
                break
        else:
            table = _declaring(finding.target, declared)
            # the source names the table first (`documents: column ...`): not an
            # unrelated statement that follows the last declaration of the file
            if table is not None and finding.message.startswith(tables[table].name):
                found[table].append(finding)
    return {name: tuple(items) for name, items in found.items()}


def _declarations_by_file(
    catalog: Catalog, tables: dict[str, Table]
) -> dict[str, list[tuple[int, str]]]:
    """Per file, (line, table) of each table's declaration, by line."""
    by_file: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for name, location in declarations(catalog).items():
        place = split(location)
        if place is not None and name in tables:
            by_file[place[0]].append((place[1], name))
    return {path: sorted(items) for path, items in by_file.items()}


def _declaring(target: str, declared: dict[str, list[tuple[int, str]]]) -> str | None:
    """The table whose declaration holds ``file:line`` (the last one starting before it)."""
    place = split(target)
    if place is None:
        return None
    before = [name for line, name in declared.get(place[0], []) if line <= place[1]]
    return before[-1] if before else None
