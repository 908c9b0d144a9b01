"""Declarative partitioning in the replay: ``PARTITION BY``, ``PARTITION OF``,
``ATTACH`` / ``DETACH PARTITION``, and the partition tree as the live source shows it.

Partitions fold under their root, as the live catalog folds them: the root lists
every partition below it (``partitions``) and, for each leaf, the RLS flag and the
grants of its own (``leaf_partitions``): neither is inherited from the root, and a
client may query a leaf directly. ``partition_key`` is ``pg_get_partkeydef``'s text.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

from schema_catalog import model
from schema_catalog.sources.migrations.state import CatalogState, IndexElement, TableState

_STRATEGIES = {"r": "RANGE", "l": "LIST", "h": "HASH", "range": "RANGE", "list": "LIST"}
_STRATEGIES["hash"] = "HASH"


def key(spec: Any) -> tuple[str, list[IndexElement]]:
    """A ``PARTITION BY`` clause as (strategy, key elements)."""
    strategy = getattr(spec.strategy, "value", spec.strategy)
    elements = [
        IndexElement(column=e.name) if e.name else IndexElement(expr=e.expr)
        for e in spec.partParams or ()
    ]
    return _STRATEGIES[str(strategy).lower()], elements


def new_partition(schema: str, name: str, parent: TableState, spec: Any) -> TableState:
    """``CREATE TABLE name PARTITION OF parent``: the parent's columns, no grants or RLS
    of the parent's (the caller adds the default privileges)."""
    kind = "partitioned_table" if spec is not None else "table"
    table = TableState(schema, name, kind, columns=copy.deepcopy(parent.columns))
    table.partition_of = parent
    table.partition_key = key(spec) if spec is not None else None
    return table


def descendants(table: TableState, catalog: CatalogState) -> Iterator[TableState]:
    """Every partition below ``table``, at any depth."""
    return catalog.tables.descendants(table)


def leaf(table: TableState) -> model.LeafPartition:
    return model.LeafPartition(
        name=f"{table.schema}.{table.name}",
        kind="foreign_table" if table.kind == "foreign_table" else "table",
        rls_enabled=table.rls_enabled,
        grants=tuple(
            sorted(
                (model.Grant(grantee=g, privilege=p, column=c) for g, p, c in table.grants),
                key=lambda g: (g.column or "", g.grantee, g.privilege),
            )
        ),
    )


def folded(table: TableState, shown: set[str] | None) -> bool:
    """True when ``table`` is a partition shown under its root rather than on its own."""
    return table.partition_of is not None and (
        shown is None or table.partition_root.schema in shown
    )
