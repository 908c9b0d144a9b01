"""Build the catalog model from the rows of the PostgreSQL catalog queries.

Pure Python, no database: a `CatalogBuilder` takes the rows of each query of
`queries.CATALOG_QUERIES` in their order, as they arrive, turns each row into
its model at once and keeps only the models, grouped by relation oid; `catalog`
then puts each relation's parts together and returns a sorted `Catalog`. So the
rows of a kind are gone once the kind is built (at 10,000 tables they would be
about 300 MB as dicts), and the cost is linear in the number of rows. `build`
does the same from a list of rows per query.

The rows come from ``pg_catalog`` through our own queries, whose columns have
the model's types: models are made with `Model.trusted`, without validation
(tests compare them with validated ones; snapshots are validated when loaded).
The single-letter codes of ``pg_catalog`` (``contype``, ``polcmd``, ``tgtype``
bits) are translated here and nowhere else.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from sys import intern
from typing import Any, Final

from schema_catalog import collector
from schema_catalog.model import (
    SUPABASE_ROLES,
    Catalog,
    CheckConstraint,
    Column,
    CompositeAttribute,
    CompositeType,
    DefaultPrivilege,
    DomainType,
    Enum,
    ExclusionConstraint,
    Extension,
    ForeignKey,
    Function,
    Grant,
    Index,
    IndexUsage,
    LeafPartition,
    Policy,
    PrimaryKey,
    Publication,
    Role,
    SourceInfo,
    Table,
    TableKind,
    Trigger,
    UniqueConstraint,
    Usage,
)
from schema_catalog.pg import names
from schema_catalog.sources.postgres import queries

Row = dict[str, Any]
Rows = Sequence[Row]

# Roles a Supabase project always has; listed even when nothing names them.
_PLATFORM_ROLE_NAMES = frozenset(r.name for r in SUPABASE_ROLES)

_KINDS: dict[str, TableKind] = {
    "r": "table",
    "p": "partitioned_table",
    "v": "view",
    "m": "materialized_view",
    "f": "foreign_table",
}
_FK_ACTIONS = {
    "a": "NO ACTION",
    "r": "RESTRICT",
    "c": "CASCADE",
    "n": "SET NULL",
    "d": "SET DEFAULT",
}
_FK_MATCH = {"s": "SIMPLE", "f": "FULL", "p": "PARTIAL"}
_POLICY_COMMANDS = {"*": "ALL", "r": "SELECT", "a": "INSERT", "w": "UPDATE", "d": "DELETE"}
_FUNCTION_KINDS = {"f": "function", "p": "procedure", "a": "aggregate", "w": "window"}
_VOLATILITY = {"i": "immutable", "s": "stable", "v": "volatile"}
_IDENTITY = {"a": "always", "d": "by_default"}

# pg_trigger.tgtype bits (src/include/catalog/pg_trigger.h)
_TG_ROW, _TG_BEFORE, _TG_INSTEAD = 1 << 0, 1 << 1, 1 << 6
_TG_EVENTS = ((1 << 2, "INSERT"), (1 << 3, "DELETE"), (1 << 4, "UPDATE"), (1 << 5, "TRUNCATE"))


def build(schemas: Sequence[str], results: dict[str, list[Row]], source: SourceInfo) -> Catalog:
    """The catalog for ``schemas`` from the rows of every catalog query, keyed by name.

    Takes each kind's rows out of ``results`` as it builds that kind.
    """
    with collector.paused():
        builder = CatalogBuilder(schemas)
        for name, _ in queries.CATALOG_QUERIES:
            builder.add(name, results.pop(name))
        return builder.catalog(source)


class CatalogBuilder:
    """Rows in, one query at a time (in `queries.CATALOG_QUERIES` order); models kept."""

    def __init__(self, schemas: Sequence[str]) -> None:
        self.schemas = tuple(schemas)
        self.relations: list[Row] = []
        # Per relation oid, per part kind ("columns", "foreign_keys"...): its models.
        self.parts: dict[int, dict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))
        self.primary_keys: dict[int, Row] = {}
        self.rows: dict[str, list[Row]] = {}
        """The small kinds (types, functions, roles...), built at the end."""
        self.read: set[str] = set()

    def add(self, name: str, rows: Iterable[Row]) -> None:
        """Build the models of the query ``name`` from its ``rows`` (consumed as they come)."""
        adder = _ADDERS.get(name)
        if adder is None:
            self.rows[name] = list(rows)
        else:
            adder(self, rows)
        self.read.add(name)

    def _add_tables(self, rows: Iterable[Row]) -> None:
        self.relations = list(rows)

    def _add_constraints(self, rows: Iterable[Row]) -> None:
        for row in rows:
            kind = row["type"]
            if kind == "p":
                self.primary_keys[row["rel"]] = row
            else:
                part, make = _CONSTRAINTS[kind]
                self.parts[row["rel"]][part].append(make(row))

    def _add_columns(self, rows: Iterable[Row]) -> None:
        # A column's primary-key flag comes from the constraints, read before.
        assert "constraints" in self.read, "constraints are read before columns"
        keys = {rel: frozenset(row["columns"]) for rel, row in self.primary_keys.items()}
        tables = {rel["oid"]: rel["name"] for rel in self.relations}
        for row in rows:
            rel = row["rel"]
            column = _column(row, row["name"] in keys.get(rel, ()), tables[rel])
            self.parts[rel]["columns"].append(column)

    def _add_per_relation(self, part: str, make: Callable[[Row], Any], rows: Iterable[Row]) -> None:
        for row in rows:
            self.parts[row["rel"]][part].append(make(row))

    def relation_oids(self) -> list[int]:
        return [rel["oid"] for rel in self.relations]

    def leave_out(self, oids: Iterable[int]) -> list[str]:
        """Forget the relations ``oids`` (dropped while the read ran); their qualified names."""
        gone = set(oids)
        names = [f"{r['schema']}.{r['name']}" for r in self.relations if r["oid"] in gone]
        self.relations = [r for r in self.relations if r["oid"] not in gone]
        for oid in gone:
            self.parts.pop(oid, None)
            self.primary_keys.pop(oid, None)
        return sorted(names)

    def catalog(self, source: SourceInfo) -> Catalog:
        """The catalog of everything added; the rows and parts are let go."""
        roots = _partition_roots(self.relations)
        tables = self._tables(roots)
        rows = self.rows
        return Catalog(
            schemas=self.schemas,
            sources=(source,),
            tables=tables,
            enums=_sorted(_enum(r) for r in rows["enums"]),
            domain_types=_sorted(_domain(r) for r in rows["domain types"]),
            composite_types=_sorted(_composite(r) for r in rows["composite types"]),
            functions=tuple(
                sorted(
                    (_function(r) for r in rows["functions"]),
                    key=lambda f: (f.schema_, f.name, f.arguments),
                )
            ),
            extensions=tuple(sorted((_extension(r) for r in rows["extensions"]), key=_by_name)),
            publications=_publications(rows["publications"], roots),
            roles=_roles(rows["roles"], tables, rows["functions"]),
            default_privileges=_default_privileges(rows.get("default privileges", ())),
            # not a schema fact: never serialised (model.Usage)
            usage=usage(rows.get("index usage", ())),
        )

    def _tables(self, roots: Mapping[str, str]) -> tuple[Table, ...]:
        published: dict[str, set[str]] = defaultdict(set)
        for row in self.rows["publications"]:
            for name in row["tables"]:
                published[roots.get(name, name)].add(row["name"])
        tables = []
        relations, self.relations = self.relations, []
        for rel in relations:
            parts = self.parts.pop(rel["oid"], {})
            qualified = f"{rel['schema']}.{rel['name']}"
            primary = self.primary_keys.pop(rel["oid"], None)
            publications = tuple(sorted(published.get(qualified, ())))
            tables.append(_table(rel, primary, parts, publications))
        return tuple(sorted(tables, key=lambda t: (t.schema_, t.name)))


# --------------------------------------------------------------------------- tables


def _table(
    rel: Row, primary: Row | None, parts: Mapping[str, list[Any]], publications: tuple[str, ...]
) -> Table:
    def part(name: str) -> list[Any]:
        return parts.get(name, [])

    return Table.trusted(
        schema_=rel["schema"],
        name=rel["name"],
        kind=_KINDS[rel["relkind"]],
        comment=rel["comment"],
        columns=tuple(part("columns")),
        primary_key=PrimaryKey.trusted(
            name=primary["name"],
            columns=tuple(primary["columns"]),
            without_overlaps=primary["period"],
        )
        if primary
        else None,
        foreign_keys=_sorted_by_name(part("foreign_keys")),
        unique_constraints=_sorted_by_name(part("unique_constraints")),
        check_constraints=_sorted_by_name(part("check_constraints")),
        exclusion_constraints=_sorted_by_name(part("exclusion_constraints")),
        indexes=_sorted_by_name(part("indexes")),
        rls_enabled=rel["rls_enabled"],
        rls_forced=rel["rls_forced"],
        policies=_sorted_by_name(part("policies")),
        triggers=_sorted_by_name(part("triggers")),
        grants=tuple(
            sorted(part("grants"), key=lambda g: (g.column or "", g.grantee, g.privilege))
        ),
        view_definition=rel["view_definition"],
        options=tuple(rel["options"]),
        partition_key=rel["partition_key"],
        partitions=tuple(sorted(rel["partitions"])),
        leaf_partitions=tuple(_leaf(leaf) for leaf in rel["leaf_partitions"]),
        inherits=tuple(rel["inherits"]),
        estimated_rows=rel["estimated_rows"],
        size_bytes=rel["size_bytes"],
        publications=publications,
        presence=("database",),
    )


def _column(row: Row, primary_key: bool, table: str) -> Column:
    generated = row["generated"] != ""
    not_null_name = row["not_null_name"]
    expression = row["expression"]
    return Column.trusted(
        # Names, types and defaults repeat across tables (`id`, `uuid`, `now()`): one
        # string each, not one per column (≈ 40 MB of 10,000 tables' 200,000 columns).
        name=intern(row["name"]),
        type=intern(row["type"]),
        nullable=not row["not_null"],
        default=None if generated or expression is None else intern(expression),
        identity=_IDENTITY.get(row["identity"]),
        generated=expression if generated else None,
        virtual=row["generated"] == "v",
        # PostgreSQL 18 names every NOT NULL; only a name someone chose is worth showing
        not_null_name=None
        if not_null_name is None or not_null_name == names.not_null_name(table, row["name"])
        else not_null_name,
        not_null_validated=row["not_null_validated"],
        collation=row["collation"],
        comment=row["comment"],
        primary_key=primary_key,
        type_schema=None if row["type_schema"] is None else intern(row["type_schema"]),
    )


# --------------------------------------------------------------------------- constraints


def _foreign_key(row: Row) -> ForeignKey:
    return ForeignKey.trusted(
        name=row["name"],
        columns=tuple(row["columns"]),
        ref_schema=row["ref_schema"],
        ref_table=row["ref_table"],
        ref_columns=tuple(row["ref_columns"]),
        on_delete=_fk_action(row["on_delete"], row["delete_set_columns"]),
        on_update=_fk_action(row["on_update"], []),
        match=_FK_MATCH[row["match"]],
        deferrable=row["deferrable"],
        initially_deferred=row["deferred"],
        validated=row["validated"],
        period=row["period"],
        enforced=row["enforced"],
    )


def _fk_action(code: str, set_columns: list[str]) -> str:
    # PostgreSQL 15+: ON DELETE SET NULL (col, ...) nulls only some columns.
    action = _FK_ACTIONS[code]
    return f"{action} ({', '.join(set_columns)})" if set_columns else action


def _unique(row: Row) -> UniqueConstraint:
    return UniqueConstraint.trusted(
        name=row["name"],
        columns=tuple(row["columns"]),
        nulls_not_distinct=row["nulls_not_distinct"],
        deferrable=row["deferrable"],
        without_overlaps=row["period"],
    )


def _exclusion(row: Row) -> ExclusionConstraint:
    return ExclusionConstraint.trusted(name=row["name"], definition=row["definition"])


def _check(row: Row) -> CheckConstraint:
    return CheckConstraint.trusted(
        name=row["name"],
        expression=row["definition"],
        validated=row["validated"],
        enforced=row["enforced"],
    )


def _index(row: Row) -> Index:
    keys: list[str] = row["keys"]
    return Index.trusted(
        name=row["name"],
        columns=tuple(keys[: row["key_count"]]),
        method=row["method"],
        unique=row["unique"],
        primary=row["primary"],
        include=tuple(keys[row["key_count"] :]),
        predicate=row["predicate"],
        valid=row["valid"],
        definition=row["definition"],
        constraint=row["constraint"],
        comment=row["comment"],
    )


def _grant(row: Row) -> Grant:
    return Grant.trusted(grantee=row["grantee"], privilege=row["privilege"], column=row["column"])


def _policy(row: Row) -> Policy:
    return Policy.trusted(
        name=row["name"],
        command=_POLICY_COMMANDS[row["command"]],
        roles=tuple(sorted(row["roles"])),
        permissive=row["permissive"],
        using=row["using"],
        with_check=row["with_check"],
    )


def _trigger(row: Row) -> Trigger:
    bits: int = row["type"]
    return Trigger.trusted(
        name=row["name"],
        timing=_trigger_timing(bits),
        events=tuple(event for bit, event in _TG_EVENTS if bits & bit),
        level="row" if bits & _TG_ROW else "statement",
        function=row["function"],
        definition=row["definition"],
        enabled=row["enabled"],
        comment=row["comment"],
    )


def _trigger_timing(bits: int) -> str:
    if bits & _TG_INSTEAD:
        return "INSTEAD OF"
    return "BEFORE" if bits & _TG_BEFORE else "AFTER"


# --------------------------------------------------------------------------- types, functions


def _enum(row: Row) -> Enum:
    return Enum.trusted(
        schema_=row["schema"], name=row["name"], values=tuple(row["labels"]), comment=row["comment"]
    )


def _domain(row: Row) -> DomainType:
    return DomainType.trusted(
        schema_=row["schema"],
        name=row["name"],
        base_type=row["base_type"],
        not_null=row["not_null"],
        default=row["default"],
        checks=tuple(sorted(row["checks"])),
        comment=row["comment"],
    )


def _composite(row: Row) -> CompositeType:
    attributes = tuple(
        CompositeAttribute.trusted(name=name, type=type_)
        for name, type_ in zip(row["attribute_names"], row["attribute_types"], strict=True)
    )
    return CompositeType.trusted(
        schema_=row["schema"], name=row["name"], attributes=attributes, comment=row["comment"]
    )


def _function(row: Row) -> Function:
    return Function.trusted(
        schema_=row["schema"],
        name=row["name"],
        arguments=row["arguments"],
        result=row["result"],
        kind=_FUNCTION_KINDS[row["kind"]],
        language=row["language"],
        security_definer=row["security_definer"],
        volatility=_VOLATILITY[row["volatility"]],
        config=tuple(row["config"]),
        definition=row["definition"],
        executable_by=tuple(sorted(set(row["executable_by"]))),
        comment=row["comment"],
    )


def _leaf(row: Mapping[str, Any]) -> LeafPartition:
    return LeafPartition.trusted(
        name=row["name"],
        kind=_KINDS[row["relkind"]],
        rls_enabled=row["rls_enabled"],
        grants=tuple(
            sorted(
                (Grant.trusted(grantee=g, privilege=p, column=c) for g, p, c in row["grants"]),
                key=lambda g: (g.column or "", g.grantee, g.privilege),
            )
        ),
    )


def _extension(row: Row) -> Extension:
    return Extension.trusted(name=row["name"], schema_=row["schema"], version=row["version"])


# --------------------------------------------------------------------------- catalog-wide


def _partition_roots(relations: Rows) -> dict[str, str]:
    """Qualified partition name -> qualified name of the documented table it folds into."""
    return {
        part: f"{rel['schema']}.{rel['name']}" for rel in relations for part in rel["partitions"]
    }


def _publications(rows: Rows, roots: Mapping[str, str]) -> tuple[Publication, ...]:
    # Without publish_via_partition_root, a publication lists leaf partitions.
    return tuple(
        sorted(
            (
                Publication.trusted(
                    name=row["name"],
                    all_tables=row["all_tables"],
                    tables=tuple(sorted({roots.get(t, t) for t in row["tables"]})),
                )
                for row in rows
            ),
            key=_by_name,
        )
    )


def _roles(rows: Rows, tables: Iterable[Table], functions: Rows) -> tuple[Role, ...]:
    """Supabase's roles and every role a grant, policy or EXECUTE privilege names."""
    named = set(_PLATFORM_ROLE_NAMES)
    for table in tables:
        named.update(g.grantee for g in table.grants)
        for policy in table.policies:
            named.update(policy.roles)
    for row in functions:
        named.update(row["executable_by"])
    return tuple(
        sorted(
            (
                Role.trusted(
                    name=r["name"],
                    login=r["login"],
                    superuser=r["superuser"],
                    bypass_rls=r["bypass_rls"],
                )
                for r in rows
                if r["name"] in named
            ),
            key=_by_name,
        )
    )


