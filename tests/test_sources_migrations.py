"""The migration SQL source without a server: file order, applied files, errors, findings.

What the replayed schema *contains* is checked against PostgreSQL itself in
test_sources_migrations_oracle.py; this module covers the parts around it.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from schema_catalog.errors import MigrationError
from schema_catalog.sources import migrations
from schema_catalog.sources.migrations import names
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
    folder = FIXTURES / "drizzle"
    text = (folder / "0000_wild_sentinel.sql").read_text(encoding="utf-8")
    digest = hashlib.sha256(text.encode()).hexdigest()
    catalog = migrations.read([folder], applied=frozenset({digest}))
    assert catalog.sources[0].details == {"files": "2", "pending": "1"}
    assert [t.name for t in catalog.tables] == ["payments"]


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
            "create trigger touch before update on t for each row execute function f();",
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
    located = {t.name: (t.location, t.presence.migrations) for t in catalog.tables}
    assert located == {"a": (f"{first}:3", True), "b": (f"{second}:1", True)}


def test_views_are_kept_with_their_query(tmp_path: Path) -> None:
    path = write(
        tmp_path, "1.sql", "create table a (id int);\ncreate view v as select id from a;\n"
    )
    view = migrations.read([path]).table("public.v")
    assert view is not None and view.kind == "view"
    assert view.view_definition == "SELECT id FROM a"


# ---------------------------------------------------------------------- default names


def test_names_are_clipped_to_63_bytes_longer_part_first() -> None:
    name = names.make_object_name("t" * 40, "c" * 40, "key")
    assert name == "t" * 29 + "_" + "c" * 29 + "_key"
    assert len(name.encode()) == 63


def test_multibyte_names_are_clipped_on_a_character_boundary() -> None:
    name = names.make_object_name("ü" * 40, None, "pkey")
    assert len(name.encode()) <= 63 and name.endswith("_pkey")
    assert name.encode().decode("utf-8") == name


def test_taken_names_get_a_counter() -> None:
    taken = {"t_a_key", "t_a_key1"}
    assert names.unique_name("t", ["a"], taken.__contains__) == "t_a_key2"
