"""The Drizzle source: TypeScript schema files (and drizzle-kit snapshots) → `Catalog`.

Entry points:

- `read(paths, casing=None)`: .ts files, folders, globs or a drizzle.config.ts, parsed
  with tree-sitter and evaluated statically (no Node). Only exported entities count,
  as for drizzle-kit. A config's ``out/meta`` snapshot, when present, is read too and
  kept as a ``drizzle_snapshot`` source view; analysis compares the two (rule
  DRF003: committed snapshots go stale).
- `read_kit_snapshot(meta_dir)`: the latest ``meta/NNNN_snapshot.json``.

Both speak PostgreSQL (see `pgtypes`). Findings (never silent guesses):

    DRZ001 warning  a value could not be resolved statically (computed name, helper
                    factory, value from another package); the column lists it in
                    ``Column.unresolved``
    DRZ002 info     an exported value that is not a Drizzle entity could not be evaluated
    DRZ004 error    a statement with a syntax error was skipped (only with ``keep_going``;
                    otherwise the syntax error stops the read: `DrizzleError`, file:line)
    DRZ005 warning  a column uses an enum that is not exported: drizzle-kit will not create it
    DRZ006 warning  two exported tables share one name
    DRZ007 warning  an import points at no file
    DRZ008 info     a view's definition is not static
    DRZ011 info     a name drizzle-kit emits is over 63 bytes: the finding shows it beside
                    the name PostgreSQL stores, so both can be matched
    DRZ012 warning  two names drizzle-kit emits are cut to the same 63 bytes where
                    PostgreSQL wants them unique: its migration fails
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from schema_catalog import collector, model
from schema_catalog.errors import DrizzleError
from schema_catalog.pg.clip import clip
from schema_catalog.sources.drizzle import config as drizzle_config
from schema_catalog.sources.drizzle.kit_snapshot import (
    ColumnMemo,
    catalog_from_kit,
    enum_schemas,
    read_kit_snapshot,
    table_from_kit,
    view_from_kit,
)
from schema_catalog.sources.drizzle.parse import display_path
from schema_catalog.sources.drizzle.policies import linked_table
from schema_catalog.sources.drizzle.resolve import Project, Restart
from schema_catalog.sources.drizzle.tables import TableReader
from schema_catalog.sources.drizzle.values import (
    PG_CORE,
    Builder,
    EnumEntity,
    Extern,
    RoleEntity,
    TableEntity,
    Unresolved,
    Value,
    ViewEntity,
)

__all__ = ["catalog_from_kit", "read", "read_kit_snapshot"]

Casing = Literal["snake_case", "camelCase"]


@dataclass
class _Exports:
    """Every exported entity of the schema files, each once."""

    tables: list[TableEntity] = field(default_factory=list)
    enums: list[EnumEntity] = field(default_factory=list)
    views: list[ViewEntity] = field(default_factory=list)
    roles: list[RoleEntity] = field(default_factory=list)
    policies: list[Builder] = field(default_factory=list)
    unresolved: list[tuple[str, Unresolved]] = field(default_factory=list)
    _seen: set[int] = field(default_factory=set)
    """Ids of the entities kept: one re-exported under several names is kept once
    (a set, not a scan of the bucket: 3,000 tables made that 4.5 million comparisons)."""

    def add(self, name: str, value: Value) -> None:
        buckets: list[tuple[type, list[object]]] = [
            (TableEntity, self.tables),  # type: ignore[list-item]
            (EnumEntity, self.enums),  # type: ignore[list-item]
            (ViewEntity, self.views),  # type: ignore[list-item]
            (RoleEntity, self.roles),  # type: ignore[list-item]
        ]
        for kind, bucket in buckets:
            if isinstance(value, kind):
                if id(value) not in self._seen:
                    self._seen.add(id(value))
                    bucket.append(value)
                return
        if isinstance(value, Builder) and value.root == Extern(PG_CORE, "pgPolicy"):
            self.policies.append(value)
        elif isinstance(value, Unresolved):
            self.unresolved.append((name, value))


def read(
    paths: Sequence[Path],
    *,
    casing: Casing | None = None,
    keep_going: bool = False,
    kit_major: int | None = None,
) -> model.Catalog:
    """Read Drizzle schema files into a catalog (see the module docstring).

    A syntax error stops the read unless ``keep_going``: then the statement is
    skipped and a DRZ004 error finding names it, so its tables are never dropped
    silently.
    """
    with collector.paused():  # every value made survives the read (see collector.paused)
        try:
            return _read(paths, casing, keep_going, kit_major, lazy=True)
        except Restart:  # a file's index changed once read (see `Module`): index first
            return _read(paths, casing, keep_going, kit_major, lazy=False)


def _read(
    paths: Sequence[Path],
    casing: Casing | None,
    keep_going: bool,
    kit_major: int | None,
    *,
    lazy: bool,
) -> model.Catalog:
    project = Project()
    inputs = drizzle_config.collect(paths, project)
    # kit 1.0 names constraints its own way; a config whose `out` has its layout says so
    kit = inputs.kit_major if kit_major is None else kit_major
    # kit 1.0 reads no `casing` from drizzle.config.ts (casing is snakeCase.table or
    # pgTableCreator's now): a leftover one changes no name it writes
    effective = casing or (None if kit else inputs.casing)
    exports = _Exports()
    for file in inputs.files:
        for name, value in project.module(file, lazy=lazy).exported_values():
            exports.add(name, value)
    findings: list[model.Finding] = []
    reader = TableReader(project.evaluator, effective, kit)
    tables, enums = _build(exports, reader, findings)
    findings += _file_findings(project)
    broken = [m for m in project.modules.values() if m.broken]
    if not tables and not enums and broken:
        raise DrizzleError("syntax error, nothing could be read", where=broken[0].broken[0])
    if broken and not keep_going:
        module = min(broken, key=lambda m: m.source.display)
        raise DrizzleError(
            "syntax error",
            where=module.broken[0],
            fix="fix the file, or pass --keep-going to record it as a finding and go on",
        )
    location = ", ".join(display_path(p) for p in paths)
    details = {"files": str(len(inputs.files)), "casing": effective or "none"}
    if kit:
        details["drizzle_kit"] = f"{kit}.x"

    catalog = model.Catalog(
        schemas=tuple(sorted({"public", *(t.schema for t in tables), *(e.schema_ for e in enums)})),
        sources=(model.SourceInfo(kind="drizzle", location=location, details=details),),
        tables=tuple(sorted(tables, key=lambda t: (t.schema, t.name))),
        enums=tuple(sorted(enums, key=lambda e: (e.schema_, e.name))),
        roles=tuple(
            sorted(
                {
                    model.Role(name=r.name)
                    for r in exports.roles
                    if isinstance(r.name, str) and not r.existing
                },
                key=lambda r: r.name,
            )
        ),
        findings=tuple(findings),
    )
    return _with_snapshots(catalog, inputs.meta_dirs)


def _build(
    exports: _Exports, reader: TableReader, findings: list[model.Finding]
) -> tuple[list[model.Table], list[model.Enum]]:
    enums = [
        model.Enum(schema_=e.schema, name=e.name, values=e.values)
        for e in exports.enums
        if isinstance(e.name, str) and isinstance(e.values, tuple)
    ]
    for enum in exports.enums:
        problem = enum.name if isinstance(enum.name, Unresolved) else enum.values
        if isinstance(problem, Unresolved):
            findings.append(_finding("DRZ001", "warning", enum.where, f"enum: {problem.reason}"))
    schemas = enum_schemas(tuple(enums))
    policies: dict[int, list[int]] = {}
    for number, policy in enumerate(exports.policies):
        target = linked_table(policy)
        if isinstance(target, TableEntity):
            policies.setdefault(id(target), []).append(number)
    # Each table's drizzle-kit entry becomes its model at once and is dropped (3,000
    # tables' entries held together took 46 MB); the findings keep their order: the
    # tables' problems, then the policies' in policy order, then the views'.
    tables: list[model.Table] = []
    long_names: list[model.Finding] = []
    named: list[dict[str, Value]] = []  # each entry's names, for collisions across tables
    policy_problems: dict[int, list[tuple[str, str]]] = {}
    memo: ColumnMemo = {}
    for entity in exports.tables:
        kit = reader.kit_table(entity)
        if kit is None:
            continue
        for number in policies.get(id(entity), []):
            reader.add_policy(kit, exports.policies[number], policy_problems.setdefault(number, []))
        tables.append(table_from_kit(kit, schemas, trusted=True, memo=memo))
        long_names += _long_name_findings([kit])
        named.append(_names_only(kit))
    for number in sorted(policy_problems):
        reader.problems += policy_problems[number]
    tables += [
        _view(v, reader, findings, schemas)
        for v in exports.views
        if isinstance(v.name, str) and not v.existing
    ]
    findings += [
        _finding("DRZ001", "warning", where, message) for where, message in reader.problems
    ]
    findings += long_names
    findings += _collision_findings(named)
    findings += _enum_findings(exports, reader, enums)
    findings += _duplicate_findings(tables)
    for name, value in exports.unresolved:
        findings.append(
            _finding(
                "DRZ002", "info", value.where, f"export '{name}' not evaluated: {value.reason}"
            )
        )
    return tables, enums


def _view(
    view: ViewEntity,
    reader: TableReader,
    findings: list[model.Finding],
    schemas: dict[str, set[str]],
) -> model.Table:
    kit: dict[str, Value] = {
        "name": view.name,
        "schema": view.schema,
        "materialized": view.materialized,
    }
    kit["_location"] = view.where
    if view.columns is not None:
        probe = TableEntity(view.name, view.schema, view.columns, None, view.where)
        table = reader.kit_table(probe)
        kit["columns"] = table["columns"] if table else {}
        kit["_unresolved"] = table["_unresolved"] if table else {}
    definition = reader.render(view.definition, "qualified", view.where)
    if isinstance(definition, str):
        kit["definition"] = definition
    else:
        findings.append(
            _finding("DRZ008", "info", view.where, f"view {view.name}: definition not static")
        )
    return view_from_kit(kit, schemas)


def _enum_findings(
    exports: _Exports, reader: TableReader, enums: list[model.Enum]
) -> list[model.Finding]:
    """Columns typed by enums that are not exported (drizzle-kit will not create the type)."""
    exported = {(e.schema_, e.name) for e in enums}
    found: list[model.Finding] = []
    for table in exports.tables:
        if isinstance(table.columns, Unresolved):
            continue
        for key, value in table.columns.items():
            root = value.root if isinstance(value, Builder) else None
            if (
                isinstance(root, EnumEntity)
                and isinstance(root.name, str)
                and (root.schema, root.name) not in exported
            ):
                message = f"{table.name}.{key} uses enum {root.name}, which is not exported: drizzle-kit will not create it"
                found.append(_finding("DRZ005", "warning", value.where, message))
    return found


_NAMED_PARTS = (
    "columns",
    "indexes",
    "foreignKeys",
    "compositePrimaryKeys",
    "uniqueConstraints",
    "checkConstraints",
)


def _long_name_findings(kit_tables: list[dict[str, Value]]) -> list[model.Finding]:
    """Names drizzle-kit writes in full that PostgreSQL cuts to 63 bytes."""
    found: list[model.Finding] = []
    for table in kit_tables:
        declared = [str(table["name"])]
        declared += [str(n) for part in _NAMED_PARTS for n in table[part]]
        for name in declared:
            stored = clip(name)
            if stored != name:
                message = (
                    f"drizzle-kit names it {name} ({len(name.encode())} bytes); "
                    f"PostgreSQL stores {stored}"
                )
                found.append(_finding("DRZ011", "info", str(table["_location"]), message))
    return found


def _collision_findings(kit_tables: list[dict[str, Value]]) -> list[model.Finding]:
    """Names PostgreSQL cuts to one: a schema's relations (tables, and the indexes behind
    indexes, primary keys and unique constraints) and a table's constraints."""
    found: list[model.Finding] = []
    relations: dict[str, dict[str, dict[str, str]]] = {}
    for table in kit_tables:
        where = str(table["_location"])
        in_schema = relations.setdefault(str(table.get("schema") or "public"), {})
        for name in [str(table["name"]), *_names(table, ("indexes", *_INDEXED))]:
            in_schema.setdefault(clip(name), {}).setdefault(name, where)
        constraints: dict[str, dict[str, str]] = {}
        for name in _names(table, _NAMED_PARTS[2:]):
            constraints.setdefault(clip(name), {}).setdefault(name, where)
        found += _collided(constraints, "constraint", "42710")
    for in_schema in relations.values():
        found += _collided(in_schema, "relation", "42P07")
    return found


