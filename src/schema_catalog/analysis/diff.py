"""`diff(old, new)`: what changed between two catalog snapshots, security first.

Structural changes per table (columns, keys, constraints, indexes, policies,
RLS, grants, comments), tables added and removed, and a *security impact*
section for reviewers: RLS turned off, a policy removed or loosened (see
`loosening`: wider roles or command, restrictive turned permissive, USING or
WITH CHECK now always true, gone, or no longer mentioning the tenant key), new grants to ``anon`` /
``authenticated`` (on new tables only while RLS is off, since Supabase grants
every new table to them by default), a new table that is not tenant-scoped, a
tenant table that lost its scope, and SECURITY DEFINER functions newly
executable by the API roles. Both catalogs come analysed with the same
catalog.yml (`pipeline.load`), so a config edit alone changes nothing here.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from schema_catalog.analysis.drift import SIGNATURES
from schema_catalog.analysis.loosening import policy_loosened
from schema_catalog.model import API_ROLES, Catalog, Column, Function, Grant, Model, Policy, Table

ImpactKind = Literal[
    "rls_disabled",
    "policy_removed",
    "policy_loosened",
    "policy_added",
    "grant_added",
    "unscoped_table_added",
    "tenancy_lost",
    "definer_function_exposed",
]
_API_GRANTEES = (*API_ROLES, "public")


class Change(Model):
    change: Literal["added", "removed", "changed"]
    object_type: str
    """column, primary_key, foreign_key, unique, check, index, policy, rls, grant, comment, kind."""
    name: str
    old: str | None = None
    new: str | None = None


class TableDiff(Model):
    table: str
    status: Literal["added", "removed", "changed"]
    kind: str
    columns: int
    changes: tuple[Change, ...] = ()


class SecurityImpact(Model):
    kind: ImpactKind
    target: str
    message: str


class CatalogDiff(Model):
    old_extracted_at: str | None = None
    new_extracted_at: str | None = None
    tables: tuple[TableDiff, ...] = ()
    security: tuple[SecurityImpact, ...] = ()

    @property
    def has_changes(self) -> bool:
        return bool(self.tables or self.security)


def diff(old: Catalog, new: Catalog) -> CatalogDiff:
    """Compare two analysed catalogs (two snapshots analysed with one catalog.yml)."""
    before = {t.qualified_name: t for t in old.tables}
    after = {t.qualified_name: t for t in new.tables}
    tables = [_whole(after[n], "added") for n in sorted(after.keys() - before.keys())]
    tables += [_whole(before[n], "removed") for n in sorted(before.keys() - after.keys())]
    for name in sorted(before.keys() & after.keys()):
        changes = tuple(_table_changes(before[name], after[name]))
        if changes:
            tables.append(_whole(after[name], "changed", changes))
    tables.sort(key=lambda t: (t.table, t.status))
    impacts = list(_table_impacts(before, after)) + list(_function_impacts(old, new))
    return CatalogDiff(
        old_extracted_at=old.extracted_at,
        new_extracted_at=new.extracted_at,
        tables=tuple(tables),
        security=tuple(sorted(impacts, key=lambda i: (i.target, i.kind, i.message))),
    )


def _whole(
    table: Table, status: Literal["added", "removed", "changed"], changes: tuple[Change, ...] = ()
) -> TableDiff:
    return TableDiff(
        table=table.qualified_name,
        status=status,
        kind=table.kind,
        columns=len(table.columns),
        changes=changes,
    )


# --------------------------------------------------------------------------- structure


def _table_changes(old: Table, new: Table) -> Iterator[Change]:
    if old.kind != new.kind:
        yield Change(
            change="changed", object_type="kind", name=new.name, old=old.kind, new=new.kind
        )
    if old.comment != new.comment:
        yield Change(
            change="changed", object_type="comment", name=new.name, old=old.comment, new=new.comment
        )
    yield from _column_changes(old, new)
    yield from _constraint_changes(old, new)
    yield from _policy_changes(old, new)
    for flag in ("rls_enabled", "rls_forced"):
        a, b = getattr(old, flag), getattr(new, flag)
        if a != b:
            yield Change(
                change="changed",
                object_type="rls",
                name=flag,
                old=str(a).lower(),
                new=str(b).lower(),
            )
    yield from _grant_changes(old, new)


def _column_changes(old: Table, new: Table) -> Iterator[Change]:
    before = {c.name: c for c in old.columns}
    after = {c.name: c for c in new.columns}
    for name in sorted(after.keys() - before.keys()):
        yield Change(change="added", object_type="column", name=name, new=_column_text(after[name]))
    for name in sorted(before.keys() - after.keys()):
        yield Change(
            change="removed", object_type="column", name=name, old=_column_text(before[name])
        )
    for name in sorted(before.keys() & after.keys()):
        a, b = _column_text(before[name]), _column_text(after[name])
        if a != b or before[name].comment != after[name].comment:
            yield Change(change="changed", object_type="column", name=name, old=a, new=b)


def _column_text(column: Column) -> str:
    text = column.type + ("" if column.nullable else " NOT NULL")
    if column.default is not None:
        text += f" DEFAULT {column.default}"
    if column.identity:
        text += f" IDENTITY {column.identity}"
    if column.generated:
        text += f" GENERATED ({column.generated})"
    return text


def _constraint_changes(old: Table, new: Table) -> Iterator[Change]:
    a = ", ".join(old.primary_key.columns) if old.primary_key else None
    b = ", ".join(new.primary_key.columns) if new.primary_key else None
    if a != b:
        yield Change(change="changed", object_type="primary_key", name=new.name, old=a, new=b)
    for kind, signature in SIGNATURES.items():
        before, after = signature(old), signature(new)
        for key in sorted(after.keys() - before.keys()):
            yield Change(change="added", object_type=kind, name=after[key][0], new=after[key][1])
        for key in sorted(before.keys() - after.keys()):
            yield Change(
                change="removed", object_type=kind, name=before[key][0], old=before[key][1]
            )


def _policy_changes(old: Table, new: Table) -> Iterator[Change]:
    before = {p.name: p for p in old.policies}
    after = {p.name: p for p in new.policies}
    for name in sorted(before.keys() | after.keys()):
        a, b = before.get(name), after.get(name)
        if a == b:
            continue
        change: Literal["added", "removed", "changed"] = (
            "added" if a is None else "removed" if b is None else "changed"
        )
        yield Change(
            change=change, object_type="policy", name=name, old=_policy_text(a), new=_policy_text(b)
        )


def _policy_text(policy: Policy | None) -> str | None:
    if policy is None:
        return None
    text = f"{'PERMISSIVE' if policy.permissive else 'RESTRICTIVE'} FOR {policy.command} TO {', '.join(policy.roles)}"
    text += f" USING ({policy.using})" if policy.using else ""
    return text + (f" WITH CHECK ({policy.with_check})" if policy.with_check else "")


def _grant_texts(table: Table) -> set[str]:
    return {
        f"{g.privilege} {'(' + g.column + ') ' if g.column else ''}TO {g.grantee}"
        for g in table.grants
    }


def _grant_changes(old: Table, new: Table) -> Iterator[Change]:
    before, after = _grant_texts(old), _grant_texts(new)
    for text in sorted(after - before):
        yield Change(change="added", object_type="grant", name=text, new=text)
    for text in sorted(before - after):
        yield Change(change="removed", object_type="grant", name=text, old=text)


# --------------------------------------------------------------------------- security impact


def _table_impacts(before: dict[str, Table], after: dict[str, Table]) -> Iterator[SecurityImpact]:
    for name in sorted(after):
        new, old = after[name], before.get(name)
        if old is None:
            yield from _new_table_impacts(new)
        else:
            yield from _changed_table_impacts(old, new)


def _new_table_impacts(table: Table) -> Iterator[SecurityImpact]:
    name = table.qualified_name
    if table.kind in ("table", "partitioned_table") and table.tenancy.status == "unscoped":
        yield SecurityImpact(
            kind="unscoped_table_added",
            target=name,
            message="New table is not tenant-scoped (no tenant key, no FK path to a tenant)",
        )
    if not table.rls_enabled:
        for grant in sorted(_api_grants(table.grants)):
            yield SecurityImpact(
                kind="grant_added", target=name, message=f"New table with RLS off grants {grant}"
            )


def _changed_table_impacts(old: Table, new: Table) -> Iterator[SecurityImpact]:
    name = new.qualified_name
    if old.rls_enabled and not new.rls_enabled:
        yield SecurityImpact(kind="rls_disabled", target=name, message="RLS was turned off")
    if old.tenancy.status in ("direct", "inherited") and new.tenancy.status == "unscoped":
        yield SecurityImpact(
            kind="tenancy_lost",
            target=name,
            message=f"Table was {old.tenancy.status}, now unscoped",
        )
    new_grants = _api_grants(new.grants) - _api_grants(old.grants)
    for grant in sorted(new_grants):
        yield SecurityImpact(kind="grant_added", target=name, message=f"New grant: {grant}")
    yield from _policy_impacts(old, new)


def _api_grants(grants: tuple[Grant, ...]) -> set[str]:
    return {
        f"{g.privilege}{f' ({g.column})' if g.column else ''} TO {g.grantee}"
        for g in grants
        if g.grantee.lower() in _API_GRANTEES
    }


def _policy_impacts(old: Table, new: Table) -> Iterator[SecurityImpact]:
    name = new.qualified_name
    before = {p.name: p for p in old.policies}
    after = {p.name: p for p in new.policies}
    for policy_name in sorted(before.keys() - after.keys()):
        kind = "permissive" if before[policy_name].permissive else "restrictive (access widened)"
        yield SecurityImpact(
            kind="policy_removed",
            target=name,
            message=f"Policy `{policy_name}` ({kind}) was removed",
        )
    for policy_name in sorted(after.keys() - before.keys()):
        policy = after[policy_name]
        if policy.permissive and old.policies:
            yield SecurityImpact(
                kind="policy_added",
                target=name,
                message=f"Permissive policy `{policy_name}` added: grants {policy.command} to {', '.join(policy.roles)}",
            )
    for policy_name in sorted(before.keys() & after.keys()):
        reasons = policy_loosened(old, before[policy_name], after[policy_name])
        if reasons:
            yield SecurityImpact(
                kind="policy_loosened",
                target=name,
                message=f"Policy `{policy_name}` loosened: {'; '.join(reasons)}",
            )


def _function_impacts(old: Catalog, new: Catalog) -> Iterator[SecurityImpact]:
    before = {f.signature: f for f in old.functions}
    for function in new.functions:
        if not function.security_definer:
            continue
        was = before.get(function.signature)
        gained = _api_executors(function) - (_api_executors(was) if was else set())
        if was is not None and not was.security_definer:
            gained = _api_executors(function)
        if gained:
            yield SecurityImpact(
                kind="definer_function_exposed",
                target=function.signature,
                message=f"SECURITY DEFINER function now executable by {', '.join(sorted(gained))}",
            )


def _api_executors(function: Function) -> set[str]:
    holders = {r.lower() for r in function.executable_by}
    if "public" in holders:
        return set(API_ROLES)
    return holders & set(API_ROLES)
