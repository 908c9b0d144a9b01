"""Replayed state → frozen catalog model, with expressions printed as the server prints them."""

from __future__ import annotations

from typing import Literal, cast

from pglast import ast

from schema_catalog import model
from schema_catalog.pg import names
from schema_catalog.pg.quoting import quote_ident
from schema_catalog.sources.migrations import deparse as d
from schema_catalog.sources.migrations import partitions, triggers
from schema_catalog.sources.migrations.exprs import Analyzer, Relation, assigned
from schema_catalog.sources.migrations.reloptions import with_clause
from schema_catalog.sources.migrations.state import (
    CatalogState,
    CheckState,
    ColumnState,
    EnumState,
    FunctionState,
    IndexElement,
    IndexState,
    PolicyState,
    Stored,
    TableState,
)

Command = Literal["ALL", "SELECT", "INSERT", "UPDATE", "DELETE"]
FunctionKind = Literal["function", "procedure", "aggregate", "window"]
Volatility = Literal["immutable", "stable", "volatile"]


def table(state: TableState, catalog: CatalogState) -> model.Table:
    """One replayed table as the catalog model (fields we do not replay kept from `base`)."""
    analyzer = Analyzer(catalog, [[Relation(state.name, state.column_types())]])
    pk_columns = set(state.primary_key.columns) if state.primary_key else set()
    fields: dict[str, object] = {
        "schema": state.schema,
        "name": state.name,
        "kind": state.kind,
        "comment": state.comment,
        "columns": tuple(
            _column(c, analyzer, c.name in pk_columns, _not_null_name(state, c, catalog))
            for c in state.columns.values()
        ),
        "primary_key": _primary_key(state),
        "foreign_keys": tuple(sorted((_foreign_key(f) for f in state.foreign_keys), key=_name)),
        "unique_constraints": tuple(
            sorted(
                (
                    model.UniqueConstraint(
                        name=u.name,
                        columns=tuple(u.columns),
                        nulls_not_distinct=u.nulls_not_distinct,
                        deferrable=u.deferrable,
                        without_overlaps=u.without_overlaps,
                    )
                    for u in state.uniques
                ),
                key=_name,
            )
        ),
        "check_constraints": tuple(sorted((_check(c, analyzer) for c in state.checks), key=_name)),
        "exclusion_constraints": tuple(
            sorted(
                (
                    model.ExclusionConstraint(name=e.name, definition=e.definition or "")
                    for e in state.exclusions
                ),
                key=_name,
            )
        ),
        "indexes": tuple(sorted((_index(i, state, analyzer) for i in state.indexes), key=_name)),
        "rls_enabled": state.rls_enabled,
        "rls_forced": state.rls_forced,
        "policies": tuple(
            sorted((_policy(p, analyzer) for p in state.policies.values()), key=_name)
        ),
        "triggers": tuple(
            sorted((triggers.freeze(t, state, catalog) for t in state.triggers.values()), key=_name)
        ),
        "grants": tuple(
            sorted(
                (model.Grant(grantee=g, privilege=p, column=c) for g, p, c in state.grants),
                key=lambda g: (g.column or "", g.grantee, g.privilege),
            )
        ),
        "view_definition": state.view_definition,
        "options": tuple(sorted(state.options)),
        "presence": ("migrations",),
        "location": state.location,
    }
    fields.update(_partitioning(state, catalog, analyzer))
    if state.original is not None:
        kept = state.original.model_dump(by_alias=False)
        kept.update({k if k != "schema" else "schema_": v for k, v in fields.items()})
        return model.Table.model_validate(kept)
    return model.Table.model_validate(fields)


