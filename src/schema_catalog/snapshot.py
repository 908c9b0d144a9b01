"""Catalog snapshots: the seam between extraction and everything after it.

`extract` saves the facts of a `Catalog` as JSON (what the sources read and the
sources' own findings, `Catalog.facts()`); `render`, `build`, `serve`, `check`
and `diff` load it, need no database, and analyse it with the catalog.yml of
the moment. The JSON is deterministic: fields in model order, two-space indent,
a trailing newline, and ``extracted_at`` kept from the previous file while the
schema is unchanged, so an unchanged schema gives byte-identical output.

`save` writes the JSON as a stream, one table at a time (`chunks`), and decides
"unchanged" by comparing that stream with the file already there: at 10,000
tables the snapshot is about 125 MB of text, which is never held whole, and the
previous snapshot is not parsed when this version wrote it.

Format 1 snapshots also held the analysis of their day; `loads` drops it.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from schema_catalog import atomic
from schema_catalog.errors import SnapshotError
from schema_catalog.model import (
    DERIVED_CATALOG_FIELDS,
    DERIVED_TABLE_FIELDS,
    FORMAT_VERSION,
    Catalog,
)

# What `dumps` leaves out: every field analysis derives.
_TABLE_FIELDS_DERIVED = set(DERIVED_TABLE_FIELDS)
_TABLE_JUDGMENTS = {"__all__": _TABLE_FIELDS_DERIVED}
_JUDGMENTS: dict[str, Any] = {
    **{name: True for name in DERIVED_CATALOG_FIELDS},
    "tables": _TABLE_JUDGMENTS,
    "source_views": {"__all__": {"tables": _TABLE_JUDGMENTS}},
}
# Format 1 mixed the sources' findings with lint findings; these prefixes were
# the sources' codes then, so upgrading keeps exactly those.
_V1_SOURCE_PREFIXES = ("DRZ", "MIG", "SRC")
# The top-level key of an empty table list: top-level keys alone sit at two spaces
# after a newline (a newline inside a string is escaped), so it cannot occur twice.
_EMPTY_TABLES = '\n  "tables": [],\n'
# How every snapshot this version writes begins (`dumps`: fields in model order).
_HEAD = re.compile(rb'\A\{\n  "format_version": (\d+),\n  "extracted_at": "([^"\\]*)",\n')
_HEAD_BYTES = 256


def dumps(catalog: Catalog) -> str:
    """The snapshot JSON of ``catalog``'s facts (judgments are left out)."""
    # pydantic's Rust serializer: the same bytes as json.dumps(indent=2,
    # ensure_ascii=False) of the dumped dict, five times faster on large catalogs.
    return catalog.model_dump_json(indent=2, by_alias=True, exclude=_JUDGMENTS) + "\n"


def chunks(catalog: Catalog) -> Iterator[str]:
    """`dumps` in pieces, one table at a time: the same text, never whole in memory."""
    if not catalog.tables:
        yield dumps(catalog)
        return
    rest = catalog.model_copy(update={"tables": ()})
    head, mark, tail = rest.model_dump_json(indent=2, by_alias=True, exclude=_JUDGMENTS).partition(
        _EMPTY_TABLES
    )
    assert mark, "the catalog JSON has a top-level tables key"
    yield head + '\n  "tables": ['
    separator = "\n    "
    for table in catalog.tables:
        text = table.model_dump_json(indent=2, by_alias=True, exclude=_TABLE_FIELDS_DERIVED)
        # Nested two levels deep: every line of the table moves four spaces right.
        yield separator + text.replace("\n", "\n    ")
        separator = ",\n    "
    yield "\n  ],\n" + tail + "\n"


def dumps_analysed(catalog: Catalog) -> str:
    """The analysed catalog as JSON, every field (published beside the site for tools)."""
    return catalog.model_dump_json(by_alias=True) + "\n"


def dumps_analysed_by_table(catalog: Catalog) -> tuple[str, tuple[str, ...]]:
    """`dumps_analysed`, and each table's own part of that text (in the catalog's order).

    Each table is serialised once, for both: the render hashes each table's JSON for
    its page's inputs. The fields before ``tables`` hold no ``"tables":[]`` outside a
    string (where its quotes would be escaped), so the first one is the catalog's.
    """
    tables = tuple(t.model_dump_json(by_alias=True) for t in catalog.tables)
    rest = catalog.model_copy(update={"tables": ()}).model_dump_json(by_alias=True)
    head, mark, tail = rest.partition('"tables":[]')
    assert mark, "the catalog JSON has a top-level tables key"
    return f'{head}"tables":[{",".join(tables)}]{tail}\n', tables


