"""Compact catalogs for analysis tests: small dicts in, validated `model.Catalog` out.

A table is written as it reads in a review::

    {name: books, columns: {id: uuid pk, organization_id: uuid not null},
     fks: ["organization_id -> organizations(id)"], indexes: [organization_id],
     rls: true, grants: ["anon SELECT"], policies: [{name: p, using: "true"}]}

``pk`` marks primary-key columns (NOT NULL), ``not null`` a required column;
every other key is a `model.Table` field and passes through unchanged.
"""

from __future__ import annotations

import re
from typing import Any

from schema_catalog.model import Catalog


def table(spec: dict[str, Any]) -> dict[str, Any]:
    spec = dict(spec)
    schema = spec.pop("schema", "public")
    name = spec["name"]
    columns, pk = _columns(spec.pop("columns", {}))
    out: dict[str, Any] = {"schema": schema, **spec, "columns": columns}
    if pk and "primary_key" not in out:
        out["primary_key"] = {"name": f"{name}_pkey", "columns": pk}
    out["foreign_keys"] = [_fk(name, schema, fk) for fk in spec.pop("fks", [])] + out.pop(
        "foreign_keys", []
    )
    out.pop("fks", None)
    out["indexes"] = [_index(name, i) for i in out.pop("indexes", [])]
    if "rls" in out:
        out["rls_enabled"] = out.pop("rls")
    out["grants"] = [_grant(g) for g in out.pop("grants", [])]
    out.setdefault("presence", {"database": True})
    return out


def _columns(spec: dict[str, str] | list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[str]]:
    if isinstance(spec, list):  # full column dicts
        return spec, [c["name"] for c in spec if c.get("primary_key")]
    columns, pk = [], []
    for name, text in spec.items():
        words = text.split()
        is_pk = "pk" in words
        not_null = is_pk or "not null" in text
        type_ = " ".join(w for w in text.replace("not null", "").split() if w != "pk")
        columns.append(
            {"name": name, "type": type_, "nullable": not not_null, "primary_key": is_pk}
        )
        if is_pk:
            pk.append(name)
    return columns, pk


def _fk(table: str, schema: str, text: str | dict[str, Any]) -> dict[str, Any]:
    if isinstance(text, dict):
        return text
    match = re.fullmatch(r"([\w, ]+?)\s*->\s*(?:(\w+)\.)?(\w+)\(([\w, ]+)\)", text.strip())
    assert match, f"bad fk shorthand: {text}"
    cols = [c.strip() for c in match[1].split(",")]
    return {
        "name": f"{table}_{'_'.join(cols)}_fkey",
        "columns": cols,
        "ref_schema": match[2] or schema,
        "ref_table": match[3],
        "ref_columns": [c.strip() for c in match[4].split(",")],
    }


def _index(table: str, spec: str | dict[str, Any]) -> dict[str, Any]:
    if isinstance(spec, dict):
        return spec
    cols = [c.strip() for c in spec.split(",")]
    return {"name": f"{table}_{'_'.join(cols)}_idx", "columns": cols}


def _grant(text: str) -> dict[str, Any]:
    grantee, privilege, *column = text.split()
    return {"grantee": grantee, "privilege": privilege, "column": column[0] if column else None}


def catalog(spec: dict[str, Any]) -> Catalog:
    """A catalog from compact tables plus any other `Catalog` fields as given."""
    data = dict(spec)
    data["tables"] = [table(t) for t in data.get("tables", [])]
    data["source_views"] = [
        {**v, "tables": [table({**t, "presence": t.get("presence", {})}) for t in v["tables"]]}
        for v in data.get("source_views", [])
    ]
    return Catalog.model_validate(data)