def _partitioning(
    state: TableState, catalog: CatalogState, analyzer: Analyzer
) -> dict[str, object]:
    """partition_key, partitions and leaf_partitions of a partitioned table; nothing for a
    live table whose partitions the replay never saw (its own facts are kept)."""
    below = sorted(partitions.descendants(state, catalog), key=lambda t: t.key)
    leaves = [partitions.leaf(t) for t in below if t.kind != "partitioned_table"]
    names = {f"{t.schema}.{t.name}" for t in below}
    if state.original is not None and state.partition_key is None:
        return _grown(state.original, names, leaves) if below else {}
    if state.partition_key is None and not below:
        return {}
    strategy, elements = state.partition_key or ("", [])
    key = f"{strategy} ({', '.join(_key_text(e, analyzer) for e in elements)})"
    return {
        "partition_key": key if state.partition_key else None,
        "partitions": tuple(sorted(names)),
        "leaf_partitions": tuple(leaves),
    }


def _grown(
    original: model.Table, names: set[str], leaves: list[model.LeafPartition]
) -> dict[str, object]:
    """A live partitioned table gaining partitions: the live ones stay."""
    kept = [leaf for leaf in original.leaf_partitions if leaf.name not in names]
    return {
        "partitions": tuple(sorted(names | set(original.partitions))),
        "leaf_partitions": tuple(
            sorted([*kept, *leaves], key=lambda leaf: tuple(leaf.name.split(".", 1)))
        ),
    }


def function(state: FunctionState) -> model.Function:
    """A replayed function; ``definition`` is its body under a ``pg_get_functiondef``-shaped
    header, or a live function's own when no pending statement re-created it."""
    original = state.original
    return model.Function(
        schema_=state.schema,
        name=state.name,
        arguments=state.arguments,
        result=state.result,
        kind=cast(FunctionKind, state.kind),
        language=state.language,
        security_definer=state.security_definer,
        volatility=cast(Volatility, state.volatility),
        config=tuple(state.config),
        definition=_function_definition(state)
        if state.body is not None
        else (original.definition if original is not None else None),
        executable_by=tuple(sorted(state.executable_by)),
        comment=state.comment,
    )


def _function_definition(state: FunctionState) -> str:
    kind = "PROCEDURE" if state.kind == "procedure" else "FUNCTION"
    returns = f"\n RETURNS {state.result}" if state.kind != "procedure" else ""
    header = f"CREATE OR REPLACE {kind} {state.schema}.{state.name}({state.arguments}){returns}"
    return f"{header}\n LANGUAGE {state.language}\nAS $function${state.body}$function$\n"


def enum(state: EnumState) -> model.Enum:
    return model.Enum(
        schema_=state.schema, name=state.name, values=tuple(state.values), comment=state.comment
    )


def expression(stored: Stored, analyzer: Analyzer) -> str:
    """A stored parse tree printed as ``pg_get_expr`` prints it (text from `base` as is)."""
    if isinstance(stored, str):
        return stored
    return d.render(analyzer.expr(stored))


def _name(item: model.Model) -> str:
    return str(getattr(item, "name", ""))


def _not_null_name(state: TableState, column: ColumnState, catalog: CatalogState) -> str | None:
    """The name a PostgreSQL 18 server shows (`postgres.build`: only a chosen one);
    older servers accept ``CONSTRAINT name NOT NULL`` and drop the name."""
    name = column.not_null_name
    if not column.not_null or name is None or catalog.server_version < 18:
        return None
    return None if name == names.not_null_name(state.name, column.name) else name


def _column(
    column: ColumnState, analyzer: Analyzer, in_pk: bool, not_null_name: str | None
) -> model.Column:
    generated = None
    if column.generated is not None:
        if isinstance(column.generated, str):
            generated = column.generated
        else:
            generated = d.render(assigned(analyzer, column.generated, column.type))
    default = d.render(column.default) if column.default is not None else None
    return model.Column(
        name=column.name,
        type=column.type.display,
        nullable=not column.not_null,
        default=default if column.identity is None and generated is None else None,
        identity=cast(Literal["always", "by_default"] | None, column.identity),
        generated=generated,
        virtual=column.virtual and generated is not None,
        not_null_name=not_null_name,
        not_null_validated=column.not_null_validated or not column.not_null,
        collation=column.collation,
        comment=column.comment,
        primary_key=in_pk,
        type_schema=column.type.schema,
    )


