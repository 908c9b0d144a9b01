"""TypeScript parsing for the Drizzle source: tree-sitter, never regular expressions.

Owns turning a file into a syntax tree, telling where a node sits (``file:line``)
and finding the statements tree-sitter could not parse, so the reader can skip
them with a finding instead of guessing.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import tree_sitter_typescript
from tree_sitter import Language, Node, Parser, Point, Range

from schema_catalog.errors import DrizzleError


@cache
def _parser(tsx: bool) -> Parser:
    grammar = (
        tree_sitter_typescript.language_tsx()
        if tsx
        else tree_sitter_typescript.language_typescript()
    )
    return Parser(Language(grammar))


def display_path(path: Path) -> str:
    """``path`` relative to the working directory when it lies below it, else absolute."""
    resolved = path.resolve()
    try:
        return resolved.relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return resolved.as_posix()


_CHUNK = 1 << 18
"""Bytes parsed at once while a file is indexed: a 256 kB chunk's tree takes ~12 MB,
the whole tree of a 5.7 MB file 257 MB."""
_TAIL = 2
"""Top-level statements left at the end of each chunk for the next one: the last ones
may be cut, or end differently once the following text is seen (a missing ``;``)."""


@cache
def _range_parser(tsx: bool) -> Parser:
    """A parser of its own for `SourceFile.node`: it parses a byte range of the file
    (``included_ranges``), so nodes keep their file positions and ``file:line`` holds."""
    return Parser(_parser(tsx).language)


@dataclass(frozen=True)
class Span:
    """Where a node sits in its file, enough to parse it again alone."""

    start_byte: int
    end_byte: int
    start_point: Point
    end_point: Point
    type: str

    @classmethod
    def of(cls, node: Node) -> Span:
        return cls(node.start_byte, node.end_byte, node.start_point, node.end_point, node.type)

    def range(self) -> Range:
        return Range(self.start_point, self.end_point, self.start_byte, self.end_byte)


class SourceFile:
    """One TypeScript file, read a top-level statement at a time.

    No syntax tree of a file larger than a chunk is kept: `statements` parses it a
    chunk at a time for the index, and `node` parses one statement (or function)
    again when it is evaluated; the tree goes when its nodes are no longer used. A
    file that fits one chunk keeps its tree (at most ~12 MB: most schema files, read
    with one parse). A file with a syntax error is parsed whole and that tree kept, as
    the reader always did, so its error recovery and findings are tree-sitter's for
    the whole file.
    """

    def __init__(self, path: Path, display: str, data: bytes, *, tsx: bool = False) -> None:
        self.path = path
        self.display = display
        self.data = data
        self.tsx = tsx
        self._whole: Node | None = None
        self._recent: dict[tuple[int, int], Node] = {}
        """The last few ranges parsed by `node`: a helper called once per table is
        parsed once, not once per call."""
        self._chunks: list[tuple[Node, int, int]] = []
        """The last chunks `statements` parsed: (root, start, end of the statements it
        gave), where `node` finds a statement read as it is indexed (see `Module`)."""
        self._lines: dict[int, str] = {}
        """``file:line`` by row: every call and member read is given its place (a
        3,000-table file asks 357,000 times for 138,000 lines)."""

    def where(self, node: Node) -> str:
        row = node.start_point.row
        line = self._lines.get(row)
        if line is None:
            line = self._lines[row] = f"{self.display}:{row + 1}"
        return line

    @property
    def keeps_tree(self) -> bool:
        """Whether the whole file's tree is kept (it fits one chunk, or has a syntax error)."""
        return self._whole is not None

    def statements(self, chunk: int | None = None) -> Iterator[Node | None]:
        """The file's top-level statements, in order, each valid until the next is asked for.

        ``None`` means: forget the statements given so far, the whole file's follow
        (a syntax error was found: see the class). When tree-sitter gives up on the whole
        file, its ERROR root comes first, then its children."""
        chunk = chunk or _CHUNK
        data, start, point, size = self.data, 0, Point(0, 0), chunk
        while start < len(data):
            end = _line_start(data, start + size)
            root = self._parse(Range(point, _point_at(data, start, point, end), start, end))
            last = end == len(data)
            children = root.named_children
            kept = children if last else children[: max(0, len(children) - _TAIL)]
            cut = kept[-1].end_byte if kept else start
            broken = root.type == "ERROR" or (
                root.has_error
                if last
                else any(c.has_error for c in root.children if c.start_byte < cut)
            )
            if not last and (broken or not kept):
                size *= 2  # a statement longer than the chunk, or an error to confirm
                continue
            if broken:
                yield None
                yield from self._whole_statements()
                return
            if last and start == 0:
                self._whole = root  # the file fits one chunk: no need to parse it again
            else:
                self._chunks = [*self._chunks[-1:], (root, start, cut)]
            yield from kept
            if last:
                self._chunks = []  # the file is indexed: its chunks' trees may go
                return
            following = children[len(kept)]
            start, point, size = following.start_byte, following.start_point, chunk

    def _whole_statements(self) -> Iterator[Node]:
        root = self._whole = _parser(self.tsx).parse(self.data).root_node
        self._chunks = []
        if root.type == "ERROR":
            yield root
        yield from root.named_children

    def node(self, span: Span, *parsed: Span) -> Node:
        """The node at ``span``, parsed again from the file: inside each of ``parsed`` in
        turn (a function alone, then inside its statement: a method alone reads as a
        call), else inside the whole file."""
        if self._whole is None:
            for root, start, end in reversed(self._chunks):
                if start <= span.start_byte and span.end_byte <= end:
                    found = _find(root, span)
                    if found is not None:
                        return found
            for where in parsed:
                found = _find(self._parse_cached(where), span)
                if found is not None:
                    return found
            self._whole = _parser(self.tsx).parse(self.data).root_node
        found = _find(self._whole, span)
        if found is None:  # cannot happen: spans come from this file's own trees
            raise DrizzleError("syntax tree changed while reading", where=self.display)
        return found

    def _parse_cached(self, span: Span) -> Node:
        key = (span.start_byte, span.end_byte)
        root = self._recent.pop(key, None)
        if root is None:
            root = self._parse(span.range())
            if len(self._recent) >= 4:
                del self._recent[next(iter(self._recent))]
        self._recent[key] = root
        return root

    def _parse(self, where: Range) -> Node:
        parser = _range_parser(self.tsx)
        parser.included_ranges = [where]
        return parser.parse(self.data).root_node


