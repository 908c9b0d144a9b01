"""Migration status and drift: what each source says about a table, and where they differ.

Status comes from `Table.presence`: ``live`` (database only), ``live_and_declared``
(database and Drizzle), ``drizzle_only``, ``proposed`` (pending migration SQL,
not in the database) and ``proposed_and_declared``.

Drift compares one table as two sources see it, after normalising equivalent
spellings (`normalize`): columns (missing, extra, type, nullability, default),
primary key, foreign keys, unique constraints, checks, indexes, policies and
RLS. Pairs compared, left against right:

- the live table against its Drizzle and migration views (for a live table the
  migrations view is the table after pending ALTERs, so its drift lists them);
- a proposed table against its Drizzle view;
- Drizzle's schema files against its committed snapshot (snapshots go stale).

What a source could not resolve (`Column.unresolved`) is never compared as if
it were a fact: a column one side cannot name is an ``unresolved_column`` item
listing the other side's unmatched columns (none of which is then called
missing or extra), and an unresolved type, nullability or default is an
``unresolved`` item instead of a difference.

Constraints and indexes are compared by what they do, not by name, because a
table created by hand and declared later in Drizzle rarely shares names.
RLS and policies are compared only when the right-hand source declares any:
sources that do not manage RLS would otherwise drift on every table.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

from schema_catalog.analysis import normalize
from schema_catalog.model import (
    ROLE_ORDER,
    Catalog,
    Column,
    DriftItem,
    MigrationStatus,
    Policy,
    Presence,
    SourceKind,
    SourceRole,
    Table,
)

DRIZZLE_KINDS = frozenset({"drizzle", "drizzle_snapshot"})


def migration_status(
    presence: Presence, roles: Mapping[SourceKind, SourceRole]
) -> MigrationStatus | None:
    """Live, proposed or only declared, from the roles of the sources that have the table."""
    have = {roles.get(kind) for kind in presence}
    declared = "declared" in have
    if "live" in have:
        return "live_and_declared" if declared else "live"
    if "proposed" in have:
        return "proposed_and_declared" if declared else "proposed"
    if declared:
        return "drizzle_only" if set(presence) <= DRIZZLE_KINDS else "declared"
    return None


def primary_source(presence: Presence, roles: Mapping[SourceKind, SourceRole]) -> SourceKind:
    """Which source the merged catalog took the table from (merge order: live first)."""
    order = list(roles)

    def rank(kind: SourceKind) -> tuple[int, int, str]:
        role = roles.get(kind, "declared")
        return (ROLE_ORDER.index(role), order.index(kind) if kind in order else len(order), kind)

    return min(presence, key=rank) if presence else "database"


def view_index(catalog: Catalog) -> dict[str, dict[SourceKind, Table]]:
    """Each non-database source's own table, by qualified name (built once per analysis)."""
    index: dict[str, dict[SourceKind, Table]] = {}
    for view in catalog.source_views:
        for table in view.tables:
            index.setdefault(table.qualified_name, {})[view.kind] = table
    return index


def table_drift(
    table: Table, views: dict[SourceKind, Table], roles: Mapping[SourceKind, SourceRole]
) -> tuple[DriftItem, ...]:
    """Every difference between the sources that have this table, sorted.

    ``views`` is the table as each non-database source declares it (`view_index`);
    the primary source is compared with every other one (a drizzle-kit snapshot
    only with the Drizzle schema files it was generated from).
    """
    left_kind = primary_source(table.presence, roles)
    items: list[DriftItem] = []
    for right_kind in sorted(views.keys() - {"drizzle_snapshot", left_kind}):
        items += compare(table, views[right_kind], left_kind, right_kind)
    declared, committed = views.get("drizzle"), views.get("drizzle_snapshot")
    if declared is not None and committed is not None:
        items += compare(declared, committed, "drizzle", "drizzle_snapshot")
    return tuple(sorted(items, key=_item_key))


def _item_key(item: DriftItem) -> tuple[str, str, str, str]:
    return (item.right_source, item.left_source, item.kind, item.object)


