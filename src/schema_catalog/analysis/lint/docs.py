"""Documentation rules: comments, domains and table width (the ones a catalog adds)."""

from __future__ import annotations

from collections.abc import Iterator

from schema_catalog.analysis import domains
from schema_catalog.analysis.lint.registry import Hit, LintContext, rule
from schema_catalog.analysis.lint.scope import user_tables


@rule("DOC001", "table_without_comment", "info", enabled=False)
def table_without_comment(ctx: LintContext) -> Iterator[Hit]:
    """A table has neither a database comment nor a description in catalog.yml (off by default).

    *Anti-pattern*: ``agent_traces`` with no comment: readers guess its purpose
    from the name.

    *Best practice*: ``COMMENT ON TABLE agent_traces IS '...'`` (shown on the
    site and in Supabase Studio), or ``tables.agent_traces.description`` in
    catalog.yml.
    """
    for table in user_tables(ctx):
        if not (table.comment or table.description):
            yield Hit(
                table.qualified_name, "Table has no comment or description", table.qualified_name
            )


@rule("DOC002", "column_without_comment", "info", enabled=False)
def column_without_comment(ctx: LintContext) -> Iterator[Hit]:
    """A column has no comment (off by default).

    *Anti-pattern*: ``status text`` with no comment: which values mean what is
    tribal knowledge.

    *Best practice*: ``COMMENT ON COLUMN books.status IS 'draft | published | archived'``.
    """
    for table in user_tables(ctx):
        for column in table.columns:
            if not column.comment:
                yield Hit(
                    f"{table.qualified_name}.{column.name}",
                    f"Column `{column.name}` has no comment",
                    table.qualified_name,
                )


@rule("DOC003", "too_many_columns", "warning")
def too_many_columns(ctx: LintContext) -> Iterator[Hit]:
    """A table has more columns than ``lint.max_columns`` (default 60).

    *Anti-pattern*: ``books`` with 73 columns mixing metadata, SEO, pricing and
    workflow state: every read drags all of it, and every change touches it.

    *Best practice*: split rarely used or one-to-one groups into their own
    tables (``book_seo``, ``book_pricing``), or raise ``lint.max_columns`` if
    the width is deliberate.
    """
    limit = ctx.config.lint.max_columns
    for table in user_tables(ctx):
        if len(table.columns) > limit:
            yield Hit(
                table.qualified_name,
                f"{len(table.columns)} columns (more than {limit})",
                table.qualified_name,
            )


@rule("DOM001", "table_without_domain", "info")
def table_without_domain(ctx: LintContext) -> Iterator[Hit]:
    """A table belongs to no domain in catalog.yml (only checked when domains are configured).

    *Anti-pattern*: a new table nobody filed: it appears in no domain page,
    diagram or count, so reviewers overlook it.

    *Best practice*: add it (or a glob matching it) to a domain in catalog.yml;
    the message suggests one from its foreign-key neighbours and name.
    """
    if not ctx.config.domains:
        return
    membership = {t.qualified_name: t.domains for t in ctx.catalog.tables}
    suggester = domains.Suggester(ctx.catalog, membership)
    for table in user_tables(ctx):
        if not table.domains:
            hint = suggester.suggest(table.qualified_name)
            noun = table.kind.replace("_", " ").capitalize()
            message = f"{noun} is in no domain" + (f" (suggested: {hint})" if hint else "")
            yield Hit(table.qualified_name, message, table.qualified_name)
