"""The replayed tables, with look-ups that do not scan them all.

Statements keep asking questions about every table: is this generated name
taken by an index or a constraint of the schema, which table holds index X,
which tables' foreign keys point at this one, whose expressions name
``t.column``, which partitions hang below a table. Answered by walking every
table, each such statement cost as much as the catalog is big, and replaying N
files cost N². `Tables` answers them from indexes instead.

The index stays right without each change having to report itself: `Tables` is
the catalog's mapping of tables, and every table it hands out (``get``, ``[]``,
``values``, ``pop``...), takes in or answers with may change, so its part of the
index is computed again before the next look-up. Inside a statement a table
handed out may still change after a look-up (a CREATE TABLE names one
constraint, adds it, then names the next), so the tables handed out during the
current statement are computed again at each look-up of that statement
(`statement` marks its bounds). The cost of a look-up is thus the size of the
tables the statements since the last one touched, not of the catalog.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, MutableMapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pglast import ast

if TYPE_CHECKING:
    from schema_catalog.sources.migrations.state import IndexState, Stored, TableState

Key = tuple[str, str]
ColumnName = tuple[str | None, str]
"""A column reference as (the part before the column name or None, the column name)."""


@dataclass(frozen=True)
class Mentions:
    """The column references of one stored expression."""

    columns: frozenset[str]
    """Every reference's last part (the column name)."""
    qualified: frozenset[ColumnName]
    """The references with a qualifier: (qualifier, column)."""


@dataclass(frozen=True)
class _Entry:
    """What one table contributes to the index (kept to take it back out)."""

    schema: str
    indexes: tuple[str, ...]
    constraints: tuple[str, ...]
    references: frozenset[Key]
    qualified: frozenset[ColumnName]
    parent: TableState | None


