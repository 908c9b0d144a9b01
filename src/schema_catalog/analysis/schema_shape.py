"""The structure of one schema with its own name left out: what schema-per-tenant
grouping compares (`analysis.tenant_schemas`), and the drift between two schemas.

A schema's shape maps each object (a table or view, an enum, a function, a type)
to its members, each described by one short line: a column's type, nullability and
default, an index's definition, a policy's clauses... Every mention of the schema's
own name (a foreign key to a sibling table, ``nextval('tenant_7.orders_id_seq')``,
an index's ``ON tenant_7.orders``) is replaced by a placeholder first, so that
``tenant_7`` and ``tenant_8`` holding the same tables have equal shapes. Comments,
sizes, row estimates and source locations are facts about a tenant's data or
documentation, not its structure, and are left out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import lru_cache

from schema_catalog.model import Catalog, Column, ForeignKey, Table, TenantDrift
from schema_catalog.pg.quoting import quote_ident

OWN_SCHEMA = "\x00"
"""Stands for the schema's own name in descriptions (PostgreSQL text never holds NUL)."""

Member = tuple[str, str, str]
"""(what, member name, description): ``("column", "total", "numeric not null")``."""
ObjectKey = tuple[str, str]
"""(what, name): ``("table", "orders")``, ``("enum", "status")``."""
Shape = dict[ObjectKey, tuple[Member, ...]]


def shapes(catalog: Catalog, schemas: Iterable[str]) -> dict[str, Shape]:
    """The shape of each of ``schemas``, from the catalog's tables and schema-level objects."""
    wanted = set(schemas)
    found: dict[str, Shape] = {name: {} for name in wanted}
    for table in catalog.tables:
        if table.schema in wanted:
            found[table.schema][("table", table.name)] = _table_members(table)
    for enum in catalog.enums:
        if enum.schema_ in wanted:
            found[enum.schema_][("enum", enum.name)] = (("values", "", ", ".join(enum.values)),)
    for function in catalog.functions:
        if function.schema_ in wanted:
            neutral = _neutralizer(function.schema_)
            key = ("function", f"{function.name}({neutral(function.arguments)})")
            header = f"{function.kind} returning {neutral(function.result)}, {function.language}"
            header += f", {function.volatility}" + (
                ", security definer" if function.security_definer else ""
            )
            body = neutral(function.definition or "")
            found[function.schema_][key] = (("function", "", header), ("definition", "", body))
    for domain in catalog.domain_types:
        if domain.schema_ in wanted:
            neutral = _neutralizer(domain.schema_)
            text = neutral(domain.base_type) + (" not null" if domain.not_null else "")
            text += _clause(" default ", neutral(domain.default or ""))
            text += "".join(f" {neutral(check)}" for check in domain.checks)
            found[domain.schema_][("type", domain.name)] = (("domain", "", text),)
    for composite in catalog.composite_types:
        if composite.schema_ in wanted:
            neutral = _neutralizer(composite.schema_)
            text = ", ".join(f"{a.name} {neutral(a.type)}" for a in composite.attributes)
            found[composite.schema_][("type", composite.name)] = (("composite", "", text),)
    return found


def signature(shape: Shape) -> tuple[tuple[ObjectKey, tuple[Member, ...]], ...]:
    """A hashable, order-independent form of ``shape``: equal for identical schemas."""
    return tuple(sorted(shape.items()))


def identical_tables(template: Shape, other: Shape) -> int:
    """How many of the template's tables ``other`` has exactly as the template has them."""
    return sum(
        1 for key, members in template.items() if key[0] == "table" and other.get(key) == members
    )


def table_count(shape: Shape) -> int:
    return sum(1 for what, _ in shape if what == "table")


def drift(template: Shape, other: Shape, names: tuple[str, str]) -> tuple[TenantDrift, ...]:
    """What ``other`` adds, misses or changes against ``template``; ``names`` are the two
    schemas' names, put back into the descriptions."""
    expected_name, found_name = names
    items: list[TenantDrift] = []
    for key in sorted(template.keys() | other.keys()):
        what, name = key
        mine, theirs = template.get(key), other.get(key)
        if mine == theirs:
            continue
        if mine is None or theirs is None:
            change = "added" if mine is None else "missing"
            summary = _summary(theirs, found_name) if theirs else _summary(mine, expected_name)
            items.append(
                TenantDrift(
                    change=change,
                    what=what,
                    object=name,
                    expected=summary if theirs is None else None,
                    found=summary if mine is None else None,
                )
            )
            continue
        items += _member_drift(name, _by_member(mine), _by_member(theirs), names)
    return tuple(items)


def _member_drift(
    owner: str,
    expected: Mapping[tuple[str, str], str],
    found: Mapping[tuple[str, str], str],
    names: tuple[str, str],
) -> list[TenantDrift]:
    items = []
    for what, member in sorted(expected.keys() | found.keys()):
        mine, theirs = expected.get((what, member)), found.get((what, member))
        if mine == theirs:
            continue
        change = "added" if mine is None else "missing" if theirs is None else "changed"
        items.append(
            TenantDrift(
                change=change,
                what=what,
                object=f"{owner}.{member}" if member else owner,
                expected=_named(mine, names[0]),
                found=_named(theirs, names[1]),
            )
        )
    return items


