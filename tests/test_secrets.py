"""No secret in any output, whatever the DSN looks like (issue: a password partly shown).

A role logs in with a password holding every URL-special character. It is given
as a URL (encoded, and raw as users paste it), a key=value conninfo, PGPASSWORD
and a service file, and each run goes through the real CLI: the success path
(extract, then build: catalog, docs, site) and the error paths (a raw URL libpq
would misread, a wrong password, an unreachable server, an unknown database, an
unknown schema). No run of 4 or more characters of the password may appear in
stdout, stderr, the catalog, docs/ or site/ (the assets copied verbatim from
packages excepted: minified JavaScript holds every short string there is).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from test_sources_postgres_access import _wait_for_password_auth, password_auth_for

ROOT = Path(__file__).resolve().parents[1]
ROLE = f"secret_reader_{os.getpid()}"
OTHER = f"secret_other_{os.getpid()}"
PASSWORDS = (
    # every character with a meaning in a URL or a conninfo string
    "Qz9@Xv/Kw#Jp?Ym:Rt%Hb&Ne=Gd+Lc Fs;Wo'Ty\"Ui\\Ek!Zq$Pa,Vx*Mb(Nc)Sd[Fe]Gh{Ij}Kl~Mn`Op",
    # the example: unencoded @ / # that libpq reads as host and database
    "Leak@Me-77/Sl#ash",
    # no @ / # ?, but % and : (a raw URL fails to parse instead of misparsing)
    "Mx%Qk:Zp&Wr=Lt+Bv",
)


def runs(secret: str, size: int = 4) -> set[str]:
    return {secret[i : i + size] for i in range(len(secret) - size + 1)}


@dataclass
class Server:
    socket: str
    database: str

    def url(self, password: str, *, encode: bool = True, user: str = ROLE, db: str = "") -> str:
        shown = quote(password, safe="") if encode else password
        return f"postgresql://{user}:{shown}@/{db or self.database}?host={quote(self.socket)}"


@pytest.fixture(scope="module")
def server(pg_admin_dsn: str) -> Iterator[Server]:
    database = f"secrets_{os.getpid()}"
    with psycopg.connect(pg_admin_dsn, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))
        for role in (ROLE, OTHER):
            conn.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(role)))
    dsn = make_conninfo(pg_admin_dsn, dbname=database)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("CREATE TABLE notes (id int PRIMARY KEY, body text)")
        conn.execute("COMMENT ON TABLE notes IS 'Notes.'")
    host = conninfo_to_dict(pg_admin_dsn).get("host") or "/tmp"
    try:
        with password_auth_for(pg_admin_dsn, ROLE), password_auth_for(pg_admin_dsn, OTHER):
            yield Server(str(host), database)
    finally:
        with psycopg.connect(pg_admin_dsn, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(database)))
            for role in (ROLE, OTHER):
                conn.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(role)))


@pytest.fixture(scope="module", params=PASSWORDS, ids=("every-special", "issue", "percent"))
def password(request: pytest.FixtureRequest, server: Server, pg_admin_dsn: str) -> str:
    secret: str = request.param
    with psycopg.connect(pg_admin_dsn, autocommit=True) as conn:
        conn.execute(sql.SQL("ALTER ROLE {} PASSWORD {}").format(sql.Identifier(ROLE), secret))
        wrong = sql.SQL("ALTER ROLE {} PASSWORD {}")
        conn.execute(wrong.format(sql.Identifier(OTHER), "not-" + secret[::-1]))
    _wait_for_password_auth(server.url("not the password"))
    return secret


def cli(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("PG", "DATABASE_URL"))}
    return subprocess.run(
        [sys.executable, "-m", "schema_catalog", *args],
        cwd=cwd,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=300,
    )


def outputs(work: Path) -> Iterator[tuple[str, str]]:
    """Every file a run wrote (not the package assets copied as they are)."""
    for path in sorted(work.rglob("*")):
        relative = path.relative_to(work).as_posix()
        if path.is_file() and "/assets/" not in f"/{relative}" and relative != "mkdocs.yml":
            yield relative, path.read_text(encoding="utf-8", errors="replace")


def leaks(secret: str, texts: Iterator[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(where, run) for where, text in texts for run in runs(secret) if run in text]


def project(tmp_path: Path) -> Path:
    tmp_path.mkdir(parents=True)
    shutil.copy(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    return tmp_path


def forms(server: Server, secret: str, tmp_path: Path) -> dict[str, dict[str, str]]:
    """Each way of giving the password that works: name → environment."""
    services = tmp_path / "pg_service.conf"
    services.write_text(
        f"[catalog]\nhost={server.socket}\ndbname={server.database}\nuser={ROLE}\n"
        f"password={secret}\n",
        encoding="utf-8",
    )
    bare = f"postgresql://{ROLE}@/{server.database}?host={quote(server.socket)}"
    keyword = make_conninfo("", host=server.socket, dbname=server.database, user=ROLE)
    return {
        "url": {"DATABASE_URL": server.url(secret)},
        "conninfo": {"DATABASE_URL": make_conninfo(keyword, password=secret)},
        "PGPASSWORD": {"DATABASE_URL": bare, "PGPASSWORD": secret},
        "service file": {"PGSERVICEFILE": str(services), "PGSERVICE": "catalog"},
    }


def test_no_secret_on_any_success_path(server: Server, password: str, tmp_path: Path) -> None:
    for name, env in forms(server, password, tmp_path).items():
        work = project(tmp_path / name.replace(" ", "-"))
        extract = cli("extract", "--out", "catalog/catalog.json", cwd=work, env=env)
        assert extract.returncode == 0, (name, extract.stderr[-2000:])
        build = cli(
            "build", "--catalog", "catalog/catalog.json", "--docs", "docs", cwd=work, env=env
        )
        assert build.returncode == 0, (name, build.stderr[-2000:])
        assert (work / "site" / "tables").is_dir() and (work / "docs" / "index.md").is_file()
        texts = [
            ("stdout", extract.stdout + build.stdout),
            ("stderr", extract.stderr + build.stderr),
        ]
        found = leaks(password, iter([*texts, *outputs(work)]))
        assert not found, (name, found[:5])


def error_paths(
    server: Server, secret: str, tmp_path: Path
) -> dict[str, list[str] | dict[str, str]]:
    services = tmp_path / "wrong_service.conf"
    services.write_text(
        f"[other]\nhost={server.socket}\ndbname={server.database}\nuser={OTHER}\npassword={secret}\n",
        encoding="utf-8",
    )
    bare_other = f"postgresql://{OTHER}@/{server.database}?host={quote(server.socket)}"
    return {
        "raw URL (--dsn)": ["--dsn", server.url(secret, encode=False)],
        "raw URL (DATABASE_URL)": {"DATABASE_URL": server.url(secret, encode=False)},
        "wrong password in URL": {"DATABASE_URL": server.url(secret, user=OTHER)},
        "wrong PGPASSWORD": {"DATABASE_URL": bare_other, "PGPASSWORD": secret},
        "wrong password in service file": {"PGSERVICEFILE": str(services), "PGSERVICE": "other"},
        "unreachable server": {
            "DATABASE_URL": f"postgresql://{ROLE}:{quote(secret, safe='')}@127.0.0.1:1/db"
        },
        "unknown database": {"DATABASE_URL": server.url(secret, db="no_such_db")},
        "unknown schema": ["--schema", "nope", "--dsn", server.url(secret)],
    }


def test_no_secret_on_any_error_path(server: Server, password: str, tmp_path: Path) -> None:
    for name, given in error_paths(server, password, tmp_path).items():
        args, env = (given, {}) if isinstance(given, list) else ([], given)
        work = tmp_path / name.replace(" ", "-")
        work.mkdir()
        result = cli("extract", *args, cwd=work, env=env)
        assert result.returncode == 2, (name, result.stderr[-2000:])
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and "Traceback" not in result.stderr, (name, result.stderr)
        if name.startswith("raw URL") and any(c in password for c in "@/#?"):
            assert "the password could not be parsed; URL-encode @ / # ? in it" in lines[0]
        texts = [("stdout", result.stdout), ("stderr", result.stderr), *outputs(work)]
        found = leaks(password, iter(texts))
        assert not found, (name, lines, found[:5])
