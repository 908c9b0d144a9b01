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
