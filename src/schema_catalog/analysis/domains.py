"""Documentation domains: named groups of tables from catalog.yml.

A domain lists table names or globs; a table may sit in several domains. For
tables in none, `Suggester` proposes one: first the domain most of its foreign-key
neighbours (both directions) belong to, else the domain whose tables share the
longest name prefix with it (``video_recordings`` → the domain of ``videos``).
"""

from __future__ import annotations

import bisect
from collections import Counter, defaultdict

from schema_catalog.config import Config, match_tables
from schema_catalog.model import Catalog, Domain


def assign(
    catalog: Catalog, config: Config
) -> tuple[dict[str, tuple[str, ...]], tuple[Domain, ...]]:
    """Domains per qualified table name, and the `Domain` list (sorted by name)."""
    names = sorted(t.qualified_name for t in catalog.tables)
    membership: dict[str, set[str]] = {name: set() for name in names}
    domains = []
    for domain_name, spec in sorted(config.domains.items()):
        members = match_tables(spec.tables, names)
        for member in members:
            membership[member].add(domain_name)
        domains.append(
            Domain(name=domain_name, description=spec.description, tables=tuple(members))
        )
    return {name: tuple(sorted(d)) for name, d in membership.items()}, tuple(domains)


class Suggester:
    """Suggests a domain for tables in none; indexes built once, so a large catalog stays fast."""

    def __init__(self, catalog: Catalog, membership: dict[str, tuple[str, ...]]) -> None:
        self.membership = membership
        self.neighbours: dict[str, set[str]] = defaultdict(set)
        for table in catalog.tables:
            for fk in table.foreign_keys:
                target = f"{fk.ref_schema}.{fk.ref_table}"
                self.neighbours[table.qualified_name].add(target)
                self.neighbours[target].add(table.qualified_name)
        # Filed tables by short name: the longest shared prefix is with a sort neighbour.
        self.filed = sorted((q.split(".", 1)[1], q) for q, d in membership.items() if d)

    def suggest(self, name: str) -> str | None:
        """A domain for ``name``, or None when nothing points anywhere."""
        votes = Counter(
            domain
            for neighbour in self.neighbours.get(name, set()) - {name}
            for domain in self.membership.get(neighbour, ())
        )
        if votes:
            # Most neighbours first; ties go to the alphabetically first domain (stable).
            return min(votes, key=lambda d: (-votes[d], d))
        return self._by_prefix(name)

    def _by_prefix(self, name: str) -> str | None:
        short = name.split(".", 1)[1]
        at = bisect.bisect_left(self.filed, (short, name))
        best: tuple[int, str] | None = None
        for other_short, other in self.filed[max(at - 1, 0) : at + 1]:
            shared = _shared_prefix(short, other_short)
            if other != name and shared and (best is None or shared > best[0]):
                best = (shared, self.membership[other][0])
        return best[1] if best else None


def _shared_prefix(a: str, b: str) -> int:
    """Length of the common name prefix (``video_recordings`` ~ ``videos``: 5)."""
    shared = next(
        (i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b))
    )
    return shared if shared >= 4 else 0  # `ai_`, `use` alone say little
