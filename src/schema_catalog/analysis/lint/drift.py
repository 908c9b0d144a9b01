"""Rules about sources disagreeing: database vs Drizzle, pending migrations, stale snapshots."""

from __future__ import annotations

from collections.abc import Iterator

from schema_catalog.analysis.drift import UNRESOLVED_KINDS
from schema_catalog.analysis.lint.registry import Hit, LintContext, rule
from schema_catalog.model import DriftItem, Table


def _items(table: Table, left: str, right: str) -> list[DriftItem]:
    """The differences: what a source could not resolve is no difference (DRZ001 says it)."""
    return [
        d
        for d in table.drift
        if d.left_source == left and d.right_source == right and d.kind not in UNRESOLVED_KINDS
    ]


def _summary(items: list[DriftItem]) -> str:
    kinds = sorted({d.kind for d in items})
    return f"{len(items)} difference(s): " + ", ".join(
        f"{k} ×{sum(1 for d in items if d.kind == k)}" for k in kinds
    )


@rule("DRF001", "drift_database_drizzle", "warning")
def drift_database_drizzle(ctx: LintContext) -> Iterator[Hit]:
    """A live table differs from its Drizzle declaration.

    *Anti-pattern*: ``organizations`` has 28 columns in the database and 7 in
    ``db/schema.ts``: the app's types are wrong for 21 columns, and the next
    ``drizzle-kit push`` may try to drop them.

    *Best practice*: bring the Drizzle schema in line (``drizzle-kit pull``
    helps), or apply the pending change to the database.
    """
    for table in ctx.catalog.tables:
        items = _items(table, "database", "drizzle")
        if items:
            yield Hit(
                table.qualified_name,
                f"Database vs Drizzle: {_summary(items)}",
                table.qualified_name,
            )


@rule("DRF002", "pending_migration_changes", "info")
def pending_migration_changes(ctx: LintContext) -> Iterator[Hit]:
    """Migration SQL changes a live table in ways the database does not have yet.

    *Anti-pattern*: a migration adding ``books.isbn`` sits unapplied while the
    app already reads the column.

    *Best practice*: apply the pending migrations (``supabase db push`` or your
    migration runner), or remove the ones that were abandoned.
    """
    for table in ctx.catalog.tables:
        items = _items(table, "database", "migrations")
        if items:
            yield Hit(
                table.qualified_name, f"Pending migration: {_summary(items)}", table.qualified_name
            )


@rule("DRF003", "stale_drizzle_snapshot", "warning")
def stale_drizzle_snapshot(ctx: LintContext) -> Iterator[Hit]:
    """The Drizzle schema files and drizzle-kit's latest committed snapshot disagree.

    *Anti-pattern*: ``schema.ts`` gained a column but nobody ran
    ``drizzle-kit generate``: the next generated migration will contain
    unrelated changes, or the committed migrations miss one.

    *Best practice*: run ``drizzle-kit generate`` and commit the migration and
    ``meta/`` snapshot together with the schema change.
    """
    for table in ctx.catalog.tables:
        items = _items(table, "drizzle", "drizzle_snapshot")
        if items:
            yield Hit(
                table.qualified_name,
                f"Drizzle vs snapshot: {_summary(items)}",
                table.qualified_name,
            )
    yield from _only_in_one(ctx)


def _only_in_one(ctx: LintContext) -> Iterator[Hit]:
    """Tables the schema files declare and the snapshot lacks, or the other way round."""
    declared, committed = (
        ctx.catalog.source_view("drizzle"),
        ctx.catalog.source_view("drizzle_snapshot"),
    )
    if declared is None or committed is None:
        return
    ours = {t.qualified_name for t in declared.tables}
    theirs = {t.qualified_name for t in committed.tables}
    for name in sorted(ours ^ theirs):
        where = "the schema files" if name in ours else "the drizzle-kit snapshot"
        table = name if ctx.catalog.table(name) else None
        yield Hit(name, f"Drizzle vs snapshot: only in {where}", table)
