"""drizzle-kit snapshots (``meta/NNNN_snapshot.json``) → catalog, and the converter
from drizzle-kit's table entries to the PostgreSQL-spelled model that the schema
reader shares.

Version "7" is read, including files from kits older than 0.27 that lack the
``policies``/``checkConstraints``/``isRLSEnabled``/``roles``/``views`` keys, and
version "8" (drizzle-kit 1.0's flat ``ddl[]``, see `kit_ddl`), from either layout:
``meta/NNNN_snapshot.json`` or kit 1.0's ``<timestamp>_<name>/snapshot.json``.
Older versions are refused with a clear message. The conversion makes the snapshot say what PostgreSQL
would hold after drizzle-kit's DDL: types and defaults via `pgtypes`, names
truncated to 63 bytes (the full name kept as ``declared_name``), ``<table>_pkey`` for column-level primary keys, composite
primary-key columns NOT NULL, RLS on when a table has policies (drizzle-kit
enables it in the DDL even when the snapshot says ``isRLSEnabled: false``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from schema_catalog import model
from schema_catalog.errors import DrizzleError
from schema_catalog.pg import names as pg_names
from schema_catalog.pg.clip import clip
from schema_catalog.sources.drizzle import kit_ddl, pgtypes
from schema_catalog.sources.drizzle.parse import display_path, is_dir

KitTable = dict[str, Any]
EnumSchemas = dict[str, set[str]]
"""Enum name → schemas declaring it (to place enum columns drizzle-kit left without typeSchema)."""


def read_kit_snapshot(meta_dir: Path) -> model.Catalog:
    """The latest ``NNNN_snapshot.json`` in ``meta_dir`` (or that file itself) as a catalog."""
    path = latest_snapshot(meta_dir)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        where = f"{display_path(path)}:{error.lineno}"
        raise DrizzleError(f"not a JSON snapshot: {error.msg}", where=where) from None
    except UnicodeDecodeError as error:
        where = f"{display_path(path)}:{_line_of_byte(path, error.start)}"
        raise DrizzleError(f"not UTF-8 text ({error.reason})", where=where) from None
    except OSError as error:
        raise DrizzleError(
            f"cannot read drizzle-kit snapshot: {error.strerror}", where=display_path(path)
        ) from None
    try:
        return catalog_from_kit(data, display_path(path))
    except (KeyError, TypeError, AttributeError, ValidationError) as error:
        # A hand-edited or truncated-then-repaired file: the JSON parses but is not
        # drizzle-kit's shape. Say which part, in one line.
        raise DrizzleError(
            f"not a drizzle-kit snapshot: {_shape_problem(error)}",
            where=display_path(path),
            fix="regenerate it with `drizzle-kit generate`",
        ) from None


def _shape_problem(error: Exception) -> str:
    if isinstance(error, KeyError):
        return f"an entry lacks the key {error.args[0]!r}"
    if isinstance(error, ValidationError):
        first = error.errors()[0]
        return f"{'.'.join(str(p) for p in first['loc'])}: {first['msg']}"
    return "an entry has an unexpected type"


def _line_of_byte(path: Path, offset: int) -> int:
    return path.read_bytes().count(b"\n", 0, offset) + 1


def latest_snapshot(meta_dir: Path) -> Path:
    if meta_dir.is_file():
        return meta_dir
    if (meta_dir / "snapshot.json").is_file():  # one kit 1.0 migration folder
        return meta_dir / "snapshot.json"
    folders = kit1_migrations(meta_dir)
    if folders:
        return folders[-1] / "snapshot.json"
    if (meta_dir / "meta").is_dir():
        meta_dir = meta_dir / "meta"
    snapshots = sorted(
        p for p in meta_dir.glob("*_snapshot.json") if p.name.split("_")[0].isdigit()
    )
    if not snapshots:
        raise DrizzleError(
            "no NNNN_snapshot.json here",
            where=display_path(meta_dir),
            fix="point at drizzle-kit's meta/ folder (inside the config's `out`), or at kit 1.0's"
            " `out` folder of <timestamp>_<name>/ migrations",
        )
    return max(snapshots, key=lambda p: int(p.name.split("_")[0]))


def kit1_migrations(out: Path) -> list[Path]:
    """drizzle-kit 1.0's migration folders in ``out`` (each holds a snapshot.json), oldest first."""
    if not is_dir(out):  # a config's `out` may name a path the OS refuses (too long)
        return []
    return sorted(p for p in out.iterdir() if p.is_dir() and (p / "snapshot.json").is_file())


