"""Snapshots: deterministic bytes, a stable timestamp, clear errors."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from render_catalogs import hostile_catalog, sample_catalog
from schema_catalog import snapshot
from schema_catalog.errors import SnapshotError
from schema_catalog.model import FORMAT_VERSION, Catalog, Column, Table

T1 = datetime(2026, 1, 1, tzinfo=UTC)
T2 = datetime(2026, 2, 1, tzinfo=UTC)


def _catalog(*columns: str) -> Catalog:
    table = Table(
        schema="public", name="books", columns=tuple(Column(name=c, type="text") for c in columns)
    )
    return Catalog(tables=(table,))


def test_round_trip_is_lossless() -> None:
    catalog = _catalog("id", "title")
    assert snapshot.loads(snapshot.dumps(catalog)) == catalog


def test_the_json_uses_the_public_field_names() -> None:
    data = json.loads(snapshot.dumps(_catalog("id")))
    assert data["format_version"] == FORMAT_VERSION
    assert data["tables"][0]["schema"] == "public"
    assert data["tables"][0]["presence"] == []  # the kinds of the sources that have it


def test_format_1_presence_flags_become_the_list_of_sources() -> None:
    data = json.loads(snapshot.dumps(_catalog("id")))
    data["format_version"] = 1
    data["tables"][0]["presence"] = {"database": True, "drizzle": False, "migrations": True}
    [table] = snapshot.loads(json.dumps(data)).tables
    assert table.presence == ("database", "migrations")


def test_unchanged_schema_keeps_bytes_and_timestamp(tmp_path: Path) -> None:
    out = tmp_path / "catalog.json"
    snapshot.save(_catalog("id"), out, now=T1)
    first = out.read_bytes()
    snapshot.save(_catalog("id"), out, now=T2)
    assert out.read_bytes() == first
    assert snapshot.load(out).extracted_at == T1.isoformat()


def test_changed_schema_gets_a_new_timestamp(tmp_path: Path) -> None:
    out = tmp_path / "catalog.json"
    snapshot.save(_catalog("id"), out, now=T1)
    written = snapshot.save(_catalog("id", "title"), out, now=T2)
    assert written.extracted_at == T2.isoformat()


def test_a_newer_format_is_refused_with_advice(tmp_path: Path) -> None:
    out = tmp_path / "catalog.json"
    out.write_text(json.dumps({"format_version": FORMAT_VERSION + 1}))
    with pytest.raises(SnapshotError, match=r"newer schema-catalog.*upgrade"):
        snapshot.load(out)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "not valid JSON"),
        ("[]", "expected a JSON object"),
        ('{"tables": []}', "no format_version"),
    ],
)
def test_broken_snapshots_fail_in_one_line(tmp_path: Path, text: str, message: str) -> None:
    out = tmp_path / "catalog.json"
    out.write_text(text)
    with pytest.raises(SnapshotError, match=message) as info:
        snapshot.load(out)
    assert "\n" not in str(info.value) and str(out) in str(info.value)


def test_json_schema_describes_the_catalog() -> None:
    schema = json.loads(snapshot.json_schema())
    assert schema["$schema"].endswith("2020-12/schema")
    assert {"tables", "format_version", "findings"} <= set(schema["properties"])
    assert "schema" in schema["$defs"]["Table"]["properties"]


# --------------------------------------------------------------------------- streamed writing

REPO = Path(__file__).resolve().parents[1]


def _streamed(catalog: Catalog) -> str:
    return "".join(snapshot.chunks(catalog))


@pytest.mark.parametrize(
    "catalog",
    [
        Catalog(),
        _catalog("id"),
        sample_catalog(),
        hostile_catalog(),  # newlines, quotes, non-ASCII and HTML in every string field
        snapshot.load(REPO / "catalog" / "catalog.json"),  # the example, as extracted
    ],
    ids=["empty", "one table", "sample", "hostile", "example"],
)
def test_the_streamed_json_is_the_json_of_dumps(catalog: Catalog) -> None:
    assert _streamed(catalog) == snapshot.dumps(catalog)
    # Analysed catalogs hold judgments: the stream leaves them out as dumps does.
    assert _streamed(catalog.model_copy(update={"tables": sample_catalog().tables})) == (
        snapshot.dumps(catalog.model_copy(update={"tables": sample_catalog().tables}))
    )


def test_save_writes_what_dumps_gives(tmp_path: Path) -> None:
    out = tmp_path / "catalog.json"
    written = snapshot.save(sample_catalog(), out, now=T1)
    assert out.read_text(encoding="utf-8") == snapshot.dumps(written)
    assert written.extracted_at == T1.isoformat()


def test_a_changed_schema_keeps_the_replaced_snapshot(tmp_path: Path) -> None:
    out, kept = tmp_path / "catalog.json", tmp_path / "catalog.previous.json"
    snapshot.save(_catalog("id"), out, now=T1, keep_previous=kept)
    assert not kept.exists()  # nothing was replaced
    first = out.read_bytes()
    snapshot.save(_catalog("id"), out, now=T2, keep_previous=kept)
    assert not kept.exists() and out.read_bytes() == first  # unchanged: nothing written
    snapshot.save(_catalog("id", "title"), out, now=T2, keep_previous=kept)
    assert kept.read_bytes() == first
    assert snapshot.load(out).extracted_at == T2.isoformat()


def test_a_snapshot_written_otherwise_is_compared_by_its_facts(tmp_path: Path) -> None:
    # Compact JSON of the same facts (another writer, or a hand edit): not the
    # bytes this version writes, yet the schema is unchanged and the time is kept.
    out = tmp_path / "catalog.json"
    stamped = _catalog("id").model_copy(update={"extracted_at": T1.isoformat()})
    out.write_text(json.dumps(json.loads(snapshot.dumps(stamped))), encoding="utf-8")
    written = snapshot.save(_catalog("id"), out, now=T2)
    assert written.extracted_at == T1.isoformat()
    assert out.read_text(encoding="utf-8") == snapshot.dumps(written)


def test_loading_validates_every_field(tmp_path: Path) -> None:
    # Sources build models without validation; the snapshot is where it happens.
    data = json.loads(snapshot.dumps(_catalog("id")))
    data["tables"][0]["columns"][0]["nullable"] = "perhaps"
    with pytest.raises(SnapshotError, match=r"at tables\.0\.columns\.0\.nullable"):
        snapshot.loads(json.dumps(data))
