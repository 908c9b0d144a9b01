"""Computed statistics: counts a hand-written inventory gets wrong.

"Tables" are relations that hold rows (tables and partitioned tables), as in a
hand-written inventory; views and materialized views are counted in ``by_kind``.
Tables and columns overall, per source (each source as it declares the table:
Drizzle's own column count, not the database's), per domain and per kind; the
largest tables; tenancy, migration status and RLS counts; findings per level.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from schema_catalog.model import Catalog, Count, Finding, SourceKind, Stats, Table

LARGEST = 10
_ROW_KINDS = ("table", "partitioned_table")


def compute(catalog: Catalog, findings: Iterable[Finding]) -> Stats:
    tables = _row_tables(catalog.tables)
    return Stats(
        tables=len(tables),
        columns=sum(len(t.columns) for t in tables),
        by_source=_by_source(catalog),
        by_domain=tuple(
            _count(d.name, [t for t in tables if t.qualified_name in d.tables])
            for d in catalog.domains
        ),
        by_kind=tuple(
            _count(kind, [t for t in catalog.tables if t.kind == kind])
            for kind in sorted({t.kind for t in catalog.tables})
        ),
        largest_tables=tuple(
            Count(name=t.qualified_name, tables=1, columns=len(t.columns))
            for t in sorted(tables, key=lambda t: (-len(t.columns), t.qualified_name))[:LARGEST]
        ),
        tenancy=dict(sorted(Counter(t.tenancy.status for t in tables).items())),
        migration_status=dict(
            sorted(Counter(t.migration_status for t in tables if t.migration_status).items())
        ),
        rls_enabled=sum(1 for t in tables if t.rls_enabled),
        rls_disabled=sum(1 for t in tables if not t.rls_enabled),
        findings=dict(sorted(Counter(f.severity for f in findings).items())),
    )


def _row_tables(tables: Iterable[Table]) -> list[Table]:
    return [t for t in tables if t.kind in _ROW_KINDS]


def _count(name: str, tables: list[Table]) -> Count:
    return Count(name=name, tables=len(tables), columns=sum(len(t.columns) for t in tables))


def _by_source(catalog: Catalog) -> tuple[Count, ...]:
    live = [t for t in _row_tables(catalog.tables) if t.presence.database]
    counts = [_count("database", live)]
    for view in sorted(catalog.source_views, key=lambda v: v.kind):
        counts.append(_count(view.kind, _row_tables(view.tables)))
    kinds: tuple[SourceKind, ...] = ("drizzle", "migrations")
    for kind in kinds:
        # A merged catalog without source views still knows presence.
        if catalog.source_view(kind) is None:
            present = [t for t in _row_tables(catalog.tables) if getattr(t.presence, kind)]
            if present:
                counts.append(_count(kind, present))
    return tuple(sorted((c for c in counts if c.tables), key=lambda c: c.name))