def catalog_from_kit(data: dict[str, Any], location: str) -> model.Catalog:
    version = str(data.get("version", ""))
    if version == "8" and isinstance(data.get("ddl"), list):
        data = kit_ddl.to_v7(data)
        version = "7"
    if version != "7" or data.get("dialect") not in {"postgresql", "pg", None}:
        raise DrizzleError(
            f"unsupported drizzle-kit snapshot version {version!r} / dialect {data.get('dialect')!r}",
            where=location,
            fix="run `drizzle-kit up` to upgrade old snapshots to version 7",
        )
    enums = enums_from_kit(data.get("enums") or {})
    schemas = enum_schemas(enums)
    tables = [table_from_kit(t, schemas) for t in (data.get("tables") or {}).values()]
    tables += [view_from_kit(v, schemas) for v in (data.get("views") or {}).values()]
    roles = tuple(
        model.Role(name=r["name"]) for r in sorted((data.get("roles") or {}).values(), key=_name)
    )
    return model.Catalog(
        schemas=tuple(sorted({"public", *(t.schema for t in tables), *(e.schema_ for e in enums)})),
        sources=(model.SourceInfo(kind="drizzle_snapshot", location=location),),
        tables=tuple(sorted(tables, key=lambda t: (t.schema, t.name))),
        enums=enums,
        roles=roles,
    )


def enums_from_kit(entries: dict[str, Any]) -> tuple[model.Enum, ...]:
    found = [
        model.Enum(schema_=e.get("schema") or "public", name=e["name"], values=tuple(e["values"]))
        for e in entries.values()
    ]
    return tuple(sorted(found, key=lambda e: (e.schema_, e.name)))


def enum_schemas(enums: tuple[model.Enum, ...]) -> EnumSchemas:
    schemas: EnumSchemas = {}
    for enum in enums:
        schemas.setdefault(enum.name, set()).add(enum.schema_)
    return schemas


# --------------------------------------------------------------------------- tables


ColumnMemo = dict[tuple[object, ...], model.Column]
"""Columns built so far, by what they are built from: repeated columns (``id``,
``created_at``) are one immutable model, built once."""


