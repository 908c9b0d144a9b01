"""Columns and constraints of CREATE TABLE / ALTER TABLE, named as the server names them.

The order matters for default names, so it follows PostgreSQL's
``transformCreateStmt``: sequences of serial and identity columns first, then
the table with its CHECK constraints (in the order written), then the indexes
of PRIMARY KEY (always first) and UNIQUE / EXCLUDE constraints, then the
foreign keys.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from pglast import ast, parse_sql
from pglast.stream import RawStream

from schema_catalog.pg import names
from schema_catalog.sources.migrations import deparse as d
from schema_catalog.sources.migrations.exprs import Analyzer, Relation, assigned, figure_colname
from schema_catalog.sources.migrations.reloptions import reloption
from schema_catalog.sources.migrations.state import (
    CatalogState,
    CheckState,
    ColumnState,
    ForeignKeyState,
    IndexElement,
    IndexState,
    KeyState,
    TableState,
)
from schema_catalog.sources.migrations.types import REGCLASS, SERIALS, SqlType, type_name_parts

_ACTIONS = {"a": "NO ACTION", "r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"}
_MATCH = {"s": "SIMPLE", "f": "FULL", "p": "PARTIAL"}
# Primary keys of tables a Supabase project always has, for `REFERENCES auth.users`.
_KNOWN_KEYS = {("auth", "users"): ["id"], ("storage", "objects"): ["id"]}

Warn = Callable[[str], None]


@dataclass
class Pending:
    """Constraints of one statement, applied in the server's order by `apply`."""

    checks: list[tuple[Any, str | None]] = field(default_factory=list)
    keys: list[tuple[Any, str | None]] = field(default_factory=list)
    foreign: list[tuple[Any, str | None]] = field(default_factory=list)
    not_null: list[Any] = field(default_factory=list)
    """Table-level ``CONSTRAINT name NOT NULL column`` (PostgreSQL 18)."""

    def add(self, constraint: Any, column: str | None) -> bool:
        kind = constraint.contype.name
        if kind == "CONSTR_NOTNULL" and column is None:
            self.not_null.append(constraint)
        elif kind == "CONSTR_CHECK":
            self.checks.append((constraint, column))
        elif kind in ("CONSTR_PRIMARY", "CONSTR_UNIQUE", "CONSTR_EXCLUSION"):
            self.keys.append((constraint, column))
        elif kind == "CONSTR_FOREIGN":
            self.foreign.append((constraint, column))
        else:
            return False
        return True


