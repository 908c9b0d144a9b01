"""Build the catalog model from the rows of the PostgreSQL catalog queries.

Pure Python, no database: `build` takes one list of rows per query of
`queries.CATALOG_QUERIES` and returns a sorted `Catalog`. Rows are grouped by
relation oid with dicts, so the cost is linear in the number of rows. The
single-letter codes of ``pg_catalog`` (``contype``, ``polcmd``, ``tgtype`` bits)
are translated here and nowhere else.
"""

from __future__ import annotations

import contextlib
import gc
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from schema_catalog.model import (
    Catalog,
    CheckConstraint,
    Column,
    CompositeAttribute,
    CompositeType,
    DomainType,
    Enum,
    ExclusionConstraint,
    Extension,
    ForeignKey,
    Function,
    Grant,
    Index,
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
)
from schema_catalog.pg import names

Row = dict[str, Any]
Rows = Sequence[Row]

# Roles a Supabase project always has; listed even when nothing names them.
SUPABASE_ROLES = frozenset({"anon", "authenticated", "service_role", "authenticator"})

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

    Takes the rows of the relations and their parts out of ``results`` and lets
    each table's rows go once its model is built, so at 10,000 tables the rows
    (~300 MB as dicts) and the model are not both held whole.
    """
    with _collector_paused():
        return _build(schemas, results, source)


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    # The build makes hundreds of thousands of small objects that all survive it;
    # the cyclic collector would walk them again and again and free nothing.
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _build(schemas: Sequence[str], results: dict[str, list[Row]], source: SourceInfo) -> Catalog:
    roots = _partition_roots(results)
    tables = _tables(results, roots)
    return Catalog(
        schemas=tuple(schemas),
        sources=(source,),
        tables=tables,
        enums=_sorted(_enum(r) for r in results["enums"]),
        domain_types=_sorted(_domain(r) for r in results["domain types"]),
        composite_types=_sorted(_composite(r) for r in results["composite types"]),
        functions=tuple(
            sorted(
                (_function(r) for r in results["functions"]),
                key=lambda f: (f.schema_, f.name, f.arguments),
            )
        ),
        extensions=tuple(sorted((_extension(r) for r in results["extensions"]), key=_by_name)),
        publications=_publications(results["publications"], roots),
        roles=_roles(results["roles"], tables, results["functions"]),
    )


# --------------------------------------------------------------------------- tables


def _tables(results: dict[str, list[Row]], roots: Mapping[str, str]) -> tuple[Table, ...]:
    by_rel = {
        kind: _group(results.pop(kind))
        for kind in ("columns", "constraints", "indexes", "policies", "triggers", "grants")
    }
    published: dict[str, set[str]] = defaultdict(set)
    for row in results["publications"]:
        for name in row["tables"]:
            published[roots.get(name, name)].add(row["name"])
    tables = []
    for rel in results.pop("tables"):
        parts = {kind: rows.pop(rel["oid"], []) for kind, rows in by_rel.items()}
        qualified = f"{rel['schema']}.{rel['name']}"
        tables.append(_table(rel, parts, tuple(sorted(published.get(qualified, ())))))
    return tuple(sorted(tables, key=lambda t: (t.schema_, t.name)))


def _table(rel: Row, parts: Mapping[str, list[Row]], publications: tuple[str, ...]) -> Table:
    constraints = parts["constraints"]
    primary = next((c for c in constraints if c["type"] == "p"), None)
    pk_columns = frozenset(primary["columns"]) if primary else frozenset()
    return Table(
        schema_=rel["schema"],
        name=rel["name"],
        kind=_KINDS[rel["relkind"]],
        comment=rel["comment"],
        columns=tuple(_column(c, c["name"] in pk_columns, rel["name"]) for c in parts["columns"]),
        primary_key=PrimaryKey(
            name=primary["name"],
            columns=tuple(primary["columns"]),
            without_overlaps=primary["period"],
        )
        if primary
        else None,
        foreign_keys=_sorted_by_name(_foreign_key(c) for c in constraints if c["type"] == "f"),
        unique_constraints=_sorted_by_name(_unique(c) for c in constraints if c["type"] == "u"),
        check_constraints=_sorted_by_name(_check(c) for c in constraints if c["type"] == "c"),
        exclusion_constraints=_sorted_by_name(
            ExclusionConstraint(name=c["name"], definition=c["definition"])
            for c in constraints
            if c["type"] == "x"
        ),
        indexes=_sorted_by_name(_index(r) for r in parts["indexes"]),
        rls_enabled=rel["rls_enabled"],
        rls_forced=rel["rls_forced"],
        policies=_sorted_by_name(_policy(r) for r in parts["policies"]),
        triggers=_sorted_by_name(_trigger(r) for r in parts["triggers"]),
        grants=tuple(
            sorted(
                (
                    Grant(grantee=g["grantee"], privilege=g["privilege"], column=g["column"])
                    for g in parts["grants"]
                ),
                key=lambda g: (g.column or "", g.grantee, g.privilege),
            )
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
    return Column(
        name=row["name"],
        type=row["type"],
        nullable=not row["not_null"],
        default=None if generated else row["expression"],
        identity=_IDENTITY.get(row["identity"]),
        generated=row["expression"] if generated else None,
        virtual=row["generated"] == "v",
        # PostgreSQL 18 names every NOT NULL; only a name someone chose is worth showing
        not_null_name=None
        if not_null_name is None or not_null_name == names.not_null_name(table, row["name"])
        else not_null_name,
        not_null_validated=row["not_null_validated"],
        collation=row["collation"],
        comment=row["comment"],
        primary_key=primary_key,
        type_schema=row["type_schema"],
    )


# --------------------------------------------------------------------------- constraints


def _foreign_key(row: Row) -> ForeignKey:
    return ForeignKey(
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
    return UniqueConstraint(
        name=row["name"],
        columns=tuple(row["columns"]),
        nulls_not_distinct=row["nulls_not_distinct"],
        deferrable=row["deferrable"],
        without_overlaps=row["period"],
    )


def _check(row: Row) -> CheckConstraint:
    return CheckConstraint(
        name=row["name"],
        expression=row["definition"],
        validated=row["validated"],
        enforced=row["enforced"],
    )


def _index(row: Row) -> Index:
    keys: list[str] = row["keys"]
    return Index(
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


def _policy(row: Row) -> Policy:
    return Policy(
        name=row["name"],
        command=_POLICY_COMMANDS[row["command"]],
        roles=tuple(sorted(row["roles"])),
        permissive=row["permissive"],
        using=row["using"],
        with_check=row["with_check"],
    )


def _trigger(row: Row) -> Trigger:
    bits: int = row["type"]
    return Trigger(
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
    return Enum(
        schema_=row["schema"], name=row["name"], values=tuple(row["labels"]), comment=row["comment"]
    )


def _domain(row: Row) -> DomainType:
    return DomainType(
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
        CompositeAttribute(name=name, type=type_)
        for name, type_ in zip(row["attribute_names"], row["attribute_types"], strict=True)
    )
    return CompositeType(
        schema_=row["schema"], name=row["name"], attributes=attributes, comment=row["comment"]
    )


def _function(row: Row) -> Function:
    return Function(
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
    return LeafPartition(
        name=row["name"],
        kind=_KINDS[row["relkind"]],
        rls_enabled=row["rls_enabled"],
        grants=tuple(
            sorted(
                (Grant(grantee=g, privilege=p) for g, p in row["grants"]),
                key=lambda g: (g.grantee, g.privilege),
            )
        ),
    )


def _extension(row: Row) -> Extension:
    return Extension(name=row["name"], schema_=row["schema"], version=row["version"])


# --------------------------------------------------------------------------- catalog-wide


def _partition_roots(results: Mapping[str, Rows]) -> dict[str, str]:
    """Qualified partition name -> qualified name of the documented table it folds into."""
    return {
        part: f"{rel['schema']}.{rel['name']}"
        for rel in results["tables"]
        for part in rel["partitions"]
    }


def _publications(rows: Rows, roots: Mapping[str, str]) -> tuple[Publication, ...]:
    # Without publish_via_partition_root, a publication lists leaf partitions.
    return tuple(
        sorted(
            (
                Publication(
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
    named = set(SUPABASE_ROLES)
    for table in tables:
        named.update(g.grantee for g in table.grants)
        for policy in table.policies:
            named.update(policy.roles)
    for row in functions:
        named.update(row["executable_by"])
    return tuple(
        sorted(
            (
                Role(
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


# --------------------------------------------------------------------------- helpers


def _group(rows: Rows) -> dict[int, list[Row]]:
    grouped: dict[int, list[Row]] = defaultdict(list)
    for row in rows:
        grouped[row["rel"]].append(row)
    return grouped


def _by_name(item: Any) -> str:
    return str(item.name)


def _sorted_by_name(items: Iterable[Any]) -> tuple[Any, ...]:
    return tuple(sorted(items, key=_by_name))


def _sorted(items: Iterable[Enum | DomainType | CompositeType]) -> tuple[Any, ...]:
    return tuple(sorted(items, key=lambda item: (item.schema_, item.name)))