def loads(text: str, *, where: str = "<catalog>") -> Catalog:
    try:
        data: Any = json.loads(text)
    except json.JSONDecodeError as error:
        raise SnapshotError(
            f"not valid JSON: {error.msg} at line {error.lineno}",
            where=where,
            fix="re-run `schema-catalog extract` to write it again",
        ) from None
    if not isinstance(data, dict):
        raise SnapshotError("not a catalog snapshot (expected a JSON object)", where=where)
    version = data.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise SnapshotError("not a catalog snapshot (no format_version)", where=where)
    if version < 1:
        raise SnapshotError(
            f"invalid format_version {version} (versions start at 1)",
            where=where,
            fix="re-run `schema-catalog extract` to write it again",
        )
    if version > FORMAT_VERSION:
        raise SnapshotError(
            f"written by a newer schema-catalog (format {version}, this one reads {FORMAT_VERSION})",
            where=where,
            fix="upgrade schema-catalog",
        )
    try:
        catalog = Catalog.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        location = ".".join(str(part) for part in first["loc"])
        raise SnapshotError(
            f"invalid catalog snapshot at {location}: {first['msg']}", where=where
        ) from None
    _refuse_duplicates(catalog, where)
    return _upgrade_v1(catalog) if version == 1 else catalog


def _upgrade_v1(catalog: Catalog) -> Catalog:
    # Kept as the source reported them; analysis fills ``location`` again.
    findings = tuple(
        f.model_copy(update={"location": None, "rule": None})
        for f in catalog.findings
        if f.code.startswith(_V1_SOURCE_PREFIXES)
    )
    return catalog.facts().model_copy(
        update={"format_version": FORMAT_VERSION, "findings": findings}
    )


def _refuse_duplicates(catalog: Catalog, where: str) -> None:
    """A table (or a table's column) listed twice: pages would overwrite each other."""
    seen: set[str] = set()
    for table in catalog.tables:
        if table.qualified_name in seen:
            raise SnapshotError(
                f"table `{table.qualified_name}` is listed twice",
                where=where,
                fix="re-run `schema-catalog extract` to write it again",
            )
        seen.add(table.qualified_name)
        columns = Counter(c.name for c in table.columns)
        twice = next((name for name, n in columns.items() if n > 1), None)
        if twice is not None:
            raise SnapshotError(
                f"column `{twice}` of `{table.qualified_name}` is listed twice", where=where
            )


def load(path: Path) -> Catalog:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SnapshotError(
            "catalog snapshot not found", where=str(path), fix="run `schema-catalog extract` first"
        ) from None
    except UnicodeDecodeError as error:
        raise SnapshotError(
            f"not a catalog snapshot (not UTF-8 text at byte {error.start})",
            where=str(path),
            fix="re-run `schema-catalog extract` to write it again",
        ) from None
    except OSError as error:
        raise SnapshotError(f"cannot read: {error.strerror}", where=str(path)) from None
    return loads(text, where=str(path))


def save(
    catalog: Catalog,
    path: Path,
    *,
    now: datetime | None = None,
    keep_previous: Path | None = None,
) -> Catalog:
    """Write ``catalog`` to ``path`` atomically and return what was written.

    ``extracted_at`` is carried over from the file already at ``path`` when the
    rest is identical, so re-extracting an unchanged schema rewrites nothing.
    With ``keep_previous``, a file that is replaced is first kept there.
    """
    unstamped = _unstamped(catalog)
    kept, identical = _previous_state(unstamped, path)
    stamped = unstamped.model_copy(update={"extracted_at": kept or _moment(now)})
    if identical:
        return stamped
    if keep_previous is not None and path.exists():
        atomic.copy_file(path, keep_previous)
    atomic.write_chunks(path, _encoded(chunks(stamped)))
    return stamped


