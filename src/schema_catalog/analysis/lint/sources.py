"""What the sources report about their own input, as rules (DRZ*, MIG*).

A source cannot judge, but it can say what it could not read: a value Drizzle
computes at run time, a statement the migration replay does not model. Those
reports are facts, saved in the snapshot's ``findings``; each code is a rule
here, so it is documented on the Rules page and catalog.yml can lower its
level or turn it off like any other rule. The level in the snapshot is the
source's default; the level on the page is the one catalog.yml resolves.
"""

from __future__ import annotations

from collections.abc import Iterator

from schema_catalog.analysis.lint.registry import RULES, Hit, LintContext, rule


def _reported(ctx: LintContext, code: str) -> Iterator[Hit]:
    for finding in ctx.catalog.findings:
        if finding.code == code:
            table = finding.target if ctx.catalog.table(finding.target) else None
            yield Hit(finding.target, finding.message, table)


@rule("DRZ001", "drizzle_unresolved_value", "warning")
def drizzle_unresolved_value(ctx: LintContext) -> Iterator[Hit]:
    """A value in the Drizzle schema cannot be resolved without running the code.

    *Anti-pattern*: a column name, type or default built at run time (a helper
    factory, a computed name, a value imported from another package): the
    catalog lists the column's attribute under ``unresolved`` instead of
    guessing it.

    *Best practice*: write names, types and defaults as literals or as
    constants in the schema files, so that drizzle-kit and readers see the same.
    """
    return _reported(ctx, "DRZ001")


@rule("DRZ002", "drizzle_export_not_evaluated", "info")
def drizzle_export_not_evaluated(ctx: LintContext) -> Iterator[Hit]:
    """An exported value of a schema file is not a Drizzle entity and was not evaluated.

    *Anti-pattern*: schema files that export helpers, computed objects or
    re-exports from packages: the reader skips them and says so, in case one
    was meant to be a table.

    *Best practice*: keep schema files to tables, enums, views and policies;
    put helpers in modules the Drizzle config does not list.
    """
    return _reported(ctx, "DRZ002")


@rule("DRZ004", "drizzle_syntax_error", "error")
def drizzle_syntax_error(ctx: LintContext) -> Iterator[Hit]:
    """A statement of a schema file has a TypeScript syntax error and was skipped.

    *Anti-pattern*: a schema file that does not parse: whatever the statement
    declares is missing from the catalog (and drizzle-kit fails on it). Without
    ``--keep-going`` the extraction stops at the error instead.

    *Best practice*: fix the syntax error; ``tsc --noEmit`` finds it too.
    """
    return _reported(ctx, "DRZ004")


@rule("DRZ005", "drizzle_enum_not_exported", "warning")
def drizzle_enum_not_exported(ctx: LintContext) -> Iterator[Hit]:
    """A column uses a ``pgEnum`` that is not exported.

    *Anti-pattern*: ``const status = pgEnum(...)`` without ``export``:
    drizzle-kit creates only exported entities, so the migration references a
    type it never creates.

    *Best practice*: export every enum a table uses.
    """
    return _reported(ctx, "DRZ005")


@rule("DRZ006", "drizzle_duplicate_table", "warning")
def drizzle_duplicate_table(ctx: LintContext) -> Iterator[Hit]:
    """Two exported Drizzle tables have the same schema-qualified name.

    *Anti-pattern*: two files both declare ``pgTable('users', ...)``: drizzle-kit
    keeps one of them and the other silently disappears.

    *Best practice*: declare each table once and import it where needed.
    """
    return _reported(ctx, "DRZ006")


@rule("DRZ007", "drizzle_import_not_found", "warning")
def drizzle_import_not_found(ctx: LintContext) -> Iterator[Hit]:
    """An import in a schema file points at no file.

    *Anti-pattern*: a relative import or tsconfig ``paths`` alias that resolves
    nowhere: what it would bring (a column helper, an enum) cannot be read.

    *Best practice*: fix the path, or list the imported file among the Drizzle
    sources.
    """
    return _reported(ctx, "DRZ007")


@rule("DRZ008", "drizzle_view_not_static", "info")
def drizzle_view_not_static(ctx: LintContext) -> Iterator[Hit]:
    """A Drizzle view's definition is built at run time.

    *Anti-pattern*: ``pgView(...).as((qb) => ...)``: the query builder needs
    the code to run, so the catalog records the view without its definition.

    *Best practice*: nothing to fix when the database is a source too: the
    live definition is read there. Otherwise ``.as(sql`...`)`` is static.
    """
    return _reported(ctx, "DRZ008")


@rule("DRZ011", "drizzle_name_over_63_bytes", "info")
def drizzle_name_over_63_bytes(ctx: LintContext) -> Iterator[Hit]:
    """A name drizzle-kit emits is longer than PostgreSQL's 63 bytes.

    *Anti-pattern*: a long table and column list makes drizzle-kit name an index
    or constraint past 63 bytes; PostgreSQL silently cuts it, so the name in
    the code and the name in the database differ. The finding shows both.

    *Best practice*: give such constraints and indexes a short explicit name.
    """
    return _reported(ctx, "DRZ011")


@rule("DRZ012", "drizzle_names_collide_at_63_bytes", "warning")
def drizzle_names_collide_at_63_bytes(ctx: LintContext) -> Iterator[Hit]:
    """Two names drizzle-kit emits are the same once PostgreSQL cuts them to 63 bytes.

    *Anti-pattern*: a table name over 63 bytes: drizzle-kit names its unique
    constraints and indexes after it, PostgreSQL cuts them all to the table's
    own 63 bytes, and the migration fails with "relation already exists".

    *Best practice*: keep table names short, or name such constraints and
    indexes explicitly with short names.
    """
    return _reported(ctx, "DRZ012")


@rule("MIG001", "migration_statement_not_modelled", "warning")
def migration_statement_not_modelled(ctx: LintContext) -> Iterator[Hit]:
    """A migration statement changes the schema in a way the replay does not model.

    *Anti-pattern*: a statement the replay cannot apply (a ``DO`` block that
    runs DDL, an unsupported ``ALTER``): the proposed tables may miss its effect.
    The finding names the file and line, so nothing is dropped silently.

    *Best practice*: write schema changes as plain DDL; where that is not
    possible, check the proposed table pages against the statement.
    """
    return _reported(ctx, "MIG001")


@rule("MIG002", "migration_file_skipped", "error")
def migration_file_skipped(ctx: LintContext) -> Iterator[Hit]:
    """A migration file could not be parsed and was skipped.

    *Anti-pattern*: a file with a syntax error (or not PostgreSQL's dialect):
    none of its statements reach the proposed schema. Without
    ``--keep-going`` the extraction stops at the error instead.

    *Best practice*: fix the file; ``psql --single-transaction -f`` on a
    scratch database finds the same error.
    """
    return _reported(ctx, "MIG002")


@rule("SRC001", "migration_history_unreadable", "warning")
def migration_history_unreadable(ctx: LintContext) -> Iterator[Hit]:
    """The database role may not read the history of applied migrations.

    *Anti-pattern*: a catalog role without ``SELECT`` on
    ``supabase_migrations.schema_migrations`` (or drizzle's
    ``__drizzle_migrations``): which migration files are already applied is
    then guessed by comparing the replay with the live schema.

    *Best practice*: grant the catalog role read access to the history table
    (the finding gives the statement).
    """
    return _reported(ctx, "SRC001")


SOURCE_RULES = frozenset(code for code, r in RULES.items() if r.check.__module__ == __name__)
"""The codes of the sources' own reports: shown as reported, never merged with others."""
