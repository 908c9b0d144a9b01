"""Every bad input is one line on stderr, exit code 2, no traceback, nothing half-written.

A table of cases, each run through the real CLI in a subprocess: configuration
files that are not text or not files, numbers that are not numbers, snapshots
that are binary or lie about themselves, outputs on a read-only or full
filesystem or where a file stands, and a broken .ts or .sql file among good ones
(an error unless ``--keep-going``). Read-only and full filesystems are real:
small tmpfs mounts (root only; elsewhere those rows are skipped, and say so).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GOOD_SQL = "CREATE TABLE notes (id int PRIMARY KEY, body text);\n"
BAD_SQL = "CREATE TABLE broken (id int PRIMARY KEY,, body text);\n"
GOOD_TS = (
    'import { integer, pgTable } from "drizzle-orm/pg-core";\n'
    'export const good = pgTable("good", { id: integer("id").primaryKey() });\n'
)
BAD_TS = (
    'import { integer, pgTable } from "drizzle-orm/pg-core";\n'
    "\n"
    'export const bad = pgTable("bad", { id: integer("id").primaryKey( ;\n'
)
# What a failed run must never leave behind.
LEFTOVERS = (".tmp", ".schema-catalog-staging", ".building", ".old", ".next")


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("PG", "DATABASE_URL"))}
    return subprocess.run(
        [sys.executable, "-m", "schema_catalog", *args],
        cwd=cwd,
        env=clean,
        capture_output=True,
        text=True,
        timeout=300,
    )


def can_mount() -> bool:
    return sys.platform == "linux" and os.geteuid() == 0 and shutil.which("mount") is not None


@contextmanager
def tmpfs(path: Path, *, size: str = "64k", read_only: bool = False) -> Iterator[Path]:
    """A real small filesystem at ``path``: read-only, or full once filled."""
    path.mkdir(parents=True, exist_ok=True)
    options = f"size={size}" + (",ro" if read_only else "")
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(path)])
    if mounted.returncode != 0:
        pytest.skip("cannot mount a tmpfs here (needs root)")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=True)


def fill(path: Path) -> None:
    """Fill the filesystem holding ``path`` to the last byte."""
    for name, chunk in ((".filler", 4096), (".filler2", 1)):
        try:
            with open(path / name, "wb", buffering=0) as handle:
                while True:
                    handle.write(b"\0" * chunk)
        except OSError:
            pass


def project(work: Path) -> Path:
    """A project with a catalog (from a migration) and the example's mkdocs.yml."""
    work.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "mkdocs.yml", work / "mkdocs.yml")
    (work / "db").mkdir()
    (work / "db" / "0001_notes.sql").write_text(GOOD_SQL)
    (work / "catalog").mkdir()
    (work / "catalog" / "catalog.yml").write_text("schemas: [public]\n")
    result = cli("extract", "--no-database", "--migrations", "db", cwd=work)
    assert result.returncode == 0, result.stderr
    assert (work / "catalog" / "catalog.json").is_file()
    return work


Prepare = Callable[[Path], list[str]]


@dataclass(frozen=True)
class Case:
    name: str
    prepare: Prepare
    says: tuple[str, ...] = ()
    mount: str | None = None  # "ro" or "full": the output folder is a tmpfs mount


def config_bytes(data: bytes) -> Prepare:
    def prepare(work: Path) -> list[str]:
        (work / "catalog" / "catalog.yml").write_bytes(data)
        return ["render", "--docs", "docs"]

    return prepare


def config_directory(work: Path) -> list[str]:
    (work / "catalog" / "catalog.yml").unlink()
    (work / "catalog" / "catalog.yml").mkdir()
    return ["render", "--docs", "docs"]


def snapshot_bytes(data: bytes) -> Prepare:
    def prepare(work: Path) -> list[str]:
        (work / "catalog" / "catalog.json").write_bytes(data)
        return ["render", "--docs", "docs"]

    return prepare


def snapshot_edit(edit: Callable[[dict[str, object]], None]) -> Prepare:
    def prepare(work: Path) -> list[str]:
        path = work / "catalog" / "catalog.json"
        data = json.loads(path.read_text())
        edit(data)
        path.write_text(json.dumps(data))
        return ["render", "--docs", "docs"]

    return prepare


def _negative_version(data: dict[str, object]) -> None:
    data["format_version"] = -5


def _duplicate_table(data: dict[str, object]) -> None:
    tables = data["tables"]
    assert isinstance(tables, list)
    data["tables"] = [*tables, tables[0]]


def extract_with(*args: str) -> Prepare:
    def prepare(work: Path) -> list[str]:
        return ["extract", "--no-database", "--migrations", "db", *args]

    return prepare


def mixed_sources(kind: str, *extra: str) -> Prepare:
    def prepare(work: Path) -> list[str]:
        folder = work / "src"
        folder.mkdir()
        if kind == "ts":
            (folder / "good.ts").write_text(GOOD_TS)
            (folder / "bad.ts").write_text(BAD_TS)
            return ["extract", "--no-database", "--drizzle", "src", "--out", "out.json", *extra]
        (folder / "0001_good.sql").write_text(GOOD_SQL)
        (folder / "0002_bad.sql").write_text(BAD_SQL)
        return ["extract", "--no-database", "--migrations", "src", "--out", "out.json", *extra]

    return prepare


