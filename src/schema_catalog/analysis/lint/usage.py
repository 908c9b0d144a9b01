"""Rules about how the live database is used (``pg_stat_*``), not about what it is.

They fire only when the catalog carries `Catalog.usage`, which only a live
extraction reads (and `extract` keeps beside the snapshot, never in it): a
catalog from migrations or Drizzle alone has no usage and these rules say nothing.
"""

from __future__ import annotations

from collections.abc import Iterator

from schema_catalog.analysis.lint.registry import Hit, LintContext, rule
from schema_catalog.analysis.lint.scope import user_tables


@rule("KEY006", "unused_index", "info", aliases=("0005_unused_index",))
def unused_index(ctx: LintContext) -> Iterator[Hit]:
    """An index has never been scanned since the statistics were last reset.

    *Anti-pattern*: ``CREATE INDEX books_by_title ON books (title)`` that no query
    uses: every insert and update still maintains it, and it takes disk and cache.

    *Best practice*: check the index is unused on every server that takes reads
    (a replica counts its own scans), over a period long enough to cover rare jobs
    (the counters start again when statistics are reset, or after a crash), then
    ``DROP INDEX CONCURRENTLY``. Live databases only: the counts come from
    ``pg_stat_user_indexes`` (``idx_scan = 0``), as Supabase's splinter reads them.
    Primary key and unique indexes are never flagged (they enforce the data), nor,
    unlike splinter, an exclusion constraint's index, which cannot be dropped alone.
    """
    usage = ctx.catalog.usage
    if usage is None:
        return
    scans = {(u.table, u.index): u.scans for u in usage.indexes}
    since = (
        f"since statistics were reset on {usage.stats_reset}"
        if usage.stats_reset
        else ("since statistics were last reset or lost")
    )
    for table in user_tables(ctx):
        for index in table.indexes:
            if index.unique or index.primary or index.constraint is not None:
                continue
            if scans.get((table.qualified_name, index.name)) == 0:
                yield Hit(
                    f"{table.qualified_name}.{index.name}",
                    f"Index `{index.name}` on table `{table.qualified_name}` has not been used "
                    f"({since})",
                    table.qualified_name,
                )
