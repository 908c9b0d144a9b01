"""Type names: the aliases the grammar accepts and ``format_type``'s spelling.

Sources spell one type several ways: the SQL grammar turns ``int``, ``integer``
and ``int4`` into the same ``pg_type`` row (``int4``), and ``format_type``
prints it ``integer``. `spelled` maps any of those words to the printed form;
`format_type_name` does it for a ``pg_type.typname``. Type modifiers, array
brackets and time zones are left to the callers, which know their syntax.
"""

from __future__ import annotations

from schema_catalog.pg.quoting import quote_ident

FORMAT_TYPE_NAMES: dict[str, str] = {
    "bit": "bit",
    "bool": "boolean",
    "bpchar": "character",
    "char": '"char"',
    "float4": "real",
    "float8": "double precision",
    "int2": "smallint",
    "int4": "integer",
    "int8": "bigint",
    "interval": "interval",
    "json": "json",
    "numeric": "numeric",
    "time": "time without time zone",
    "timetz": "time with time zone",
    "timestamp": "timestamp without time zone",
    "timestamptz": "timestamp with time zone",
    "varbit": "bit varying",
    "varchar": "character varying",
}
"""Types ``format_type.c`` spells itself (never quoted, though ``json`` and
``interval`` are keywords); every other ``typname`` is printed as `quote_ident` quotes it."""

GRAMMAR_NAMES: dict[str, str] = {
    "bigint": "int8",
    "bit varying": "varbit",
    "boolean": "bool",
    "char": "bpchar",
    "character": "bpchar",
    "character varying": "varchar",
    "dec": "numeric",
    "decimal": "numeric",
    "double precision": "float8",
    "float": "float8",
    "int": "int4",
    "integer": "int4",
    "real": "float4",
    "smallint": "int2",
    "time with time zone": "timetz",
    "time without time zone": "time",
    "timestamp with time zone": "timestamptz",
    "timestamp without time zone": "timestamp",
}
"""SQL words the grammar (``gram.y``) turns into another ``typname``."""

SERIALS: dict[str, str] = {
    "smallserial": "int2",
    "serial2": "int2",
    "serial": "int4",
    "serial4": "int4",
    "bigserial": "int8",
    "serial8": "int8",
}
"""Column pseudo-types: an integer column with a sequence default."""


def format_type_name(typname: str) -> str:
    """How ``format_type`` prints the built-in type ``typname`` (no modifiers)."""
    return FORMAT_TYPE_NAMES.get(typname) or quote_ident(typname)


def spelled(word: str) -> str:
    """A type as a user writes it (``int``, ``timestamptz``, ``varchar``) in
    ``format_type``'s words (``integer``, ...); serials become their integer type.
    Words that are no built-in alias come back unchanged."""
    internal = SERIALS.get(word) or GRAMMAR_NAMES.get(word, word)
    return FORMAT_TYPE_NAMES.get(internal, internal)
