"""Usage statistics (`model.Usage`) stay out of the snapshot.

A live extract reads each index's scan count; `pipeline.save` keeps it in
``catalog.usage.json`` beside ``catalog.json``, which stays byte-identical for
the same schema whatever the usage; `pipeline.load` attaches it again, and the
``unused_index`` rule fires only from it. A read without a database drops it.
"""

from __future__ import annotations

import json
from pathlib import Path

import psycopg
import pytest

from conftest import DatabaseFactory
from schema_catalog import pipeline
from schema_catalog.config import Config
from schema_catalog.errors import SnapshotError

SCHEMA = """
create table public.books (id integer primary key, title text);
create index books_title on public.books (title);
"""
USE_THE_INDEX = """
set enable_seqscan = off;
set enable_bitmapscan = off;
select count(*) from public.books where title = 'Dune';
select pg_stat_force_next_flush();
"""


def _unused(catalog_path: Path) -> list[str]:
    loaded = pipeline.load(Config(), catalog_path)
    return [f.target for f in loaded.findings if f.rule == "unused_index"]


def test_the_snapshot_is_the_same_bytes_whatever_the_usage(
    make_database: DatabaseFactory, tmp_path: Path
) -> None:
    dsn = make_database(SCHEMA)
    out = tmp_path / "catalog" / "catalog.json"
    options = pipeline.ExtractOptions(dsn=dsn)
    first = pipeline.extract(Config(), options)
    pipeline.save(first, out)
    snapshot_bytes = out.read_bytes()
    usage_bytes = pipeline.usage_path(out).read_bytes()
    assert "usage" not in json.loads(snapshot_bytes) and b"scans" not in snapshot_bytes
    assert _unused(out) == ["public.books.books_title"]

    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(USE_THE_INDEX)
    second = pipeline.extract(Config(), options)
    assert second.usage != first.usage
    pipeline.save(second, out)
    assert out.read_bytes() == snapshot_bytes
    assert pipeline.usage_path(out).read_bytes() != usage_bytes
    assert _unused(out) == []


def test_a_read_without_the_database_drops_the_usage(
    make_database: DatabaseFactory, tmp_path: Path
) -> None:
    out = tmp_path / "catalog.json"
    live = pipeline.extract(Config(), pipeline.ExtractOptions(dsn=make_database(SCHEMA)))
    pipeline.save(live, out)
    assert pipeline.usage_path(out).exists()
    pipeline.save(live.model_copy(update={"usage": None}), out)
    assert not pipeline.usage_path(out).exists()
    assert _unused(out) == []


def test_a_broken_usage_file_is_one_clear_error(tmp_path: Path) -> None:
    out = tmp_path / "catalog.json"
    pipeline.usage_path(out).write_text("{not json", encoding="utf-8")
    with pytest.raises(SnapshotError) as raised:
        pipeline.load_usage(out)
    assert raised.value.where == str(pipeline.usage_path(out))
    assert "\n" not in str(raised.value)