class Tables(MutableMapping[Key, "TableState"]):
    """(schema, name) → table, in insertion order, with indexed look-ups (module doc)."""

    def __init__(self) -> None:
        self._tables: dict[Key, TableState] = {}
        self._earlier: dict[int, TableState] = {}
        self._current: dict[int, TableState] | None = None
        self._entries: dict[int, tuple[TableState, _Entry]] = {}
        self._indexes: dict[str, dict[int, TableState]] = {}
        """Index name → the tables holding an index of that name (in any schema)."""
        self._constraints: Counter[Key] = Counter()
        self._referrers: dict[Key, dict[int, TableState]] = {}
        self._qualified: dict[ColumnName, dict[int, TableState]] = {}
        self._children: dict[int, dict[int, TableState]] = {}
        self._mentions: dict[int, tuple[Stored, Mentions]] = {}

    # ------------------------------------------------------------ the mapping

    def __getitem__(self, key: Key) -> TableState:
        return self._handed(self._tables[key])

    def __setitem__(self, key: Key, table: TableState) -> None:
        replaced = self._tables.get(key)
        if replaced is not None:
            self._handed(replaced)
        self._tables[key] = self._handed(table)

    def __delitem__(self, key: Key) -> None:
        self._handed(self._tables.pop(key))

    def __contains__(self, key: object) -> bool:
        return key in self._tables

    def __iter__(self) -> Iterator[Key]:
        return iter(self._tables)

    def __len__(self) -> int:
        return len(self._tables)

    def _handed(self, table: TableState) -> TableState:
        changing = self._current if self._current is not None else self._earlier
        changing[id(table)] = table
        return table

    @contextmanager
    def statement(self) -> Iterator[None]:
        """The bounds of one statement (see the module doc)."""
        self._current = {}
        try:
            yield
        finally:
            self._earlier.update(self._current)
            self._current = None

    # ------------------------------------------------------------ look-ups

    def index_taken(self, schema: str, name: str) -> bool:
        return bool(self._index_holders(schema, name))

    def constraint_taken(self, schema: str, name: str) -> bool:
        self._refresh()
        return self._constraints[(schema, name)] > 0

    def find_index(self, schema: str | None, name: str) -> tuple[TableState, IndexState] | None:
        """The index ``name`` (in any schema when None): the first in table order."""
        holders = self._index_holders(schema, name)
        if len(holders) > 1:  # the same name twice: the first table in catalog order wins
            position = {id(t): i for i, t in enumerate(self._tables.values())}
            holders.sort(key=lambda t: position[id(t)])
        for table in holders:
            for index in table.indexes:
                if index.name == name:
                    return self._handed(table), index
        return None

    def _index_holders(self, schema: str | None, name: str) -> list[TableState]:
        self._refresh()
        held = self._indexes.get(name, {})
        return [t for t in held.values() if schema in (None, self._entries[id(t)][1].schema)]

    def referring_to(self, key: Key) -> list[TableState]:
        """The tables with a foreign key to table ``key``."""
        self._refresh()
        return [self._handed(t) for t in list(self._referrers.get(key, {}).values())]

    def naming(self, qualifier: str, column: str) -> list[TableState]:
        """The tables with a stored expression that names ``qualifier.column``."""
        self._refresh()
        return [
            self._handed(t) for t in list(self._qualified.get((qualifier, column), {}).values())
        ]

    def descendants(self, table: TableState) -> Iterator[TableState]:
        """Every partition below ``table``, at any depth."""
        self._refresh()
        pending = list(self._children.get(id(table), {}).values())
        while pending:
            child = pending.pop()
            yield self._handed(child)
            pending.extend(self._children.get(id(child), {}).values())

    # ------------------------------------------------------------ expressions

    def mentions(self, stored: Stored) -> Mentions:
        """The column references of ``stored``, remembered per expression: the entry keeps
        the expression alive (its id cannot be reused) until `forget` drops it."""
        known = self._mentions.get(id(stored))
        if known is None:
            known = self._mentions[id(stored)] = (stored, _mentions(stored))
        return known[1]

    def forget(self, stored: Stored) -> None:
        """``stored`` was rewritten in place: its references change."""
        self._mentions.pop(id(stored), None)

    # ------------------------------------------------------------ the index

    def _refresh(self) -> None:
        changed = list(self._earlier.values())
        self._earlier.clear()
        if self._current is not None:
            changed += self._current.values()
        for table in changed:
            self._withdraw(table)
            if self._tables.get(table.key) is table:
                self._enter(table)

    def _enter(self, table: TableState) -> None:
        expressions = stored_expressions(table)
        entry = _Entry(
            schema=table.schema,
            indexes=tuple(i.name for i in table.indexes),
            constraints=tuple(table.constraint_names()),
            references=frozenset((f.ref_schema, f.ref_table) for f in table.foreign_keys),
            qualified=frozenset(q for e in expressions for q in self.mentions(e).qualified),
            parent=table.partition_of,
        )
        self._entries[id(table)] = (table, entry)
        for name in entry.indexes:
            self._indexes.setdefault(name, {})[id(table)] = table
        self._constraints.update((entry.schema, name) for name in entry.constraints)
        for key in entry.references:
            self._referrers.setdefault(key, {})[id(table)] = table
        for reference in entry.qualified:
            self._qualified.setdefault(reference, {})[id(table)] = table
        if entry.parent is not None:
            self._children.setdefault(id(entry.parent), {})[id(table)] = table

    def _withdraw(self, table: TableState) -> None:
        found = self._entries.pop(id(table), None)
        if found is None:
            return
        entry = found[1]
        for name in entry.indexes:
            _discard(self._indexes, name, table)
        self._constraints.subtract((entry.schema, name) for name in entry.constraints)
        for key in entry.references:
            _discard(self._referrers, key, table)
        for reference in entry.qualified:
            _discard(self._qualified, reference, table)
        if entry.parent is not None:
            _discard(self._children, id(entry.parent), table)


def _discard(index: dict[Any, dict[int, TableState]], key: Any, table: TableState) -> None:
    held = index.get(key)
    if held is not None:
        held.pop(id(table), None)
        if not held:
            del index[key]


def stored_expressions(table: TableState) -> list[Stored]:
    """The parse trees a table keeps (CHECKs, policies, index expressions and predicates,
    generated columns): what a rename rewrites."""
    found: list[Stored | None] = [c.expr for c in table.checks]
    for policy in table.policies.values():
        found += [policy.using, policy.with_check]
    for index in table.indexes:
        found += [e.expr for e in index.elements] + [index.predicate]
    found += [c.generated for c in table.columns.values()]
    return [e for e in found if e is not None and not isinstance(e, str)]


def walk(node: object) -> list[Any]:
    """Every parse node in ``node``, without recursion."""
    found: list[Any] = []
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, tuple | list):
            stack.extend(item)
        elif isinstance(item, ast.Node):
            found.append(item)
            stack.extend(getattr(item, a) for a in item)
    return found


def _mentions(stored: Stored) -> Mentions:
    references = [
        [getattr(f, "sval", None) for f in node.fields or ()]
        for node in walk(stored)
        if isinstance(node, ast.ColumnRef)
    ]
    return Mentions(
        columns=frozenset(str(parts[-1] or "") for parts in references),
        qualified=frozenset(
            (parts[-2], str(parts[-1] or "")) for parts in references if len(parts) > 1
        ),
    )
