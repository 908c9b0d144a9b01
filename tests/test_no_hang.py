"""No hang: a database that stops answering mid-extract ends the run within the deadline.

A tiny loopback TCP proxy stands between the CLI and the real (embedded) server.
It forwards faithfully until the server has sent a few kilobytes, the extract's
catalog queries under way, then stops forwarding while keeping both sockets open:
what a network partition, a stopped backend or a stuck pooler looks like from the
client. Server-side timeouts cannot fire (the server is not the one stuck) and
keepalives are acked by the proxy, so only the client-side deadline ends the run.
Also: the Supabase default role without the migration history still extracts.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg.conninfo import conninfo_to_dict

from test_sources_postgres_access import PITFALLS_SQL, login_role

Factory = Callable[..., str]
STALL_AFTER = 4096  # bytes from the server: past the handshake, inside the catalog reads


class StallingProxy:
    """127.0.0.1:port → the server's Unix socket; goes silent after ``stall_after`` bytes."""

    def __init__(self, unix_path: str, stall_after: int) -> None:
        self.unix_path = unix_path
        self.stall_after = stall_after
        self.sent = 0
        self.stalled = threading.Event()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.sockets: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            upstream = socket.socket(socket.AF_UNIX)
            upstream.connect(self.unix_path)
            self.sockets += [client, upstream]
            threading.Thread(target=self._pump, args=(client, upstream, False), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client, True), daemon=True).start()

    def _pump(self, source: socket.socket, target: socket.socket, from_server: bool) -> None:
        try:
            while data := source.recv(65536):
                if from_server:
                    room = max(self.stall_after - self.sent, 0)
                    data = data[:room]
                    self.sent += len(data)
                    if self.sent >= self.stall_after:
                        self.stalled.set()
                if data:
                    target.sendall(data)
        except OSError:
            return

    def close(self) -> None:
        self.listener.close()
        for sock in self.sockets:
            sock.close()


@pytest.fixture
def proxy_dsn(make_database: Factory) -> Iterator[tuple[str, StallingProxy]]:
    dsn = make_database(PITFALLS_SQL)
    params = conninfo_to_dict(dsn)
    unix_path = f"{params['host']}/.s.PGSQL.{params.get('port') or 5432}"
    if not os.path.exists(unix_path):
        pytest.skip("the test server is not on a Unix socket (SCHEMA_CATALOG_TEST_DSN)")
    proxy = StallingProxy(unix_path, STALL_AFTER)
    try:
        yield f"postgresql://{params['user']}@127.0.0.1:{proxy.port}/{params['dbname']}", proxy
    finally:
        proxy.close()


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("PG", "DATABASE_URL"))}
    return subprocess.run(
        [sys.executable, "-m", "schema_catalog", *args],
        cwd=cwd,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_server_that_stops_answering_ends_within_the_deadline(
    proxy_dsn: tuple[str, StallingProxy], tmp_path: Path
) -> None:
    dsn, proxy = proxy_dsn
    started = time.monotonic()
    result = cli("extract", "--dsn", dsn, "--deadline", "3", "--quiet", cwd=tmp_path)
    elapsed = time.monotonic() - started
    assert proxy.stalled.is_set()  # the server's answers did stop mid-extract
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert "within the deadline (3 s)" in lines[0] and "--deadline" in lines[0]
    assert 3 <= elapsed < 3 + 10, elapsed  # the deadline, plus the interpreter's start
    assert not (tmp_path / "catalog" / "catalog.json").exists()


def test_the_same_server_answering_extracts(
    proxy_dsn: tuple[str, StallingProxy], tmp_path: Path
) -> None:
    """The proxy is faithful until it stalls: with room to spare, the run succeeds."""
    dsn, proxy = proxy_dsn
    proxy.stall_after = 1 << 30
    result = cli("extract", "--dsn", dsn, "--deadline", "60", "--out", "c.json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads((tmp_path / "c.json").read_text())["tables"]


def test_supabase_default_role_without_history_extracts(
    make_database: Factory, tmp_path: Path
) -> None:
    """The README's CONNECT+LOGIN role on a project with Supabase CLI migrations."""
    dsn = make_database(
        "CREATE TABLE notes (id int PRIMARY KEY);"
        "CREATE SCHEMA supabase_migrations;"
        "CREATE TABLE supabase_migrations.schema_migrations (version text PRIMARY KEY);"
        "INSERT INTO supabase_migrations.schema_migrations VALUES ('20240101000000');"
    )
    (tmp_path / "20240101000000_notes.sql").write_text("CREATE TABLE notes (id int PRIMARY KEY);")
    try:
        with login_role(dsn) as reader:
            result = cli(
                "extract", "--dsn", reader, "--migrations", str(tmp_path), "--out", "c.json",
                cwd=tmp_path,
            )  # fmt: skip
    finally:
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute("DROP SCHEMA supabase_migrations CASCADE")
    assert result.returncode == 0, result.stderr
    assert "supabase_migrations.schema_migrations" in result.stderr  # says why
    catalog = json.loads((tmp_path / "c.json").read_text())
    [note] = [f for f in catalog["findings"] if f["code"] == "SRC001"]
    assert note["target"] == "supabase_migrations.schema_migrations"
    assert "grant select on supabase_migrations.schema_migrations" in note["message"]
    assert [t["name"] for t in catalog["tables"]] == ["notes"]