def _default_privileges(rows: Rows) -> tuple[DefaultPrivilege, ...]:
    privileges = (
        DefaultPrivilege.trusted(
            role=r["role"],
            schema_=r["schema"],
            kind=r["kind"],
            grantee=r["grantee"],
            privilege=r["privilege"],
        )
        for r in rows
    )
    return tuple(
        sorted(privileges, key=lambda p: (p.role, p.schema_ or "", p.kind, p.grantee, p.privilege))
    )


# --------------------------------------------------------------------------- usage


def usage(indexes: Rows) -> Usage:
    """The usage statistics (`model.Usage`): index scans, and since when they count."""
    since = indexes[0] if indexes else None
    return Usage(
        stats_reset=_iso(since["stats_reset"]) if since else None,
        server_started=_iso(since["server_started"]) if since else None,
        indexes=tuple(
            sorted(
                (IndexUsage(table=r["table"], index=r["index"], scans=r["scans"]) for r in indexes),
                key=lambda u: (u.table, u.index),
            )
        ),
    )


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


# --------------------------------------------------------------------------- helpers


def _by_name(item: Any) -> str:
    return str(item.name)


def _sorted_by_name(items: Iterable[Any]) -> tuple[Any, ...]:
    return tuple(sorted(items, key=_by_name))


def _sorted(items: Iterable[Enum | DomainType | CompositeType]) -> tuple[Any, ...]:
    return tuple(sorted(items, key=lambda item: (item.schema_, item.name)))


# Where each constraint type goes in its table (primary keys are kept apart: the
# columns need them), and how each per-relation query is added.
_CONSTRAINTS: Final[dict[str, tuple[str, Callable[[Row], Any]]]] = {
    "f": ("foreign_keys", _foreign_key),
    "u": ("unique_constraints", _unique),
    "c": ("check_constraints", _check),
    "x": ("exclusion_constraints", _exclusion),
}
_ADDERS: Final[dict[str, Callable[[CatalogBuilder, Iterable[Row]], None]]] = {
    "tables": CatalogBuilder._add_tables,
    "constraints": CatalogBuilder._add_constraints,
    "columns": CatalogBuilder._add_columns,
    "indexes": lambda b, rows: b._add_per_relation("indexes", _index, rows),
    "policies": lambda b, rows: b._add_per_relation("policies", _policy, rows),
    "triggers": lambda b, rows: b._add_per_relation("triggers", _trigger, rows),
    "grants": lambda b, rows: b._add_per_relation("grants", _grant, rows),
}
