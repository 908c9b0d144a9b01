"""Column builders → drizzle-kit column entries.

Owns the meaning of each pg-core column builder and its config (``varchar({length})``,
``timestamp({precision, withTimezone, mode})``, ``numeric({precision, scale})``,
``.array()`` of any depth, enum and ``customType`` columns) and of every modifier
(``notNull``, ``primaryKey``, ``default``/``defaultNow``/``defaultRandom``, ``unique``,
``references``, identity and generated columns). The result is spelled the way
drizzle-kit's serializer spells it (``varchar(255)``, ``'draft'``); `pgtypes`
turns that into PostgreSQL's spelling. Runtime-only modifiers (``$type``,
``$defaultFn``, ``$onUpdate`` ...) have no database effect and are skipped.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field

from schema_catalog.sources.drizzle.evaluate import Evaluator
from schema_catalog.sources.drizzle.literals import js_number
from schema_catalog.sources.drizzle.names import apply_casing
from schema_catalog.sources.drizzle.values import (
    PG_CORE,
    Builder,
    Closure,
    CustomTypeEntity,
    EnumEntity,
    Extern,
    Sql,
    Unresolved,
    Value,
)

Render = Callable[[Value], "str | Unresolved"]
_SIMPLE = {
    "uuid": "uuid",
    "text": "text",
    "integer": "integer",
    "smallint": "smallint",
    "bigint": "bigint",
    "serial": "serial",
    "smallserial": "smallserial",
    "bigserial": "bigserial",
    "boolean": "boolean",
    "date": "date",
    "real": "real",
    "doublePrecision": "double precision",
    "json": "json",
    "jsonb": "jsonb",
    "inet": "inet",
    "cidr": "cidr",
    "macaddr": "macaddr",
    "macaddr8": "macaddr8",
    "point": "point",
    "line": "line",
    "geometry": "geometry(point)",  # drizzle-orm only knows point geometries
}
_DIMENSIONED = {"vector", "halfvec", "sparsevec", "bit"}
_NOT_NULL_BUILDERS = {"serial", "smallserial", "bigserial"}


@dataclass
class ColumnSpec:
    """One column as drizzle-kit sees it, plus what the reader could not resolve."""

    key: str
    original: str | Unresolved
    """drizzle-orm's ``column.name``: the explicit name, else the object key."""
    name: str | Unresolved
    """The database name: ``original`` with the casing applied to keyless columns."""
    kit: dict[str, Value] = field(default_factory=dict)
    unique: tuple[str | None, bool] | None = None
    references: list[tuple[Value, dict[str, Value]]] = field(default_factory=list)
    unresolved: list[tuple[str, str]] = field(default_factory=list)
    """(attribute, reason) pairs."""


def column_names(
    key: str, value: Value, casing: str | None
) -> tuple[str | Unresolved, str | Unresolved]:
    """(drizzle's name, database name) of the column at ``key``.

    The object key names a column only when the value is a known builder called
    without a name, as drizzle-orm does; an unknown builder's name is never guessed."""
    if not isinstance(value, Builder):
        reason = value.reason if isinstance(value, Unresolved) else "not a column builder"
        where = value.where if isinstance(value, Unresolved) else ""
        unknown = Unresolved(f"name unknown: {reason}", where)
        return unknown, unknown
    first = value.first_args()
    explicit = first[0] if first else None
    if isinstance(explicit, str):
        return explicit, explicit
    if isinstance(explicit, Unresolved):
        return explicit, explicit
    if isinstance(value.root, Unresolved):
        unknown = Unresolved(f"name unknown: {value.root.reason}", value.root.where)
        return unknown, unknown
    return key, apply_casing(key, casing)


UNKNOWN_VALUE = ("nullable", "default")
"""What a column that is not a builder at all (a package helper's result) leaves unknown,
besides its name and type: its modifiers were never read."""


