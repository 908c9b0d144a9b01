"""TypeScript parsing for the Drizzle source: tree-sitter, never regular expressions.

Owns turning a file into a syntax tree, telling where a node sits (``file:line``)
and finding the statements tree-sitter could not parse, so the reader can skip
them with a finding instead of guessing.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import tree_sitter_typescript
from tree_sitter import Language, Node, Parser

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


@dataclass(frozen=True, eq=False)
class SourceFile:
    """One parsed TypeScript file."""

    path: Path
    display: str
    root: Node

    def where(self, node: Node) -> str:
        return f"{self.display}:{node.start_point.row + 1}"


def parse_file(path: Path) -> SourceFile:
    """Parse ``path``; unreadable files raise `DrizzleError`, syntax errors do not (see `broken`)."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise DrizzleError(
            f"cannot read file: {error.strerror}", where=display_path(path)
        ) from None
    return SourceFile(path, display_path(path), parse_bytes(data, tsx=path.suffix == ".tsx"))


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
