"""The few lines `extract` and `demo` print: what the catalog holds, computed.

`extract` saves facts and prints them without analysing: the analysis (domains,
tenancy, every lint rule) cost more than the read itself at 2,000 tables, for one
line of counts. `check` and the site apply it; `demo`, which renders anyway,
passes its analysed catalog and prints the findings' counts too.
"""

from __future__ import annotations

from pathlib import Path

from schema_catalog.analysis.drift import migration_status
from schema_catalog.model import Catalog, Table

_LARGEST = 3
_DRIZZLE = {"drizzle", "drizzle_snapshot"}
_PROPOSED = ("proposed", "proposed_and_declared")


def summarize(catalog: Catalog, out: Path, *, analysed: bool) -> str:
    """``analysed``: ``catalog`` carries the analysis's findings (else facts only)."""
    roles = catalog.source_roles()
    live = [t for t in catalog.tables if "database" in t.presence and _is_table(t)]
    declared = [t for t in catalog.tables if _DRIZZLE & set(t.presence)]
    proposed = [t for t in catalog.tables if migration_status(t.presence, roles) in _PROPOSED]
    lines = [f"Catalog written to {out}"]
    if live:
        columns = sum(len(t.columns) for t in live)
        lines.append(f"  live tables: {len(live)}, {columns} columns")
        largest = sorted(live, key=lambda t: (-len(t.columns), t.qualified_name))[:_LARGEST]
        lines.append("  largest: " + ", ".join(f"{t.name} ({len(t.columns)})" for t in largest))
    if declared:
        only = sum(1 for t in declared if "database" not in t.presence)
        lines.append(f"  declared in Drizzle: {len(declared)} ({only} not in the database)")
    if proposed:
        lines.append(f"  proposed by migrations: {len(proposed)} new tables")
    if not analysed:
        lines.append(
            "  findings: `schema-catalog check` lists them; `schema-catalog serve` shows the site"
        )
        return "\n".join(lines)
    counts = {level: 0 for level in ("error", "warning", "info")}
    for finding in catalog.findings:
        counts[finding.severity] += 1
    lines.append("  findings: " + ", ".join(f"{n} {level}" for level, n in counts.items()))
    return "\n".join(lines)


def _is_table(table: Table) -> bool:
    return table.kind in ("table", "partitioned_table")