def compare(left: Table, right: Table, lk: SourceKind, rk: SourceKind) -> list[DriftItem]:
    def item(kind: str, obj: str, a: str | None, b: str | None) -> DriftItem:
        return DriftItem(kind=kind, object=obj, left_source=lk, right_source=rk, left=a, right=b)

    found = list(_columns(left, right, item))
    found += _keys(left, right, item)
    if right.rls_enabled or right.policies:
        found += _rls(left, right, item)
    return found


_Make = Callable[[str, str, str | None, str | None], DriftItem]


def _columns(left: Table, right: Table, item: _Make) -> Iterator[DriftItem]:
    theirs = {c.name: c for c in right.columns if c.name_resolved}
    ours = {c.name for c in left.columns if c.name_resolved}
    unmatched_left = [c for c in left.columns if c.name_resolved and c.name not in theirs]
    unmatched_right = [c for c in right.columns if c.name_resolved and c.name not in ours]
    unnamed_left = [c for c in left.columns if not c.name_resolved]
    unnamed_right = [c for c in right.columns if not c.name_resolved]
    for col in left.columns:
        other = theirs.get(col.name) if col.name_resolved else None
        if other is not None:
            yield from _column_pair(col, other, item)
    # A column one side cannot name may be any column the other side has unmatched:
    # none of those is called missing or extra, each unnamed one lists them instead.
    if not unnamed_right:
        yield from (item("missing_column", c.name, c.type, None) for c in unmatched_left)
    if not unnamed_left:
        yield from (item("extra_column", c.name, None, c.type) for c in unmatched_right)
    for col in unnamed_left:
        yield item("unresolved_column", col.name, UNNAMED, _candidates(unmatched_right))
    for col in unnamed_right:
        yield item("unresolved_column", col.name, _candidates(unmatched_left), UNNAMED)


UNNAMED = "name unresolved"
UNRESOLVED_KINDS = frozenset({"unresolved_column", "unresolved"})
"""Drift items that say what a source could not resolve, not that the sources differ."""
_COMPARED = ("type", "nullable", "default")


def _candidates(columns: list[Column]) -> str | None:
    return ", ".join(c.name for c in columns) or None


def _column_pair(col: Column, other: Column, item: _Make) -> Iterator[DriftItem]:
    unknown = [a for a in _COMPARED if a in col.unresolved or a in other.unresolved]
    if unknown:  # said once, never compared as if the placeholder were a fact
        side = ", ".join(f"{a} unresolved" for a in unknown)
        mine = side if any(a in col.unresolved for a in unknown) else None
        yield item("unresolved", col.name, mine, None if mine else side)
    if "type" not in unknown and normalize.type_(col.type) != normalize.type_(other.type):
        yield item("type", col.name, col.type, other.type)
    if "nullable" not in unknown and col.nullable != other.nullable:
        yield item("nullable", col.name, _null_text(col.nullable), _null_text(other.nullable))
    if "default" not in unknown and _default(col.default, col.identity) != _default(
        other.default, other.identity
    ):
        yield item("default", col.name, col.default, other.default)
    if col.generated and other.generated and col.virtual != other.virtual:
        yield item("generated", col.name, _storage(col.virtual), _storage(other.virtual))


def _storage(virtual: bool) -> str:
    return "VIRTUAL" if virtual else "STORED"


def _null_text(nullable: bool) -> str:
    return "NULL" if nullable else "NOT NULL"


def _default(text: str | None, identity: str | None) -> str | None:
    # serial columns: the database shows nextval(...), Drizzle's serial() shows none.
    if text is not None and text.lower().startswith("nextval("):
        return "<sequence>"
    return normalize.default(text) if identity is None else f"<identity {identity}>"


def _keys(left: Table, right: Table, item: _Make) -> Iterator[DriftItem]:
    lpk, rpk = _primary_key_text(left), _primary_key_text(right)
    if lpk != rpk:
        yield item("primary_key", left.name, lpk, rpk)
    for kind, signature in SIGNATURES.items():
        mine, theirs = signature(left), signature(right)
        for key in sorted(mine.keys() - theirs.keys()):
            yield item(kind, mine[key][0], mine[key][1], None)
        for key in sorted(theirs.keys() - mine.keys()):
            yield item(kind, theirs[key][0], None, theirs[key][1])


