"""drizzle-kit's spellings → PostgreSQL's: types as ``format_type`` prints them and
defaults as ``pg_get_expr`` prints them (with ``search_path = pg_catalog``, as the
live source reads them, so names outside pg_catalog come schema-qualified).

Shared by the schema reader and the snapshot reader, so both views of a Drizzle
schema speak the live database's vocabulary. The rules were checked against a
real PostgreSQL 16 (see tests/test_sources_drizzle_pg.py):

- types: ``varchar(255)`` → ``character varying(255)``, ``char`` → ``character(1)``,
  ``timestamp (3)`` → ``timestamp(3) without time zone``, ``numeric(8)`` →
  ``numeric(8,0)``, ``serial`` → ``integer``, array dimensions collapse to one ``[]``;
  enums keep their bare name (the schema goes to ``Column.type_schema``).
- serial defaults: ``nextval('<schema>.<table>_<column>_seq'::regclass)``.
- literal defaults: ``'x'`` on text → ``'x'::text``, on varchar → ``'x'::character varying``,
  on an enum → ``'x'::<schema>.<enum>``; integers print bare when they fit int4 and are
  not negative, else ``'-1'::integer`` / ``'10000000000'::bigint``; decimals bare unless
  negative (``'-1.5'::numeric``).
- expressions PostgreSQL would re-deparse (operators, subqueries) are kept as written.
"""

from __future__ import annotations

import functools

from pglast import ast, parse_sql
from pglast.enums import SQLValueFunctionOp

from schema_catalog.pg import types
from schema_catalog.pg.names import sequence_name as serial_sequence
from schema_catalog.pg.quoting import qualified, quote_ident

KitDefault = str | int | float | bool | None
_INT4 = 2**31
_INT8 = 2**63
_GEOMETRY = {
    "point": "Point",
    "linestring": "LineString",
    "polygon": "Polygon",
    "multipoint": "MultiPoint",
    "multilinestring": "MultiLineString",
    "multipolygon": "MultiPolygon",
    "geometrycollection": "GeometryCollection",
}
_SQL_FUNCTIONS = {
    SQLValueFunctionOp.SVFOP_CURRENT_DATE: "CURRENT_DATE",
    SQLValueFunctionOp.SVFOP_CURRENT_TIME: "CURRENT_TIME",
    SQLValueFunctionOp.SVFOP_CURRENT_TIMESTAMP: "CURRENT_TIMESTAMP",
    SQLValueFunctionOp.SVFOP_LOCALTIME: "LOCALTIME",
    SQLValueFunctionOp.SVFOP_LOCALTIMESTAMP: "LOCALTIMESTAMP",
    SQLValueFunctionOp.SVFOP_CURRENT_USER: "CURRENT_USER",
    SQLValueFunctionOp.SVFOP_SESSION_USER: "SESSION_USER",
    SQLValueFunctionOp.SVFOP_USER: "CURRENT_USER",
}


def is_serial(kit_type: str) -> bool:
    return kit_type.split("[")[0].strip().lower() in types.SERIALS


@functools.lru_cache(maxsize=4096)  # a schema spells a few dozen types over all its columns
def pg_type(kit_type: str) -> str:
    """A drizzle-kit column type in ``format_type`` spelling."""
    base, bracket, _ = kit_type.partition("[")
    spelled = _base_type(base.strip())
    return f"{spelled}[]" if bracket else spelled


def _base_type(kit: str) -> str:
    name, modifier, rest = _split_modifier(kit)
    lower = " ".join(name.lower().split())
    zone = ""
    for suffix in (" with time zone", " without time zone"):
        if (lower + " " + rest.lower()).strip().endswith(suffix.strip()) and lower.startswith(
            ("timestamp", "time")
        ):
            zone = suffix
            lower = lower.removesuffix(suffix)
    lower = types.spelled(lower)
    for spelled_zone in (" with time zone", " without time zone"):
        if lower in {f"timestamp{spelled_zone}", f"time{spelled_zone}"}:
            lower, zone = lower.split(" ")[0], zone or spelled_zone
    if lower in {"timestamp", "time"}:
        return f"{lower}{_paren(modifier)}{zone or ' without time zone'}"
    return _simple_type(name, lower, modifier, rest)


