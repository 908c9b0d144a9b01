"""drizzle-kit 1.0 snapshots (``version: "8"``, a flat ``ddl[]``) → the version 7 shape.

Kit 1.0 writes one folder per migration (``<timestamp>_<name>/migration.sql`` and
``snapshot.json``) instead of ``meta/NNNN_snapshot.json``, and lists every entity
once in ``ddl[]`` with its ``entityType`` and owning ``schema``/``table``. `to_v7`
regroups those entries into version 7's tables, enums, views and roles, so one
converter (`kit_snapshot.catalog_from_kit`) reads both. Kit 1.0 names every
primary key (``<table>_pkey``) and marks primary-key columns NOT NULL itself.
"""

from __future__ import annotations

from typing import Any

from schema_catalog.sources.drizzle.names import kit1_primary_key, kit1_unique

Entry = dict[str, Any]


def to_v7(data: dict[str, Any]) -> dict[str, Any]:
    """The version 7 snapshot holding what a version 8 ``ddl[]`` lists."""
    entries: list[Entry] = [e for e in data.get("ddl") or [] if isinstance(e, dict)]
    tables: dict[str, Entry] = {}
    for entry in (e for e in entries if e["entityType"] == "tables"):
        tables[_key(entry["schema"], entry["name"])] = _table(entry)
    for entry in entries:
        kind = entry["entityType"]
        if kind in _PARTS:
            part, convert = _PARTS[kind]
            table = tables[_key(entry["schema"], entry["table"])]
            table[part][entry["name"]] = convert(entry)
    return {
        "version": "7",
        "dialect": "postgresql",
        "tables": tables,
        "enums": {
            _key(e["schema"], e["name"]): {
                "name": e["name"],
                "schema": e["schema"],
                "values": e["values"],
            }
            for e in entries
            if e["entityType"] == "enums"
        },
        "views": {
            _key(e["schema"], e["name"]): {
                "name": e["name"],
                "schema": e["schema"],
                "definition": e.get("definition"),
                "materialized": bool(e.get("materialized")),
            }
            for e in entries
            if e["entityType"] == "views"
        },
        "roles": {e["name"]: {"name": e["name"]} for e in entries if e["entityType"] == "roles"},
    }


def _key(schema: str, name: str) -> str:
    return f"{schema}.{name}"


def _table(entry: Entry) -> Entry:
    return empty_v7_table(entry["name"], entry["schema"], bool(entry.get("isRlsEnabled")))


def empty_v7_table(name: str, schema: str, rls: bool) -> Entry:
    """A drizzle-kit version-7 table entry with no columns or constraints yet: the
    one shape both kit 1.0's ``ddl[]`` and our own reading of the .ts files fill in."""
    return {
        "name": name,
        "schema": "" if schema == "public" else schema,
        "columns": {},
        "indexes": {},
        "foreignKeys": {},
        "compositePrimaryKeys": {},
        "uniqueConstraints": {},
        "policies": {},
        "checkConstraints": {},
        "isRLSEnabled": rls,
    }


def _column(entry: Entry) -> Entry:
    column: Entry = {
        "name": entry["name"],
        "type": str(entry["type"]) + "[]" * int(entry.get("dimensions") or 0),
        "primaryKey": False,
        "notNull": bool(entry.get("notNull")),
    }
    for key in ("typeSchema", "default", "generated", "identity"):
        if entry.get(key) is not None:
            column[key] = entry[key]
    return column


def _index(entry: Entry) -> Entry:
    return {
        "name": entry["name"],
        "columns": [
            {
                "expression": c["value"],
                "isExpression": bool(c.get("isExpression")),
                "asc": c.get("asc", True),
                "nulls": "first" if c.get("nullsFirst") else "last",
            }
            for c in entry["columns"]
        ],
        "isUnique": bool(entry.get("isUnique")),
        "method": entry.get("method") or "btree",
        "where": entry.get("where"),
    }


def _pk_name(entry: Entry) -> str:
    """The stored name: kit writes a default-named one-column key inline, unnamed."""
    if entry.get("nameExplicit"):
        return str(entry["name"])
    return kit1_primary_key(entry["table"], entry["columns"], entry["name"])


def _unique_name(entry: Entry) -> str:
    """The stored name: kit writes an unnamed one-column unique inline, unnamed."""
    explicit = entry["name"] if entry.get("nameExplicit") else None
    if explicit is None and len(entry["columns"]) != 1:
        explicit = entry["name"]
    return kit1_unique(entry["table"], entry["columns"], explicit)


def _foreign_key(entry: Entry) -> Entry:
    key: Entry = {
        "name": entry["name"],
        "tableFrom": entry["table"],
        "tableTo": entry["tableTo"],
        "columnsFrom": entry["columns"],
        "columnsTo": entry["columnsTo"],
        "onDelete": str(entry.get("onDelete") or "no action").lower(),
        "onUpdate": str(entry.get("onUpdate") or "no action").lower(),
    }
    if entry.get("schemaTo") not in (None, "public"):
        key["schemaTo"] = entry["schemaTo"]
    return key


_PARTS = {
    "columns": ("columns", _column),
    "indexes": ("indexes", _index),
    "fks": ("foreignKeys", _foreign_key),
    "pks": ("compositePrimaryKeys", lambda e: {"name": _pk_name(e), "columns": e["columns"]}),
    "uniques": (
        "uniqueConstraints",
        lambda e: {
            "name": _unique_name(e),
            "columns": e["columns"],
            "nullsNotDistinct": bool(e.get("nullsNotDistinct")),
        },
    ),
    "checks": ("checkConstraints", lambda e: {"name": e["name"], "value": e["value"]}),
    "policies": (
        "policies",
        lambda e: {
            "name": e["name"],
            "as": e.get("as"),
            "for": e.get("for"),
            "to": e.get("roles"),
            "using": e.get("using"),
            "withCheck": e.get("withCheck"),
        },
    ),
}