def table_from_kit(
    kit: KitTable, enums: EnumSchemas, *, trusted: bool = False, memo: ColumnMemo | None = None
) -> model.Table:
    """One drizzle-kit table entry (from a snapshot or from the reader) in PostgreSQL terms.

    ``trusted``: the entry is the reader's own, whose values have the model's types, so
    its columns are built without validation (`Model.trusted`: one fields-set shared by
    all, ~700 bytes less per column). A snapshot's JSON is validated. ``memo``: shared
    by the tables of one read with the same ``enums`` (see `ColumnMemo`)."""
    schema, name = kit.get("schema") or "public", clip(kit["name"])
    composite = next(iter((kit.get("compositePrimaryKeys") or {}).values()), None)
    # Column names past 63 bytes are stored clipped, as every other name.
    pk_columns = (
        _clipped(composite["columns"])
        if composite
        else tuple(clip(c["name"]) for c in kit["columns"].values() if c.get("primaryKey"))
    )
    # The reader's own entries: what it could not resolve, by slot in ``columns``
    unresolved: dict[str, list[str]] = kit.get("_unresolved") or {}
    make = model.Column.trusted if trusted else model.Column
    columns = tuple(
        _column(
            c,
            schema,
            name,
            clip(c["name"]) in pk_columns,
            enums,
            unresolved.get(slot, []),
            make,
        )
        if memo is None
        else _remembered(memo, c, schema, name, pk_columns, enums, unresolved.get(slot, []), make)
        for slot, c in kit["columns"].items()
    )
    primary_key = None
    if pk_columns:
        pk_name = clip(composite["name"]) if composite else pg_names.primary_key_name(name)
        primary_key = model.PrimaryKey(
            name=pk_name,
            declared_name=long_name(composite["name"]) if composite else None,
            columns=pk_columns,
        )
    uniques = tuple(
        model.UniqueConstraint(
            name=clip(u["name"]),
            declared_name=long_name(u["name"]),
            columns=_clipped(u["columns"]),
            nulls_not_distinct=bool(u.get("nullsNotDistinct")),
        )
        for u in (kit.get("uniqueConstraints") or {}).values()
    )
    policies = tuple(_policy(p) for p in (kit.get("policies") or {}).values())
    return model.Table(
        schema_=schema,
        name=name,
        declared_name=long_name(kit["name"]),
        columns=columns,
        primary_key=primary_key,
        foreign_keys=_sorted(_foreign_key(f) for f in (kit.get("foreignKeys") or {}).values()),
        unique_constraints=_sorted(uniques),
        check_constraints=_sorted(
            model.CheckConstraint(
                name=clip(c["name"]),
                declared_name=long_name(c["name"]),
                expression=f"CHECK ({c['value']})",
            )
            for c in (kit.get("checkConstraints") or {}).values()
        ),
        indexes=_sorted(
            [
                *(_index(i) for i in (kit.get("indexes") or {}).values()),
                *_constraint_indexes(primary_key, uniques),
            ]
        ),
        rls_enabled=bool(kit.get("isRLSEnabled")) or bool(policies),
        policies=_sorted(policies),
        presence=("drizzle",),
        location=kit.get("_location"),
    )


def view_from_kit(kit: KitTable, enums: EnumSchemas) -> model.Table:
    schema, name = kit.get("schema") or "public", kit["name"]
    unresolved: dict[str, list[str]] = kit.get("_unresolved") or {}
    columns = tuple(
        _column(c, schema, name, False, enums, unresolved.get(slot, []))
        for slot, c in (kit.get("columns") or {}).items()
    )
    return model.Table(
        schema_=schema,
        name=name,
        kind="materialized_view" if kit.get("materialized") else "view",
        columns=columns,
        view_definition=kit.get("definition"),
        presence=("drizzle",),
        location=kit.get("_location"),
    )


def _column(
    kit: dict[str, Any],
    schema: str,
    table: str,
    in_pk: bool,
    enums: EnumSchemas,
    unresolved: list[str],
    make: Callable[..., model.Column] = model.Column,
) -> model.Column:
    kit_type = str(kit["type"])
    spelled = pgtypes.pg_type(kit_type) if kit_type != "unresolved" else kit_type
    type_schema = kit.get("typeSchema") or _enum_schema(kit_type, enums)
    identity = kit.get("identity")
    generated = kit.get("generated")
    default: str | None
    if identity or generated:
        default = None
    elif pgtypes.is_serial(kit_type):
        default = pgtypes.serial_default(schema, table, kit["name"])
    else:
        default = pgtypes.pg_default(kit.get("default"), spelled, type_schema)
    return make(
        name=clip(kit["name"]),
        declared_name=long_name(kit["name"]),
        type=spelled,
        nullable=not (kit.get("notNull") or kit.get("primaryKey") or in_pk),
        default=default,
        identity=None
        if not identity
        else ("always" if identity.get("type") == "always" else "by_default"),
        generated=generated.get("as") if generated else None,
        virtual=generated.get("type") == "virtual" if generated else False,
        primary_key=bool(kit.get("primaryKey")) or in_pk,
        type_schema=type_schema,
        unresolved=tuple(sorted(unresolved)),
    )