def output_at(verb: str, flag: str, target: str) -> Prepare:
    """``verb`` writing its output (``flag``) to ``target`` (relative to the project)."""

    def prepare(work: Path) -> list[str]:
        base = ["extract", "--no-database", "--migrations", "db"] if verb == "extract" else [verb]
        extra = ["--docs", "docs"] if verb == "build" and flag != "--docs" else []
        return [*base, *extra, flag, target]

    return prepare


def a_file(name: str, verb: str, flag: str, target: str) -> Prepare:
    def prepare(work: Path) -> list[str]:
        (work / name).write_text("a file, not a folder\n")
        return output_at(verb, flag, target)(work)

    return prepare


OUTPUTS = (
    ("extract", "--out", "mnt/catalog.json"),
    ("render", "--docs", "mnt/docs"),
    ("build", "--site", "mnt/site"),
)
CASES = [
    Case("catalog.yml not UTF-8", config_bytes(b"schemas: [\xff\xfe]\n"), ("catalog.yml", "UTF-8")),
    Case("catalog.yml is a directory", config_directory, ("catalog.yml", "directory")),
    Case("--lock-timeout nan", extract_with("--lock-timeout", "nan"), ("--lock-timeout",)),
    Case("--statement-timeout inf", extract_with("--statement-timeout", "inf"), ("--statement-timeout",)),
    Case("--lock-timeout -1", extract_with("--lock-timeout", "-1"), ("--lock-timeout",)),
    Case("--lock-timeout below 1 ms", extract_with("--lock-timeout", "0.0004"), ("1 ms",)),
    Case("--statement-timeout below 1 ms", extract_with("--statement-timeout", "0.0004"), ("1 ms",)),
    Case("binary catalog.json", snapshot_bytes(bytes(range(256)) * 4), ("catalog.json",)),
    Case("negative format_version", snapshot_edit(_negative_version), ("format_version",)),
    Case("duplicate table entries", snapshot_edit(_duplicate_table), ("public.notes", "twice")),
    Case("bad .ts among good ones", mixed_sources("ts"), ("bad.ts:3", "--keep-going")),
    Case("bad .sql among good ones", mixed_sources("sql"), ("0002_bad.sql:1",)),
    *[
        Case(f"{flag} on a read-only filesystem", output_at(verb, flag, target), ("Read-only",), "ro")
        for verb, flag, target in OUTPUTS
    ],
    *[
        Case(f"{flag} on a full filesystem", output_at(verb, flag, target), ("No space",), "full")
        for verb, flag, target in OUTPUTS
    ],
    Case("--out is a folder", a_file("x", "extract", "--out", "catalog"), ("catalog",)),
    Case("--out below a file", a_file("x", "extract", "--out", "x/catalog.json"), ("x",)),
    Case("--docs is a file", a_file("x", "render", "--docs", "x"), ("x",)),
    Case("--docs below a file", a_file("x", "render", "--docs", "x/docs"), ("x",)),
    Case("--site is a file", a_file("x", "build", "--site", "x"), ("x",)),
    Case("--site below a file", a_file("x", "build", "--site", "x/site"), ("x",)),
]  # fmt: skip


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return project(tmp_path_factory.mktemp("bad_input") / "project")


def leftovers(work: Path) -> list[str]:
    return [
        p.relative_to(work).as_posix()
        for p in work.rglob("*")
        if any(p.name.endswith(mark) or mark + "." in p.name for mark in LEFTOVERS)
    ]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input_is_one_line_and_exit_2(case: Case, template: Path, tmp_path: Path) -> None:
    work = tmp_path / "project"
    shutil.copytree(template, work)
    args = [*case.prepare(work), "--quiet"]  # progress notes off: stderr is the error alone
    if case.mount is None:
        result = cli(*args, cwd=work)
    else:
        if not can_mount():
            pytest.skip("cannot mount a tmpfs here (needs root on Linux)")
        with tmpfs(work / "mnt", read_only=case.mount == "ro") as mount:
            if case.mount == "full":
                fill(mount)
            result = cli(*args, cwd=work)
            assert leftovers(mount) == []
    assert result.returncode == 2, (result.returncode, result.stderr[-3000:])
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr[-3000:]
    assert lines[0].startswith("schema-catalog: error: "), lines[0]
    for fragment in case.says:
        assert fragment in lines[0], (fragment, lines[0])
    assert leftovers(work) == []


def test_keep_going_turns_a_bad_file_into_a_finding(template: Path, tmp_path: Path) -> None:
    for kind in ("ts", "sql"):
        work = tmp_path / kind
        shutil.copytree(template, work)
        result = cli(*mixed_sources(kind, "--keep-going")(work), cwd=work)
        assert result.returncode == 0, result.stderr
        catalog = json.loads((work / "out.json").read_text())
        names = {t["name"] for t in catalog["tables"]}
        assert ("good" if kind == "ts" else "notes") in names
        wheres = [f["target"] for f in catalog["findings"] if f["severity"] == "error"]
        bad = "bad.ts:3" if kind == "ts" else "0002_bad.sql:1"
        assert any(bad in where for where in wheres), catalog["findings"]
