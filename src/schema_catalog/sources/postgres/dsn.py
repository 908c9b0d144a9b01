"""Connection strings: where they come from and how they are shown.

A DSN comes from ``--dsn``, then ``DATABASE_URL`` (or the variable catalog.yml
names), then the libpq ``PG*`` environment. It is shown only through `redact`,
which keeps user, host, port and database and drops the password and every
parameter but ``sslmode``: a DSN is never printed, logged or saved whole.

A URL whose password holds an unencoded ``@ / # ?`` parses, but wrongly: part
of the password lands in the host or the database name, which error lines and
the catalog would then show. `parse` refuses such URLs before anything is shown.
"""

from __future__ import annotations

import os
import re

from psycopg.conninfo import conninfo_to_dict

from schema_catalog.errors import ConnectionFailed


def resolve(explicit: str | None, env_var: str = "DATABASE_URL") -> str:
    """The DSN to use; an empty string means "libpq's PG* environment"."""
    if explicit:
        return explicit
    if os.environ.get(env_var):
        return os.environ[env_var]
    if os.environ.get("PGHOST") or os.environ.get("PGDATABASE") or os.environ.get("PGSERVICE"):
        return ""
    raise ConnectionFailed(
        "no database given",
        fix=f"pass --dsn URL, set {env_var}, or set the PG* variables (PGHOST, PGDATABASE...)",
    )


_URL_SCHEME = re.compile(r"postgres(?:ql)?://", re.IGNORECASE)
ENCODE_FIX = "%40 for @, %2F for /, %23 for #, %3F for ?; or put the password in PGPASSWORD"


def parse(dsn: str) -> dict[str, str]:
    """The DSN's parameters; `ConnectionFailed`, naming no part of it, when it is unclear."""
    if _password_ambiguous(dsn):
        raise ConnectionFailed(
            "the password could not be parsed; URL-encode @ / # ? in it", fix=ENCODE_FIX
        )
    try:
        return {k: str(v) for k, v in conninfo_to_dict(dsn).items() if v is not None}
    except Exception:
        # psycopg's message quotes the DSN, password included: never show it.
        raise ConnectionFailed(
            "the database URL cannot be parsed",
            fix="use postgresql://user@host:5432/dbname?sslmode=require; "
            "in the password, URL-encode @ / # ? % (or use PGPASSWORD)",
        ) from None


def _password_ambiguous(dsn: str) -> bool:
    """A URL with a second ``@``, a ``#``, or its ``@`` after the path or query began.

    libpq ends the user:password part at the first ``/`` or ``?`` and knows no
    fragments, so any of these means the password holds a character it reads
    as structure.
    """
    scheme = _URL_SCHEME.match(dsn.strip())
    if scheme is None:
        return False
    rest = dsn.strip()[scheme.end() :]
    at = rest.find("@")
    if "#" in rest or rest.count("@") > 1:
        return True
    ends = [i for i in (rest.find("/"), rest.find("?")) if i >= 0]
    return at >= 0 and bool(ends) and at > min(ends)


def redact(dsn: str) -> str:
    """``postgresql://user@host:port/db?sslmode=...``, without password or secrets."""
    params = parse(dsn) if dsn else {}
    user = params.get("user") or os.environ.get("PGUSER", "")
    host = params.get("host") or os.environ.get("PGHOST", "localhost")
    port = params.get("port") or os.environ.get("PGPORT", "5432")
    database = params.get("dbname") or os.environ.get("PGDATABASE", user)
    location = f"[socket {host}]" if host.startswith("/") else f"{host}:{port}"
    who = f"{user}@" if user else ""
    text = f"postgresql://{who}{location}/{database}"
    sslmode = params.get("sslmode") or os.environ.get("PGSSLMODE")
    return f"{text}?sslmode={sslmode}" if sslmode else text


def scrub(message: str, dsn: str) -> str:
    """Remove the password (and the DSN itself) from a driver's error text."""
    params = parse(dsn) if dsn else {}
    if dsn:
        message = message.replace(dsn, redact(dsn))
    for secret in (params.get("password"), os.environ.get("PGPASSWORD")):
        if secret:
            message = message.replace(secret, "***")
    return message
