"""The context of one table's page: every row, link, anchor and badge, computed.

Templates only lay these out. Strings taken from the catalog stay raw here: the
template environment escapes them on output (`escape.finalize`); what is built
here from escaped parts (links, badges, code) is `Safe`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from schema_catalog.analysis import access
from schema_catalog.model import SEVERITY_ORDER, Catalog, Column, ForeignKey, Table
from schema_catalog.pg import pretty
from schema_catalog.render import badges, paths
from schema_catalog.render.escape import (
    Safe,
    badge,
    code,
    declared_name,
    fence,
    link,
    message,
    sql_code,
    text,
    type_code,
    unresolved_name,
)
from schema_catalog.render.lookup import Lookup
from schema_catalog.render.mermaid import table_diagram


@dataclass(frozen=True)
class PageLinks:
    """Everything a page needs to link to other pages."""

    lookup: Lookup
    pages: paths.PagePaths
    page: str
    """This page's path relative to ``docs/``."""

    def table(self, name: str, label: str | None = None, column: str | None = None) -> Safe:
        target = self.pages.table(name)
        text = label if label is not None else name
        if target is None:
            return code(text)
        fragment = column_anchor(column) if column else None
        return link(Safe(code(text)), paths.relative(self.page, target, fragment))

    def domain(self, name: str) -> Safe:
        target = self.pages.domain(name)
        return link(name, paths.relative(self.page, target)) if target else code(name)

    def to(self, target: str, label: str) -> Safe:
        return link(label, paths.relative(self.page, target))


def column_anchor(name: str) -> str:
    return f"column-{paths.stable_slug(name)}"


LONG_SQL = 40
"""SQL longer than this (characters) leaves its table cell for a code block under the table.

Squeezed into a cell, a policy's USING wraps into a column of twenty short lines;
in a block of its own it is laid out by pglast and highlighted, and the cell keeps
a link to it.
"""


@dataclass
class SqlBlocks:
    """The long SQL of one section of the page: a link in its cell, a block under its table."""

    section: str
    """The anchors' prefix (``column``, ``constraint``, ``index``, ``policy``): one per
    section, so with the owner's name (unique in its section) and the part, unique."""
    layout: Callable[[str], str] = pretty.expression
    """How a block lays its SQL out: an expression, or a whole CHECK (`pretty.check`)."""
    blocks: list[dict[str, Safe]] = field(default_factory=list)

    def cell(self, sql: str | None, owner: str, part: str) -> Safe:
        """``sql`` as inline code, or, when long, a ``↓ part`` link to its block."""
        if sql is None or len(sql) <= LONG_SQL:
            return sql_code(sql)
        anchor = f"sql-{self.section}-{paths.stable_slug(owner)}-{paths.slug(part)}"
        self.blocks.append(
            {
                "anchor": Safe(anchor),
                "label": Safe(f"{code(owner)} · {text(part)}"),
                "sql": fence(self.layout(sql)),
            }
        )
        return link(f"↓ {part}", f"#{anchor}")


def table_context(table: Table, links: PageLinks, hops: int) -> dict[str, Any]:
    lookup = links.lookup
    name = table.qualified_name
    domains = lookup.domains_of.get(name, ())
    findings = lookup.findings(name)
    return {
        "table": table,
        "qualified_name": name,
        "declared_name": DeclaredNames.of(table, lookup.catalog).table,
        "tags": badges.table_tags(table, domains),
        "badges": badges.table_badges(table, domains, links.page, links.pages),
        "not_applied": badges.not_applied(table),
        "tenancy_path": tenancy_path(table, links),
        "tenancy_notes": table.tenancy.notes,
        **_sections(table, links),
        "referenced_by": referenced_by_rows(table, links),
        "coverage": coverage_rows(table),
        "triggers": [_trigger_row(t) for t in table.triggers],
        "grants": grant_rows(table),
        "exposure": exposure_rows(lookup.catalog, table),
        "drift": drift_rows(table),
        "findings": finding_rows(findings, links),
        "findings_link": link(f"{len(findings)} finding{'s' * (len(findings) != 1)}", "#findings"),
        "diagram": table_diagram(lookup, table, hops),
        "definition": fence(pretty.statement(table.view_definition))
        if table.view_definition
        else None,
        "partitions": [links.table(p) for p in table.partitions],
        "inherits": [links.table(p) for p in table.inherits],
    }