class TableBuilder:
    """Adds columns and constraints to one table of the replayed catalog."""

    def __init__(self, catalog: CatalogState, table: TableState, warn: Warn) -> None:
        self.catalog = catalog
        self.table = table
        self.warn = warn

    # ---------------------------------------------------------------- columns

    def add_column(self, node: Any, pending: Pending) -> None:
        schema, type_name = type_name_parts(node.typeName)
        serial = (
            SERIALS.get(type_name) if schema is None and not node.typeName.arrayBounds else None
        )
        kind = (
            self.catalog.named_type(None, serial)
            if serial
            else self.catalog.resolve_type(node.typeName)
        )
        column = ColumnState(node.colname, kind, not_null=bool(node.is_not_null))
        if node.collClause is not None:
            column.collation = ".".join(n.sval for n in node.collClause.collname)
        self.table.columns[column.name] = column
        if serial:
            column.not_null = True
            column.default = self._nextval(self._sequence(column.name))
        for constraint in node.constraints or ():
            self._column_constraint(column, constraint, pending)

    def _column_constraint(self, column: ColumnState, constraint: Any, pending: Pending) -> None:
        kind = constraint.contype.name
        if kind == "CONSTR_NOTNULL":
            column.not_null = True
            column.not_null_name = constraint.conname or column.not_null_name
        elif kind == "CONSTR_NULL":
            column.not_null = False
            column.not_null_name = None
        elif kind == "CONSTR_ATTR_NOT_ENFORCED":
            # `col int CHECK (...) NOT ENFORCED`: the attribute follows its constraint
            written = [c for c, name in pending.checks + pending.foreign if name == column.name]
            if written:
                written[-1].is_enforced, written[-1].skip_validation = False, True
        elif kind == "CONSTR_DEFAULT":
            self.set_default(column, constraint.raw_expr)
        elif kind == "CONSTR_IDENTITY":
            self.add_identity(column, constraint)
        elif kind == "CONSTR_GENERATED":
            column.generated = constraint.raw_expr
            column.virtual = constraint.generated_kind == "v"
        elif not pending.add(constraint, column.name) and not kind.startswith("CONSTR_ATTR"):
            self.warn(f"column constraint {kind} not modelled")

    def add_identity(self, column: ColumnState, constraint: Any) -> None:
        column.identity = "always" if constraint.generated_when == "a" else "by_default"
        column.not_null = True
        column.default = None
        self._sequence(column.name)

    def set_default(self, column: ColumnState, node: ast.Node | None) -> None:
        if node is None or (isinstance(node, ast.A_Const) and node.isnull):
            column.default = None  # DEFAULT NULL stores no default at all
            return
        column.default = assigned(self.analyzer(), node, column.type)

    def analyzer(self) -> Analyzer:
        return Analyzer(self.catalog, [[Relation(self.table.name, self.table.column_types())]])

    def _sequence(self, column: str) -> str:
        schema = self.table.schema
        name = names.sequence_name(
            self.table.name, column, lambda n: self.catalog.relation_taken(schema, n)
        )
        self.catalog.sequences[(schema, name)] = self.table.key
        return name

    def _nextval(self, sequence: str) -> d.Expr:
        qualified = f"{self.table.schema}.{sequence}"
        return d.Call(SqlType("bigint"), "nextval", (d.Const(REGCLASS, qualified),))

    # ---------------------------------------------------------------- constraints

    def apply(self, pending: Pending, *, creating: bool) -> None:
        """Add the pending constraints in the server's order, naming the unnamed ones."""
        for constraint in pending.not_null:
            self._not_null(constraint)
        chosen: list[str] = []
        for constraint, _column in pending.checks:
            self._check(constraint, chosen, creating=creating)
        keys = sorted(pending.keys, key=lambda item: item[0].contype.name != "CONSTR_PRIMARY")
        seen: list[tuple[str, ...]] = []
        for constraint, column in keys:
            self._key(constraint, column, seen if creating else None)
        for constraint, column in pending.foreign:
            self._foreign(constraint, column, creating=creating)

    def _check(self, constraint: Any, chosen: list[str], *, creating: bool) -> None:
        name = constraint.conname
        if not name:
            used = sorted({c for c in column_refs(constraint.raw_expr) if c in self.table.columns})
            single = used[0] if len(used) == 1 else None
            schema = self.table.schema
            name = names.check_name(
                self.table.name,
                single,
                lambda n: n in chosen or self.catalog.constraint_taken(schema, n),
            )
        chosen.append(name)
        enforced = constraint.is_enforced is not False
        valid = (creating or not constraint.skip_validation) and enforced
        self.table.checks.append(CheckState(name, constraint.raw_expr, valid, enforced))

    def _not_null(self, constraint: Any) -> None:
        """``CONSTRAINT name NOT NULL column [NOT VALID]`` (PostgreSQL 18)."""
        for key in constraint.keys or ():
            column = self.table.columns.get(key.sval)
            if column is None:
                self.warn(f"{self.table.name} has no column {key.sval}: NOT NULL skipped")
                continue
            column.not_null = True
            column.not_null_name = constraint.conname or column.not_null_name
            column.not_null_validated = not constraint.skip_validation

    def _key(self, constraint: Any, column: str | None, seen: list[tuple[str, ...]] | None) -> None:
        kind = constraint.contype.name
        if constraint.indexname:
            self._key_using_index(constraint)
            return
        columns = [k.sval for k in constraint.keys or ()] or ([column] if column else [])
        if kind == "CONSTR_EXCLUSION":
            columns = [_element_name(e[0]) for e in constraint.exclusions or ()]
        signature = ((kind == "CONSTR_PRIMARY" and "UNIQUE") or kind, *columns)
        if seen is not None and (("UNIQUE", *columns) in seen or signature in seen):
            return  # the server drops a constraint index identical to an earlier one
        if seen is not None:
            seen.append(("UNIQUE", *columns) if kind != "CONSTR_EXCLUSION" else signature)
        name = constraint.conname or self._key_name(kind, columns)
        key = KeyState(
            name,
            columns,
            bool(constraint.nulls_not_distinct),
            bool(constraint.deferrable),
            without_overlaps=bool(constraint.without_overlaps),
        )
        index = IndexState(
            name, [IndexElement(column=c) for c in columns], unique=True, constraint=name
        )
        if key.without_overlaps:  # a temporal key is a GiST index (btree_gist for scalars)
            index.method = "gist"
        index.include = [i.sval for i in constraint.including or ()]
        index.nulls_not_distinct = key.nulls_not_distinct
        if kind == "CONSTR_PRIMARY":
            self._primary(key, index)
        elif kind == "CONSTR_UNIQUE":
            self.table.uniques.append(key)
        else:
            self._exclusion(constraint, key, index)
        self.table.indexes.append(index)

    def _key_using_index(self, constraint: Any) -> None:
        """``ADD CONSTRAINT name PRIMARY KEY / UNIQUE USING INDEX index`` (what
        ``supabase db diff`` writes): the existing unique index becomes the
        constraint's index, renamed to the constraint's name."""
        index = next((i for i in self.table.indexes if i.name == constraint.indexname), None)
        if index is None or any(e.column is None for e in index.elements):
            self.warn(f"USING INDEX {constraint.indexname}: no plain unique index of that name")
            return
        name = constraint.conname or index.name
        columns = [str(e.column) for e in index.elements]
        key = KeyState(name, columns, index.nulls_not_distinct, bool(constraint.deferrable))
        index.name, index.constraint = name, name
        if index.text is not None:  # a live index: its definition names the old index
            index.text = (
                *index.text[:-1],
                index.text[-1].replace(f"INDEX {constraint.indexname} ", f"INDEX {name} ", 1),
            )
        if constraint.contype.name == "CONSTR_PRIMARY":
            self._primary(key, index)
        else:
            self.table.uniques.append(key)

    def _primary(self, key: KeyState, index: IndexState) -> None:
        if self.table.primary_key is not None:
            self.warn(f"second primary key {key.name} on {self.table.name}")
        self.table.primary_key = key
        index.primary = True
        for name in key.columns:
            if name in self.table.columns:
                self.table.columns[name].not_null = True

    def _exclusion(self, constraint: Any, key: KeyState, index: IndexState) -> None:
        index.unique = False
        index.method = constraint.access_method or "gist"
        parts = [f"{RawStream()(e[0])} WITH {e[1][-1].sval}" for e in constraint.exclusions or ()]
        key.definition = f"EXCLUDE USING {index.method} ({', '.join(parts)})"
        self.table.exclusions.append(key)

    def _key_name(self, kind: str, columns: Sequence[str]) -> str:
        schema = self.table.schema

        def taken(name: str) -> bool:
            return self.catalog.relation_taken(schema, name, constraint=True)

        if kind == "CONSTR_PRIMARY":
            return names.primary_key_name(self.table.name, taken)
        if kind == "CONSTR_UNIQUE":
            return names.unique_name(self.table.name, columns, taken)
        return names.exclusion_name(self.table.name, columns, taken)

    def _foreign(self, constraint: Any, column: str | None, *, creating: bool) -> None:
        columns = [a.sval for a in constraint.fk_attrs or ()] or ([column] if column else [])
        target = constraint.pktable
        ref_schema = target.schemaname or self.catalog.default_schema
        ref_columns = [a.sval for a in constraint.pk_attrs or ()] or self._primary_columns(
            ref_schema, target.relname
        )
        schema = self.table.schema
        name = constraint.conname or names.foreign_key_name(
            self.table.name, columns, lambda n: self.catalog.constraint_taken(schema, n)
        )
        self.table.foreign_keys.append(
            ForeignKeyState(
                name=name,
                columns=columns,
                ref_schema=ref_schema,
                ref_table=target.relname,
                ref_columns=ref_columns,
                on_delete=_ACTIONS.get(constraint.fk_del_action, "NO ACTION"),
                on_update=_ACTIONS.get(constraint.fk_upd_action, "NO ACTION"),
                match=_MATCH.get(constraint.fk_matchtype, "SIMPLE"),
                deferrable=bool(constraint.deferrable),
                initially_deferred=bool(constraint.initdeferred),
                validated=(creating or not constraint.skip_validation)
                and constraint.is_enforced is not False,
                period=bool(constraint.fk_with_period),
                enforced=constraint.is_enforced is not False,
            )
        )

    def _primary_columns(self, schema: str, table: str) -> list[str]:
        known = self.catalog.tables.get((schema, table))
        if known is not None and known.primary_key is not None:
            return list(known.primary_key.columns)
        if (schema, table) in _KNOWN_KEYS:
            return list(_KNOWN_KEYS[(schema, table)])
        self.warn(
            f"REFERENCES {schema}.{table} without columns: its primary key is unknown, assumed (id)"
        )
        return ["id"]

    # ---------------------------------------------------------------- indexes

    def add_index(self, node: Any) -> None:
        method = node.accessMethod or "btree"
        types = self.table.column_types()
        elements = [
            _element(e, self.catalog, types.get(e.name) if e.name else None, method)
            for e in node.indexParams
        ]
        column_names = [_element_name(e) for e in node.indexParams]
        name = node.idxname
        if not name:
            schema = self.table.schema
            name = names.index_name(
                self.table.name, column_names, lambda n: self.catalog.relation_taken(schema, n)
            )
        index = IndexState(name, elements, method=method, unique=bool(node.unique))
        index.include = [_element_name(e) for e in node.indexIncludingParams or ()]
        index.predicate = node.whereClause
        index.nulls_not_distinct = bool(node.nulls_not_distinct)
        index.options = [reloption(o) for o in node.options or ()]
        self.table.indexes.append(index)