def read_column(
    key: str, value: Value, evaluator: Evaluator, casing: str | None, render: Render
) -> ColumnSpec:
    """The column at ``key``. One whose name is unresolved is still read: its kit entry
    carries the object key as a label (``name``), and ``unresolved`` lists ``name``."""
    original, name = column_names(key, value, casing)
    spec = ColumnSpec(key, original, name)
    if isinstance(name, Unresolved):
        spec.unresolved.append(("name", name.reason))
    if not isinstance(value, Builder):
        reason = value.reason if isinstance(value, Unresolved) else "not a column builder"
        spec.unresolved += [(attribute, reason) for attribute in ("type", *UNKNOWN_VALUE)]
        spec.kit.update(name=key, type="unresolved", primaryKey=False, notNull=False)
        return spec
    kit_type = _kit_type(value, evaluator)
    if isinstance(kit_type, Unresolved):
        spec.unresolved.append(("type", kit_type.reason))
    spec.kit.update(
        name=name if isinstance(name, str) else key,
        type=kit_type if isinstance(kit_type, str) else "unresolved",
        primaryKey=False,
        notNull=isinstance(value.root, Extern) and value.root.name in _NOT_NULL_BUILDERS,
    )
    if isinstance(value.root, EnumEntity) and not value.root.from_object:
        spec.kit["typeSchema"] = value.root.schema
    _apply_modifiers(spec, value, render)
    return spec


# --------------------------------------------------------------------------- types


def _config(builder: Builder) -> dict[str, Value]:
    for arg in builder.first_args():
        if isinstance(arg, dict):
            return arg
    return {}


def _kit_type(builder: Builder, evaluator: Evaluator) -> str | Unresolved:
    base = _base_type(builder, evaluator)
    if isinstance(base, Unresolved):
        return base
    for step, args in builder.steps[1:]:
        if step == "array" and args is not None:
            size = args[0] if args else None
            base += f"[{js_number(size) if isinstance(size, int | float) else ''}]"
    return base


def _base_type(builder: Builder, evaluator: Evaluator) -> str | Unresolved:
    root, config = builder.root, _config(builder)
    if isinstance(root, EnumEntity):
        return root.name
    if isinstance(root, CustomTypeEntity):
        return _custom_type(root, config, evaluator)
    if not isinstance(root, Extern) or root.module != PG_CORE:
        return (
            root
            if isinstance(root, Unresolved)
            else Unresolved("not a pg-core column builder", builder.where)
        )
    if any(isinstance(v, Unresolved) for v in config.values()):
        return next(v for v in config.values() if isinstance(v, Unresolved))
    return _pg_core_type(root.name, config, builder.where)


def _pg_core_type(name: str, config: dict[str, Value], where: str) -> str | Unresolved:
    if name in _SIMPLE:
        return _SIMPLE[name]
    if name in {"varchar", "char"}:
        length = config.get("length")
        return f"{name}({js_number(length)})" if isinstance(length, int | float) else name
    if name in {"numeric", "decimal"}:
        precision, scale = config.get("precision"), config.get("scale")
        if precision is not None and scale is not None:
            return f"numeric({precision}, {scale})"
        return "numeric" if precision is None else f"numeric({precision})"
    if name in {"timestamp", "time"}:
        return _time_type(name, config)
    if name == "interval":
        fields, precision = config.get("fields"), config.get("precision")
        return (
            f"interval{' ' + str(fields) if fields else ''}{f'({precision})' if precision else ''}"
        )
    if name in _DIMENSIONED:
        return f"{name}({config.get('dimensions')})"
    return Unresolved(f"unknown pg-core column builder '{name}'", where)


def _time_type(name: str, config: dict[str, Value]) -> str:
    precision = config.get("precision")
    # drizzle-orm's date-mode timestamp writes "timestamp (3)", its string mode "timestamp(3)"
    spaced = name == "timestamp" and config.get("mode") != "string"
    modifier = "" if precision is None else f"{' ' if spaced else ''}({precision})"
    return f"{name}{modifier}{' with time zone' if config.get('withTimezone') else ''}"


def _custom_type(
    entity: CustomTypeEntity, config: dict[str, Value], evaluator: Evaluator
) -> str | Unresolved:
    data_type = entity.data_type
    if isinstance(data_type, Closure):
        data_type = evaluator.invoke(data_type, (config,))
    if isinstance(data_type, str):
        return data_type
    reason = (
        data_type.reason
        if isinstance(data_type, Unresolved)
        else "customType dataType() is not static"
    )
    return Unresolved(reason, entity.where)


# --------------------------------------------------------------------------- modifiers


def _apply_modifiers(spec: ColumnSpec, builder: Builder, render: Render) -> None:
    for step, args in builder.steps[1:]:
        if args is None or step.startswith("$") or step == "array":
            continue
        handler = _MODIFIERS.get(step)
        if handler is None:
            spec.unresolved.append((step, f"unknown column modifier .{step}()"))
        else:
            handler(spec, args, render)


