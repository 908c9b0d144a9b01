"""Every page of the site as (template, path, context): rows, links and figures computed here.

Figures come from ``catalog.stats`` (computed by analysis) or are counted here
from the catalog: a template never holds a literal figure.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from schema_catalog.analysis import stats
from schema_catalog.analysis.lint import rules_as_markdown
from schema_catalog.config import Config, match_tables
from schema_catalog.model import SEVERITY_ORDER, Catalog, Count, Finding, Table
from schema_catalog.pg import pretty
from schema_catalog.render import badges, paths
from schema_catalog.render.escape import Safe, badge, fence
from schema_catalog.render.escape import code as code_
from schema_catalog.render.index_page import tables_index_context, tags_context
from schema_catalog.render.lookup import Lookup
from schema_catalog.render.mermaid import domain_diagram
from schema_catalog.render.table_page import (
    PageLinks,
    drift_rows,
    finding_rows,
    rule_link,
    table_context,
)
from schema_catalog.render.tenant_page import PAGE as TENANT_PAGE
from schema_catalog.render.tenant_page import template_note, tenant_schemas_context

if TYPE_CHECKING:
    from schema_catalog.analysis.diff import CatalogDiff

TOP_FINDINGS = 10
TABLE_SEARCH_BOOST = 3
LIST_SEARCH_BOOST = 0.3
RULE_SEARCH_BOOST = TABLE_SEARCH_BOOST
_NAME_WORDS = re.compile(r"[^\W_]+")
EXAMPLES = 3


@dataclass(frozen=True)
class Page:
    """A page to render: its context is built only when the page is rendered (a page
    whose inputs did not change is skipped before any of its rows are computed)."""

    template: str
    path: str
    build: Callable[[], dict[str, Any]]
    table: str | None = None
    """The table a table page shows (its inputs are hashed table by table)."""

    def context(self) -> dict[str, Any]:
        return self.build()


def page_paths(catalog: Catalog) -> paths.PagePaths:
    return paths.PagePaths(
        ((t.schema, t.name) for t in catalog.tables), (d.name for d in catalog.domains)
    )


def all_pages(
    catalog: Catalog,
    config: Config,
    pages: paths.PagePaths,
    changelog: CatalogDiff | None = None,
    lookup: Lookup | None = None,
) -> list[Page]:
    lookup = lookup or Lookup(catalog)
    site = {
        "title": config.site_name,
        # Material's search ranks a table's own page above the lists that mention it.
        "table_boost": TABLE_SEARCH_BOOST,
        "list_boost": LIST_SEARCH_BOOST,
        "rule_boost": RULE_SEARCH_BOOST,
    }

    def links(page: str) -> PageLinks:
        return PageLinks(lookup, pages, page)

    def page(
        template: str,
        path: str,
        build: Callable[[PageLinks], dict[str, Any]],
        table: str | None = None,
    ) -> Page:
        return Page(template, path, lambda: {"site": site, **build(links(path))}, table)

    out = [
        page("home.md.jinja", "index.md", lambda ln: home_context(catalog, ln)),
        page(
            "tables.md.jinja",
            "tables/index.md",
            lambda ln: tables_index_context(catalog.tables, ln),
        ),
        page("domains.md.jinja", "domains/index.md", domains_context),
        page("tenancy.md.jinja", "tenancy.md", lambda ln: tenancy_context(catalog, ln)),
        page("migrations.md.jinja", "migrations.md", lambda ln: migrations_context(catalog, ln)),
        page("findings.md.jinja", "findings.md", lambda ln: findings_context(catalog, config, ln)),
        page("rules.md.jinja", "rules.md", lambda ln: {"rules": rules_markdown()}),
        page("changelog.md.jinja", "changelog.md", lambda ln: changelog_context(changelog)),
        page("views.md.jinja", "views.md", lambda ln: views_context(catalog, ln)),
        page("enums.md.jinja", "enums.md", lambda ln: {"catalog": catalog}),
        page("functions.md.jinja", "functions.md", lambda ln: functions_context(catalog)),
        page("tags.md.jinja", "tags.md", lambda ln: tags_context(catalog.tables, ln)),
    ]
    if catalog.tenant_groups:
        out.append(
            page(
                "tenant_schemas.md.jinja",
                TENANT_PAGE,
                lambda ln: tenant_schemas_context(catalog, ln),
            )
        )
    out += [
        page("schema.md.jinja", pages.schema(s), functools.partial(schema_context, s))
        for s in pages.schemas()
    ]
    hops = config.site.diagram_hops
    for table in catalog.tables:
        build = functools.partial(table_page_context, table, config, hops)
        out.append(
            page(
                "table.md.jinja",
                pages.table(table.qualified_name) or "",
                build,
                table.qualified_name,
            )
        )
    out += [
        page(
            "domain.md.jinja", pages.domain(d.name) or "", functools.partial(domain_context, d.name)
        )
        for d in catalog.domains
    ]
    return out


def schema_context(schema: str, links: PageLinks) -> dict[str, Any]:
    catalog = links.lookup.catalog
    tables = [t for t in catalog.tables if t.schema == schema]
    template_of = template_note(catalog, schema, links)
    return {"schema": schema, "tables": table_rows(tables, links), "template_of": template_of}


def table_page_context(table: Table, config: Config, hops: int, links: PageLinks) -> dict[str, Any]:
    context = table_context(table, links, hops)
    context["suppressed"] = suppressed_rows(config, links, table.qualified_name)
    context["search_boost"] = table_search_boost(table.name)
    return context


def table_search_boost(name: str) -> float:
    """A table page's Material search boost: the fewer words in its name, the higher.

    Material scores without length normalisation (lunr's ``b`` is 0) and matches
    each word as a prefix, so `books` finds `books` and `books_chapters` equally;
    this ranks the table whose whole name is the query first (3 for one word, 2.25
    for two, towards 1.5), still above every list page.
    """
    words = max(1, len(_NAME_WORDS.findall(name)))
    return round(TABLE_SEARCH_BOOST * (1 + 1 / words) / 2, 3)


# --------------------------------------------------------------------------- shared rows


def table_row(table: Table, links: PageLinks) -> dict[str, Any]:
    name = table.qualified_name
    domains = links.lookup.domains_of.get(name, ())
    return {
        "link": links.table(name),
        "columns": len(table.columns),
        "badges": badges.table_badges(table, domains, links.page, links.pages),
        "comment": _first_line(table.description or table.comment),
    }


def table_rows(tables: list[Table], links: PageLinks) -> list[dict[str, Any]]:
    return [table_row(t, links) for t in sorted(tables, key=lambda t: t.qualified_name)]


def _first_line(text: str | None) -> str | None:
    return text.strip().splitlines()[0] if text and text.strip() else None


def _counts(rows: tuple[Count, ...]) -> list[dict[str, Any]]:
    return [{"name": c.name, "tables": c.tables, "columns": c.columns} for c in rows]


_SECRET_IN_URL = re.compile(r"(?P<scheme>[a-z][a-z0-9+.-]*://[^/@:\s]*):[^@/\s]*@", re.I)
_SECRET_PARAM = re.compile(r"(password|passwd|sslpassword|secret|token)=[^&\s]*", re.I)


def scrub_location(location: str) -> str:
    """A source location without any password, in case a source let one through."""
    text = _SECRET_IN_URL.sub(r"\g<scheme>@", location)
    return _SECRET_PARAM.sub(r"\1=***", text)


# --------------------------------------------------------------------------- home


def catalog_figures(catalog: Catalog) -> stats.Figures:
    """The whole catalog's figures: every page that shows a total takes it from here."""
    return stats.figures(catalog.tables, catalog.findings, badges.TENANCY_LABELS)


def domain_figures(name: str, lookup: Lookup) -> stats.Figures:
    members = domain_members(name, lookup)
    findings = [f for t in members for f in lookup.findings(t.qualified_name)]
    return stats.figures(members, findings, badges.TENANCY_LABELS)


def domain_members(name: str, lookup: Lookup) -> list[Table]:
    domain = next(d for d in lookup.catalog.domains if d.name == name)
    return [lookup.tables[n] for n in domain.tables if n in lookup.tables]


def home_context(catalog: Catalog, links: PageLinks) -> dict[str, Any]:
    stats_ = catalog.stats
    return {
        "catalog": catalog,
        "sources": [
            {"kind": s.kind, "location": scrub_location(s.location)} for s in catalog.sources
        ],
        "figures": catalog_figures(catalog),
        "domains": [
            {"link": links.domain(d.name), "figures": domain_figures(d.name, links.lookup)}
            for d in catalog.domains
        ],
        "tenancy_labels": badges.TENANCY_LABELS,
        "largest": [
            {**row, "link": links.table(row["name"])} for row in _counts(stats_.largest_tables)
        ],
        "findings_by_level": sorted(
            Counter(f.severity for f in catalog.findings).items(),
            key=lambda kv: -SEVERITY_ORDER.get(kv[0], -9),
        ),
        "actions": action_items(catalog.findings, links),
        "findings_total": len(catalog.findings),
    }


def action_items(findings: tuple[Finding, ...], links: PageLinks) -> list[dict[str, Any]]:
    """One row per rule that fired, most severe and most frequent first."""
    by_code: dict[str, list[Finding]] = {}
    for finding in findings:
        by_code.setdefault(finding.code, []).append(finding)
    ranked = sorted(
        by_code.items(), key=lambda kv: (-SEVERITY_ORDER[kv[1][0].severity], -len(kv[1]), kv[0])
    )
    rows = []
    for code, items in ranked[:TOP_FINDINGS]:
        ordered = sorted(items, key=lambda f: f.target)
        examples = linked_findings(tuple(ordered[:EXAMPLES]), links)
        rows.append(
            {
                "severity": badge(items[0].severity, f"severity-{items[0].severity}"),
                "code": code,
                "rule": items[0].rule,
                "count": len(items),
                "objects": len({f.target for f in items}),
                "anchor": f"rule-{code.lower()}",
                "message": _rule_summary(code) or ordered[0].message,
                "examples": Safe(", ".join(r["link"] or code_(r["target"]) for r in examples)),
                "more": len(items) - len(examples),
            }
        )
    return rows


def _rule_summary(code: str) -> str | None:
    from schema_catalog.analysis.lint import RULES

    rule = RULES.get(code)
    return rule.summary.rstrip(".") if rule else None


def linked_findings(findings: tuple[Finding, ...], links: PageLinks) -> list[dict[str, Any]]:
    rows = finding_rows(findings, links)
    for row in rows:
        table = links.lookup.table_of_target(row["target"])
        row["link"] = row["where"] if table else None
    return rows


# --------------------------------------------------------------------------- lists


def domains_context(links: PageLinks) -> dict[str, Any]:
    catalog = links.lookup.catalog
    rows = []
    for domain in catalog.domains:
        members = [links.lookup.tables[n] for n in domain.tables if n in links.lookup.tables]
        rows.append(
            {
                "link": links.domain(domain.name),
                "tables": len(members),
                "columns": sum(len(t.columns) for t in members),
                "description": _first_line(domain.description),
            }
        )
    unassigned = [t for t in catalog.tables if not links.lookup.domains_of.get(t.qualified_name)]
    return {"domains": rows, "unassigned": table_rows(unassigned, links)}


def domain_context(name: str, links: PageLinks) -> dict[str, Any]:
    lookup = links.lookup
    domain = next(d for d in lookup.catalog.domains if d.name == name)
    members = domain_members(name, lookup)
    diagram = domain_diagram(lookup, [t.qualified_name for t in members])
    findings = tuple(f for t in members for f in lookup.findings(t.qualified_name))
    return {
        "domain": domain,
        "tables": table_rows(members, links),
        "figures": domain_figures(name, lookup),
        "tenancy_labels": badges.TENANCY_LABELS,
        "diagram": diagram,
        "connected": [links.domain(stub) for stub in diagram.stubs],
        "findings": linked_findings(findings, links),
    }


def tenancy_context(catalog: Catalog, links: PageLinks) -> dict[str, Any]:
    from schema_catalog.render.table_page import tenancy_path

    groups = []
    views = [t for t in catalog.tables if t.kind not in stats.ROW_KINDS]
    for status, label in badges.TENANCY_LABELS.items():
        members = sorted(
            (t for t in stats.row_tables(catalog.tables) if t.tenancy.status == status),
            key=lambda t: t.qualified_name,
        )
        rows = [
            {
                **table_row(t, links),
                "column": t.tenancy.column,
                "path": tenancy_path(t, links),
                "notes": "; ".join(t.tenancy.notes),
                "routes": t.tenancy.routes,
            }
            for t in members
        ]
        groups.append({"status": status, "label": label, "tables": rows})
    return {
        "groups": groups,
        "figures": catalog_figures(catalog),
        "views": table_rows(views, links),
    }


def migrations_context(catalog: Catalog, links: PageLinks) -> dict[str, Any]:
    groups = []
    for status, label in badges.MIGRATION_LABELS.items():
        members = [t for t in stats.row_tables(catalog.tables) if t.migration_status == status]
        groups.append({"status": status, "label": label, "tables": table_rows(members, links)})
    drifted = [
        {"link": links.table(t.qualified_name), "drift": drift_rows(t)}
        for t in sorted(catalog.tables, key=lambda t: t.qualified_name)
        if t.drift
    ]
    figures = catalog_figures(catalog)
    return {
        "groups": groups,
        "drifted": drifted,
        "unknown": figures.migration.get("unknown", 0),
        "figures": figures,
    }


def findings_context(catalog: Catalog, config: Config, links: PageLinks) -> dict[str, Any]:
    """Every finding in one filterable table: level, rule, domain, live or proposed."""
    rows = []
    for row in linked_findings(catalog.findings, links):
        table = links.lookup.table(links.lookup.table_of_target(row["target"]) or "")
        rows.append(
            {
                **row,
                "domains": ", ".join(links.lookup.domains_of.get(table.qualified_name, ()))
                if table
                else "",
                "status": _live_or_not(table),
            }
        )
    return {
        "counts": [
            (badge(level, f"severity-{level}"), count)
            for level, count in sorted(
                Counter(f.severity for f in catalog.findings).items(),
                key=lambda kv: -SEVERITY_ORDER.get(kv[0], -9),
            )
        ],
        "findings": rows,
        "anchors": sorted({f"rule-{f.code.lower()}" for f in catalog.findings})
        + [f"level-{level}" for level in sorted(SEVERITY_ORDER, key=lambda s: -SEVERITY_ORDER[s])],
        "total": len(catalog.findings),
        "suppressed": suppressed_rows(config, links),
    }


def _live_or_not(table: Table | None) -> str:
    if table is None:
        return ""
    if "database" in table.presence:
        return "live"
    return "not applied" if badges.not_applied(table) else ""


def suppressed_rows(
    config: Config, links: PageLinks, table: str | None = None
) -> list[dict[str, Any]]:
    """catalog.yml's suppressions (all, or those covering ``table``), with their reasons."""
    names = sorted(links.lookup.tables)
    rows = []
    for entry in config.lint.suppress:
        matched = match_tables(entry.tables, names)
        if table is not None and table not in matched:
            continue
        code = _rule_code(entry.rule)
        rows.append(
            {
                "rule": rule_link(code, links) if code else code_(entry.rule),
                "tables": Safe(", ".join(links.table(n) for n in matched)),
                "reason": entry.reason,
            }
        )
    return rows


def _rule_code(name: str) -> str | None:
    from schema_catalog.analysis.lint import RULES

    return next((r.code for r in RULES.values() if name in r.names()), None)


def views_context(catalog: Catalog, links: PageLinks) -> dict[str, Any]:
    views = [t for t in catalog.tables if t.kind in ("view", "materialized_view")]
    return {
        "views": [
            {
                **table_row(t, links),
                "definition": fence(pretty.statement(t.view_definition or "-- (unknown)")),
            }
            for t in sorted(views, key=lambda t: t.qualified_name)
        ]
    }


def functions_context(catalog: Catalog) -> dict[str, Any]:
    return {
        "functions": [
            {
                "function": f,
                "signature": f.signature,
                "security": "security definer" if f.security_definer else "security invoker",
                "executable_by": ", ".join(f.executable_by),
                "config": ", ".join(f.config),
                "definition": fence(f.definition) if f.definition else None,
            }
            for f in catalog.functions
        ]
    }


# --------------------------------------------------------------------------- rules


def changelog_context(changes: CatalogDiff | None) -> dict[str, Any]:
    """The diff against the previous snapshot, laid out like ``schema-catalog diff``."""
    from schema_catalog.render.changes import diff_context

    return diff_context(changes) if changes is not None else {"diff": None}


def rules_markdown() -> Safe:
    """The rules page body, from the rule registry's docstrings (our own text)."""
    return Safe(rules_as_markdown())
