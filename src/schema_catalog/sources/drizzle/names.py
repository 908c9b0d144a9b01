"""Names: drizzle-kit's default constraint and index names, PostgreSQL's own names
(``<table>_pkey``, serial sequences), identifier truncation and quoting, and
drizzle-orm's ``casing`` conversion of object keys.

drizzle-kit derives names from drizzle-orm's column names (the explicit name, else
the object key) and, when a casing is configured, patches the derived name by
replacing each original column name with its cased form (first occurrence, one
column after another): we reproduce that literally, quirks included.
PostgreSQL then truncates every identifier to 63 bytes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pglast import keywords

NAME_BYTES = 63
"""NAMEDATALEN - 1: PostgreSQL silently truncates longer identifiers."""

_QUOTE_KEYWORDS = (
    set(keywords.RESERVED_KEYWORDS)
    | set(keywords.COL_NAME_KEYWORDS)
    | set(keywords.TYPE_FUNC_NAME_KEYWORDS)
)
# drizzle-orm's own word splitter (casing.ts); it works on identifiers, not on TypeScript.
_WORDS = re.compile(r"[\da-z]+|[A-Z]+(?![a-z])|[A-Z][\da-z]+")


def truncate(name: str) -> str:
    """``name`` as PostgreSQL stores it: at most 63 bytes, cut on a character boundary."""
    data = name.encode("utf-8")
    if len(data) <= NAME_BYTES:
        return name
    return data[:NAME_BYTES].decode("utf-8", "ignore")


def make_object_name(name1: str, name2: str | None, label: str) -> str:
    """PostgreSQL's ``makeObjectName``: ``name1_name2_label`` shortened to fit 63 bytes,
    taking characters off the longer of the two names first."""
    overhead = len(label) + 1 + (1 if name2 is not None else 0)
    available = NAME_BYTES - overhead
    chars1, chars2 = len(name1.encode()), len((name2 or "").encode())
    while chars1 + chars2 > available:
        if chars1 > chars2:
            chars1 -= 1
        else:
            chars2 -= 1
    first = name1.encode()[:chars1].decode("utf-8", "ignore")
    parts = [first] + (
        [name2.encode()[:chars2].decode("utf-8", "ignore")] if name2 is not None else []
    )
    return "_".join([*parts, label])


def primary_key_name(table: str) -> str:
    return make_object_name(table, None, "pkey")


def serial_sequence(table: str, column: str) -> str:
    return make_object_name(table, column, "seq")


def quote_ident(name: str) -> str:
    """PostgreSQL's ``quote_ident``: quotes unless lower-case, simple and not a keyword."""
    simple = bool(name) and (name[0].islower() or name[0] == "_") and name.isascii()
    simple = simple and all(c.islower() or c.isdigit() or c == "_" for c in name)
    if simple and name not in _QUOTE_KEYWORDS:
        return name
    return '"' + name.replace('"', '""') + '"'


def qualified(schema: str, name: str) -> str:
    return f"{quote_ident(schema)}.{quote_ident(name)}"


# --------------------------------------------------------------------------- drizzle-kit names


def kit_foreign_key(
    table: str, columns: Sequence[str], ref_table: str, ref_columns: Sequence[str]
) -> str:
    return f"{table}_{'_'.join(columns)}_{ref_table}_{'_'.join(ref_columns)}_fk"


def kit_unique(table: str, columns: Sequence[str]) -> str:
    return f"{table}_{'_'.join(columns)}_unique"


def kit_index(table: str, columns: Sequence[str]) -> str:
    return f"{table}_{'_'.join(columns)}_index"


def kit_primary_key(table: str, columns: Sequence[str]) -> str:
    return f"{table}_{'_'.join(columns)}_pk"


def recase(name: str, originals: Sequence[str], cased: Sequence[str]) -> str:
    """drizzle-kit's patch of a derived name under a casing: ``name.replace(orig, cased)``
    for each column in turn (JavaScript replaces the first occurrence only)."""
    for original, new in zip(originals, cased, strict=True):
        name = name.replace(original, new, 1)
    return name


# --------------------------------------------------------------------------- casing


def to_snake_case(key: str) -> str:
    return "_".join(
        word.lower() for word in _WORDS.findall(key.replace("'", "").replace("\u2019", ""))
    )


def to_camel_case(key: str) -> str:
    words = _WORDS.findall(key.replace("'", "").replace("\u2019", ""))
    return "".join(w.lower() if i == 0 else w[0].upper() + w[1:] for i, w in enumerate(words))


def apply_casing(key: str, casing: str | None) -> str:
    if casing == "snake_case":
        return to_snake_case(key)
    if casing == "camelCase":
        return to_camel_case(key)
    return key