def reparse_index(index: IndexState) -> None:
    """Turn a live index (definition text) back into parse trees, as the server
    rebuilds an index from its definition when a column changes type."""
    assert index.text is not None
    statement: Any = parse_sql(index.text[-1])[0].stmt
    index.elements = [_element(e) for e in statement.indexParams]
    index.predicate = statement.whereClause
    index.options = [reloption(o) for o in statement.options or ()]
    index.text = None


def _element(
    node: Any,
    catalog: CatalogState | None = None,
    column: SqlType | None = None,
    method: str = "btree",
) -> IndexElement:
    """One key of an index; ``column``: the type of the column it names, if it names one."""
    suffix = ""
    if node.opclass:
        parts = [n.sval for n in node.opclass]
        opclass = catalog.opclass(parts, column, method) if catalog else ".".join(parts)
        suffix += f" {opclass}" if opclass else ""
    if node.ordering.name == "SORTBY_DESC":
        suffix += " DESC"
        if node.nulls_ordering.name == "SORTBY_NULLS_LAST":
            suffix += " NULLS LAST"
    elif node.nulls_ordering.name == "SORTBY_NULLS_FIRST":
        suffix += " NULLS FIRST"
    if node.name:
        return IndexElement(column=node.name, suffix=suffix)
    return IndexElement(expr=node.expr, suffix=suffix)


def _element_name(node: Any) -> str:
    """``ChooseIndexColumnNames``' source: the column, the function name, else ``expr``."""
    if node.name:
        return str(node.name)
    name = figure_colname(node.expr)
    return name if name != "?column?" else "expr"


def column_refs(node: object) -> Iterator[str]:
    """Names of the columns an expression mentions (last part of each ColumnRef)."""
    if isinstance(node, ast.ColumnRef):
        last: Any = (node.fields or ())[-1]
        if isinstance(last, ast.String) and last.sval:
            yield str(last.sval)
        return
    if isinstance(node, tuple | list):
        for item in node:
            yield from column_refs(item)
    elif isinstance(node, ast.Node):
        for attribute in node:
            yield from column_refs(getattr(node, attribute))