def _by_member(members: tuple[Member, ...]) -> dict[tuple[str, str], str]:
    return {(what, name): text for what, name, text in members}


def _summary(members: tuple[Member, ...] | None, schema: str) -> str:
    if not members:
        return ""
    columns = sum(1 for what, _, _ in members if what == "column")
    if columns:
        kind = next((text for what, name, text in members if name == "kind"), "table")
        return f"{kind}, {columns} column{'s' if columns != 1 else ''}"
    return _named(members[0][2], schema) or ""


def _named(text: str | None, schema: str) -> str | None:
    return None if text is None else text.replace(OWN_SCHEMA, quote_ident(schema))


# --------------------------------------------------------------------------- tables


def _table_members(table: Table) -> tuple[Member, ...]:
    neutral = _neutralizer(table.schema)
    members: list[Member] = [("property", "kind", table.kind)]
    members.append(("property", "rls", "enabled" if table.rls_enabled else "disabled"))
    if table.rls_forced:
        members.append(("property", "rls forced", "forced"))
    if table.primary_key is not None:
        pk = table.primary_key
        text = f"{pk.name} ({', '.join(pk.columns)})" + _flag(
            " without overlaps", pk.without_overlaps
        )
        members.append(("property", "primary key", text))
    for label, value in (
        ("view definition", table.view_definition),
        ("partition key", table.partition_key),
        ("options", ", ".join(table.options)),
        ("inherits", ", ".join(table.inherits)),
    ):
        if value:
            members.append(("property", label, neutral(value)))
    members += [("column", c.name, _column(c, neutral)) for c in table.columns]
    members += [
        ("foreign key", fk.name, _foreign_key(fk, table.schema)) for fk in table.foreign_keys
    ]
    members += [
        (
            "unique",
            u.name,
            f"({', '.join(u.columns)})"
            + _flag(" nulls not distinct", u.nulls_not_distinct)
            + _flag(" without overlaps", u.without_overlaps),
        )
        for u in table.unique_constraints
    ]
    members += [
        (
            "check",
            c.name,
            neutral(c.expression)
            + _flag(" not valid", not c.validated)
            + _flag(" not enforced", not c.enforced),
        )
        for c in table.check_constraints
    ]
    members += [("exclusion", e.name, neutral(e.definition)) for e in table.exclusion_constraints]
    members += [
        ("index", i.name, neutral(i.definition or f"{i.method} ({', '.join(i.columns)})"))
        for i in table.indexes
    ]
    members += [
        (
            "policy",
            p.name,
            f"{'permissive' if p.permissive else 'restrictive'} {p.command} to {', '.join(p.roles)}"
            + _clause(" using ", neutral(p.using or ""))
            + _clause(" with check ", neutral(p.with_check or "")),
        )
        for p in table.policies
    ]
    members += [
        ("trigger", t.name, neutral(t.definition) + ("" if t.enabled else " (disabled)"))
        for t in table.triggers
    ]
    members += [
        (
            "grant",
            f"{g.privilege} to {g.grantee}" + (f" on {g.column}" if g.column else ""),
            "granted",
        )
        for g in table.grants
    ]
    return tuple(sorted(members))


def _foreign_key(fk: ForeignKey, schema: str) -> str:
    target = f"{OWN_SCHEMA}.{fk.ref_table}" if fk.ref_schema == schema else fk.target
    return (
        f"({', '.join(fk.columns)}) → {target}({', '.join(fk.ref_columns)})"
        f" on delete {fk.on_delete} on update {fk.on_update}"
        + _flag(f" match {fk.match.lower()}", fk.match != "SIMPLE")
        + _flag(" deferrable", fk.deferrable)
        + _flag(" initially deferred", fk.initially_deferred)
        + _flag(" not valid", not fk.validated)
        + _flag(" period", fk.period)
        + _flag(" not enforced", not fk.enforced)
    )


def _flag(text: str, on: bool) -> str:
    return text if on else ""


def _column(column: Column, neutral: _Neutral) -> str:
    text = neutral(column.type) + ("" if column.nullable else " not null")
    text += _clause(" default ", neutral(column.default or ""))
    text += _clause(" generated always as ", neutral(column.generated or ""))
    text += _flag(" virtual", column.virtual) + _flag(" (not valid)", not column.not_null_validated)
    text += _clause(" identity ", column.identity or "")
    return text + _clause(" collate ", column.collation or "")


def _clause(prefix: str, value: str) -> str:
    return f"{prefix}{value}" if value else ""


class _Neutral:
    """Replaces a schema's own name, where it qualifies another name, by `OWN_SCHEMA`."""

    def __init__(self, schema: str) -> None:
        quoted = quote_ident(schema)
        self.needle = quoted
        # Unquoted, the name must not be the tail of a longer identifier (`xtenant_7.`).
        before = "" if quoted.startswith('"') else r'(?<![\w$"])'
        self.pattern = re.compile(before + re.escape(quoted) + r"(?=\.)")

    def __call__(self, text: str) -> str:
        if self.needle not in text:  # the common case, and much cheaper than the regex
            return text
        return self.pattern.sub(OWN_SCHEMA, text)


@lru_cache(maxsize=4096)
def _neutralizer(schema: str) -> _Neutral:
    return _Neutral(schema)
