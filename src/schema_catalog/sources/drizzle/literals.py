"""Literal syntax → Python values: strings (with JavaScript escapes), numbers,
template chunks, JSON-like objects (tsconfig.json) and TypeScript ``enum`` bodies.

Owns only what needs no scope; the evaluator builds on it.
"""

from __future__ import annotations

from tree_sitter import Node

from schema_catalog.sources.drizzle.parse import named, text
from schema_catalog.sources.drizzle.values import Value

WRAPPERS = {
    "parenthesized_expression",
    "as_expression",
    "satisfies_expression",
    "non_null_expression",
    "type_assertion",
}
MAX_LITERAL_DEPTH = 64
_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}


def ts_enum(node: Node) -> Value:
    """A TypeScript ``enum`` as the object it compiles to (names → values, auto-numbered)."""
    body = node.child_by_field_name("body")
    result: dict[str, Value] = {}
    counter = 0
    for member in named(body) if body is not None else []:
        if member.type == "enum_assignment":
            key_node, value_node = (
                member.child_by_field_name("name"),
                member.child_by_field_name("value"),
            )
            value = literal(value_node) if value_node is not None else None
            key = (
                string_value(key_node)
                if key_node is not None and key_node.type == "string"
                else text(key_node)
                if key_node
                else ""
            )
            result[key] = value
            counter = value + 1 if isinstance(value, int) else counter
        else:
            result[text(member)] = counter
            counter += 1
    return result


def literal(node: Node, depth: int = 0) -> Value:
    """A node holding only literals (JSON-like), without any scope: tsconfig, enum members.

    Values nested deeper than `MAX_LITERAL_DEPTH` read as ``None`` (no tsconfig or enum
    member is that deep; a hostile file must not exhaust the stack)."""
    kind = node.type
    if depth > MAX_LITERAL_DEPTH:
        return None
    if kind == "string":
        return string_value(node)
    if kind == "number":
        return number(text(node))
    if kind in {"true", "false", "null"}:
        return {"true": True, "false": False, "null": None}[kind]
    if kind == "array":
        return [literal(child, depth + 1) for child in named(node)]
    if kind == "object":
        result: dict[str, Value] = {}
        for pair in (c for c in named(node) if c.type == "pair"):
            key, value = pair.child_by_field_name("key"), pair.child_by_field_name("value")
            if key is not None and value is not None:
                result[string_value(key) if key.type == "string" else text(key)] = literal(
                    value, depth + 1
                )
        return result
    if kind in WRAPPERS or kind in {"expression_statement", "unary_expression"}:
        inner = named(node)
        value = literal(inner[-1], depth + 1) if inner else None
        if (
            kind == "unary_expression"
            and isinstance(value, int | float)
            and text(node).startswith("-")
        ):
            return -value
        return value
    return None


def string_value(node: Node) -> str:
    raw = (node.text or b"").decode("utf-8", "replace")
    return unescape(raw[1:-1]) if len(raw) >= 2 else ""


def template_parts(node: Node) -> list[str | Node]:
    """The cooked text chunks and substitution nodes of a template string, in order."""
    data = node.text or b""
    base = node.start_byte
    parts: list[str | Node] = []
    cursor = base + 1  # after the opening backtick
    for child in node.named_children:
        if child.type != "template_substitution":
            continue
        parts.append(
            unescape(data[cursor - base : child.start_byte - base].decode("utf-8", "replace"))
        )
        inner = named(child)
        if inner:
            parts.append(inner[0])
        cursor = child.end_byte
    parts.append(unescape(data[cursor - base : len(data) - 1].decode("utf-8", "replace")))
    return parts


def unescape(raw: str) -> str:
    """JavaScript string escapes → characters."""
    if "\\" not in raw:  # most strings: nothing to walk character by character
        return raw
    out: list[str] = []
    index = 0
    while index < len(raw):
        char = raw[index]
        if char != "\\" or index + 1 >= len(raw):
            out.append(char)
            index += 1
            continue
        code = raw[index + 1]
        index += 2
        if code in _ESCAPES:
            out.append(_ESCAPES[code])
        elif code == "x":
            out.append(chr(int(raw[index : index + 2], 16)))
            index += 2
        elif code == "u" and raw[index : index + 1] == "{":
            end = raw.index("}", index)
            out.append(chr(int(raw[index + 1 : end], 16)))
            index = end + 1
        elif code == "u":
            out.append(chr(int(raw[index : index + 4], 16)))
            index += 4
        elif code != "\n":  # a backslash-newline continues the line
            out.append(code)
    return "".join(out)


def number(raw: str) -> int | float:
    cleaned = raw.replace("_", "").rstrip("n")
    if cleaned[:2].lower() in {"0x", "0o", "0b"}:
        return int(cleaned, 0)
    if any(c in cleaned for c in ".eE"):
        return float(cleaned)
    return int(cleaned)


def js_number(value: int | float) -> str:
    """A number as JavaScript's ``String(n)`` prints it (``1.0`` → ``1``)."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e21:
        return str(int(value))
    return repr(value) if isinstance(value, float) else str(value)
