"""`analyze`: one pass from the facts of a snapshot to a catalog with every judgment.

Order matters and is fixed: schema-per-tenant grouping (the followers of a
template schema leave the catalog; every later pass sees one copy) → config enrichment (descriptions, owners, domains)
→ tenancy → RLS coverage → migration status and drift → lint findings → stats.
Every reader runs it on load (snapshot + catalog.yml), so judgments are never
stale. The result is a new frozen catalog; judgments are recomputed from the
facts (`Catalog.facts()`). The catalog's findings, which in a snapshot are the
sources' own reports, reach the result through their rules (`lint.sources`),
at the level catalog.yml gives them; a code no rule knows is kept as reported.
"""

from __future__ import annotations

from schema_catalog.analysis import (
    domains,
    drift,
    locations,
    rls,
    stats,
    tenancy,
    tenant_schemas,
    unique_keys,
)
from schema_catalog.analysis.lint import RULES, LintContext, run, sort_key
from schema_catalog.analysis.lint.consolidate import consolidate
from schema_catalog.analysis.lint.sources import SOURCE_RULES
from schema_catalog.config import Config, TableConfig, check_tables, match_tables
from schema_catalog.model import Catalog, SourceKind, SourceRole, Table, Tenancy


def analyze(catalog: Catalog, config: Config) -> Catalog:
    """Fill domains, tenancy, RLS coverage, drift, migration status, findings and stats."""
    catalog = catalog.facts()
    names = known_table_names(catalog)
    check_tables(config, names)
    catalog = tenant_schemas.group(catalog, config)
    membership, domain_list = domains.assign(catalog, config)
    settings = tenancy.TenancySettings.from_config(
        config, names, unique_keys.resolve(catalog, config)
    )
    statuses = tenancy.classify(catalog, settings)
    views = drift.view_index(catalog)
    roles = catalog.source_roles()
    tables = tuple(
        _enrich(
            t,
            config,
            membership[t.qualified_name],
            statuses[t.qualified_name],
            views.get(t.qualified_name, {}),
            roles,
        )
        for t in catalog.tables
    )
    result = catalog.model_copy(update={"tables": tables, "domains": domain_list})
    linted = run(LintContext(result, config, settings))
    findings = [f for f in catalog.findings if f.code not in RULES]
    findings += [f for f in linted if f.code in SOURCE_RULES]
    findings += consolidate(f for f in linted if f.code not in SOURCE_RULES)
    ordered = tuple(sorted(set(locations.locate(findings, result)), key=sort_key))
    return result.model_copy(update={"findings": ordered, "stats": stats.compute(result, ordered)})


def check_config(catalog: Catalog, config: Config) -> None:
    """What `analyze` refuses in catalog.yml, found without analysing: an entry naming a
    table, a schema or a unique key that no source has. `extract` says it at once."""
    check_tables(config, known_table_names(catalog))
    tenant_schemas.check(catalog, config)
    unique_keys.resolve(catalog, config)


def known_table_names(catalog: Catalog) -> list[str]:
    """Every table any source knows (the merged tables and each source's own view)."""
    names = {t.qualified_name for t in catalog.tables}
    names |= {t.qualified_name for view in catalog.source_views for t in view.tables}
    return sorted(names)


def _enrich(
    table: Table,
    config: Config,
    domain_names: tuple[str, ...],
    status: Tenancy,
    views: dict[SourceKind, Table],
    roles: dict[SourceKind, SourceRole],
) -> Table:
    extra = _table_config(config, table)
    return table.model_copy(
        update={
            "domains": domain_names,
            "tenancy": status,
            "rls": rls.coverage(table, status),
            "migration_status": drift.migration_status(table.presence, roles),
            "drift": drift.table_drift(table, views, roles),
            "description": extra.description if extra else table.description,
            "owner": extra.owner if extra else table.owner,
        }
    )


def _table_config(config: Config, table: Table) -> TableConfig | None:
    # A key may be `public.books`, `books` or a glob; the most specific one wins.
    for key in (table.qualified_name, table.name):
        if key in config.tables:
            return config.tables[key]
    for key in sorted(config.tables):
        if match_tables((key,), [table.qualified_name]):
            return config.tables[key]
    return None
