"""Connection strings: where they come from and how they are shown.

A DSN comes from ``--dsn``, then ``DATABASE_URL`` (or the variable catalog.yml
names), then the libpq ``PG*`` environment. It is shown only through `redact`,
which keeps user, host, port and database and drops the password and every
parameter but ``sslmode``: a DSN is never printed, logged or saved whole.
"""

from __future__ import annotations

import os

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


def parse(dsn: str) -> dict[str, str]:
    try:
        return {k: str(v) for k, v in conninfo_to_dict(dsn).items() if v is not None}
    except Exception:
        # psycopg's message quotes the DSN, password included: never show it.
        raise ConnectionFailed(
            "the database URL cannot be parsed",
            fix="use postgresql://user@host:5432/dbname?sslmode=require",
        ) from None


def has_password(dsn: str) -> bool:
    try:
        return "password" in conninfo_to_dict(dsn)
    except Exception:
        return False


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
    secret = params.get("password")
    if dsn:
        message = message.replace(dsn, redact(dsn))
    if secret:
        message = message.replace(secret, "***")
    return message