_INDEXED = ("uniqueConstraints", "compositePrimaryKeys")


def _names_only(kit: dict[str, Value]) -> dict[str, Value]:
    """What `_collision_findings` reads of a drizzle-kit entry: its place, schema, name
    and the names of its parts (the entry itself is dropped once its model is built)."""
    parts = ("indexes", *_INDEXED, *_NAMED_PARTS[2:])
    kept: dict[str, Value] = {k: kit.get(k) for k in ("_location", "schema", "name")}
    kept.update({part: tuple(kit[part]) for part in parts})
    return kept


def _names(table: dict[str, Value], parts: tuple[str, ...]) -> list[str]:
    return [str(name) for part in parts for name in table[part]]


def _collided(stored: dict[str, dict[str, str]], kind: str, state: str) -> list[model.Finding]:
    """One finding per stored name that several declared names share (at the first's place)."""
    return [
        _finding(
            "DRZ012",
            "warning",
            next(iter(names.values())),
            f"{', '.join(sorted(names))} are all stored as {cut} (63 bytes): "
            f"drizzle-kit's migration fails ({kind} already exists, {state})",
        )
        for cut, names in sorted(stored.items())
        if len(names) > 1
    ]


def _duplicate_findings(tables: list[model.Table]) -> list[model.Finding]:
    seen: dict[str, int] = {}
    for table in tables:
        seen[table.qualified_name] = seen.get(table.qualified_name, 0) + 1
    return [
        _finding("DRZ006", "warning", name, f"{count} exported tables are named {name}")
        for name, count in sorted(seen.items())
        if count > 1
    ]


def _file_findings(project: Project) -> list[model.Finding]:
    found = [
        _finding("DRZ004", "error", where, "syntax error: statement skipped")
        for module in project.modules.values()
        for where in module.broken
    ]
    found += [
        _finding("DRZ007", "warning", where, f"import '{spec}' points at no file")
        for spec, where in sorted(project.missing_imports.items())
    ]
    return found


def _with_snapshots(catalog: model.Catalog, meta_dirs: list[Path]) -> model.Catalog:
    if not meta_dirs:
        return catalog
    snapshot = read_kit_snapshot(meta_dirs[0])
    view = model.SourceView(kind="drizzle_snapshot", tables=snapshot.tables, enums=snapshot.enums)
    return catalog.model_copy(
        update={
            "sources": (*catalog.sources, *snapshot.sources),
            "source_views": (*catalog.source_views, view),
        }
    )


def _finding(
    code: str, severity: Literal["error", "warning", "info"], target: str, message: str
) -> model.Finding:
    return model.Finding(code=code, severity=severity, target=target, message=message)