def _sections(table: Table, links: PageLinks) -> dict[str, Any]:
    """The sections whose long SQL goes in blocks under their tables: rows and blocks."""
    column_sql = SqlBlocks("column")
    constraint_sql = SqlBlocks("constraint", pretty.check)
    index_sql = SqlBlocks("index")
    policy_sql = SqlBlocks("policy")
    long = DeclaredNames.of(table, links.lookup.catalog)
    return {
        "columns": [column_row(table, c, links, column_sql, long) for c in table.columns],
        "column_sql": column_sql.blocks,
        "constraints": constraint_rows(table, constraint_sql, long),
        "constraint_sql": constraint_sql.blocks,
        "indexes": index_rows(table, index_sql, long),
        "foreign_keys": [fk_row(fk, links, long) for fk in table.foreign_keys],
        "index_sql": index_sql.blocks,
        "policies": policy_rows(table, policy_sql),
        "policy_sql": policy_sql.blocks,
    }


def tenancy_path(table: Table, links: PageLinks) -> Safe | None:
    """``book_chapters.book_id → books.organization_id → organizations``, with links."""
    hops = table.tenancy.path
    if not hops:
        return None
    steps = [links.table(h.table, column=h.columns[0] if h.columns else None) for h in hops]
    steps.append(links.table(hops[-1].ref_table))
    nullable = any(h.nullable for h in hops)
    note = " (a nullable hop: some rows may belong to no tenant)" if nullable else ""
    return Safe(" → ".join(steps) + note)


def _column_extras(column: Column, sql: SqlBlocks, references: Sequence[Safe] = ()) -> Safe:
    """Keys, nullability and how the value is made, in one cell: the columns table keeps
    five columns, so the default's SQL gets a column wide enough to read."""
    parts: list[str] = []
    if column.primary_key:
        parts.append(badge("PK", "pk"))
    elif "nullable" in column.unresolved:
        parts.append("nullability unresolved")
    elif not column.nullable:
        parts.append("not null")
    parts += [Safe(f"FK → {target}") for target in references]
    if column.identity:
        parts.append(badge(f"identity {column.identity.replace('_', ' ')}", "identity"))
    if column.generated:
        kind = "generated virtual" if column.virtual else "generated"
        parts.append(Safe(f"{kind} {sql.cell(column.generated, column.name, 'generated')}"))
    if column.not_null_name:
        parts.append(Safe(f"NOT NULL as {code(column.not_null_name)}"))
    if not column.not_null_validated:
        parts.append(Safe("NOT NULL not validated (older rows may hold NULL)"))
    if column.unresolved:
        parts.append(badge("unresolved: " + ", ".join(column.unresolved), "unresolved"))
    return Safe("<br>".join(parts))


def column_row(
    table: Table,
    column: Column,
    links: PageLinks,
    sql: SqlBlocks,
    long: DeclaredNames | None = None,
) -> dict[str, Any]:
    if not column.name_resolved:  # a label: no anchor, reference or long name goes by it
        return _unnamed_column_row(column, sql)
    targets = [fk for fk in table.foreign_keys if column.name in fk.columns]
    references = [_reference(fk, column.name, table.schema, links) for fk in targets]
    return {
        "anchor": column_anchor(column.name),
        "name": column.name,
        "name_note": declared_name(long.columns.get(column.name) if long else None),
        "type": column.type,
        "type_cell": type_code(column.type),
        "nullable": column.nullable,
        "nullable_text": _unknown_or("nullable", column, "yes" if column.nullable else "no"),
        "default": sql.cell(column.default, column.name, "default"),
        "extras": _column_extras(column, sql, references),
        "references": Safe(", ".join(references)),
        "comment": column.comment,
    }