def _find(root: Node, span: Span) -> Node | None:
    """The node of ``root`` with ``span``'s bytes and type, parsed without error."""
    node: Node | None = root.descendant_for_byte_range(span.start_byte, span.end_byte)
    while (
        node is not None and node.start_byte == span.start_byte and node.end_byte == span.end_byte
    ):
        if node.type == span.type:
            return None if node.has_error else node
        node = node.parent
    return None


def _line_start(data: bytes, offset: int) -> int:
    """The start of the first line at or after ``offset`` that starts at column 0 with
    code (not a closing bracket), else ``offset``: a chunk that ends where a statement
    likely starts needs no error recovery, which doubles tree-sitter's time. Only a
    guess at speed: the chunk's last statements are parsed again anyway."""
    if offset >= len(data):
        return len(data)
    line = data.find(b"\n", offset)
    while 0 <= line < offset + _LINE_SEARCH:
        if data[line + 1 : line + 2] not in _NOT_A_START:
            return line + 1
        line = data.find(b"\n", line + 1)
    return offset


_LINE_SEARCH = 1 << 14
_NOT_A_START = {b"", b" ", b"\t", b"\r", b"\n", b"}", b")", b"]"}


def _point_at(data: bytes, start: int, point: Point, end: int) -> Point:
    """The row and (byte) column of offset ``end``, counting from ``start`` at ``point``."""
    newline = data.rfind(b"\n", start, end)
    if newline < 0:
        return Point(point.row, point.column + end - start)
    return Point(point.row + data.count(b"\n", start, end), end - newline - 1)


def parse_file(path: Path) -> SourceFile:
    """Read ``path``; unreadable files raise `DrizzleError`, syntax errors do not (see `broken`)."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise DrizzleError(
            f"cannot read file: {error.strerror}", where=display_path(path)
        ) from None
    return SourceFile(path, display_path(path), data, tsx=path.suffix == ".tsx")


def parse_bytes(data: bytes, *, tsx: bool = False) -> Node:
    return _parser(tsx).parse(data).root_node


def text(node: Node) -> str:
    return (node.text or b"").decode("utf-8", "replace")


def first_error(node: Node) -> Node | None:
    """The first ERROR or MISSING node under ``node`` (``None`` when it parsed cleanly)."""
    if not node.has_error:
        return None
    # Iterative, depth first: a file of ten thousand unclosed brackets nests that deep.
    pending = [node]
    while pending:
        current = pending.pop()
        if current.type == "ERROR" or current.is_missing:
            return current
        pending.extend(reversed([c for c in current.children if c.has_error or c.is_missing]))
    return node


def named(node: Node) -> list[Node]:
    """Named children without comments (comments may sit anywhere in TypeScript)."""
    return [child for child in node.named_children if child.type != "comment"]


def is_node_modules(path: Path) -> bool:
    return "node_modules" in path.parts or os.path.basename(path).endswith(".d.ts")


def is_file(path: Path) -> bool:
    """``path.is_file()``, but False for names the OS refuses (too long, NUL bytes):
    import specifiers and config paths are text from the file being read."""
    try:
        return path.is_file()
    except (OSError, ValueError):
        return False


def is_dir(path: Path) -> bool:
    """``path.is_dir()``, False for names the OS refuses (see `is_file`)."""
    try:
        return path.is_dir()
    except (OSError, ValueError):
        return False
