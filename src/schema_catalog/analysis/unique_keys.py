"""Unique keys of a table, and those catalog.yml declares global across tenants.

A unique key that leaves out the tenant key is a cross-tenant oracle (the error a
tenant gets tells it that another holds the value): `unique_without_tenant_key`
(TEN009) flags it. Some are meant to be global, an invitation token looked up
before the tenant is known, an external id, a public handle: ``tenancy.global_unique``
lists them per table, or ``all`` of a table's. A key is matched by its set of
columns, so ``[provider, external_id]`` names ``UNIQUE (external_id, provider)`` too.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from schema_catalog.config import Config, match_tables
from schema_catalog.errors import ConfigError
from schema_catalog.model import Catalog, Table

Columns = tuple[str, ...]
GlobalKeys = Literal["all"] | tuple[Columns, ...]
"""A table's global unique keys: ``all``, or the keys as catalog.yml lists them."""


def unique_keys(table: Table) -> list[tuple[str, Columns]]:
    """(name, columns) of unique constraints and unique indexes no constraint owns, each once."""
    found = [(u.name, u.columns) for u in table.unique_constraints]
    owned = {u.name for u in table.unique_constraints}
    found += [
        (i.name, i.columns)
        for i in table.indexes
        if i.unique and not i.primary and i.constraint is None and i.name not in owned
    ]
    return sorted(found)


def resolve(catalog: Catalog, config: Config) -> dict[str, GlobalKeys]:
    """Global unique keys per qualified table name.

    A listed key that no table its entry matches has is an error naming the entry:
    a renamed column would otherwise silently bring the finding back, or hide nothing.
    """
    tables = {t.qualified_name: t for t in catalog.tables}
    found: dict[str, GlobalKeys] = {}
    for pattern, keys in sorted(config.tenancy.global_unique.items()):
        matched = [tables[n] for n in match_tables((pattern,), sorted(tables))]
        if keys != "all" and matched:
            _check_keys(config, pattern, keys, matched)
        for table in matched:
            own = keys if keys == "all" else _keys_of(table, keys)
            if own:
                found[table.qualified_name] = _merge(found.get(table.qualified_name, ()), own)
    return found


def is_global(keys: GlobalKeys | None, columns: Iterable[str]) -> bool:
    """Whether the unique key on ``columns`` is among ``keys``."""
    if keys is None:
        return False
    return keys == "all" or frozenset(columns) in {frozenset(k) for k in keys}


def describe(keys: GlobalKeys) -> str:
    """The table page's note on a table's global unique keys."""
    where = "(catalog.yml `tenancy.global_unique`)"
    if keys == "all":
        return f"Every unique key holds across tenants on purpose {where}"
    listed = "; ".join(", ".join(f"`{c}`" for c in columns) for columns in keys)
    return f"Unique across tenants on purpose {where}: {listed}"


def _merge(known: GlobalKeys, keys: GlobalKeys) -> GlobalKeys:
    # A table matched by several entries (a name and a glob) takes the keys of all of them.
    if known == "all" or keys == "all":
        return "all"
    seen = {frozenset(k) for k in known}
    return known + tuple(k for k in keys if frozenset(k) not in seen)


def _keys_of(table: Table, keys: tuple[Columns, ...]) -> tuple[Columns, ...]:
    # A glob may match tables that lack some of its keys: each takes the ones it has.
    present = {frozenset(columns) for _, columns in unique_keys(table)}
    return tuple(k for k in keys if frozenset(k) in present)


def _check_keys(
    config: Config, pattern: str, keys: tuple[Columns, ...], tables: list[Table]
) -> None:
    present = {frozenset(columns) for t in tables for _, columns in unique_keys(t)}
    for columns in keys:
        if frozenset(columns) not in present:
            listed = ", ".join(f"`{c}`" for c in columns)
            raise ConfigError(
                f"`tenancy.global_unique.{pattern}` names the unique key ({listed}),"
                f" which no table it matches has",
                where=config.where,
                fix="list the columns of a UNIQUE constraint or unique index, or remove the key",
            )