def _simple_type(name: str, lower: str, modifier: str | None, rest: str) -> str:
    if lower in {"varchar", "character varying"}:
        return f"character varying{_paren(modifier)}"
    if lower in {"char", "character", "bpchar"}:
        return f"character({modifier or '1'})"
    if lower == "numeric":
        if modifier is None:
            return "numeric"
        parts = [p.strip() for p in modifier.split(",")]
        return f"numeric({parts[0]},{parts[1] if len(parts) > 1 else '0'})"
    if lower == "bit":
        return f"bit({modifier or '1'})"
    if lower == "geometry" and modifier:
        kind, _, srid = modifier.partition(",")
        spelled = _GEOMETRY.get(kind.strip().lower(), kind.strip())
        return f"geometry({spelled}{',' + srid.strip() if srid.strip() else ''})"
    if lower.startswith("interval"):
        return f"{lower}{_paren(modifier)}{(' ' + rest) if rest else ''}"
    if lower in types.FORMAT_TYPE_NAMES.values() or lower in {
        "text",
        "uuid",
        "json",
        "jsonb",
        "date",
        "inet",
        "cidr",
    }:
        return f"{lower}{_paren(modifier)}"
    # user-defined and extension types keep their own spelling (enums are case-sensitive)
    return f"{name}{_paren(modifier)}{(' ' + rest) if rest else ''}"


def _split_modifier(kit: str) -> tuple[str, str | None, str]:
    """``'timestamp (3) with time zone'`` → ``('timestamp', '3', 'with time zone')``."""
    opening = kit.find("(")
    closing = kit.find(")", opening)
    if opening < 0 or closing < 0:
        return kit, None, ""
    name = kit[:opening].strip()
    rest = kit[closing + 1 :].strip()
    return (
        (f"{name} {rest}".strip() if rest.lower().endswith("time zone") else name),
        kit[opening + 1 : closing].strip(),
        ("" if rest.lower().endswith("time zone") else rest),
    )


def _paren(modifier: str | None) -> str:
    return f"({modifier})" if modifier else ""


def strip_modifier(spelled: str) -> str:
    """The type name a constant is labelled with: ``character varying(255)`` → ``character varying``."""
    array = spelled.endswith("[]")
    core = spelled.removesuffix("[]")
    opening, closing = core.find("("), core.find(")")
    if opening >= 0 and closing > opening:
        core = (core[:opening] + core[closing + 1 :]).strip()
    if core.startswith("interval"):
        core = "interval"
    if core == "character":
        core = "bpchar"
    return core + ("[]" if array else "")


# --------------------------------------------------------------------------- defaults


def serial_default(schema: str, table: str, column: str) -> str:
    return f"nextval('{qualified(schema, serial_sequence(table, column))}'::regclass)"