def _unnamed_column_row(column: Column, sql: SqlBlocks) -> dict[str, Any]:
    return {
        "anchor": f"unresolved-{column_anchor(column.name)}",
        "name": column.name,
        "name_note": unresolved_name(column.name),
        "type": column.type,
        "type_cell": type_code(column.type),
        "nullable": column.nullable,
        "nullable_text": _unknown_or("nullable", column, "yes" if column.nullable else "no"),
        "default": _unknown_or("default", column, sql.cell(column.default, column.name, "default")),
        "extras": _column_extras(column, sql),
        "references": Safe(""),
        "comment": column.comment,
    }


def _unknown_or(attribute: str, column: Column, shown: str) -> str:
    """What a cell shows: ``unresolved`` where the source could not say, never a default."""
    return "unresolved" if attribute in column.unresolved else shown


@dataclass(frozen=True)
class DeclaredNames:
    """Full names the sources declare for this table's names cut to 63 bytes, by the
    stored name: the table's own facts and those of its declaring sources' views (a live
    table's Drizzle declaration), so a page can set them side by side."""

    table: str | None = None
    columns: dict[str, str] = field(default_factory=dict)
    constraints: dict[str, str] = field(default_factory=dict)
    indexes: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, table: Table, catalog: Catalog) -> DeclaredNames:
        found = cls()
        views = [v.table(table.qualified_name) for v in catalog.source_views]
        for source in [table, *(v for v in views if v is not None)]:
            found = found._with(source)
        return found

    def _with(self, source: Table) -> DeclaredNames:
        keys = [
            *([source.primary_key] if source.primary_key else []),
            *source.foreign_keys,
            *source.unique_constraints,
            *source.check_constraints,
        ]
        return DeclaredNames(
            self.table or source.declared_name,
            _named(source.columns) | self.columns,
            _named(keys) | self.constraints,
            _named(source.indexes) | self.indexes,
        )


def _named(items: Sequence[Any]) -> dict[str, str]:
    return {i.name: i.declared_name for i in items if i.declared_name}


def _reference(fk: ForeignKey, column: str, schema: str, links: PageLinks) -> Safe:
    """The column a foreign key points at, its schema left out when it is the table's own
    (the link's target says it in full)."""
    ref_column = fk.ref_columns[fk.columns.index(column)] if fk.ref_columns else None
    target = fk.target
    shown = target.removeprefix(f"{schema}.") if fk.ref_schema == schema else target
    label = f"{shown}.{ref_column}" if ref_column else shown
    return links.table(target, label=label, column=ref_column)


def constraint_rows(
    table: Table, sql: SqlBlocks, long: DeclaredNames | None = None
) -> list[dict[str, Any]]:
    rows = _constraint_rows(table, sql)
    names = long.constraints if long else {}
    return [{**row, "name_note": declared_name(names.get(row["name"]))} for row in rows]


def _constraint_rows(table: Table, sql: SqlBlocks) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    if table.primary_key:
        pk = table.primary_key
        definition = key_columns(pk.columns, "WITHOUT OVERLAPS" if pk.without_overlaps else "")
        rows.append({"kind": "primary key", "name": pk.name, "definition": code(definition)})
    rows += [
        {
            "kind": "unique",
            "name": u.name,
            "definition": code(
                key_columns(u.columns, "WITHOUT OVERLAPS" if u.without_overlaps else "")
            ),
        }
        for u in table.unique_constraints
    ]
    rows += [
        {
            "kind": "check" if c.enforced else "check (not enforced)",
            "name": c.name,
            "definition": sql.cell(c.expression, c.name, "check"),
        }
        for c in table.check_constraints
    ]
    rows += [
        {
            "kind": "exclusion",
            "name": x.name,
            "definition": sql.cell(x.definition, x.name, "exclude"),
        }
        for x in table.exclusion_constraints
    ]
    return rows


