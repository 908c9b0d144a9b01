"""The migration SQL source without a server: file order, applied files, errors, findings.

What the replayed schema *contains* is checked against PostgreSQL itself in
test_sources_migrations_oracle.py; this module covers the parts around it.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from schema_catalog.errors import MigrationError
from schema_catalog.sources import migrations
from schema_catalog.sources.migrations.files import discover

FIXTURES = Path(__file__).parent / "fixtures" / "migrations"


def write(folder: Path, name: str, text: str = "select 1;\n") -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# ---------------------------------------------------------------------- files


def test_folder_files_are_in_natural_order(tmp_path: Path) -> None:
    for name in ("10_c.sql", "2_b.sql", "1_a.sql", "notes.txt"):
        write(tmp_path, name)
    assert [f.path.name for f in discover([tmp_path])] == ["1_a.sql", "2_b.sql", "10_c.sql"]


def test_supabase_project_folder_is_followed_into_its_migrations(tmp_path: Path) -> None:
    write(tmp_path, "supabase/migrations/20240201000000_b.sql")
    write(tmp_path, "supabase/migrations/20240101000000_a.sql")
    found = discover([tmp_path])
    assert [f.version for f in found] == ["20240101000000", "20240201000000"]


def test_drizzle_journal_order_wins_over_names(tmp_path: Path) -> None:
    write(tmp_path, "0000_zeta.sql")
    write(tmp_path, "0001_alpha.sql")
    journal = {"entries": [{"idx": 1, "tag": "0000_zeta"}, {"idx": 0, "tag": "0001_alpha"}]}
    write(tmp_path, "meta/_journal.json", json.dumps(journal))
    assert [f.path.stem for f in discover([tmp_path])] == ["0001_alpha", "0000_zeta"]


def test_drizzle_kit_1_folders_are_applied_in_drizzle_orms_order(tmp_path: Path) -> None:
    """kit 1.0 writes ``<timestamp>_<name>/migration.sql`` beside snapshot.json; drizzle-orm
    1.0 applies the folders by ``localeCompare`` of their names: timestamps first, then
    case-insensitively (``_alpha`` before ``_Beta``, where code points put ``B`` first)."""
    for name in (
        "20260301000000_Beta",
        "20260101000000_init",
        "20260301000000_alpha",
        "20260201000000_add_index",
    ):
        write(tmp_path, f"{name}/migration.sql", f"-- {name}\n")
        write(tmp_path, f"{name}/snapshot.json", "{}")
    write(tmp_path, "notes/readme.md")  # a folder without migration.sql is not a migration
    found = discover([tmp_path])
    assert [f.tag for f in found] == [
        "20260101000000_init",
        "20260201000000_add_index",
        "20260301000000_alpha",
        "20260301000000_Beta",
    ]
    assert [f.path.name for f in found] == ["migration.sql"] * 4
    assert found[0].version == "20260101000000" and found[0].text == "-- 20260101000000_init\n"


def test_kit_1_migrations_match_their_folder_name_or_hash() -> None:
    """drizzle-orm 1.0 records the folder name (and the sha256) of each applied migration."""
    folder = Path(__file__).parent / "fixtures" / "drizzle" / "kit1" / "kit-out"
    [only] = discover([folder])
    assert only.tag == "20261204150156_premium_cammi"
    for applied in (only.tag, only.sha256, only.version):
        catalog = migrations.read([folder], applied=frozenset({applied}))
        assert catalog.sources[0].details == {"files": "1", "pending": "0"}, applied
    assert len(migrations.read([folder]).tables) == 4


def test_a_folder_with_no_migration_is_an_input_error(tmp_path: Path) -> None:
    write(tmp_path, "meta/_journal.json", json.dumps({"entries": []}))
    write(tmp_path, "schema.ts", "export {};\n")
    with pytest.raises(MigrationError) as caught:
        migrations.read([tmp_path])
    assert str(caught.value).startswith(f"{tmp_path}: no migration files here (name a folder")
    assert "\n" not in str(caught.value)


def test_loose_sql_beside_kit_1_folders_is_an_input_error(tmp_path: Path) -> None:
    write(tmp_path, "0000_init.sql")
    write(tmp_path, "20260101000000_init/migration.sql")
    with pytest.raises(MigrationError, match=r"both \.sql files and drizzle-kit 1\.0 migration"):
        discover([tmp_path])


def test_files_named_one_by_one_keep_the_given_order(tmp_path: Path) -> None:
    second, first = write(tmp_path, "b.sql"), write(tmp_path, "a.sql")
    assert [f.path for f in discover([second, first, second])] == [second, first]


def test_a_missing_path_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(MigrationError, match="no such file or folder"):
        migrations.read([tmp_path / "nope"])


# ---------------------------------------------------------------------- applied files


def test_applied_supabase_versions_are_skipped() -> None:
    folder = FIXTURES / "supabase"
    first = discover([folder])[0]
    catalog = migrations.read([folder], applied=frozenset({first.version}))
    assert catalog.sources[0].details == {"files": "4", "pending": "3"}
    # without the database, ALTERs on tables of the applied file cannot be replayed: said so
    assert any("public.projects is not known here" in f.message for f in catalog.findings)
    assert "public.organizations" not in {t.qualified_name for t in catalog.tables}


def test_applied_drizzle_hashes_are_skipped() -> None:
    """drizzle-orm records sha256 of the raw file bytes (real drizzle-kit output here)."""
    folder = FIXTURES / "drizzle"
    digest = hashlib.sha256((folder / "0000_init.sql").read_bytes()).hexdigest()
    catalog = migrations.read([folder], applied=frozenset({digest}))
    assert catalog.sources[0].details == {"files": "3", "pending": "2"}
    # 0001 creates payments, 0002 renames it; ALTERs of 0000's tables need the database
    assert [t.name for t in catalog.tables] == ["invoice_payments"]
    assert any("public.invoices is not known here" in f.message for f in catalog.findings)


# ---------------------------------------------------------------------- errors and findings


def test_a_syntax_error_is_one_line_with_file_and_line(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "001_bad.sql",
        "create table a (id int);\n\n-- é\ncreate table b (id int,, x int);\n",
    )
    with pytest.raises(MigrationError) as caught:
        migrations.read([path])
    assert str(caught.value) == f'{path}:4: syntax error at or near ","'


def test_unmodelled_statements_are_findings_and_harmless_ones_are_silent(tmp_path: Path) -> None:
    sql = "\n".join(
        [
            "set search_path = public;",
            "begin;",
            "create extension if not exists plpgsql;",
            "create table t (id serial primary key);",
            "insert into t default values;",
            "do $$ begin perform 1; end $$;",
            "create domain positive as int check (value > 0);",
            "create table copy as select * from t;",
            "alter table elsewhere add column x int;",
            "commit;",
        ]
    )
    path = write(tmp_path, "1_x.sql", sql)
    catalog = migrations.read([path])
    assert [(f.code, f.severity, f.target) for f in catalog.findings] == [
        ("MIG001", "warning", f"{path}:7"),
        ("MIG001", "warning", f"{path}:8"),
        ("MIG001", "warning", f"{path}:9"),
    ]
    assert [t.name for t in catalog.tables] == ["t"]


def test_tables_say_where_they_were_created(tmp_path: Path) -> None:
    first = write(tmp_path, "1_a.sql", "-- tables\n\n/* first */ create table a (id int);\n")
    second = write(
        tmp_path, "2_b.sql", "create table b (id int);\nalter table a add column x int;\n"
    )
    catalog = migrations.read([tmp_path])
    located = {t.name: (t.location, "migrations" in t.presence) for t in catalog.tables}
    assert located == {"a": (f"{first}:3", True), "b": (f"{second}:1", True)}


def test_views_are_kept_with_their_query(tmp_path: Path) -> None:
    path = write(
        tmp_path, "1.sql", "create table a (id int);\ncreate view v as select id from a;\n"
    )
    view = migrations.read([path]).table("public.v")
    assert view is not None and view.kind == "view"
    assert view.view_definition == "SELECT id FROM a"


# ---------------------------------------------------------------------- hostile input (fuzz finds)


def test_absurdly_nested_sql_is_an_error_not_a_crash(tmp_path: Path) -> None:
    """pglast's tree conversion overflowed the C stack (the process died) on ~25,000
    chained operators; the JSON parse fails cleanly first. Run in a child process so a
    regression cannot take the test run down with it."""
    path = write(
        tmp_path, "1.sql", "create table t (id int default " + "+".join(["1"] * 40_000) + ");"
    )
    code = (
        "import sys; from pathlib import Path; from schema_catalog.sources import migrations\n"
        "from schema_catalog.errors import MigrationError\n"
        "try: migrations.read([Path(sys.argv[1])])\n"
        "except MigrationError as e: print(e)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"{path}:1: stack depth limit exceeded"


def test_deeply_nested_statements_are_findings(tmp_path: Path) -> None:
    """Analysis and printing recurse per level: 500 chained operators raised RecursionError."""
    deep = "create table deep (id int default " + "+".join(["1"] * 500) + ");"
    path = write(tmp_path, "1.sql", f"create table ok (id int);\n{deep}\n")
    catalog = migrations.read([path])
    assert [t.name for t in catalog.tables] == ["ok"]
    assert [(f.target, f.message) for f in catalog.findings] == [
        (f"{path}:2", "Create statement nested too deeply to model: skipped")
    ]


def test_invalid_utf8_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "1.sql"
    path.write_bytes(b"create table a (id int);\n-- caf\xe9\n")
    with pytest.raises(MigrationError) as caught:
        migrations.read([path])
    assert str(caught.value) == f"{path}:2: not UTF-8 text (invalid continuation byte)"


@pytest.mark.parametrize(
    ("journal", "expected"),
    [
        (
            '{\n  "entries": [\n    {"idx": 0,, "tag": "0000_a"}\n  ]\n}',
            ":3: unreadable drizzle journal: Expecting property name",
        ),
        ('{"entries": 7}', ": unreadable drizzle journal: no `entries` list"),
        ("[]", ": unreadable drizzle journal: no `entries` list"),
    ],
)
def test_broken_drizzle_journals_are_one_line_errors(
    tmp_path: Path, journal: str, expected: str
) -> None:
    """A list or number where drizzle-kit writes an object used to raise TypeError."""
    write(tmp_path, "0000_a.sql")
    write(tmp_path, "meta/_journal.json", journal)
    with pytest.raises(MigrationError) as caught:
        discover([tmp_path])
    assert str(caught.value).startswith(f"{tmp_path / 'meta' / '_journal.json'}{expected}")
    assert "\n" not in str(caught.value)


def test_journal_entries_without_numeric_idx_keep_their_place(tmp_path: Path) -> None:
    """``int("x")`` on a hand-edited idx raised ValueError."""
    write(tmp_path, "0000_a.sql")
    write(tmp_path, "0001_b.sql")
    journal = {"entries": [{"idx": "x", "tag": "0001_b"}, {"idx": [1], "tag": "0000_a"}]}
    write(tmp_path, "meta/_journal.json", json.dumps(journal))
    assert [f.path.stem for f in discover([tmp_path])] == ["0001_b", "0000_a"]


def test_triggers_on_unknown_tables_and_names_are_findings(tmp_path: Path) -> None:
    sql = (
        "create table t (id int);\n"
        "create trigger a after insert on elsewhere for each row execute function f();\n"
        "alter table t disable trigger missing;\n"
        "create trigger b after insert on t for each row execute function f();\n"
        "create trigger b after insert on t for each row execute function f();\n"
    )
    catalog = migrations.read([write(tmp_path, "1.sql", sql)])
    assert [f.target.rsplit(":", 1)[-1] for f in catalog.findings] == ["2", "3", "5"]
    assert [t.name for t in catalog.tables[0].triggers] == ["b"]


# ---------------------------------------------------------------------- settings

_SCOPED = """
create table public.notes (id int primary key, at timestamp default (now() at time zone 'utc'));
create table extensions.cache (key text primary key);
"""


def test_replay_keeps_to_the_schemas_asked_for(tmp_path: Path) -> None:
    path = write(tmp_path, "0001_scoped.sql", _SCOPED)
    assert [t.qualified_name for t in migrations.read([path], schemas=["public"]).tables] == [
        "public.notes"
    ]
    everything = migrations.read([path], schemas=["public", "extensions"])
    assert [t.qualified_name for t in everything.tables] == ["extensions.cache", "public.notes"]


@pytest.mark.parametrize(
    ("version", "spelled"),
    [(14, "timezone('utc'::text, now())"), (15, "(now() AT TIME ZONE 'utc'::text)")],
)
def test_at_time_zone_is_spelled_as_the_server_version_prints_it(
    tmp_path: Path, version: int, spelled: str
) -> None:
    """PostgreSQL 15 began printing SQL-syntax calls back in their syntax (the oracle
    test checks 15, 16 and 17 against real servers)."""
    path = write(tmp_path, "0001_scoped.sql", _SCOPED)
    notes = migrations.read([path], schemas=["public"], server_version=version).tables[0]
    assert notes.columns[1].default == spelled


def test_supabase_target_resolves_unqualified_extension_functions(tmp_path: Path) -> None:
    path = write(tmp_path, "0001_ids.sql", "create table t (id uuid default uuid_generate_v4());")
    plain = migrations.read([path]).tables[0].columns[0].default
    supabase = migrations.read([path], target="supabase").tables[0].columns[0].default
    assert (plain, supabase) == ("uuid_generate_v4()", "extensions.uuid_generate_v4()")


def test_renames_reach_every_expression_that_names_the_column(tmp_path: Path) -> None:
    # Renamed twice: the second rename must see what the first one rewrote.
    write(tmp_path, "1.sql", """
        create table public.a (id int primary key, v int check (v > 0), w int);
        create index a_v on public.a (v) where v > 1;
        alter table public.a enable row level security;
        create policy own on public.a using (v = 1 and w = 2);
        create table public.b (id int primary key, a_id int);
        alter table public.b enable row level security;
        create policy via_a on public.b using (exists (select 1 from public.a where a.v = b.a_id));
        create policy not_a on public.b using (a_id = 3);
        alter table public.a rename column v to mid;
        alter table public.a rename column mid to value;
    """)  # fmt: skip
    catalog = migrations.read([tmp_path])
    a, b = catalog.table("public.a"), catalog.table("public.b")
    assert a is not None and b is not None
    partial = next(i for i in a.indexes if i.name == "a_v")
    texts = [a.check_constraints[0].expression, partial.predicate, a.policies[0].using]
    assert all(t and "value" in t and " v " not in f" {t} " for t in texts), texts
    via_a, not_a = sorted(b.policies, key=lambda p: p.name)[::-1]
    assert via_a.using is not None and "a.value" in via_a.using
    assert not_a.using == "(a_id = 3)"


def test_partitions_go_with_their_parent_and_a_detach_says_what_it_misses(
    tmp_path: Path,
) -> None:
    sql = "\n".join(
        [
            "create table log (at date not null, id int not null) partition by range (at);",
            "create table log_a partition of log for values from ('2026-01-01') to ('2026-02-01');",
            "create table log_b partition of log for values from ('2026-02-01') to ('2026-03-01');",
            "create table kept (at date not null) partition by list (at);",
            "create table kept_a partition of kept default;",
            "alter table kept detach partition kept_a;",
            "drop table log;",
        ]
    )
    path = write(tmp_path, "1_x.sql", sql)
    catalog = migrations.read([path])
    assert [t.name for t in catalog.tables] == ["kept", "kept_a"]  # log_a, log_b dropped too
    kept = catalog.tables[0]
    assert (kept.partition_key, kept.partitions, kept.leaf_partitions) == ("LIST (at)", (), ())
    assert [(f.code, f.target) for f in catalog.findings] == [("MIG001", f"{path}:6")]
    assert "DETACH PARTITION kept_a" in catalog.findings[0].message
