"""drizzle-orm's ``casing`` of object keys, and drizzle-kit's patch of the names it
derives when a casing is configured.

drizzle-kit derives names from drizzle-orm's column names (the explicit name, else
the object key) and, when a casing is configured, patches the derived name by
replacing each original column name with its cased form (first occurrence, one
column after another): we reproduce that literally, quirks included. The names
themselves, and PostgreSQL's 63-byte clip, live in `schema_catalog.pg`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from schema_catalog.pg.clip import clip
from schema_catalog.pg.names import make_object_name

# drizzle-orm's own word splitter (casing.ts); it works on identifiers, not on TypeScript.
_WORDS = re.compile(r"[\da-z]+|[A-Z]+(?![a-z])|[A-Z][\da-z]+")


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


# --------------------------------------------------------------------------- kit 1.0

_HASH_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


def kit1_hash(text: str, length: int = 12) -> str:
    """drizzle-kit 1.0's ``hash`` (dialects/common.ts): a polynomial hash of the code
    points, base 53, modulo 62**length, written in ``length`` base-62 digits."""
    modulus = len(_HASH_DIGITS) ** length
    value, power = 0, 1
    for char in text:
        value = (value + ord(char) * power) % modulus
        power = power * 53 % modulus
    digits = []
    for _ in range(length):
        value, digit = divmod(value, len(_HASH_DIGITS))
        digits.append(_HASH_DIGITS[digit])
    return "".join(reversed(digits))


def kit1_foreign_key(table: str, columns: Sequence[str], table_to: str, to: Sequence[str]) -> str:
    """drizzle-kit 1.0's default foreign-key name: PostgreSQL's ``_fkey`` form, or, past
    63 characters (JavaScript's string length), a hash of it after the table name
    (after nothing when the table name alone is 45 characters or more)."""
    desired = f"{table}_{'_'.join(columns)}_{table_to}_{'_'.join(to)}_fkey"
    if _js_length(desired) <= 63:
        return desired
    return (
        f"{table}_{kit1_hash(desired)}_fkey"
        if _js_length(table) < 45
        else f"{kit1_hash(desired)}_fkey"
    )


def _js_length(text: str) -> int:
    """A JavaScript string's ``length``: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def kit1_unique(table: str, columns: Sequence[str], name: str | None = None) -> str:
    """The name PostgreSQL stores for a unique constraint drizzle-kit 1.0 creates.

    Kit 1.0 writes an unnamed one-column unique inline (``"col" text UNIQUE``), so
    the server names it (``<table>_<col>_key``, parts clipped to fit 63 bytes);
    any other it sends as ``CONSTRAINT "<name>"`` (kit's ``<table>_<cols>_key``), which
    the server clips at 63 bytes."""
    if name is None and len(columns) == 1:
        return make_object_name(clip(table), clip(columns[0]), "key")
    return clip(name or f"{table}_{'_'.join(columns)}_key")


def kit1_primary_key(table: str, columns: Sequence[str], name: str) -> str:
    """The name PostgreSQL stores for a primary key drizzle-kit 1.0 creates: a
    one-column key under kit's default name is written inline and named by the server."""
    if len(columns) == 1 and name == f"{table}_pkey":
        return make_object_name(clip(table), None, "pkey")
    return clip(name)