def index_rows(
    table: Table, sql: SqlBlocks, long: DeclaredNames | None = None
) -> list[dict[str, Any]]:
    names = long.indexes if long else {}
    return [
        {
            "name": ix.name,
            "name_note": declared_name(names.get(ix.name)),
            "columns": ", ".join(ix.columns),
            "method": ix.method,
            "unique": ix.unique,
            "predicate": sql.cell(ix.predicate, ix.name, "where"),
            "valid": ix.valid,
            "include": ", ".join(ix.include),
        }
        for ix in table.indexes
    ]


def key_columns(columns: Sequence[str], last: str) -> str:
    """``id, valid WITHOUT OVERLAPS`` / ``PERIOD valid``: PostgreSQL 18's temporal keys
    mark their last column (``last`` goes after it, or before it when it is PERIOD)."""
    if not last or not columns:
        return ", ".join(columns)
    marked = f"PERIOD {columns[-1]}" if last == "PERIOD" else f"{columns[-1]} {last}"
    return ", ".join((*columns[:-1], marked))


def fk_row(fk: ForeignKey, links: PageLinks, long: DeclaredNames | None = None) -> dict[str, Any]:
    target = fk.target
    period = "PERIOD" if fk.period else ""
    return {
        "name": fk.name,
        "name_note": declared_name(long.constraints.get(fk.name) if long else None),
        "enforced": fk.enforced,
        "columns": key_columns(fk.columns, period),
        "target": links.table(target, label=f"{target} ({key_columns(fk.ref_columns, period)})"),
        "on_delete": fk.on_delete,
        "on_update": fk.on_update,
    }


def referenced_by_rows(table: Table, links: PageLinks) -> list[dict[str, Any]]:
    incoming = links.lookup.referenced_by(table.qualified_name)
    return [
        {
            "table": links.table(child.qualified_name),
            "columns": ", ".join(fk.columns),
            "name": fk.name,
        }
        for child, fk in sorted(incoming, key=lambda p: (p[0].qualified_name, p[1].name))
    ]


def policy_rows(table: Table, sql: SqlBlocks) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for p in table.policies:
        using = sql.cell(p.using, p.name, "using")
        with_check = sql.cell(p.with_check, p.name, "with check")
        rows.append(
            {
                "name": p.name,
                "command": p.command,
                "roles": ", ".join(p.roles),
                "mode": "permissive" if p.permissive else "restrictive",
                "restrictive": badge("restrictive", "restrictive") if not p.permissive else "",
                "using": using,
                "with_check": with_check,
                "condition": _policy_condition(using, with_check),
            }
        )
    return rows


def _policy_condition(using: Safe, with_check: Safe) -> Safe:
    """USING and WITH CHECK in one cell, as the SQL spells them: one column of SQL leaves
    it the width to read on one line, where two would squeeze both."""
    parts = [_keyword("USING", using), _keyword("WITH CHECK", with_check)]
    return Safe("<br>".join(part for part in parts if part))


def _keyword(keyword: str, cell: Safe) -> str:
    """``USING (expr)``; a long expression's cell is already the link ``↓ using``."""
    return f"{keyword} {cell}" if cell.startswith("<code") else cell


def coverage_rows(table: Table) -> list[dict[str, Any]]:
    return [
        {
            "command": c.command,
            "role": c.role,
            "policies": ", ".join(c.policies),
            "restrictive": ", ".join(c.restrictive),
            "tenant_scoped": c.tenant_scoped,
        }
        for c in table.rls
    ]


