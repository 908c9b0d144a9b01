"""Outputs whole at every instant: a kill before each write and rename of a run.

`atomic.step` announces every write, rename and swap of an output; with
``SCHEMA_CATALOG_KILL_AT=N`` the process SIGKILLs itself just before the N-th.
For `extract`, `render` and `build`, each run starts from the same old project
(catalog, docs/ with a page of the team's own, site/) and the schema has moved
on (a migration adds a table); the walk kills the run at N = 1, 2, ... until it
completes. After every kill each output is wholly old or wholly new, byte for
byte (catalog.json, catalog.previous.json, docs/, site/); a clean run then gives
exactly the new outputs and leaves no temporary file or staging folder behind.
``SOURCE_DATE_EPOCH`` pins every timestamp, so "new" is one known tree.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
OLD_SQL = "CREATE TABLE notes (id int PRIMARY KEY, body text);\n"
NEW_SQL = "CREATE TABLE tags (id int PRIMARY KEY, notes_id int REFERENCES notes (id));\n"
EPOCH = {"SOURCE_DATE_EPOCH": "1780000000"}
VERBS = {
    "extract": ["extract", "--no-database", "--migrations", "db", "-q"],
    "render": ["render", "-q"],
    "build": ["build", "-q"],
}
MAX_STEPS = 40


def cli(args: list[str], cwd: Path, kill_at: int | None = None) -> int:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PG", "DATABASE_URL"))}
    env.update(EPOCH)
    if kill_at is not None:
        env["SCHEMA_CATALOG_KILL_AT"] = str(kill_at)
    result = subprocess.run(
        [sys.executable, "-m", "schema_catalog", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode in (0, -signal.SIGKILL), result.stderr[-3000:]
    return result.returncode


def snapshot_of(project: Path) -> dict[str, dict[str, bytes]]:
    """Every output, file by file (relative path → bytes), and any leftover."""
    outputs: dict[str, dict[str, bytes]] = {}
    for name in ("catalog", "docs", "site"):
        folder = project / name
        outputs[name] = {
            p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*"))
            if p.is_file() and not p.name.endswith(".tmp")  # leftovers, checked apart
        }
    outputs["leftovers"] = {
        p.relative_to(project).as_posix(): b""
        for p in project.rglob("*")
        if p.name.endswith(".tmp")
        or p.name.startswith((".docs", ".site", ".schema-catalog-staging"))
    }
    return outputs


@pytest.fixture(scope="module")
def states(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, dict[str, dict[str, dict[str, bytes]]]]:
    """The old project, and what each verb leaves when it runs to the end on it."""
    base = tmp_path_factory.mktemp("kill_points")
    old = base / "old"
    (old / "catalog").mkdir(parents=True)
    # A fixed title: the default is the project folder's name, and each run has its own folder.
    (old / "catalog" / "catalog.yml").write_text("schemas: [public]\nsite: {title: Notes}\n")
    (old / "db").mkdir()
    (old / "db" / "0001_notes.sql").write_text(OLD_SQL)
    shutil.copy(ROOT / "mkdocs.yml", old / "mkdocs.yml")
    assert cli(VERBS["extract"], old) == 0
    assert cli(VERBS["build"], old) == 0
    (old / "docs" / "guide.md").write_text("# Our own guide\n")
    assert cli(VERBS["build"], old) == 0
    (old / "db" / "0002_tags.sql").write_text(NEW_SQL)
    # The schema moved on: extract sees the new migration; render and build a new catalog.
    ready = base / "ready"
    shutil.copytree(old, ready, symlinks=True)
    assert cli(VERBS["extract"], ready) == 0
    expected: dict[str, dict[str, dict[str, bytes]]] = {}
    for verb in VERBS:
        start = old if verb == "extract" else ready
        done = base / f"done-{verb}"
        shutil.copytree(start, done, symlinks=True)
        assert cli(VERBS[verb], done) == 0
        expected[verb] = snapshot_of(done)
        assert expected[verb]["leftovers"] == {}
    return base, expected


@pytest.mark.parametrize("verb", list(VERBS))
def test_every_kill_point_leaves_old_or_new(
    verb: str, states: tuple[Path, dict[str, dict[str, dict[str, bytes]]]]
) -> None:
    base, expected = states
    start = base / ("old" if verb == "extract" else "ready")
    before, after = snapshot_of(start), expected[verb]
    assert before != after
    kills = 0
    for kill_at in range(1, MAX_STEPS):
        project = base / f"{verb}-{kill_at}"
        shutil.copytree(start, project, symlinks=True)
        if cli(VERBS[verb], project, kill_at) == 0:
            break  # past the last step: the walk is complete
        kills += 1
        now = snapshot_of(project)
        for name in before["catalog"].keys() | after["catalog"].keys():  # file by file
            versions = (before["catalog"].get(name), after["catalog"].get(name))
            assert now["catalog"].get(name) in versions, (verb, kill_at, name)
        for output in ("docs", "site"):  # each a whole tree
            assert now[output] in (before[output], after[output]), (verb, kill_at, output)
        assert cli(VERBS[verb], project) == 0  # the next run completes
        again = snapshot_of(project)
        assert {k: again[k] for k in ("catalog", "docs", "site")} == {
            k: after[k] for k in ("catalog", "docs", "site")
        }, (verb, kill_at)
        assert again["leftovers"] == {}, (verb, kill_at, again["leftovers"])
        shutil.rmtree(project)
    else:
        pytest.fail(f"{verb} never completed within {MAX_STEPS} steps")
    print(f"{verb}: killed at each of {kills} steps, then completed")
    assert kills >= 2, (verb, kills)  # every verb writes and renames more than once


def test_directories_are_exchanged_in_one_step(tmp_path: Path) -> None:
    """Where the platform has renameat2 (Linux), the swap is the exchange, not two renames."""
    from schema_catalog import atomic

    old, new = tmp_path / "site", tmp_path / ".site.building"
    old.mkdir()
    new.mkdir()
    (old / "index.html").write_text("old")
    (new / "index.html").write_text("new")
    if not atomic.exchange(new, old):
        pytest.skip("no renameat2(RENAME_EXCHANGE) here: the two-rename fallback is used")
    assert (old / "index.html").read_text() == "new"
    assert (new / "index.html").read_text() == "old"