def stamp(catalog: Catalog, path: Path, *, now: datetime | None = None) -> Catalog:
    """``catalog`` as `save` would write it to ``path`` (facts, format, extracted_at)."""
    unstamped = _unstamped(catalog)
    kept, _ = _previous_state(unstamped, path)
    return unstamped.model_copy(update={"extracted_at": kept or _moment(now)})


def _unstamped(catalog: Catalog) -> Catalog:
    # usage statistics are not facts (`model.Usage`): never part of the snapshot
    return catalog.facts().model_copy(
        update={"extracted_at": None, "format_version": FORMAT_VERSION, "usage": None}
    )


def _moment(now: datetime | None) -> str:
    return (now or _source_date() or datetime.now(UTC)).replace(microsecond=0).isoformat()


def _previous_state(unstamped: Catalog, path: Path) -> tuple[str | None, bool]:
    """The ``extracted_at`` of the snapshot at ``path`` when it holds the same facts
    (else None), and whether it holds exactly the bytes `save` would write.

    A snapshot of this format begins with its timestamp: ``unstamped`` written
    with it is compared with the file as a stream, and any difference means the
    facts changed. Other files (format 1, written by hand or by another tool)
    are parsed and compared as models.
    """
    try:
        with path.open("rb") as handle:
            head = _HEAD.match(handle.read(_HEAD_BYTES))
    except OSError:
        return None, False
    if head is not None and int(head[1]) == FORMAT_VERSION:
        kept = head[2].decode("utf-8")
        candidate = unstamped.model_copy(update={"extracted_at": kept})
        same = _holds(path, _encoded(chunks(candidate)))
        return (kept if same else None), same
    previous = _previous(path)
    if previous is not None and previous.model_copy(update={"extracted_at": None}) == unstamped:
        return previous.extracted_at, False
    return None, False


def _encoded(pieces: Iterable[str]) -> Iterator[bytes]:
    return (piece.encode("utf-8") for piece in pieces)


def _holds(path: Path, pieces: Iterable[bytes]) -> bool:
    """Whether the file at ``path`` holds exactly the concatenation of ``pieces``."""
    with path.open("rb") as handle:
        for piece in pieces:
            if handle.read(len(piece)) != piece:
                return False
        return handle.read(1) == b""


def _source_date() -> datetime | None:
    """``SOURCE_DATE_EPOCH`` (reproducible builds): the time to stamp, when set."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    return datetime.fromtimestamp(int(epoch), UTC) if epoch.isdigit() else None


def json_schema() -> str:
    """The published JSON Schema of the catalog snapshot (facts), generated from the models."""
    schema = Catalog.model_json_schema(by_alias=True)
    definitions = schema["$defs"]
    for name in (*DERIVED_CATALOG_FIELDS, "usage"):
        _drop_property(schema, name)
    for name in DERIVED_TABLE_FIELDS:
        _drop_property(definitions["Table"], name)
    schema["$defs"] = {k: v for k, v in definitions.items() if k in _referenced(schema)}
    return _schema_text(schema, f"schema-catalog snapshot, format {FORMAT_VERSION}")


def analysed_json_schema() -> str:
    """The JSON Schema of the analysed catalog that the site publishes."""
    schema = Catalog.model_json_schema(by_alias=True)
    _drop_property(schema, "usage")  # never serialised (`model.Usage`)
    schema["$defs"] = {k: v for k, v in schema["$defs"].items() if k in _referenced(schema)}
    return _schema_text(schema, f"schema-catalog analysed catalog, format {FORMAT_VERSION}")


def _schema_text(schema: dict[str, Any], title: str) -> str:
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = title
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"


def _drop_property(schema: dict[str, Any], name: str) -> None:
    schema["properties"].pop(name)
    if name in schema.get("required", ()):
        schema["required"].remove(name)


def _referenced(schema: dict[str, Any]) -> set[str]:
    """Names of the ``$defs`` reachable from the schema's own properties."""
    found: set[str] = set()
    pending: list[Any] = [schema["properties"]]
    while pending:
        node = pending.pop()
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/$defs/"):
                name = ref.removeprefix("#/$defs/")
                if name not in found:
                    found.add(name)
                    pending.append(schema["$defs"][name])
            pending.extend(node.values())
        elif isinstance(node, list):
            pending.extend(node)
    return found


def _previous(path: Path) -> Catalog | None:
    try:
        return load(path)
    except SnapshotError:
        return None
