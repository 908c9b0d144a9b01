"""Tenancy: which tenant each table's rows belong to, and how sure we can be.

Statuses (DESIGN.md, "Semantics worth getting right"):

- ``tenant_root``: the configured root table (e.g. ``organizations``);
- ``platform``: declared shared in catalog.yml;
- ``direct``: has a tenant key column; notes say when it is nullable, not the
  leading column of any index, or has no foreign key to the root;
- ``inherited``: reaches a direct table or the root through foreign keys; the
  shortest path is recorded hop by hop, with nullable hops and the number of
  equally short routes (more than one is ambiguous);
- ``unscoped``: none of these, so it needs an audit.

Views and materialized views have no foreign keys or RLS of their own: their
rows come from the tables their definition reads (`views.base_tables`), so
they take their status from those: ``direct`` when the view shows the tenant
key and reads a tenant table, ``inherited`` when it reads one without showing
the key, ``platform`` when it reads only platform tables, ``unscoped``
otherwise. When no base table is recognised, the tenant key column decides
(``direct`` or ``unscoped``). Notes name the base tables and what callers'
rights are checked against (``security_invoker``); the tenant-table lint rules
leave views alone.

Foreign keys are read from each table's primary view, so live, Drizzle-only
and proposed tables are classified alike (a proposed child of a live tenant
table is inherited).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from schema_catalog.analysis.unique_keys import GlobalKeys, describe
from schema_catalog.analysis.views import VIEW_KINDS, base_tables, security_invoker
from schema_catalog.config import Config, match_tables
from schema_catalog.model import Catalog, ForeignKey, Table, Tenancy, TenancyHop

# Only relations that hold rows of their own can be tenant-owned.
ROW_KINDS = ("table", "partitioned_table", "foreign_table")


@dataclass(frozen=True)
class TenancySettings:
    """The tenancy section of catalog.yml, resolved against the catalog's table names."""

    root: str | None
    keys: tuple[str, ...]
    platform: frozenset[str]
    global_unique: Mapping[str, GlobalKeys] = field(default_factory=dict)
    """Per qualified table name, the unique keys that hold across tenants on purpose."""

    @classmethod
    def from_config(
        cls,
        config: Config,
        names: list[str],
        global_unique: Mapping[str, GlobalKeys] | None = None,
    ) -> TenancySettings:
        spec = config.tenancy
        roots = match_tables((spec.root,), names) if spec.root else []
        return cls(
            root=roots[0] if roots else None,
            keys=spec.key,
            platform=frozenset(match_tables(spec.platform, names)),
            global_unique=global_unique or {},
        )


def classify(catalog: Catalog, settings: TenancySettings) -> dict[str, Tenancy]:
    """Tenancy per qualified table name, for every table in the catalog."""
    tables = {t.qualified_name: t for t in catalog.tables}
    result: dict[str, Tenancy] = {}
    for name, table in tables.items():
        if name == settings.root:
            result[name] = Tenancy(status="tenant_root")
        elif name in settings.platform:
            result[name] = Tenancy(status="platform")
        elif table.kind in VIEW_KINDS:
            continue  # after the tables they read
        elif key := tenant_key(table, settings.keys):
            result[name] = _direct(table, key, settings.root)
    routes = tenant_routes(tables, result)
    for name, table in tables.items():
        if name not in result and table.kind not in VIEW_KINDS:
            result[name] = _inherited(table, routes.get(name))
    for name in sorted(n for n in tables if n not in result):
        _view(name, tables, result, settings.keys, frozenset())
    for name, keys in settings.global_unique.items():
        # said where it matters: on the tables whose unique keys TEN009 reads
        if name in result and result[name].status in ("direct", "inherited"):
            notes = (*result[name].notes, describe(keys))
            result[name] = result[name].model_copy(update={"notes": notes})
    return result


def tenant_key(table: Table, keys: tuple[str, ...]) -> str | None:
    """The first configured tenant key column the table has."""
    return next((k for k in keys if table.column(k) is not None), None)


def _direct(table: Table, key: str, root: str | None) -> Tenancy:
    notes: list[str] = []
    column = table.column(key)
    if column is not None and column.nullable:
        notes.append(f"`{key}` is nullable: rows with NULL belong to no tenant")
    if not is_leading_indexed(table, key):
        notes.append(f"no index starts with `{key}`: tenant filters scan the table")
    if root and not _references_root(table, key, root):
        notes.append(f"`{key}` has no foreign key to `{root}`")
    return Tenancy(status="direct", column=key, routes=1, notes=tuple(notes))


def is_leading_indexed(table: Table, column: str) -> bool:
    """Some index, primary key or unique constraint has ``column`` as its first column."""
    leading = [i.columns[:1] for i in table.indexes if i.valid]
    leading += [u.columns[:1] for u in table.unique_constraints]
    if table.primary_key:
        leading.append(table.primary_key.columns[:1])
    return (column,) in leading


def _references_root(table: Table, key: str, root: str) -> bool:
    return any(key in fk.columns and fk.target == root for fk in table.foreign_keys)


_TENANT_STATUSES = ("tenant_root", "direct", "inherited")


def _view(
    name: str,
    tables: dict[str, Table],
    known: dict[str, Tenancy],
    keys: tuple[str, ...],
    visiting: frozenset[str],
) -> Tenancy:
    """Classify a view after the views it reads (``visiting`` guards against cycles in text)."""
    if name in known:
        return known[name]
    bases = base_tables(tables[name], tables)
    statuses = {
        b: _view(b, tables, known, keys, visiting | {name})
        if b not in known and b not in visiting and tables[b].kind in VIEW_KINDS
        else known.get(b, Tenancy())
        for b in bases
    }
    known[name] = view_tenancy(tables[name], statuses, keys)
    return known[name]


