"""Badges: the short facts shown next to every table (kind, tenancy, RLS, migration, domains).

Computed here, once, so every page shows the same badge for the same fact, and
the same words become the page's tags (the tag pages are the facets: every table
in a domain, of a tenancy status, with RLS off, not yet applied...).
"""

from __future__ import annotations

from schema_catalog.model import Table
from schema_catalog.render import paths
from schema_catalog.render.escape import Safe, badge, link

KIND_LABELS = {
    "table": "table",
    "view": "view",
    "materialized_view": "materialized view",
    "partitioned_table": "partitioned table",
    "foreign_table": "foreign table",
}
MIGRATION_LABELS = {
    "live": "live only",
    "live_and_declared": "live and declared",
    "drizzle_only": "Drizzle only, not applied",
    "declared": "declared, not applied",
    "proposed": "proposed, not applied",
    "proposed_and_declared": "proposed and declared, not applied",
}
NOT_APPLIED = frozenset({"drizzle_only", "declared", "proposed", "proposed_and_declared"})
TENANCY_LABELS = {
    "tenant_root": "tenant root",
    "direct": "direct tenant key",
    "inherited": "inherited through a parent",
    "platform": "platform",
    "unscoped": "needs audit",
}


def not_applied(table: Table) -> bool:
    """Declared or proposed but not in the database: marked on every page."""
    return table.migration_status in NOT_APPLIED


def rls_label(table: Table) -> str:
    if table.kind in ("view", "materialized_view"):
        return "RLS n/a"
    if not table.rls_enabled:
        return "RLS off"
    return "RLS forced" if table.rls_forced else "RLS on"


def table_badges(table: Table, domains: tuple[str, ...], page: str, pages: paths.PagePaths) -> Safe:
    """Every badge of a table, domain badges linking to the domain page."""
    items = [_kind_badge(table)] if table.kind != "table" else []
    status = table.tenancy.status
    items.append(badge(TENANCY_LABELS[status], f"tenancy-{status}"))
    rls = rls_label(table)
    items.append(badge(rls, rls.lower().replace("/", "")))
    if table.migration_status:
        # One badge says both where the table comes from and that it is not applied.
        label = MIGRATION_LABELS[table.migration_status]
        if not_applied(table):
            items.append(badge(label, "not-applied", "not in the database yet"))
        else:
            items.append(badge(label, f"migration-{table.migration_status}"))
    items += [_domain_badge(name, page, pages) for name in domains]
    return Safe(" ".join(items))


def _kind_badge(table: Table) -> Safe:
    return badge(KIND_LABELS[table.kind], f"kind-{table.kind}")


def _domain_badge(name: str, page: str, pages: paths.PagePaths) -> Safe:
    target = pages.domain(name)
    pill = badge(name, "domain")
    return link(pill, paths.relative(page, target)) if target else pill


def table_tags(table: Table, domains: tuple[str, ...]) -> list[str]:
    """Material tags: the facets a reader filters tables by."""
    tags = [f"domain: {name}" for name in domains]
    tags.append(f"tenancy: {table.tenancy.status}")
    tags.append(rls_label(table))
    if table.migration_status:
        tags.append(f"migration: {MIGRATION_LABELS[table.migration_status]}")
    return tags