def _not_null(spec: ColumnSpec, _args: tuple[Value, ...], _render: Render) -> None:
    spec.kit["notNull"] = True


def _primary_key(spec: ColumnSpec, _args: tuple[Value, ...], _render: Render) -> None:
    spec.kit["primaryKey"] = True
    spec.kit["notNull"] = True


def _default(spec: ColumnSpec, args: tuple[Value, ...], render: Render) -> None:
    value = kit_default(args[0] if args else None, str(spec.kit["type"]), render)
    if isinstance(value, Unresolved):
        spec.unresolved.append(("default", value.reason))
    elif value is not None:
        spec.kit["default"] = value


def _default_sql(text: str) -> Callable[[ColumnSpec, tuple[Value, ...], Render], None]:
    return lambda spec, _args, render: _default(spec, (Sql((text,)),), render)


def _unique(spec: ColumnSpec, args: tuple[Value, ...], _render: Render) -> None:
    name = args[0] if args and isinstance(args[0], str) else None
    config = next((a for a in args if isinstance(a, dict)), {})
    spec.unique = (name, config.get("nulls") == "not distinct")


def _references(spec: ColumnSpec, args: tuple[Value, ...], _render: Render) -> None:
    actions = args[1] if len(args) > 1 and isinstance(args[1], dict) else {}
    spec.references.append((args[0] if args else None, actions))


def _identity(kind: str) -> Callable[[ColumnSpec, tuple[Value, ...], Render], None]:
    def apply(spec: ColumnSpec, args: tuple[Value, ...], _render: Render) -> None:
        spec.kit["identity"] = {"type": kind}
        spec.kit["notNull"] = True

    return apply


def _generated(spec: ColumnSpec, args: tuple[Value, ...], render: Render) -> None:
    expression = args[0] if args else None
    rendered = expression if isinstance(expression, str) else render(expression)
    if isinstance(rendered, Unresolved):
        spec.unresolved.append(("generated", rendered.reason))
    else:
        spec.kit["generated"] = {"as": rendered, "type": "stored"}


_MODIFIERS: dict[str, Callable[[ColumnSpec, tuple[Value, ...], Render], None]] = {
    "notNull": _not_null,
    "primaryKey": _primary_key,
    "default": _default,
    "defaultNow": _default_sql("now()"),
    "defaultRandom": _default_sql("gen_random_uuid()"),
    "unique": _unique,
    "references": _references,
    "generatedAlwaysAs": _generated,
    "generatedAlwaysAsIdentity": _identity("always"),
    "generatedByDefaultAsIdentity": _identity("byDefault"),
}


# --------------------------------------------------------------------------- defaults


def kit_default(value: Value, kit_type: str, render: Render) -> Value:
    """A ``.default(...)`` argument as drizzle-kit writes it into the snapshot."""
    if isinstance(value, Sql):
        return render(value)
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    if value is None or isinstance(value, bool | int | float | Unresolved):
        return value
    lowered = kit_type.lower()
    if lowered in {"json", "jsonb"} and isinstance(value, dict | list):
        encoded = _json(value)
        return encoded if isinstance(encoded, Unresolved) else f"'{encoded}'::{lowered}"
    if lowered.endswith("]") and isinstance(value, list):
        array = _array_literal(value)
        return array if isinstance(array, Unresolved) else f"'{array}'"
    return Unresolved("default value is not a static literal", "")


def _json(value: Value) -> str | Unresolved:
    try:
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    except TypeError:
        return Unresolved("default JSON holds values that are not static", "")


def _array_literal(values: list[Value]) -> str | Unresolved:
    """drizzle-kit's ``buildArrayString``: ``[1, 2]`` → ``{1,2}``, strings double-quoted."""
    items: list[str] = []
    for value in values:
        if isinstance(value, bool):
            items.append("true" if value else "false")
        elif isinstance(value, int | float):
            items.append(js_number(value))
        elif isinstance(value, list):
            nested = _array_literal(value)
            if isinstance(nested, Unresolved):
                return nested
            items.append(nested)
        elif isinstance(value, str):
            items.append(f'"{value}"')
        elif isinstance(value, dict):
            encoded = _json(value)
            if isinstance(encoded, Unresolved):
                return encoded
            items.append('"' + encoded.replace('"', '\\"') + '"')
        else:
            return Unresolved("array default holds values that are not static", "")
    return "{" + ",".join(items) + "}"