def view_tenancy(view: Table, bases: dict[str, Tenancy], keys: tuple[str, ...]) -> Tenancy:
    """A view's tenancy from its base tables' (qualified name → tenancy)."""
    key = tenant_key(view, keys)
    if not bases:
        note = "view: tenancy follows its base tables (none recognised in its definition)"
        return Tenancy(
            status="direct" if key else "unscoped", column=key, notes=(note, _rights_note(view))
        )
    listed = ", ".join(f"`{b}` ({t.status.replace('_', ' ')})" for b, t in sorted(bases.items()))
    if any(t.status in _TENANT_STATUSES for t in bases.values()):
        tenancy = Tenancy(status="direct", column=key) if key else Tenancy(status="inherited")
    elif all(t.status == "platform" for t in bases.values()):
        tenancy = Tenancy(status="platform")
    else:
        tenancy = Tenancy(status="unscoped")
    notes = (f"view over {listed}: its rows follow their tenancy", _rights_note(view))
    return tenancy.model_copy(update={"notes": notes})


def _rights_note(view: Table) -> str:
    if view.kind == "materialized_view":
        return (
            "materialized view: a stored copy without RLS, whoever may SELECT it sees all its rows"
        )
    if security_invoker(view):
        return "security_invoker: callers' rights and the base tables' RLS apply"
    return "no security_invoker: it reads as its owner, so the base tables' RLS does not apply to callers"


def _inherited(table: Table, route: _Route | None) -> Tenancy:
    if table.kind not in ROW_KINDS or route is None:
        return Tenancy(status="unscoped")
    path, routes = route
    # The route itself is `path` (pages draw it as links): notes add only what it hides.
    notes = []
    if any(h.nullable for h in path):
        nullable = ", ".join(f"`{h.table}.{','.join(h.columns)}`" for h in path if h.nullable)
        notes.append(f"nullable hop {nullable}: rows with NULL belong to no tenant")
    if routes > 1:
        notes.append(f"{routes} equally short routes to a tenant: the owner is ambiguous")
    return Tenancy(
        status="inherited", column=path[0].columns[0], path=path, routes=routes, notes=tuple(notes)
    )


# The shortest route to a tenant table, hop by hop, and how many routes are as short.
_Route = tuple[tuple[TenancyHop, ...], int]
# A foreign key as a step of a route: the key, the table it leads to, whether it is nullable.
_Step = tuple[ForeignKey, str, bool]


def tenant_routes(tables: dict[str, Table], known: dict[str, Tenancy]) -> dict[str, _Route]:
    """The shortest route to a tenant from every table that has one through foreign keys.

    One breadth-first search from all direct tables and the root at once, over
    the foreign keys read backwards, so the cost is linear in tables plus
    foreign keys (a search per table was quadratic). A route ends at the first
    direct table or root it meets and never passes through a platform table:
    shared rows prove nothing about a tenant. Of several equally short routes
    the one kept takes, at each table, the first step in `_steps` order (NOT
    NULL first, then by name) that still leads a shortest way; ``routes``
    counts them all, one per foreign key taken.
    """
    stops = {n for n, t in known.items() if t.status in (*_ENDS, "platform")}
    steps = {n: _steps(t, tables) for n, t in tables.items() if n not in stops}
    found: dict[str, _Route] = {n: ((), 1) for n, t in known.items() if t.status in _ENDS}
    for name, distance in _distances(steps, found).items():
        shortest = [s for s in steps[name] if _distance(s[1], found) == distance - 1]
        fk, target, nullable = shortest[0]
        hop = TenancyHop(
            table=name, columns=fk.columns, ref_table=target, foreign_key=fk.name, nullable=nullable
        )
        found[name] = ((hop, *found[target][0]), sum(found[s[1]][1] for s in shortest))
    return {n: r for n, r in found.items() if r[0]}


_ENDS = ("direct", "tenant_root")


def _distance(name: str, found: dict[str, _Route]) -> int:
    route = found.get(name)
    return -1 if route is None else len(route[0])


def _distances(steps: dict[str, list[_Step]], ends: dict[str, _Route]) -> dict[str, int]:
    """Hops from each table to the nearest end, nearest first (the ends themselves left out)."""
    incoming: dict[str, list[str]] = {}
    for name, outgoing in steps.items():
        for _, target, _ in outgoing:
            incoming.setdefault(target, []).append(name)
    distance: dict[str, int] = {}
    frontier = list(ends)
    level = 0
    while frontier:
        level += 1
        reached: list[str] = []
        for target in frontier:
            for name in incoming.get(target, ()):
                if name not in distance:
                    distance[name] = level
                    reached.append(name)
        frontier = reached
    return distance


def _steps(table: Table, tables: dict[str, Table]) -> list[_Step]:
    steps = [
        (fk, fk.target, _nullable(table, fk))
        for fk in table.foreign_keys
        # self-references never lead to a tenant; tables outside are unknown
        if fk.target != table.qualified_name and fk.target in tables
    ]
    return sorted(steps, key=lambda step: (step[2], step[0].name))  # NOT NULL first


def _nullable(table: Table, fk: ForeignKey) -> bool:
    columns = [table.column(c) for c in fk.columns]
    return any(c is None or c.nullable for c in columns)