def _trigger_row(trigger: Any) -> dict[str, Any]:
    return {
        "name": trigger.name,
        "when": f"{trigger.timing} {' OR '.join(trigger.events)} FOR EACH {trigger.level.upper()}",
        "function": trigger.function,
        "enabled": trigger.enabled,
    }


def grant_rows(table: Table) -> list[dict[str, Any]]:
    by_grantee: dict[str, list[str]] = {}
    for grant in table.grants:
        label = f"{grant.privilege}({grant.column})" if grant.column else grant.privilege
        by_grantee.setdefault(grant.grantee, []).append(label)
    return [
        {"grantee": g, "privileges": ", ".join(sorted(p))} for g, p in sorted(by_grantee.items())
    ]


def exposure_rows(catalog: Catalog, table: Table) -> list[dict[str, Any]]:
    """What Supabase's API roles can do: the access verdict the rules read too."""
    rows = []
    for verdict in access.api_verdicts(catalog, table):
        held = sorted(
            f"{g.privilege}({g.column})" if g.column else g.privilege
            for g in table.grants
            if g.grantee == verdict.role or g.grantee.lower() == "public"
        )
        rows.append(
            {
                "role": verdict.role,
                "privileges": ", ".join(held) or "none",
                "access": verdict.text,
                "routes": message("; ".join(r.text for r in verdict.routes) or "none"),
            }
        )
    return rows


def drift_rows(table: Table) -> list[dict[str, Any]]:
    return [
        {
            "kind": d.kind.replace("_", " "),
            "object": d.object,
            "left_source": d.left_source,
            "left": d.left,
            "right_source": d.right_source,
            "right": d.right,
            "says": drift_says(d),
        }
        for d in table.drift
    ]


_SOURCE_WORDS = {"drizzle": "Drizzle", "drizzle_snapshot": "Drizzle's snapshot"}


def drift_says(item: Any) -> Safe:
    """``Drizzle says X · database says Y``: the declaring source first, the database last."""
    pairs = [(item.left_source, item.left), (item.right_source, item.right)]
    pairs.sort(key=lambda pair: pair[0] == "database")
    return Safe(
        " · ".join(
            f"{text(_SOURCE_WORDS.get(source, source))} says "
            + (code(value) if value else "nothing")
            for source, value in pairs
        )
    )


def finding_rows(findings: tuple[Any, ...], links: PageLinks) -> list[dict[str, Any]]:
    """Findings most severe first, each linking to its rule and to the object it names."""
    return [
        {
            "severity": badge(f.severity, f"severity-{f.severity}"),
            "level": f.severity,
            "code": f.code,
            "rule": f.rule,
            "rule_link": rule_link(f.code, links, f.rule),
            "related": Safe(", ".join(rule_link(c, links) for c in f.related)),
            "target": f.target,
            "where": _where(f.target, links),
            "message": f.message,
            "detail": f.message.removeprefix(f"`{f.target}`: "),
        }
        for f in sorted(findings, key=lambda f: (-SEVERITY_ORDER[f.severity], f.code, f.target))
    ]


def rule_link(code_: str, links: PageLinks, name: str | None = None) -> Safe:
    """The rule's code linking to its section on the Rules page (why, fix, example)."""
    anchor = code_.lower()  # the Rules page's heading for the code (`## TEN001`)
    pill = link(code(code_), paths.relative(links.page, "rules.md", anchor))
    return Safe(f'{pill} <span class="sc-rule-name">{code(name)}</span>') if name else pill


def _where(target: str, links: PageLinks) -> Safe:
    """The finding's object: its table page, at the column's row when it names a column."""
    table = links.lookup.table_of_target(target)
    if table is None:
        return code(target)
    column = target[len(table) + 1 :] or None
    found = links.lookup.catalog.table(table)
    if column is not None and (found is None or found.column(column) is None):
        column = None  # an index or constraint: the table page, no column row to point at
    return links.table(table, label=target, column=column)
