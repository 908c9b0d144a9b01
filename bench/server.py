"""A throw-away PostgreSQL on TCP for the benchmarks.

The embedded server (`schema_catalog.embedded`) listens on a Unix socket only,
but `db2dbml` (Node) and `postgresql_autodoc` (Perl DBD::Pg) are easiest to point
at host:port. So the benchmarks start their own server from the *same*
PostgreSQL 16 binaries that pgserver bundles, listening on 127.0.0.1 and a
socket, and every tool (ours included) connects over the same TCP loopback.

Durability is switched off (``fsync=off``...): this database is generated,
loaded, measured and deleted. ``log_statement`` can be turned on per database
to count the statements a tool sends (`statement_count`).
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

SETTINGS = {
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "shared_buffers": "512MB",
    "max_locks_per_transaction": "1024",
    "log_line_prefix": "'%d|%p| '",
    "logging_collector": "off",
    "autovacuum": "off",  # no background work skewing the timings
}


@dataclass(frozen=True)
class Server:
    dsn: str
    """Superuser DSN over TCP (``postgresql://postgres@127.0.0.1:PORT/postgres``)."""
    port: int
    log: Path

    def database_dsn(self, name: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{name}"

    def ended_backends_cpu(self) -> float:
        """CPU seconds of every server backend that has ended so far (the postmaster's
        reaped children, from /proc): the server's share of a whole process's work."""
        pid = int((self.log.parent / "data" / "postmaster.pid").read_text().split()[0])
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[13]) + int(fields[14])) / os.sysconf("SC_CLK_TCK")


def bin_dir() -> Path:
    """pgserver's bundled PostgreSQL binaries (the embedded server's build)."""
    # pgserver's platformdirs warns at import when XDG_RUNTIME_DIR is unset.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pgserver

    return Path(pgserver.__file__).parent / "pginstall" / "bin"


@contextmanager
def tcp_server() -> Iterator[Server]:
    """initdb, start on a free port, yield, stop and delete everything."""
    scratch = Path(tempfile.mkdtemp(prefix="schema-catalog-bench-"))
    user = _run_as()
    data, log = scratch / "data", scratch / "server.log"
    try:
        scratch.chmod(0o755)
        if user is not None:
            os.chown(scratch, user.pw_uid, user.pw_gid)
        _pg(["initdb", "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8"], user)
        port = free_port()
        options = f"-h 127.0.0.1 -p {port} -k {data} " + " ".join(
            f"-c {k}={v}" for k, v in SETTINGS.items()
        )
        _pg(["pg_ctl", "-D", str(data), "-l", str(log), "-o", options, "-w", "start"], user)
        try:
            yield Server(f"postgresql://postgres@127.0.0.1:{port}/postgres", port, log)
        finally:
            _pg(["pg_ctl", "-D", str(data), "-m", "immediate", "-w", "stop"], user)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def statement_count(log: Path, database: str, since: int) -> int:
    """Statements logged for ``database`` after byte offset ``since`` of the log.

    Each logged statement (simple ``statement:`` or extended-protocol
    ``execute``) is one client round trip of a query; connection start-up is not
    counted.
    """
    with log.open("rb") as handle:
        handle.seek(since)
        text = handle.read().decode("utf-8", "replace")
    prefix = f"{database}|"
    return sum(
        1
        for line in text.splitlines()
        if line.startswith(prefix) and ("LOG:  statement: " in line or "LOG:  execute " in line)
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _run_as() -> pwd.struct_passwd | None:
    """PostgreSQL refuses to run as root: use pgserver's unprivileged user then."""
    if os.geteuid() != 0:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from pgserver.utils import ensure_user_exists

    entry: pwd.struct_passwd | None = ensure_user_exists("pgserver")
    if entry is None:
        raise RuntimeError("cannot create the unprivileged user `pgserver`")
    return entry


def _pg(args: list[str], user: pwd.struct_passwd | None) -> None:
    command = [str(bin_dir() / args[0]), *args[1:]]
    # A file, not a pipe: the started postmaster inherits pg_ctl's stdout, and a
    # pipe would then never reach EOF.
    with tempfile.TemporaryFile("w+") as output:
        result = subprocess.run(
            command,
            user=user.pw_uid if user else None,
            group=user.pw_gid if user else None,
            stdout=output,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=120,
            check=False,
        )
        output.seek(0)
        if result.returncode != 0:
            raise RuntimeError(f"{args[0]} failed: {output.read().strip()}")
