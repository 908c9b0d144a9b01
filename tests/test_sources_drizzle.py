"""Behaviour of the Drizzle source beyond drizzle-kit fidelity: inputs, errors,
unresolved values, snapshots. Fidelity itself is in test_sources_drizzle_fidelity.py."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from schema_catalog.analysis import analyze
from schema_catalog.config import Config
from schema_catalog.errors import DrizzleError
from schema_catalog.model import Catalog, Column
from schema_catalog.sources.drizzle import read, read_kit_snapshot
from schema_catalog.sources.merge import merge

OWN = Path(__file__).parent / "fixtures" / "drizzle"
HEADER = "import { pgTable, uuid, text, integer, pgTableCreator } from 'drizzle-orm/pg-core';\n"


def write(tmp_path: Path, name: str, body: str) -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(body)
    return path


def test_malformed_file_is_one_line_error_with_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, "bad.ts", HEADER + "export const t = pgTable('t', { id: uuid( });\n")
    with pytest.raises(DrizzleError) as caught:
        read([path])
    message = str(caught.value)
    assert "\n" not in message
    assert "bad.ts:2" in message and "syntax error" in message


def test_malformed_statement_is_skipped_with_a_finding(tmp_path: Path) -> None:
    body = (
        HEADER
        + "export const good = pgTable('good', { id: uuid() });\nexport const bad = pgTable('bad', {{ );\n"
    )
    path = write(tmp_path, "mixed.ts", body)
    with pytest.raises(DrizzleError, match=r"mixed\.ts:3: syntax error \(.*--keep-going"):
        read([path])
    catalog = read([path], keep_going=True)
    assert [t.name for t in catalog.tables] == ["good"]
    assert [(f.code, f.severity, f.target.rsplit("/", 1)[-1]) for f in catalog.findings] == [
        ("DRZ004", "error", "mixed.ts:3")
    ]


def test_unresolved_values_are_findings_never_guesses(tmp_path: Path) -> None:
    body = HEADER + (
        "import { createId } from '@paralleldrive/cuid2';\n"
        "const make = (n: string) => { for (const c of n) { return pgTable(c, { id: uuid() }); } return null; };\n"
        "export const t = pgTable('t', {\n"
        "  id: text().primaryKey().default(createId()),\n"
        "  n: integer().notNull(),\n"
        "});\n"
        "export const fromFactory = make('x');\n"
        "export const computed = pgTable(process.env.TABLE!, { id: uuid() });\n"
    )
    catalog = read([write(tmp_path, "s.ts", body)])
    assert [t.name for t in catalog.tables] == ["t"]
    table = catalog.tables[0]
    assert table.column("id") is not None and table.column("id").unresolved == ("default",)  # type: ignore[union-attr]
    assert table.column("id").default is None  # type: ignore[union-attr]
    assert table.column("n").unresolved == ()  # type: ignore[union-attr]
    messages = {(f.code, f.target.rsplit("/", 1)[-1]): f.message for f in catalog.findings}
    assert "@paralleldrive/cuid2" in messages[("DRZ001", "s.ts:5")]
    assert ("DRZ002", "s.ts:8") in messages  # helper factory with a loop
    assert ("DRZ001", "s.ts:9") in messages  # computed table name
    assert all(f.severity in {"warning", "info"} for f in catalog.findings)


def test_only_exported_entities_count_and_locations(tmp_path: Path) -> None:
    body = (
        HEADER
        + "const hidden = pgTable('hidden', { id: uuid() });\nexport const shown = pgTable('shown', { id: uuid() });\n"
    )
    catalog = read([write(tmp_path, "s.ts", body)])
    assert [t.name for t in catalog.tables] == ["shown"]
    assert "drizzle" in catalog.tables[0].presence
    assert catalog.tables[0].location is not None and catalog.tables[0].location.endswith("s.ts:3")
    assert catalog.sources[0].kind == "drizzle"


def test_creator_callback_columns_and_namespace_imports(tmp_path: Path) -> None:
    body = (
        "import * as p from 'drizzle-orm/pg-core';\n"
        "const table = p.pgTableCreator((name) => `app_${name}`);\n"
        "export const users = table('users', (t) => ({ id: t.uuid().primaryKey(), nick: t.varchar({ length: 20 }) }));\n"
    )
    catalog = read([write(tmp_path, "s.ts", body)])
    table = catalog.tables[0]
    assert table.name == "app_users"
    assert [(c.name, c.type, c.nullable) for c in table.columns] == [
        ("id", "uuid", False),
        ("nick", "character varying(20)", True),
    ]
    assert table.primary_key is not None and table.primary_key.name == "app_users_pkey"


def test_folder_glob_and_missing_paths(tmp_path: Path) -> None:
    write(tmp_path, "db/a.ts", HEADER + "export const a = pgTable('a', { id: uuid() });\n")
    write(tmp_path, "db/sub/b.ts", HEADER + "export const b = pgTable('b', { id: uuid() });\n")
    assert [t.name for t in read([tmp_path / "db"]).tables] == ["a", "b"]
    assert [t.name for t in read([tmp_path / "db" / "*.ts"]).tables] == ["a"]
    with pytest.raises(DrizzleError, match="no such file"):
        read([tmp_path / "nope.ts"])


def test_missing_relative_import_is_a_finding(tmp_path: Path) -> None:
    body = (
        HEADER
        + "import { other } from './missing';\nexport const a = pgTable('a', { id: uuid().references(() => other.id) });\n"
    )
    catalog = read([write(tmp_path, "s.ts", body)])
    assert {f.code for f in catalog.findings} >= {"DRZ007", "DRZ001"}
    assert catalog.tables[0].foreign_keys == ()


def test_output_is_deterministic() -> None:
    config = OWN / "saas/input/drizzle.config.ts"
    assert read([config]).model_dump_json() == read([config]).model_dump_json()


# --------------------------------------------------------------------------- snapshots


def _meta(tmp_path: Path, snapshot: dict[str, object], number: str = "0000") -> Path:
    meta = tmp_path / "drizzle" / "meta"
    meta.mkdir(parents=True, exist_ok=True)
    (meta / f"{number}_snapshot.json").write_text(json.dumps(snapshot))
    return meta


def test_latest_snapshot_is_read(tmp_path: Path) -> None:
    data = json.loads((OWN / "legacy/snapshot.json").read_text())
    meta = _meta(tmp_path, data, "0000")
    newer = json.loads(json.dumps(data))
    del newer["tables"]["public.book_tags"]
    _meta(tmp_path, newer, "0010")
    catalog = read_kit_snapshot(meta)
    assert catalog.sources[0].kind == "drizzle_snapshot"
    assert "book_tags" not in [t.name for t in catalog.tables]
    assert read_kit_snapshot(tmp_path / "drizzle").tables == catalog.tables


def test_snapshot_from_old_kit_without_newer_keys(tmp_path: Path) -> None:
    data = json.loads((OWN / "supabase/snapshot.json").read_text())
    for key in ("policies", "roles", "views", "sequences"):
        data.pop(key, None)
    for table in data["tables"].values():
        for key in ("policies", "checkConstraints", "isRLSEnabled"):
            table.pop(key, None)
    catalog = read_kit_snapshot(_meta(tmp_path, data))
    assert {t.name for t in catalog.tables} == {"notes", "profiles"}
    assert all(t.policies == () and not t.rls_enabled for t in catalog.tables)


def test_version_8_is_read_and_a_broken_entry_is_one_clear_error(tmp_path: Path) -> None:
    assert read_kit_snapshot(_meta(tmp_path, {"version": "8", "ddl": []})).tables == ()
    broken = {"version": "8", "dialect": "postgres", "ddl": [{"entityType": "columns"}]}
    with pytest.raises(DrizzleError, match=r"not a drizzle-kit snapshot: an entry lacks the key"):
        read_kit_snapshot(_meta(tmp_path, broken))


def test_config_out_snapshot_is_a_source_view_and_staleness_is_one_finding(
    tmp_path: Path,
) -> None:
    project = tmp_path / "app"
    shutil.copytree(OWN / "saas/input", project)
    data = json.loads((OWN / "saas/snapshot.json").read_text())
    _meta(project, data)
    fresh = read([project / "drizzle.config.ts"])
    assert [s.kind for s in fresh.sources] == ["drizzle", "drizzle_snapshot"]
    assert fresh.source_view("drizzle_snapshot") is not None
    assert _stale(fresh) == []
    data["tables"]["public.users"]["columns"]["display_name"]["notNull"] = True
    del data["tables"]["public.audit_log"]
    _meta(project, data)
    stale = read([project / "drizzle.config.ts"])
    assert not [f for f in stale.findings if f.code == "DRZ010"]  # analysis judges it
    # One stale column is one warning (DRF003), not a second one from the source.
    assert _stale(stale) == [
        ("public.audit_log", "`public.audit_log`: Drizzle vs snapshot: only in the schema files"),
        ("public.users", "`public.users`: Drizzle vs snapshot: 1 difference(s): nullable ×1"),
    ]


def _stale(read_catalog: Catalog) -> list[tuple[str, str]]:
    analysed = analyze(merge([read_catalog]), Config())
    return [(f.target, f.message) for f in analysed.findings if f.code in ("DRF003", "DRZ010")]


# ---------------------------------------------------------------------- hostile input (fuzz finds)


@pytest.mark.parametrize("spec", ["/", "./" + "x" * 5000, "./a\\u0000b"])
def test_impossible_import_paths_are_findings(tmp_path: Path, spec: str) -> None:
    """`import '/'` raised ValueError (a root has no name), a 5,000-character specifier
    OSError (name too long)."""
    body = (
        HEADER
        + f"import {{ a }} from '{spec}';\nexport const t = pgTable('t', {{ id: uuid().default(a) }});\n"
    )
    catalog = read([write(tmp_path, "s.ts", body)])
    assert [t.name for t in catalog.tables] == ["t"]
    assert any(f.code == "DRZ001" for f in catalog.findings)


@pytest.mark.parametrize(
    "value",
    [
        "(" * 5000 + "1" + ")" * 5000,
        "a" + ".b" * 5000,
        "[" * 5000 + "1" + "]" * 5000,
    ],
)
def test_absurd_nesting_is_a_finding_not_a_recursion_error(tmp_path: Path, value: str) -> None:
    body = HEADER + f"export const t = pgTable('t', {{ id: integer().default({value}) }});\n"
    catalog = read([write(tmp_path, "s.ts", body)])
    assert [t.name for t in catalog.tables] == ["t"]
    assert [f.code for f in catalog.findings] == ["DRZ001"]


def test_long_const_chains_stop_at_the_depth_limit(tmp_path: Path) -> None:
    chain = "".join(f"const c{i + 1} = c{i};\n" for i in range(3000))
    body = HEADER + "const c0 = 1;\n" + chain
    body += "export const t = pgTable('t', { id: integer().default(c3000) });\n"
    catalog = read([write(tmp_path, "s.ts", body)])
    assert "nested too deeply" in catalog.findings[0].message


def test_deeply_unclosed_brackets_are_one_line_errors(tmp_path: Path) -> None:
    """Looking for the syntax error recursed once per nesting level; past ~50 levels
    tree-sitter gives up on the file, and its ERROR root used to read as an empty schema."""
    body = HEADER + "export const t = pgTable('t', {" + "{" * 5000 + "\n"
    with pytest.raises(DrizzleError) as caught:
        read([write(tmp_path, "bad.ts", body)])
    assert str(caught.value).endswith("bad.ts:2: syntax error, nothing could be read")


def test_policy_with_an_unknown_command_is_skipped_with_a_finding(tmp_path: Path) -> None:
    """`for: 'delet'` reached the model and failed its validation."""
    body = (
        "import { pgTable, uuid, pgPolicy } from 'drizzle-orm/pg-core';\n"
        "export const t = pgTable('t', { id: uuid() }, () => [\n"
        "  pgPolicy('p', { for: 'delet' }),\n"
        "  pgPolicy('q', { for: 'delete', as: 'restrictive' }),\n"
        "]);\n"
    )
    catalog = read([write(tmp_path, "s.ts", body)])
    assert [p.name for p in catalog.tables[0].policies] == ["q"]
    assert [f.target.rsplit("/", 1)[-1] for f in catalog.findings] == ["s.ts:3"]
    assert "`for`" in catalog.findings[0].message


def test_broken_config_points_at_its_syntax_error(tmp_path: Path) -> None:
    config = (
        "import { defineConfig } from 'drizzle-kit';\nexport default defineConfig({ schema: ( });\n"
    )
    with pytest.raises(DrizzleError) as caught:
        read([write(tmp_path, "drizzle.config.ts", config)])
    assert str(caught.value).endswith(
        "drizzle.config.ts:2: cannot read drizzle config: syntax error"
    )


def test_tsconfig_with_impossible_paths_is_ignored(tmp_path: Path) -> None:
    """A NUL byte in baseUrl made Path.resolve raise ValueError; a deeply nested value
    recursed once per level."""
    deep = "[" * 3000 + "]" * 3000
    write(
        tmp_path,
        "tsconfig.json",
        f'{{"extends": "./../../../../../..", "x": {deep}, "compilerOptions": {{"baseUrl": "a\\u0000"}}}}',
    )
    body = HEADER + "import { a } from '@/x';\nexport const t = pgTable('t', { id: uuid() });\n"
    catalog = read([write(tmp_path, "s.ts", body)])
    assert [t.name for t in catalog.tables] == ["t"]


@pytest.mark.parametrize(
    ("snapshot", "expected"),
    [
        ('{\n "version": "7",\n "tables": {,}\n}', "0000_snapshot.json:3: not a JSON snapshot"),
        (
            '{"version": "7", "dialect": "postgresql", "tables": {"t": {"columns": {}}}}',
            "an entry lacks the key 'name'",
        ),
        (
            '{"version": "7", "dialect": "postgresql", "tables": ["x"]}',
            "an entry has an unexpected type",
        ),
        ("[1]", "an entry has an unexpected type"),
    ],
)
def test_malformed_kit_snapshots_are_one_line_errors(
    tmp_path: Path, snapshot: str, expected: str
) -> None:
    """JSON of the wrong shape raised KeyError / AttributeError from the converter."""
    write(tmp_path, "meta/0000_snapshot.json", snapshot)
    with pytest.raises(DrizzleError) as caught:
        read_kit_snapshot(tmp_path / "meta")
    assert expected in str(caught.value) and "\n" not in str(caught.value)


def test_an_unknown_builder_never_names_a_column_after_its_key(tmp_path: Path) -> None:
    body = HEADER + (
        "import { ulid } from './missing';\n"
        "export const t = pgTable('t', ({ uuid }) => ({\n"
        "  id: uuid().primaryKey(),\n"
        "  guessed: ulid(),\n"
        "  named: ulid('named_col').notNull(),\n"
        "}));\n"
    )
    catalog = read([write(tmp_path, "s.ts", body)])
    table = catalog.tables[0]
    assert [(c.name, c.name_resolved) for c in table.columns] == [
        ("id", True),
        ("guessed", False),  # kept, labelled with its key, its name unresolved
        ("named_col", True),
    ]
    assert table.column("guessed") is None  # a label is found by no lookup
    assert table.columns[1].unresolved == ("default", "name", "nullable", "type")
    named = table.column("named_col")
    assert named is not None and not named.nullable and named.unresolved == ("type",)
    messages = {(f.code, f.target.rsplit("/", 1)[-1]): f.message for f in catalog.findings}
    assert (
        "column 'guessed': name, default, nullable, type unknown" in messages[("DRZ001", "s.ts:5")]
    )
    assert "under its object key 'guessed', a label, not its name" in messages[("DRZ001", "s.ts:5")]


def test_columns_of_package_helpers_are_kept_unresolved() -> None:
    """tests/fixtures/drizzle/helpers: `tenantId('organization_id')` and `createdAt()` come
    from a package the reader does not read; drizzle-kit names them organization_id and
    created_at (its snapshot), the reader names neither, with or without the argument."""
    catalog = read([OWN / "helpers/input/schema.ts"])
    documents = catalog.table("public.documents")
    assert documents is not None
    assert [(c.name, c.type, c.unresolved) for c in documents.columns if not c.name_resolved] == [
        ("organizationId", "unresolved", ("default", "name", "nullable", "type")),
        ("createdAt", "unresolved", ("default", "name", "nullable", "type")),
    ]
    assert documents.column("organization_id") is None and documents.column("createdAt") is None
    messages = {
        f.target.rsplit("/", 1)[-1]: f.message for f in catalog.findings if f.code == "DRZ001"
    }
    assert sorted(messages) == ["schema.ts:18", "schema.ts:20"]
    assert "value from package '@acme/columns' (tenantId)" in messages["schema.ts:18"]
    assert "'organizationId', a label, not its name" in messages["schema.ts:18"]


def test_names_over_63_bytes_show_beside_the_stored_name(tmp_path: Path) -> None:
    long = "a_table_name_that_is_much_longer_than_postgresql_lets_an_identifier_be"
    body = HEADER + f"export const t = pgTable('{long}', {{ id: uuid() }});\n"
    catalog = read([write(tmp_path, "s.ts", body)])
    assert catalog.tables[0].name == long[:63]
    [finding] = [f for f in catalog.findings if f.code == "DRZ011"]
    assert long in finding.message and f"stores {long[:63]}" in finding.message


def test_names_cut_to_one_are_a_finding() -> None:
    """The styles table's 68-byte name: its unique constraint and index, named after it,
    are cut to the table's own 63 bytes. PostgreSQL refuses drizzle-kit's CREATE TABLE
    (tests/test_sources_drizzle_pg.py applies it); the reader says so."""
    catalog = read([OWN / "styles/input/schema.ts"])
    collisions = [f for f in catalog.findings if f.code == "DRZ012"]
    assert [(f.severity, f.target.rsplit("/", 1)[-1]) for f in collisions] == [
        ("warning", "schema.ts:76"),
        ("warning", "schema.ts:76"),
    ]
    relation = next(f.message for f in collisions if "relation already exists" in f.message)
    assert "_index are all stored as organization_membership_invitations_pending" in relation
    assert not [
        f for f in read([OWN / "saas/input/drizzle.config.ts"]).findings if f.code == "DRZ012"
    ]


def test_drizzle_kit_1_layout_and_snapshot_are_read(tmp_path: Path) -> None:
    # kit 1.0: one folder per migration, each with migration.sql and a version 8 snapshot
    catalog = read_kit_snapshot(OWN / "kit1/kit-out")
    assert [t.qualified_name for t in catalog.tables] == [
        "billing.plans",
        "public.links",
        "public.orgs",
        "public.tasks",
    ]
    tasks = catalog.table("public.tasks")
    assert tasks is not None and tasks.rls_enabled  # pgTable.withRLS
    assert [f.name for f in tasks.foreign_keys] == [
        "tasks_org_id_orgs_id_fkey",
        "tasks_plan_code_plans_code_fkey",
    ]
    project = tmp_path / "project"
    shutil.copytree(OWN / "kit1/input", project)
    shutil.copytree(OWN / "kit1/kit-out", project / "drizzle")
    config = project / "drizzle.config.ts"
    config.write_text(
        "import { defineConfig } from 'drizzle-kit';\n"
        "export default defineConfig({ dialect: 'postgresql', schema: './schema.ts', out: './drizzle' });\n"
    )
    read_through_config = read([config])
    assert read_through_config.sources[0].details["drizzle_kit"] == "1.x"
    assert not [f for f in read_through_config.findings if f.code == "DRZ010"]  # snapshot agrees


@pytest.mark.parametrize("project", sorted(p.parent.name for p in OWN.glob("*/input")))
def test_columns_are_built_unvalidated_with_the_model_types(project: str) -> None:
    """The reader's columns skip validation (one fields-set shared by all: memory at
    3,000 tables); validating each again gives the same column, types included."""
    catalog = read([OWN / project / "input"], keep_going=True)
    columns = [c for t in catalog.tables if t.kind == "table" for c in t.columns]
    assert len(columns) > 1
    assert len({id(c.__pydantic_fields_set__) for c in columns}) == 1
    for column in columns:
        again = Column.model_validate(column.model_dump())
        assert again == column and repr(again) == repr(column)


def test_a_config_out_the_os_refuses_is_no_crash(tmp_path: Path) -> None:
    """Found by the fuzzer: an `out` of 300 characters raised OSError (name too long)
    while looking for kit 1.0's migration folders in it."""
    write(tmp_path, "schema.ts", HEADER + "export const t = pgTable('t', { id: uuid() });\n")
    config = (
        "export default { dialect: 'postgresql', schema: './schema.ts', out: './"
        + "x" * 300
        + "' };\n"
    )
    catalog = read([write(tmp_path, "drizzle.config.ts", config)])
    assert [t.name for t in catalog.tables] == ["t"]


def test_a_repeated_column_is_one_model_equal_values_of_other_types_are_not(
    tmp_path: Path,
) -> None:
    """Columns built from the same entry are one (immutable) model; ``1`` and ``true``
    are equal in Python but not as defaults, and a serial's default names its table."""
    path = tmp_path / "schema.ts"
    path.write_text(
        "import { pgTable, integer, serial } from 'drizzle-orm/pg-core';\n"
        "export const a = pgTable('a', { n: integer().default(1), s: serial() });\n"
        "export const b = pgTable('b', { n: integer().default(true), s: serial() });\n"
        "export const c = pgTable('c', { n: integer().default(1), s: serial() });\n"
    )
    catalog = read([path])
    a, b, c = (catalog.table(f"public.{name}") for name in "abc")
    assert a is not None and b is not None and c is not None
    assert a.columns[0] is c.columns[0]
    assert (a.columns[0].default, b.columns[0].default) == ("1", "true")
    assert [t.columns[1].default for t in (a, b)] == [
        "nextval('public.a_s_seq'::regclass)",
        "nextval('public.b_s_seq'::regclass)",
    ]
