"""Merge the catalogs of several sources into one.

Each table appears once in `Catalog.tables`, taken from its primary source: the
live one (the database) when the table is live, else pending migrations, else a
declaring source (in the order the registry reads them: declarative SQL, then
Drizzle, then a drizzle-kit snapshot). `Table.presence` records every source
that has it, and
the non-database views are kept whole in `Catalog.source_views`, so analysis can
compare what each source says (drift) from the snapshot alone.

Columns are never matched across sources here: a Drizzle column whose name is
unresolved (`Column.name_resolved` false, shown under its object key) stays as
Drizzle declares it, in its view and in the table when Drizzle is the primary
source; drift (`analysis.drift`) says it is unresolved rather than missing.
"""

from __future__ import annotations

from collections.abc import Sequence

from schema_catalog.model import (
    ROLE_ORDER,
    Catalog,
    Enum,
    Role,
    SourceKind,
    SourceView,
    Table,
)


def merge(catalogs: Sequence[Catalog], *, schemas: Sequence[str] | None = None) -> Catalog:
    """One catalog from the per-source catalogs (each with a single source), given in
    the registry's order; live facts describe a table best, declared ones least."""
    ordered = sorted(catalogs, key=_rank)
    primary: dict[str, Table] = {}
    presence: dict[str, set[SourceKind]] = {}
    for catalog in ordered:
        kind = _kind(catalog)
        for table in catalog.tables:
            primary.setdefault(table.qualified_name, table)
            presence.setdefault(table.qualified_name, set()).update(_kinds_of(table, kind))
    tables = tuple(_with_presence(primary[name], presence[name]) for name in sorted(primary))
    views = tuple(view for c in ordered for view in _views(c))
    base = ordered[0] if ordered else Catalog()
    return base.model_copy(
        update={
            "schemas": tuple(schemas) if schemas else base.schemas,
            "sources": tuple(s for c in ordered for s in c.sources),
            "tables": tables,
            "enums": _merge_enums(ordered),
            "roles": _merge_roles(ordered),
            "source_views": views,
            "findings": tuple(f for c in ordered for f in c.findings),
        }
    )


def _views(catalog: Catalog) -> tuple[SourceView, ...]:
    """What a secondary source declares, plus views it carries itself (Drizzle
    keeps the drizzle-kit snapshot of its ``out`` folder as one)."""
    kind = _kind(catalog)
    own = SourceView(kind=kind, tables=catalog.tables, enums=catalog.enums)
    return ((own,) if kind != "database" else ()) + catalog.source_views


def _rank(catalog: Catalog) -> float:
    kind = _kind(catalog)
    if kind == "snapshot":  # a replayed snapshot: after live facts, before the rest
        return 0.5
    return ROLE_ORDER.index(catalog.source_roles().get(kind, "declared"))


def _kind(catalog: Catalog) -> SourceKind:
    return catalog.sources[0].kind if catalog.sources else "snapshot"


def _kinds_of(table: Table, kind: SourceKind) -> set[SourceKind]:
    if kind == "snapshot":  # a replayed snapshot keeps its own presence
        return set(table.presence)
    return {kind}


def _with_presence(table: Table, kinds: set[SourceKind]) -> Table:
    return table.model_copy(update={"presence": tuple(sorted(kinds))})


def _merge_roles(ordered: Sequence[Catalog]) -> tuple[Role, ...]:
    """The live database's roles when it was read (pg_roles is the truth, and a
    declared role may not exist); else every source's, each as the best source
    describes it (a replay knows the platform's and those its migrations create)."""
    if ordered and _kind(ordered[0]) == "database":
        return ordered[0].roles
    seen: dict[str, Role] = {}
    for catalog in ordered:
        for role in catalog.roles:
            seen.setdefault(role.name, role)
    return tuple(seen[name] for name in sorted(seen))


def _merge_enums(ordered: Sequence[Catalog]) -> tuple[Enum, ...]:
    seen: dict[tuple[str, str], Enum] = {}
    for catalog in ordered:
        for enum in catalog.enums:
            seen.setdefault((enum.schema_, enum.name), enum)
    return tuple(seen[key] for key in sorted(seen))