# A schema repeats a few dozen defaults (`now()`, `gen_random_uuid()`, `'{}'::jsonb`) over
# thousands of columns: parse each once. Typed, since `True` and `1` spell differently.
@functools.lru_cache(maxsize=65536, typed=True)
def pg_default(value: KitDefault, spelled_type: str, enum_schema: str | None = None) -> str | None:
    """A drizzle-kit default (snapshot JSON value or DDL text) as ``pg_get_expr`` prints it."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return _number(value)
    try:
        statements = parse_sql(f"SELECT {value}")
    except Exception:  # pglast raises its own ParseError; anything unparsable stays as written
        return value
    expression = statements[0].stmt.targetList[0].val  # type: ignore[union-attr]
    return _expression(expression, value, spelled_type, enum_schema)


def _expression(node: object, raw: str, spelled_type: str, enum_schema: str | None) -> str:
    if isinstance(node, ast.A_Const):
        constant = node.val
        if isinstance(constant, ast.String):
            return _literal(constant.sval or "", spelled_type, enum_schema)
        if isinstance(constant, ast.Boolean):
            return "true" if constant.boolval else "false"
        if isinstance(constant, ast.Integer):
            return _number(constant.ival or 0)
        if isinstance(constant, ast.Float):
            return _decimal(constant.fval or "0")
    if (
        isinstance(node, ast.TypeCast)
        and isinstance(node.arg, ast.A_Const)
        and isinstance(node.arg.val, ast.String)
    ) and node.typeName is not None:
        return f"{_quote(node.arg.val.sval or '')}::{_cast_type(node.typeName)}"
    if isinstance(node, ast.FuncCall) and not node.args and not node.agg_star:
        names = [n.sval or "" for n in node.funcname or () if isinstance(n, ast.String)]
        names = names[1:] if names[:1] == ["pg_catalog"] else names
        return ".".join(quote_ident(n) for n in names) + "()"
    if (
        isinstance(node, ast.SQLValueFunction)
        and node.op in _SQL_FUNCTIONS
        and node.typmod in (None, -1)
    ):
        return _SQL_FUNCTIONS[node.op]
    return raw


def _cast_type(type_name: ast.TypeName) -> str:
    names = [n.sval or "" for n in type_name.names or () if isinstance(n, ast.String)]
    names = names[1:] if names[:1] == ["pg_catalog"] else names
    array = "[]" if type_name.arrayBounds else ""
    modifiers = [
        str(m.val.ival)
        for m in type_name.typmods or ()
        if isinstance(m, ast.A_Const) and isinstance(m.val, ast.Integer)
    ]
    spelled = pg_type(names[-1] + (f"({','.join(modifiers)})" if modifiers else ""))
    spelled = strip_modifier(spelled)
    if len(names) > 1:
        return f"{quote_ident(names[0])}.{quote_ident(spelled)}{array}"
    return spelled + array


def _literal(text: str, spelled_type: str, enum_schema: str | None) -> str:
    """An untyped literal as PostgreSQL stores it once coerced to the column type."""
    label = strip_modifier(spelled_type)
    if enum_schema is not None:
        base = spelled_type.removesuffix("[]")
        suffix = "[]" if spelled_type.endswith("[]") else ""
        return f"{_quote(text)}::{qualified(enum_schema, base)}{suffix}"
    if label == "integer" and _is_integer(text) and -_INT4 <= int(text) < _INT4:
        return _number(int(text))
    if label == "numeric" and _is_decimal(text) and not text.startswith("-"):
        # PostgreSQL 16 prints an integral numeric literal quoted: '0'::numeric
        return text if any(c in text for c in ".eE") else f"{_quote(text)}::numeric"
    if label == "boolean" and text.lower() in {"true", "false", "t", "f"}:
        return "true" if text.lower() in {"true", "t"} else "false"
    return f"{_quote(text)}::{label}"


def _number(value: int | float) -> str:
    if isinstance(value, float):
        from schema_catalog.sources.drizzle.literals import js_number

        return _decimal(js_number(value)) if not value.is_integer() else _number(int(value))
    if 0 <= value < _INT4:
        return str(value)
    if -_INT4 <= value < 0:
        return f"'{value}'::integer"
    if -_INT8 <= value < _INT8:
        return f"'{value}'::bigint"
    return _decimal(str(value))


def _decimal(text: str) -> str:
    return f"'{text}'::numeric" if text.startswith("-") else text


def _is_integer(text: str) -> bool:
    return text.lstrip("-").isdigit()


def _is_decimal(text: str) -> bool:
    return (
        bool(text) and all(c in "0123456789+-eE." for c in text) and any(c.isdigit() for c in text)
    )


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
