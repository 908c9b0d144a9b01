"""A real pgbouncer in front of the test server, for the production-safety tests.

Supabase's Supavisor and most hosted poolers run in *transaction* mode: each
transaction may land on another server session, prepared statements and
``SET`` do not survive. `pgbouncer` starts Debian's pgbouncer with a config
written to a temp dir, listening on 127.0.0.1:<free port>, forwarding every
database name to the test server (its Unix socket for the embedded server).

pgbouncer refuses to run as root, so as root it runs as pgserver's unprivileged
user. `available()` says why it cannot run here, for a clean ``pytest.skip``.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
import warnings
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg.conninfo import conninfo_to_dict, make_conninfo

CONFIG = """\
[databases]
* = {server}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {port}
unix_socket_dir =
auth_type = {auth_type}
auth_file = {dir}/userlist.txt
admin_users = {admin}
pool_mode = {pool_mode}
default_pool_size = {pool_size}
max_client_conn = 100
ignore_startup_parameters = extra_float_digits
logfile = {dir}/pgbouncer.log
pidfile = {dir}/pgbouncer.pid
"""


@dataclass(frozen=True)
class Pooler:
    port: int
    server_user: str
    """The superuser of the server behind it."""

    def dsn(self, database: str, user: str | None = None, password: str | None = None) -> str:
        """A client DSN through the pooler."""
        params = {"host": "127.0.0.1", "port": str(self.port), "dbname": database}
        params["user"] = user or self.server_user
        if password is not None:
            params["password"] = password
        return make_conninfo("", **params)


def available() -> str | None:
    """Why pgbouncer cannot run here, or None."""
    if shutil.which("pgbouncer") is None and not Path("/usr/sbin/pgbouncer").exists():
        return "pgbouncer is not installed (apt-get install pgbouncer; scripts/dev test does it)"
    return None


@contextmanager
def pgbouncer(
    server_dsn: str,
    *,
    pool_mode: str = "transaction",
    pool_size: int = 2,
    passwords: Mapping[str, str] | None = None,
    users: tuple[str, ...] = (),
) -> Iterator[Pooler]:
    """Run pgbouncer in front of the server of ``server_dsn`` (a superuser DSN).

    With ``passwords`` the pooler itself checks them (SCRAM) — the server
    behind it may trust everyone, as the embedded one does; otherwise any of
    ``users`` (and the server's superuser) is let in without a password.
    """
    target = conninfo_to_dict(server_dsn)
    server_user = str(target.get("user") or "postgres")
    runner = _unprivileged_user()
    scratch = Path(tempfile.mkdtemp(prefix="schema-catalog-pooler-"))
    try:
        port = _free_port()
        _write_config(scratch, target, port, pool_mode, pool_size, server_user, passwords, users)
        if runner is not None:
            for path in (scratch, *scratch.iterdir()):
                os.chown(path, runner.pw_uid, runner.pw_gid)
        with _running(scratch, runner, port):
            yield Pooler(port=port, server_user=server_user)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def admin_query(pooler: Pooler, command: str) -> list[tuple[object, ...]]:
    """Run a pgbouncer console command (``SHOW POOLS``...); it speaks the simple protocol only."""
    with psycopg.connect(
        pooler.dsn("pgbouncer"), autocommit=True, cursor_factory=psycopg.ClientCursor
    ) as conn:
        return conn.execute(command).fetchall()


def _write_config(
    scratch: Path,
    target: Mapping[str, object],
    port: int,
    pool_mode: str,
    pool_size: int,
    server_user: str,
    passwords: Mapping[str, str] | None,
    users: tuple[str, ...],
) -> None:
    server = {"host": target.get("host") or "/tmp", "port": target.get("port") or "5432"}
    server_text = " ".join(f"{k}={v}" for k, v in server.items())
    known = dict.fromkeys((server_user, *users), "")
    # pgbouncer logs in to the server with the password it has for that user.
    known[server_user] = str(target.get("password") or "")
    known.update(passwords or {})
    (scratch / "userlist.txt").write_text(
        "".join(f'"{name}" "{secret}"\n' for name, secret in sorted(known.items()))
    )
    (scratch / "pgbouncer.ini").write_text(
        CONFIG.format(
            server=server_text,
            port=port,
            auth_type="scram-sha-256" if passwords else "trust",
            dir=scratch,
            admin=server_user,
            pool_mode=pool_mode,
            pool_size=pool_size,
        )
    )


@contextmanager
def _running(scratch: Path, runner: pwd.struct_passwd | None, port: int) -> Iterator[None]:
    binary = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
    process = subprocess.Popen(
        [binary, str(scratch / "pgbouncer.ini")],
        user=runner.pw_uid if runner else None,
        group=runner.pw_gid if runner else None,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for_port(port, process, scratch / "pgbouncer.log")
        yield
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_for_port(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if process.poll() is not None:
            text = log.read_text() if log.exists() else ""
            raise RuntimeError(f"pgbouncer exited with {process.returncode}: {text[-500:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("pgbouncer did not start listening within 10 s")


def _unprivileged_user() -> pwd.struct_passwd | None:
    if os.geteuid() != 0:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from pgserver.utils import ensure_user_exists

    entry: pwd.struct_passwd | None = ensure_user_exists("pgserver")
    if entry is None:
        raise RuntimeError("cannot create the unprivileged user `pgserver`")
    return entry


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port