def _primary_key_text(table: Table) -> str | None:
    pk = table.primary_key
    if pk is None:
        return None
    return ",".join(pk.columns) + (" WITHOUT OVERLAPS" if pk.without_overlaps else "")


def _temporal(columns: tuple[str, ...], period: bool) -> str:
    """The column list, its last column marked ``PERIOD`` (PostgreSQL 18 temporal keys)."""
    if not period or not columns:
        return ", ".join(columns)
    return ", ".join((*columns[:-1], f"PERIOD {columns[-1]}"))


# A signature maps what a constraint does (normalised) to its (name, text as written);
# `diff` compares snapshots with the same signatures.
Signature = dict[str, tuple[str, str]]


def _fk_signatures(table: Table) -> Signature:
    found: Signature = {}
    for fk in table.foreign_keys:
        text = (
            f"({_temporal(fk.columns, fk.period)}) → {fk.ref_schema}.{fk.ref_table}"
            f"({_temporal(fk.ref_columns, fk.period)})"
            f" ON DELETE {fk.on_delete} ON UPDATE {fk.on_update}"
        )
        text += "" if fk.enforced else " NOT ENFORCED"
        found[text.upper()] = (fk.name, text)
    return found


def _unique_signatures(table: Table) -> Signature:
    found: Signature = {}
    for u in table.unique_constraints:
        overlaps = " WITHOUT OVERLAPS" if u.without_overlaps else ""
        text = f"UNIQUE ({', '.join(u.columns)}{overlaps})"
        found[text] = (u.name, text)
    return found


def _check_signatures(table: Table) -> Signature:
    return {normalize.check(c.expression): (c.name, c.expression) for c in table.check_constraints}


def _index_signatures(table: Table) -> Signature:
    # Indexes that back constraints are compared as the constraints themselves.
    return {
        _index_key(i.unique, i.method, i.columns, i.include, normalize.expression(i.predicate)): (
            i.name,
            i.definition or _index_key(i.unique, i.method, i.columns, i.include, i.predicate),
        )
        for i in table.indexes
        if not i.primary and i.constraint is None
    }


def _index_key(
    unique: bool, method: str, columns: tuple[str, ...], include: tuple[str, ...], where: str | None
) -> str:
    text = f"{'UNIQUE ' if unique else ''}{method} ({', '.join(columns)})"
    text += f" INCLUDE ({', '.join(include)})" if include else ""
    return text + (f" WHERE {where}" if where else "")


SIGNATURES: dict[str, Callable[[Table], Signature]] = {
    "foreign_key": _fk_signatures,
    "unique": _unique_signatures,
    "check": _check_signatures,
    "index": _index_signatures,
}


def _rls(left: Table, right: Table, item: _Make) -> Iterator[DriftItem]:
    if left.rls_enabled != right.rls_enabled:
        yield item("rls", left.name, _on(left.rls_enabled), _on(right.rls_enabled))
    mine = {p.name: p for p in left.policies}
    theirs = {p.name: p for p in right.policies}
    for name in sorted(mine.keys() | theirs.keys()):
        a, b = mine.get(name), theirs.get(name)
        if a is None or b is None or _policy_text(a, True) != _policy_text(b, True):
            yield item("policy", name, _shown(a), _shown(b))


def _on(flag: bool) -> str:
    return "enabled" if flag else "disabled"


def _shown(policy: Policy | None) -> str | None:
    return None if policy is None else _policy_text(policy, False)


def _policy_text(policy: Policy, canonical: bool) -> str:
    def expr(text: str) -> str | None:
        return normalize.expression(text) if canonical else text

    kind = "PERMISSIVE" if policy.permissive else "RESTRICTIVE"
    roles = ", ".join(sorted(r.lower() for r in policy.roles))
    text = f"{kind} FOR {policy.command} TO {roles}"
    if policy.using:
        text += f" USING ({expr(policy.using)})"
    if policy.with_check:
        text += f" WITH CHECK ({expr(policy.with_check)})"
    return text