def _remembered(
    memo: ColumnMemo,
    kit: dict[str, Any],
    schema: str,
    table: str,
    pk_columns: tuple[str, ...],
    enums: EnumSchemas,
    unresolved: list[str],
    make: Callable[..., model.Column],
) -> model.Column:
    """`_column`, once per distinct entry: the key holds every input of `_column` that
    can differ between the tables of a read, each value with its type (``1``, ``1.0``
    and ``True`` are equal keys in Python); an entry holding a dict (identity,
    generated) is built every time."""
    in_pk = clip(kit["name"]) in pk_columns
    try:
        key = (
            *[(k, v, type(v)) for k, v in kit.items()],
            in_pk,
            tuple(unresolved),
            # a serial's default names its sequence: schema and table
            (schema, table) if pgtypes.is_serial(str(kit["type"])) else None,
        )
        column = memo.get(key)
    except TypeError:  # unhashable: a dict value
        return _column(kit, schema, table, in_pk, enums, unresolved, make)
    if column is None:
        column = memo[key] = _column(kit, schema, table, in_pk, enums, unresolved, make)
    return column


def long_name(name: str) -> str | None:
    """``name`` when PostgreSQL would cut it to 63 bytes (the model's ``declared_name``)."""
    return name if clip(name) != name else None


def _clipped(names: list[str]) -> tuple[str, ...]:
    return tuple(clip(n) for n in names)


def _enum_schema(kit_type: str, enums: EnumSchemas) -> str | None:
    # drizzle-kit leaves typeSchema out for enums made from TypeScript enums/objects
    schemas = enums.get(kit_type.split("[")[0].strip(), set())
    return next(iter(schemas)) if len(schemas) == 1 else None


def _foreign_key(kit: dict[str, Any]) -> model.ForeignKey:
    return model.ForeignKey(
        name=clip(kit["name"]),
        declared_name=long_name(kit["name"]),
        columns=_clipped(kit["columnsFrom"]),
        ref_schema=kit.get("schemaTo") or "public",
        ref_table=clip(kit["tableTo"]),
        ref_columns=_clipped(kit["columnsTo"]),
        on_delete=str(kit.get("onDelete") or "no action").upper(),
        on_update=str(kit.get("onUpdate") or "no action").upper(),
    )


def _index(kit: dict[str, Any]) -> model.Index:
    return model.Index(
        name=clip(kit["name"]),
        declared_name=long_name(kit["name"]),
        columns=tuple(
            str(c["expression"]) if c.get("isExpression") else clip(str(c["expression"]))
            for c in kit["columns"]
        ),
        method=kit.get("method") or "btree",
        unique=bool(kit.get("isUnique")),
        predicate=kit.get("where"),
    )


def _constraint_indexes(
    primary_key: model.PrimaryKey | None, uniques: tuple[model.UniqueConstraint, ...]
) -> list[model.Index]:
    """The indexes PostgreSQL builds for the primary key and unique constraints."""
    built = [
        model.Index(
            name=u.name,
            declared_name=u.declared_name,
            columns=u.columns,
            unique=True,
            constraint=u.name,
        )
        for u in uniques
    ]
    if primary_key is not None:
        built.append(
            model.Index(
                name=primary_key.name,
                declared_name=primary_key.declared_name,
                columns=primary_key.columns,
                unique=True,
                primary=True,
                constraint=primary_key.name,
            )
        )
    return built


def _policy(kit: dict[str, Any]) -> model.Policy:
    return model.Policy(
        name=kit["name"],
        command=str(kit.get("for") or "ALL").upper(),
        roles=tuple(sorted(kit.get("to") or ["public"])),
        permissive=str(kit.get("as") or "PERMISSIVE").upper() == "PERMISSIVE",
        using=kit.get("using"),
        with_check=kit.get("withCheck"),
    )


def _sorted(items: Any) -> tuple[Any, ...]:
    return tuple(sorted(items, key=lambda item: item.name))


def _name(entry: dict[str, Any]) -> str:
    return str(entry.get("name", ""))
