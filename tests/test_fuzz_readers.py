"""Fuzzing the file readers: mutated Drizzle and SQL files give findings or clean errors.

Each case copies a real fixture (a Drizzle project, a migration file or folder),
mutates one of its files at the byte level (delete, duplicate or swap ranges,
insert tokens that break TypeScript or SQL lexing, truncate, very long
identifiers) and reads it back. The reader must return a `Catalog` that
serialises to JSON, or raise a `CatalogError` whose message is one line naming
``file:line`` (the CLI prints it and exits 2). Any other exception is a bug, and
so is a case that runs longer than `CASE_SECONDS` (checked by an alarm, since a
hypothesis deadline only measures cases that finish).

Runs are reproducible (``derandomize=True``); the number of cases tried is
printed at the end of each test.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from types import FrameType

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schema_catalog import model
from schema_catalog.errors import CatalogError
from schema_catalog.sources import drizzle, migrations

TESTS = Path(__file__).parent
REPO = TESTS.parent
EXAMPLE = REPO / "examples" / "movemental"
CASE_SECONDS = 10
"""A case running longer than this is a hang (the slowest real one takes well under 1 s)."""
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "2000"))
"""Cases per reader; 2,000 keep each test near 15 s. Raise it locally to fuzz harder."""

# Tokens that open or close something in TypeScript or SQL, odd bytes and unicode.
TOKENS = [
    b"(", b")", b"{", b"}", b"[", b"]", b",", b";", b".", b"=>", b"...", b"?", b"!",
    b"'", b'"', b"`", b"\\", b"$$", b"$tag$", b"${", b"/*", b"*/", b"//", b"--", b"::",
    b"E'", b"sql`", b"<", b">", b"\n", b"\r", b"\t", b"\x00", b"\xff\xfe", b"\xc3",
    "é".encode(), "𝔘".encode(), "\u202e".encode(), "\ufeff".encode(), "\u2028".encode(),
    b"export ", b"import ", b"from ", b"as const", b"pgTable(", b".references(() => ",
    b".default(", b"index(", b"CREATE TABLE ", b"ALTER TABLE ", b"DROP ", b"ON ",
    b"CASCADE", b"(SELECT ", b"1e999999", b"-2147483649", b"0x", b"null", b"NULL",
]  # fmt: skip


@dataclass(frozen=True)
class Seed:
    """A real fixture: copy ``root``, mutate ``target`` in the copy, read ``entry``."""

    root: Path
    entry: str
    target: str

    def __str__(self) -> str:
        return f"{self.root.name}/{self.target} via {self.entry}"


def _project(root: Path, entry: str, suffixes: tuple[str, ...]) -> list[Seed]:
    files = sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in suffixes)
    return [Seed(root, entry, p.relative_to(root).as_posix()) for p in files]


def drizzle_seeds() -> list[Seed]:
    own = TESTS / "fixtures" / "drizzle"
    projects = [
        (own / "features" / "input", "schema.ts"),
        (own / "quirks" / "input", "schema.ts"),
        (own / "saas" / "input", "drizzle.config.ts"),
        (own / "supabase" / "input", "schema/index.ts"),
        (own / "enums" / "input", "db/schema.ts"),
        (own / "legacy" / "input", "schema.ts"),
        (EXAMPLE / "drizzle", "drizzle.config.ts"),
    ]
    seeds = [s for root, entry in projects for s in _project(root, entry, (".ts", ".json"))]
    # A drizzle-kit meta folder read on its own (`--drizzle meta/`).
    seeds += _project(EXAMPLE / "drizzle" / "drizzle", "meta", (".json",))
    return seeds


def migration_seeds() -> list[Seed]:
    fixtures = TESTS / "fixtures" / "migrations"
    folders = [fixtures / "supabase", fixtures / "drizzle", EXAMPLE / "migrations"]
    seeds = [s for folder in folders for s in _project(folder, ".", (".sql", ".json"))]
    # drizzle-kit's snapshots sit in meta/ too, but the migration reader never opens them.
    seeds = [s for s in seeds if not s.target.endswith("_snapshot.json")]
    # Single files, read as `--migrations file.sql`.
    singles = [fixtures / "naming_edge_cases.sql", *sorted((fixtures / "drizzle").glob("*.sql"))]
    return seeds + [Seed(p, ".", ".") for p in singles]


# --------------------------------------------------------------------------- mutations

Mutation = tuple[str, int, int, int, bytes]


@st.composite
def mutations(draw: st.DrawFn) -> list[Mutation]:
    """Up to four byte-level edits; positions are taken modulo the current length."""
    kinds = st.sampled_from(["delete", "duplicate", "swap", "insert", "truncate", "identifier"])
    position = st.integers(0, 1 << 16)
    edits = st.tuples(kinds, position, position, st.integers(1, 400), st.sampled_from(TOKENS))
    return draw(st.lists(edits, min_size=1, max_size=4))


def mutate(data: bytes, edits: list[Mutation]) -> bytes:
    for kind, a, b, n, token in edits:
        data = _edit(data, kind, a % (len(data) + 1), b % (len(data) + 1), n, token)
    return data


def _edit(data: bytes, kind: str, a: int, b: int, n: int, token: bytes) -> bytes:
    lo, hi = min(a, b), max(a, b)
    hi = min(hi, lo + 200)  # ranges of a few lines: whole-file swaps only reorder
    if kind == "delete":
        return data[:lo] + data[hi:]
    if kind == "duplicate":
        return data[:hi] + data[lo:hi] * (1 + n % 3) + data[hi:]
    if kind == "swap":
        mid = (lo + hi) // 2
        return data[:lo] + data[mid:hi] + data[lo:mid] + data[hi:]
    if kind == "insert":
        # Repeated openers (`((((`...) probe recursion limits in parsers and evaluators.
        return data[:a] + token * (1 if n < 300 else n * 10) + data[a:]
    if kind == "truncate":
        return data[:a]
    # A very long identifier: past PostgreSQL's 63 bytes, or huge.
    return data[:a] + b"x" * (n if n < 300 else 100_000) + data[a:]


# --------------------------------------------------------------------------- running a case


class Hang(Exception):
    """A case ran longer than CASE_SECONDS."""


@contextmanager
def time_limit(seconds: int) -> Iterator[None]:
    def expire(signum: int, frame: FrameType | None) -> None:
        raise Hang(f"no answer after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@contextmanager
def mutated_copy(seed: Seed, edits: list[Mutation]) -> Iterator[Path]:
    """A temporary copy of the seed's files with the target mutated; yields the entry path
    (the copy sits in a fresh ``fuzz-*`` folder: error messages must name a file in it)."""
    with tempfile.TemporaryDirectory(prefix="fuzz-") as scratch:
        copy = Path(scratch) / seed.root.name
        if seed.root.is_dir():
            shutil.copytree(seed.root, copy)
            target = copy / seed.target
        else:
            shutil.copyfile(seed.root, copy)
            target = copy
        target.write_bytes(mutate(target.read_bytes(), edits))
        yield copy / seed.entry if seed.entry != "." else copy


# Errors about a file as a whole (a missing export, a JSON document of the wrong
# shape) name the file; every other error names the line too.
WHOLE_FILE = re.compile(
    r"is not exported by|matches no TypeScript file|is not a static path"
    r"|not a drizzle-kit snapshot|unsupported drizzle-kit snapshot|no `entries` list"
)


def assert_clean(read: Callable[[], model.Catalog], seed: Seed, entry: Path) -> str:
    """Run one read; return ``catalog`` or ``error``, fail on anything else."""
    try:
        with time_limit(CASE_SECONDS):
            catalog = read()
    except CatalogError as error:
        message = str(error)
        assert len(message.splitlines()) == 1, f"{seed}: error is not one line: {message!r}"
        scratch = re.escape(str(next(p for p in entry.parents if p.name.startswith("fuzz-"))))
        placed = re.search(scratch + r"/\S+:\d+: ", message)
        assert placed or (WHOLE_FILE.search(message) and re.search(scratch, message)), (
            f"{seed}: {message!r} does not name the file and line"
        )
        return "error"
    assert isinstance(catalog, model.Catalog)
    catalog.model_dump_json()  # what `extract` writes must serialise
    return "catalog"


SETTINGS = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    database=None,
    deadline=timedelta(seconds=CASE_SECONDS),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _report(capsys: pytest.CaptureFixture[str], name: str, outcomes: dict[str, int]) -> None:
    with capsys.disabled():
        print(f"\n{name}: {sum(outcomes.values())} mutated cases, {outcomes}")


def test_mutated_drizzle_files_give_findings_or_clean_errors(
    capsys: pytest.CaptureFixture[str],
) -> None:
    outcomes = {"catalog": 0, "error": 0}

    @SETTINGS
    @given(seed=st.sampled_from(drizzle_seeds()), edits=mutations())
    def case(seed: Seed, edits: list[Mutation]) -> None:
        with mutated_copy(seed, edits) as entry:
            if seed.entry == "meta":
                outcome = assert_clean(lambda: drizzle.read_kit_snapshot(entry), seed, entry)
            else:
                outcome = assert_clean(lambda: drizzle.read([entry]), seed, entry)
        outcomes[outcome] += 1

    case()
    _report(capsys, "drizzle fuzz", outcomes)
    assert outcomes["catalog"] > 0 and outcomes["error"] > 0


def test_mutated_migration_files_give_findings_or_clean_errors(
    capsys: pytest.CaptureFixture[str],
) -> None:
    outcomes = {"catalog": 0, "error": 0}

    @SETTINGS
    @given(seed=st.sampled_from(migration_seeds()), edits=mutations())
    def case(seed: Seed, edits: list[Mutation]) -> None:
        with mutated_copy(seed, edits) as entry:
            outcome = assert_clean(lambda: migrations.read([entry]), seed, entry)
        outcomes[outcome] += 1

    case()
    _report(capsys, "migrations fuzz", outcomes)
    assert outcomes["catalog"] > 0 and outcomes["error"] > 0


# --------------------------------------------------------------------------- the CLI


BAD_INPUTS = {
    "drizzle": (
        "bad.ts",
        b"import { pgTable, uuid } from 'drizzle-orm/pg-core';\n"
        b"export const t = pgTable('t', { id: uuid( \x00 });\n",
    ),
    "migrations": ("bad.sql", b"create table a (id int);\ncreate table b (id int,, x int);\n"),
}


@pytest.mark.parametrize("option", sorted(BAD_INPUTS))
def test_cli_reports_a_bad_file_in_one_line_with_exit_2(option: str, tmp_path: Path) -> None:
    name, body = BAD_INPUTS[option]
    (tmp_path / name).write_bytes(body)
    result = subprocess.run(
        [sys.executable, "-m", "schema_catalog", "extract", "--no-database", f"--{option}", name],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("schema-catalog: error: ")
    assert f"{name}:2" in lines[0]
    assert not (tmp_path / "catalog" / "catalog.json").exists()