def _primary_key(state: TableState) -> model.PrimaryKey | None:
    if state.primary_key is None:
        return None
    key = state.primary_key
    return model.PrimaryKey(
        name=key.name, columns=tuple(key.columns), without_overlaps=key.without_overlaps
    )


def _foreign_key(fk: object) -> model.ForeignKey:
    data = dict(vars(fk))
    for key in ("columns", "ref_columns"):
        data[key] = tuple(data[key])
    return model.ForeignKey.model_validate(data)


def _check(check: CheckState, analyzer: Analyzer) -> model.CheckConstraint:
    text = expression(check.expr, analyzer)
    if not text.startswith("CHECK "):
        text = f"CHECK ({text})"
    # pg_get_constraintdef: NOT ENFORCED says it all (such a check is never validated)
    suffix = " NOT ENFORCED" if not check.enforced else "" if check.validated else " NOT VALID"
    if text.endswith((" NOT VALID", " NOT ENFORCED")):
        suffix = ""
    return model.CheckConstraint(
        name=check.name,
        expression=text + suffix,
        validated=check.validated,
        enforced=check.enforced,
    )


def _policy(policy: PolicyState, analyzer: Analyzer) -> model.Policy:
    return model.Policy(
        name=policy.name,
        command=cast(Command, policy.command),
        roles=tuple(sorted(policy.roles)),
        permissive=policy.permissive,
        using=expression(policy.using, analyzer) if policy.using is not None else None,
        with_check=expression(policy.with_check, analyzer)
        if policy.with_check is not None
        else None,
    )


def _index(index: IndexState, state: TableState, analyzer: Analyzer) -> model.Index:
    if index.text is not None:
        columns, definition = index.text[:-1], index.text[-1]
    else:
        columns = tuple(
            e.column if e.column is not None else _key_text(e, analyzer) for e in index.elements
        )
        definition = _definition(index, state, analyzer)
    predicate = expression(index.predicate, analyzer) if index.predicate is not None else None
    return model.Index(
        name=index.name,
        columns=columns,
        method=index.method,
        unique=index.unique,
        primary=index.primary,
        include=tuple(index.include),
        predicate=predicate,
        definition=definition,
        constraint=index.constraint,
    )


def _element_text(element: IndexElement, analyzer: Analyzer) -> str:
    if element.column is not None:
        return element.column
    assert element.expr is not None
    return expression(element.expr, analyzer)


def _key_text(element: IndexElement, analyzer: Analyzer) -> str:
    """An index key as ``pg_get_indexdef`` prints it: expressions in parentheses
    unless they look like a function call."""
    text = _element_text(element, analyzer)
    if element.column is not None:
        return quote_ident(element.column)
    if not _looks_like_function(element.expr):
        return f"({text})"
    return text


def _definition(index: IndexState, state: TableState, analyzer: Analyzer) -> str:
    """``pg_get_indexdef``: the CREATE INDEX statement the server would print."""
    parts = [_key_text(e, analyzer) + e.suffix for e in index.elements]
    unique = "UNIQUE " if index.unique else ""
    relation = f"{quote_ident(state.schema)}.{quote_ident(state.name)}"
    if state.kind == "partitioned_table":  # a partitioned index is printed ON ONLY
        relation = "ONLY " + relation
    text = f"CREATE {unique}INDEX {quote_ident(index.name)} ON {relation} USING {index.method} ({', '.join(parts)})"
    if index.include:
        text += " INCLUDE (" + ", ".join(quote_ident(c) for c in index.include) + ")"
    if index.nulls_not_distinct:
        text += " NULLS NOT DISTINCT"
    text += with_clause(index.options)
    if index.predicate is not None:
        text += " WHERE " + expression(index.predicate, analyzer)
    return text


def _looks_like_function(expr: Stored | None) -> bool:
    return isinstance(expr, ast.FuncCall | ast.CoalesceExpr | ast.SQLValueFunction)
