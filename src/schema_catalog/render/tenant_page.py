"""The Tenant schemas page: each group's template, the schemas that follow it, and
the drift of every schema that differs (`analysis.tenant_schemas`)."""

from __future__ import annotations

from typing import Any

from schema_catalog.model import Catalog, TenantDrift, TenantGroup
from schema_catalog.render.escape import Safe, code
from schema_catalog.render.table_page import PageLinks

PAGE = "tenant-schemas.md"


def tenant_schemas_context(catalog: Catalog, links: PageLinks) -> dict[str, Any]:
    return {"groups": [_group(g, links) for g in catalog.tenant_groups]}


def template_note(catalog: Catalog, schema: str, links: PageLinks) -> dict[str, Any] | None:
    """For the schema index page of a template: how many schemas it documents, and where."""
    group = next((g for g in catalog.tenant_groups if g.template == schema), None)
    if group is None:
        return None
    return {"schemas": len(group.members), "link": links.to(PAGE, "Tenant schemas")}


def _group(group: TenantGroup, links: PageLinks) -> dict[str, Any]:
    identical = [m.name for m in group.members if not m.drift]
    drifted = [m for m in group.members if m.drift]
    return {
        "template": group.template,
        "link": links.to(links.pages.schema(group.template), group.template),
        "tables": group.tables,
        "schemas": len(group.members),
        "identical": len(identical),
        "identical_list": Safe(", ".join(code(name) for name in identical)),
        "drifted": [
            {
                "name": m.name,
                "changes": [_drift_row(d, group.template, links) for d in m.drift],
            }
            for m in drifted
        ],
    }


def _drift_row(item: TenantDrift, template: str, links: PageLinks) -> dict[str, Any]:
    table, _, member = item.object.partition(".")
    on_page = item.what not in ("enum", "function", "type") and links.pages.table(
        f"{template}.{table}"
    )
    where = (
        links.table(
            f"{template}.{table}",
            label=item.object,
            column=member if item.what == "column" and item.change != "added" else None,
        )
        if on_page
        else code(item.object)
    )
    return {
        "change": item.change,
        "what": item.what,
        "object": where,
        "expected": item.expected,
        "found": item.found,
    }
