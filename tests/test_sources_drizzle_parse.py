"""A Drizzle file is parsed a top-level statement at a time: the statements found chunk
by chunk are the whole parse's, no tree of the whole file is kept, and ``file:line``
stays exact past the first chunk."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from schema_catalog.sources.drizzle import parse, read
from schema_catalog.sources.drizzle.parse import parse_bytes, parse_file
from schema_catalog.sources.drizzle.resolve import Project

HEADER = """import { sql } from 'drizzle-orm';
import { pgTable, uuid, text, integer, customType, index } from 'drizzle-orm/pg-core';
// a comment between imports and tables
const citext = customType<{ data: string }>({
  dataType() { return 'citext'; },
});
"""


def table(number: int) -> str:
    """Table ``number``: it references the table declared after it (hoisted in the
    callback), has a statement without ``;`` and text that looks like code."""
    after = f"t{number + 1:03d}"
    return f"""/* t{number:03d}: `{{ ; }}` in a comment */
export const t{number:03d} = pgTable('t{number:03d}', {{
  id: uuid().primaryKey(),
  next: uuid().references(() => {after}.id),
  email: citext(),
  note: text().default('}}; export const fake = 1;'),
  n: integer().default(sql`${{1}} + {number}`),
}}, (t) => [index('t{number:03d}_n').on(t.n)])
"""


def schema(tables: int) -> str:
    body = HEADER + "".join(table(n) for n in range(tables))
    return (
        body
        + f"export const t{tables:03d} = pgTable('t{tables:03d}', {{ id: uuid().primaryKey() }});\n"
    )


def test_statements_by_chunk_are_the_whole_parse(tmp_path: Path) -> None:
    path = tmp_path / "schema.ts"
    path.write_text(schema(30))
    whole = [
        (n.type, n.start_byte, n.end_byte, n.start_point, str(n))
        for n in parse_bytes(path.read_bytes()).named_children
    ]
    for chunk in (64, 500, 4096, 1 << 20):
        source = parse_file(path)
        found = [
            (n.type, n.start_byte, n.end_byte, n.start_point, str(n))
            for n in source.statements(chunk)
            if n is not None
        ]
        assert found == whole, chunk
        # a file that fits one chunk keeps its (small) tree and is parsed once
        assert source.keeps_tree == (chunk >= len(source.data)), chunk


def test_a_clean_file_keeps_no_tree_and_reads_as_before(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "schema.ts"
    path.write_text(schema(30))
    expected = read([path])
    monkeypatch.setattr(parse, "_CHUNK", 300)  # many chunks: statements cut at every size
    project = Project()
    module = project.module(path)
    values = dict(module.exported_values())
    assert not module.source.keeps_tree
    catalog = read([path])
    assert catalog == expected
    # every table's foreign key reached the table declared after it (a callback)
    assert len(catalog.tables) == 31 and "t030" in values
    for number in range(30):
        found = catalog.table(f"public.t{number:03d}")
        assert found is not None
        assert [(fk.ref_table, fk.columns) for fk in found.foreign_keys] == [
            (f"t{number + 1:03d}", ("next",))
        ]
        assert found.column("email").type == "citext"  # type: ignore[union-attr]


def test_a_large_file_is_evaluated_as_it_is_indexed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each export is evaluated while its chunk's tree is at hand: no statement is
    parsed again. Names exported or declared further on are found; a name bound twice
    after evaluation began reads the file again, indexed first: same catalog."""
    monkeypatch.setattr(parse, "_CHUNK", 300)
    path = tmp_path / "schema.ts"
    path.write_text(schema(30))
    parsed: list[str] = []
    real = parse.SourceFile._parse_cached

    def counted(source: parse.SourceFile, span: parse.Span) -> parse.Node:
        parsed.append(span.type)
        return real(source, span)

    monkeypatch.setattr(parse.SourceFile, "_parse_cached", counted)
    assert len(read([path]).tables) == 31
    # parsed again: the functions called after the read (`references`, extras) and the
    # customType's method (read inside its statement), no table's statement
    assert set(parsed) == {"arrow_function", "method_definition", "lexical_declaration"}
    monkeypatch.setattr(parse.SourceFile, "_parse_cached", real)
    body = "export { t005 as early, helper };\n" + schema(30)
    body += "const helper = pgTable('helper', { id: uuid().primaryKey() });\n"
    path.write_text(body)
    catalog = read([path])
    assert {"helper", "t005", "t030"} <= {t.name for t in catalog.tables}
    monkeypatch.setattr(parse, "_CHUNK", 1 << 20)
    assert catalog == read([path])
    monkeypatch.setattr(parse, "_CHUNK", 300)
    twice = body + "const helper = pgTable('helper2', { id: uuid().primaryKey() });\n"
    path.write_text(twice)
    tables = {t.name for t in read([path], keep_going=True).tables}
    monkeypatch.setattr(parse, "_CHUNK", 1 << 20)  # one chunk: indexed before evaluating
    assert tables == {t.name for t in read([path], keep_going=True).tables}


def test_lines_stay_exact_past_the_first_chunk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parse, "_CHUNK", 300)
    body = schema(20)
    body += "import { later } from 'somewhere';\n"
    body += "export const last = pgTable('last', {\n  id: uuid().default(later()),\n});\n"
    path = tmp_path / "schema.ts"
    path.write_text(body)
    line = body.splitlines().index("  id: uuid().default(later()),") + 1
    catalog = read([path])
    assert any(
        f.code == "DRZ001" and f.target.endswith(f"schema.ts:{line}") for f in catalog.findings
    ), catalog.findings


def test_a_syntax_error_reads_the_whole_file_as_before(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parse, "_CHUNK", 300)
    body = schema(20)
    lines = body.splitlines(keepends=True)
    broken = len(lines) - 3  # a statement after the first chunks
    lines[broken] = "  n: integer(.default(1),\n"
    path = tmp_path / "schema.ts"
    path.write_text("".join(lines))
    catalog = read([path], keep_going=True)
    module = Project().module(path)
    assert module.source.keeps_tree
    assert [f.target.rsplit(":", 1)[-1] for f in catalog.findings if f.code == "DRZ004"] == [
        str(broken + 1)
    ]
    assert len(catalog.tables) == 20  # the statement with the error is the one skipped


def test_the_read_runs_no_garbage_collection(tmp_path: Path) -> None:
    """Every value the read makes survives it: a collection would only walk them."""
    path = tmp_path / "schema.ts"
    path.write_text(schema(60))
    collections: list[int] = []

    def count(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            collections.append(info["generation"])

    gc.callbacks.append(count)
    try:
        catalog = read([path])
    finally:
        gc.callbacks.remove(count)
    assert len(catalog.tables) == 61
    # Unpaused, this read starts seven collections. One may come as the collector is
    # turned back on, for what the read made: young, or older when what ran before the
    # read (other tests) had filled the older generations.
    assert len(collections) <= 1, collections
