"""The Tables index (one sortable, filterable table) and the Tags page (its facets, counted).

Both come from the same rows, so a count on the Tags page is the number of rows
its link shows on the index. The index is a plain Markdown table (it reads
without JavaScript); the site's script (``schema-catalog.js``) adds sorting and
the facet filters to it. A Tags link presets a facet through the page's hash
(``tables/#domain-books``): the index carries an anchor per facet value that
names the facet and the value, so the script never has to re-derive a slug.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

from schema_catalog.analysis import stats
from schema_catalog.model import Table
from schema_catalog.render import badges, paths
from schema_catalog.render.escape import Safe, facet_anchor, link

if TYPE_CHECKING:
    from schema_catalog.render.table_page import PageLinks

INDEX_PAGE = "tables/index.md"
FACETS = ("Domain", "Kind", "Tenancy", "RLS", "Status")
"""The index columns a reader filters by (headers the site's script knows)."""
NO_DOMAIN = "(none)"
TENANCY = {
    "tenant_root": "tenant root",
    "direct": "direct",
    "inherited": "inherited",
    "platform": "platform",
    "unscoped": "needs audit",
}
"""Tenancy in a word or two (`badges.TENANCY_LABELS` in full), so a row stays one line."""


def status(table: Table) -> str:
    """Where the table stands: live, Drizzle only, declared only, proposed."""
    if "database" in table.presence:
        return "live"
    if table.migration_status == "drizzle_only":
        return "Drizzle only"
    if table.migration_status in ("proposed", "proposed_and_declared"):
        return "proposed"
    if table.migration_status == "declared":
        return "declared only"
    return "unknown"


def tenancy(table: Table) -> str:
    # Views hold no rows of their own: the tenancy of their tables is what counts.
    if table.kind not in stats.ROW_KINDS:
        return "n/a"
    return TENANCY[table.tenancy.status]


def rls(table: Table) -> str:
    return badges.rls_label(table).removeprefix("RLS ")


def facet_values(table: Table, domains: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    """The table's value (or values: a table may sit in several domains) of each facet."""
    return {
        "Domain": domains or (NO_DOMAIN,),
        "Kind": (badges.KIND_LABELS[table.kind],),
        "Tenancy": (tenancy(table),),
        "RLS": (rls(table),),
        "Status": (status(table),),
    }


def _findings_cell(table: Table, links: PageLinks) -> Safe | int:
    count = len(links.lookup.findings(table.qualified_name))
    target = links.pages.table(table.qualified_name)
    if not count or target is None:
        return count
    return link(str(count), paths.relative(links.page, target, "findings"))


def index_row(table: Table, links: PageLinks, qualified: bool) -> dict[str, Any]:
    domains = links.lookup.domains_of.get(table.qualified_name, ())
    facets = facet_values(table, domains)
    label = table.qualified_name if qualified else table.name
    return {
        "link": links.table(table.qualified_name, label=label),
        "domains": Safe(", ".join(links.domain(d) for d in domains)) if domains else NO_DOMAIN,
        **{name.lower(): ", ".join(values) for name, values in facets.items() if name != "Domain"},
        "columns": len(table.columns),
        "rows": table.estimated_rows if table.estimated_rows is not None else "",
        "findings": _findings_cell(table, links),
    }


def facet_counts(tables: tuple[Table, ...], links: PageLinks) -> dict[str, Counter[str]]:
    """How many tables hold each value of each facet."""
    counts: dict[str, Counter[str]] = {name: Counter() for name in FACETS}
    for table in tables:
        domains = links.lookup.domains_of.get(table.qualified_name, ())
        for name, values in facet_values(table, domains).items():
            counts[name].update(values)
    return counts


def facet_ids(counts: dict[str, Counter[str]]) -> dict[tuple[str, str], str]:
    """The index's anchor for each facet value (``domain-books``): readable, and unique."""
    return {
        (facet, value): f"{facet.lower()}-{slug}"
        for facet, values in counts.items()
        for value, slug in paths.readable_slugs(values).items()
    }


def tables_index_context(tables: tuple[Table, ...], links: PageLinks) -> dict[str, Any]:
    ordered = sorted(tables, key=lambda t: t.qualified_name)
    ids = facet_ids(facet_counts(tables, links))
    qualified = len({t.schema for t in tables}) > 1  # one schema: names say it all
    return {
        "rows": [index_row(t, links, qualified) for t in ordered],
        "total": len(tables),
        "views": sum(1 for t in tables if t.kind not in stats.ROW_KINDS),
        "anchors": Safe("".join(facet_anchor(i, *key) for key, i in sorted(ids.items()))),
    }


def tags_context(tables: tuple[Table, ...], links: PageLinks) -> dict[str, Any]:
    """Each facet's values with their table counts, linking to the index filtered by them."""
    counts = facet_counts(tables, links)
    ids = facet_ids(counts)
    facets = []
    for facet in FACETS:
        values = [
            {
                "link": link(value, paths.relative(links.page, INDEX_PAGE, ids[facet, value])),
                "count": count,
            }
            for value, count in sorted(counts[facet].items(), key=lambda kv: (-kv[1], kv[0]))
        ]
        if values:
            facets.append({"name": facet, "entries": values})
    return {"facets": facets, "total": len(tables)}
