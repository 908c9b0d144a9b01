"""Column types from a migration, spelled as PostgreSQL's ``format_type`` spells them.

The parser hands us a ``TypeName`` in the user's words (``int``, ``varchar(255)``,
``timestamptz``, ``serial``, ``status[]``); the live catalog shows the server's
words (``integer``, ``character varying(255)``, ``timestamp with time zone``).
`SqlType` keeps the resolved type; `SqlType.display` is the ``format_type`` text.

User-defined types (enums and anything we do not know) are printed
schema-qualified, as ``format_type`` prints a type that is not visible on the
``search_path`` -- the live source reads with ``search_path = pg_catalog``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from schema_catalog.pg import types as pg_types

# Types whose name is already their format_type spelling.
_SAME_NAMES = frozenset(
    [
        "text",
        "numeric",
        "date",
        "interval",
        "uuid",
        "json",
        "jsonb",
        "bytea",
        "inet",
        "cidr",
        "macaddr",
        "macaddr8",
        "money",
        "bit",
        "tsvector",
        "tsquery",
        "xml",
        "oid",
        "regclass",
        "name",
        "point",
        "line",
        "lseg",
        "box",
        "path",
        "polygon",
        "circle",
        "int4range",
        "int8range",
        "numrange",
        "tsrange",
        "tstzrange",
        "daterange",
        "txid_snapshot",
        "pg_lsn",
    ]
)
# serial pseudo-types: the real column type they stand for.
SERIALS: dict[str, str] = {word: pg_types.spelled(word) for word in pg_types.SERIALS}

_INTERVAL_FIELDS: dict[int, str] = {
    1 << 2: "year",
    1 << 1: "month",
    1 << 3: "day",
    1 << 10: "hour",
    1 << 11: "minute",
    1 << 12: "second",
    (1 << 2) | (1 << 1): "year to month",
    (1 << 3) | (1 << 10): "day to hour",
    (1 << 3) | (1 << 10) | (1 << 11): "day to minute",
    (1 << 3) | (1 << 10) | (1 << 11) | (1 << 12): "day to second",
    (1 << 10) | (1 << 11): "hour to minute",
    (1 << 10) | (1 << 11) | (1 << 12): "hour to second",
    (1 << 11) | (1 << 12): "minute to second",
}
_INTERVAL_FULL_RANGE = 0x7FFF


@dataclass(frozen=True)
class SqlType:
    """A resolved column type: ``name`` is the format_type base name."""

    name: str
    mods: tuple[int, ...] = ()
    array: bool = False
    schema: str | None = None
    """Set for user-defined types (enums, extension types)."""
    enum: bool = False

    @property
    def display(self) -> str:
        """The type as ``format_type(atttypid, atttypmod)`` prints it."""
        base = self.qualified_name + _typmod_text(self.name, self.mods)
        if (
            self.name in ("timestamp without time zone", "timestamp with time zone") and self.mods
        ) or (self.name in ("time without time zone", "time with time zone") and self.mods):
            word, zone = self.name.split(" ", 1)
            base = f"{word}({self.mods[0]}) {zone}"
        return base + ("[]" if self.array else "")

    @property
    def qualified_name(self) -> str:
        return f"{self.schema}.{self.name}" if self.schema else self.name

    @property
    def element(self) -> SqlType:
        return replace(self, array=False)

    def as_array(self) -> SqlType:
        return replace(self, array=True)

    def without_mods(self) -> SqlType:
        return replace(self, mods=())


def _typmod_text(name: str, mods: tuple[int, ...]) -> str:
    if not mods or name.startswith(("timestamp", "time ")):
        return ""
    if name == "numeric":
        return f"({mods[0]},{mods[1] if len(mods) > 1 else 0})"
    if name == "interval":
        fields = _INTERVAL_FIELDS.get(mods[0], "") if mods[0] != _INTERVAL_FULL_RANGE else ""
        precision = f"({mods[1]})" if len(mods) > 1 else ""
        return (f" {fields}" if fields else "") + precision
    return "(" + ",".join(str(m) for m in mods) + ")"


TEXT = SqlType("text")
INTEGER = SqlType("integer")
BIGINT = SqlType("bigint")
NUMERIC = SqlType("numeric")
BOOLEAN = SqlType("boolean")
UNKNOWN = SqlType("unknown")
UUID = SqlType("uuid")
JSONB = SqlType("jsonb")
TIMESTAMPTZ = SqlType("timestamp with time zone")
REGCLASS = SqlType("regclass")


def builtin(name: str) -> SqlType | None:
    """The built-in type called ``name`` (internal or SQL spelling), if there is one.

    The parser hands over internal names (``int4``, ``bpchar``, and ``char`` for
    the one-byte ``"char"``), so those win over the SQL words of the same spelling.
    """
    if name in pg_types.FORMAT_TYPE_NAMES:
        return SqlType(pg_types.FORMAT_TYPE_NAMES[name])
    if name in pg_types.GRAMMAR_NAMES:
        return SqlType(pg_types.spelled(name))
    if name in _SAME_NAMES:
        return SqlType(name)
    return None


def type_name_parts(node: Any) -> tuple[str | None, str]:
    """(schema or None, name) of a TypeName as written."""
    names = [n.sval for n in node.names]
    return (names[-2] if len(names) > 1 else None), names[-1]


def typmods(node: Any) -> tuple[int, ...]:
    """Integer type modifiers (``varchar(255)`` → ``(255,)``); ``char`` alone is ``(1,)``."""
    values: list[int] = []
    for mod in node.typmods or ():
        value = getattr(getattr(mod, "val", None), "ival", None)
        if isinstance(value, int):
            values.append(value)
    return tuple(values)


def is_array(node: Any) -> bool:
    return bool(node.arrayBounds)
