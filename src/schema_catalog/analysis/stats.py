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
from dataclasses import dataclass

from schema_catalog.analysis.drift import DRIZZLE_KINDS
from schema_catalog.model import Catalog, Count, Finding, Stats, Table

LARGEST = 10
ROW_KINDS = ("table", "partitioned_table")


def compute(catalog: Catalog, findings: Iterable[Finding]) -> Stats:
    tables = row_tables(catalog.tables)
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


def row_tables(tables: Iterable[Table]) -> list[Table]:
    return [t for t in tables if t.kind in ROW_KINDS]


def _count(name: str, tables: list[Table]) -> Count:
    return Count(name=name, tables=len(tables), columns=sum(len(t.columns) for t in tables))


def _by_source(catalog: Catalog) -> tuple[Count, ...]:
    rows = row_tables(catalog.tables)
    counts = [_count("database", [t for t in rows if "database" in t.presence])]
    for view in sorted(catalog.source_views, key=lambda v: v.kind):
        counts.append(_count(view.kind, row_tables(view.tables)))
    # A merged catalog without a source's view still knows its presence.
    viewed = {v.kind for v in catalog.source_views} | {"database"}
    for kind in sorted({k for t in rows for k in t.presence} - viewed):
        counts.append(_count(kind, [t for t in rows if kind in t.presence]))
    return tuple(sorted((c for c in counts if c.tables), key=lambda c: c.name))


# --------------------------------------------------------------------------- figures
# The figures every page shows (Home, Tenancy, Migrations, domain pages), from one
# function, so the pages cannot disagree: "tables" are row tables (``ROW_KINDS``),
# views are counted apart, and a table is live when the database has it.

TENANT_SCOPED = ("tenant_root", "direct", "inherited")


@dataclass(frozen=True)
class Slice:
    """How many tables, and how many columns they hold."""

    tables: int = 0
    columns: int = 0

    @classmethod
    def of(cls, tables: Iterable[Table]) -> Slice:
        items = list(tables)
        return cls(len(items), sum(len(t.columns) for t in items))


@dataclass(frozen=True)
class Figures:
    """The counts of one set of tables (the whole catalog, or one domain)."""

    live: Slice
    declared_in_drizzle: Slice
    drizzle_only: Slice
    proposed: Slice
    views: Slice
    tenancy: dict[str, int]
    """Row tables per tenancy status (every status present, zero included)."""
    tenancy_live: dict[str, int]
    migration: dict[str, int]
    """Row tables per migration status (statuses present only)."""
    rls_off_live: int
    findings: dict[str, int]
    """Findings per severity (the caller passes the findings about these tables)."""

    @property
    def tables(self) -> int:
        return sum(self.migration.values())

    @property
    def tenant_scoped(self) -> int:
        return sum(self.tenancy[s] for s in TENANT_SCOPED)


def figures(
    tables: Iterable[Table], findings: Iterable[Finding], statuses: Iterable[str]
) -> Figures:
    """The counts of ``tables`` (``statuses``: every tenancy status, in display order)."""
    everything = list(tables)
    rows = row_tables(everything)
    live = [t for t in rows if "database" in t.presence]
    return Figures(
        live=Slice.of(live),
        declared_in_drizzle=Slice.of(t for t in rows if DRIZZLE_KINDS & set(t.presence)),
        drizzle_only=Slice.of(t for t in rows if t.migration_status == "drizzle_only"),
        proposed=Slice.of(
            t for t in rows if t.migration_status in ("proposed", "proposed_and_declared")
        ),
        views=Slice.of(t for t in everything if t.kind in ("view", "materialized_view")),
        tenancy=_per_status(rows, statuses),
        tenancy_live=_per_status(live, statuses),
        migration=dict(sorted(Counter(t.migration_status or "unknown" for t in rows).items())),
        rls_off_live=sum(1 for t in live if not t.rls_enabled),
        findings=dict(Counter(f.severity for f in findings)),
    )


def _per_status(tables: list[Table], statuses: Iterable[str]) -> dict[str, int]:
    counts: Counter[str] = Counter(t.tenancy.status for t in tables)
    return {status: counts.get(status, 0) for status in statuses}
