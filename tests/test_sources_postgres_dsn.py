"""Connection strings never show a password."""

from __future__ import annotations

import pytest

from schema_catalog.errors import ConnectionFailed
from schema_catalog.sources.postgres import dsn


def test_redact_keeps_where_and_drops_the_secret() -> None:
    url = "postgresql://reader:hunter2@db.example.com:6543/postgres?sslmode=require&application_name=x"
    shown = dsn.redact(url)
    assert shown == "postgresql://reader@db.example.com:6543/postgres?sslmode=require"
    assert "hunter2" not in dsn.scrub(f"failed for {url}: password hunter2 rejected", url)


def test_an_unparsable_dsn_is_one_line_without_the_secret() -> None:
    with pytest.raises(ConnectionFailed) as info:
        dsn.parse("postgresql://u:hunter2@host:notaport/db x=")
    assert "hunter2" not in str(info.value)


def test_resolve_order(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("DATABASE_URL", "PGHOST", "PGDATABASE", "PGSERVICE", "MY_URL"):
        monkeypatch.delenv(var, raising=False)
    with pytest.raises(ConnectionFailed, match="--dsn"):
        dsn.resolve(None)
    monkeypatch.setenv("MY_URL", "postgresql://a@b/c")
    assert dsn.resolve(None, "MY_URL") == "postgresql://a@b/c"
    assert dsn.resolve("postgresql://x@y/z", "MY_URL") == "postgresql://x@y/z"
    monkeypatch.setenv("PGHOST", "localhost")
    assert dsn.resolve(None) == ""
