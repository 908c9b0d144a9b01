"""Mermaid ER diagrams: a table's neighbourhood and a domain's tables.

Mermaid refuses diagrams over 50,000 characters or 500 edges, and a diagram of
hundreds of boxes is unreadable anyway, so both kinds are capped: a table
diagram draws its foreign-key neighbourhood (``site.diagram_hops`` hops, 1 by
default) and a domain diagram a few dozen of its most connected tables, with
one stub per other domain its tables point to. Entities get synthetic ids
(``t0``, ``t1``...) and every name from the database goes through
`escape.mermaid_label` / `escape.mermaid_token`, so no name can break the
diagram. What was left out is returned, so the page can say so.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from schema_catalog.model import Column, ForeignKey, Table
from schema_catalog.render.escape import mermaid_label, mermaid_token
from schema_catalog.render.lookup import Lookup

MAX_ENTITIES = 30
"""A table's diagram: the table and at most this many of its neighbours."""
MAX_EDGES = 120
MAX_DOMAIN_ENTITIES = 120
"""A domain's diagram draws a domain of up to this many tables whole: compact (keys
only) and laid out by ELK, 100 tables draw in about 6 s in headless Chromium, once
scrolled near, with labels of 12 px at the page's first zoom and 16 px at actual size
(tests/test_browser_reading.py). A larger domain shows its most connected tables and
says how many it leaves out."""
MAX_DOMAIN_EDGES = 400
MAX_ATTRIBUTES = 25
MAX_KEY_ATTRIBUTES = 8
COMPACT_AFTER = 15
"""A domain diagram of more entities shows keys only (its full version on demand)."""
ELK_AFTER = COMPACT_AFTER
"""A domain diagram of more entities is laid out by ELK, which the page loads on demand:
in the browser it packs the same labels in about half the area of dagre's layout, with
right-angled edges (measured in ``render/assets/README.md``)."""
# Mermaid's front matter: ELK "layered" with network-simplex placement, the most compact
# of the placements measured. `schema-catalog.js` falls back to dagre if ELK cannot load.
_ELK_FRONT_MATTER = (
    "---\nconfig:\n  layout: elk\n  elk:\n    nodePlacementStrategy: NETWORK_SIMPLEX\n---"
)
# Words Mermaid's ER grammar reads as keywords when they stand alone.
_KEYWORDS = frozenset({"pk", "fk", "uk", "erdiagram", "direction", "style", "classdef", "class"})


@dataclass
class Diagram:
    """Mermaid source plus what did not fit."""

    source: str
    omitted_tables: int = 0
    stubs: list[str] = field(default_factory=list)
    """Names of other domains the diagram shows as stubs."""
    full_source: str | None = None
    """Every column, when ``source`` is compact (keys and foreign-key columns only)."""


def _fk_target(fk: ForeignKey) -> str:
    return fk.target


def _neighbours(catalog: Lookup, name: str) -> frozenset[str]:
    known = catalog.neighbours.get(name)
    if known is not None:
        return known
    table = catalog.table(name)
    out = {_fk_target(fk) for fk in table.foreign_keys} if table else set()
    out |= {t.qualified_name for t, _ in catalog.referenced_by(name)}
    catalog.neighbours[name] = frozenset(out)
    return catalog.neighbours[name]


def neighbourhood(catalog: Lookup, table: Table, hops: int) -> list[str]:
    """Qualified names within ``hops`` foreign keys of ``table``, nearest first."""
    seen = [table.qualified_name]
    frontier = [table.qualified_name]
    for _ in range(hops):
        found = sorted({n for name in frontier for n in _neighbours(catalog, name)} - set(seen))
        seen += found
        frontier = found
    return seen


@functools.lru_cache(maxsize=65536)  # names and types repeat across every diagram
def _token(value: str) -> str:
    token = mermaid_token(value)
    return f"{token}_" if token.casefold() in _KEYWORDS else token


# PostgreSQL's long spellings, as people write them (the table page shows the exact type).
_SHORT_TYPES = {
    "timestamp with time zone": "timestamptz",
    "timestamp without time zone": "timestamp",
    "time with time zone": "timetz",
    "time without time zone": "time",
    "character varying": "varchar",
    "character": "char",
    "double precision": "float8",
    "bit varying": "varbit",
}
# Mermaid's ER grammar allows these in a type: `text[]`, `varchar(200)` read as written.
_TYPE_UNSAFE = re.compile(r"[^A-Za-z0-9_\-\[\]()]")


@functools.lru_cache(maxsize=4096)
def type_token(spelling: str) -> str:
    """A readable Mermaid type: ``timestamptz``, ``text[]``, ``varchar(200)``, ``content_status``."""
    text = spelling.strip()
    array = ""
    while text.endswith("[]"):
        text, array = text[:-2].rstrip(), array + "[]"
    base, _, modifier = text.partition("(")
    base = _SHORT_TYPES.get(base.strip().lower(), base.strip())
    base = base.rsplit(".", 1)[-1].strip('"')  # schema-qualified enums and domains
    modifier = f"({modifier}" if modifier and "," not in modifier else ""
    token = _TYPE_UNSAFE.sub("_", f"{base}{modifier}{array}")
    if not token or not (token[0].isalpha() or token[0] == "_"):
        token = "_" + token
    return token[:40]


def _attribute(column: Column, fk_columns: set[str]) -> str:
    kind = type_token(column.type)
    kind = f"{kind}_" if kind.casefold() in _KEYWORDS else kind
    keys = [k for k, on in (("PK", column.primary_key), ("FK", column.name in fk_columns)) if on]
    suffix = f" {', '.join(keys)}" if keys else ""
    # a label stands in for a name the source does not give: the diagram says so
    suffix += "" if column.name_resolved else ' "name unresolved"'
    return f"    {kind} {_token(column.name)}{suffix}"


def _cached_attributes(catalog: Lookup, table: Table, everything: bool) -> list[str]:
    # A table is drawn in the diagram of each of its neighbours: its lines once per render.
    key = (table.qualified_name, everything)
    lines = catalog.diagram_attributes.get(key)
    if lines is None:
        lines = catalog.diagram_attributes[key] = _attributes(table, everything)
    return lines


def _attributes(table: Table, everything: bool) -> list[str]:
    fk_columns = {c for fk in table.foreign_keys for c in fk.columns}
    if everything:
        columns = list(table.columns[:MAX_ATTRIBUTES])
    else:
        keyed = [c for c in table.columns if c.primary_key or c.name in fk_columns]
        columns = keyed[:MAX_KEY_ATTRIBUTES]
    return [_attribute(column, fk_columns) for column in columns]


def _entity(
    catalog: Lookup, entity_id: str, label: str, table: Table | None, everything: bool
) -> list[str]:
    body = _cached_attributes(catalog, table, everything) if table else []
    hidden = len(table.columns) - len(body) if table else 0
    # Our own words, outside what `mermaid_label` allows: no quote can slip in.
    more = f" (+{hidden} more columns)" if hidden else ""
    head = f'  {entity_id}["{mermaid_label(label)}{more}"]'
    return [head + " {", *body, "  }"] if body else [head]


def _edge(child: str, parent: str, fk: ForeignKey, table: Table) -> str:
    nullable = any((c := table.column(n)) is None or c.nullable for n in fk.columns)
    unique = {tuple(u.columns) for u in table.unique_constraints}
    if table.primary_key:
        unique.add(tuple(table.primary_key.columns))
    left = "|o" if tuple(fk.columns) in unique else "}o"
    right = "o|" if nullable else "||"
    return f'  {child} {left}--{right} {parent} : "{mermaid_label(", ".join(fk.columns))}"'


def _edges(catalog: Lookup, ids: dict[str, str], most: int = MAX_EDGES) -> list[str]:
    lines: list[str] = []
    for name in sorted(ids):
        table = catalog.table(name)
        for fk in table.foreign_keys if table else ():
            target = _fk_target(fk)
            if table and target in ids and len(lines) < most:
                lines.append(_edge(ids[name], ids[target], fk, table))
    return lines


def table_diagram(catalog: Lookup, table: Table, hops: int) -> Diagram:
    """The table and everything within ``hops`` foreign keys of it."""
    names = neighbourhood(catalog, table, hops)
    shown, omitted = names[:MAX_ENTITIES], max(0, len(names) - MAX_ENTITIES)
    ids = {name: f"t{i}" for i, name in enumerate(shown)}
    lines = ["erDiagram"]
    for name in shown:
        lines += _entity(catalog, ids[name], name, catalog.table(name), everything=name == shown[0])
    lines += _edges(catalog, ids)
    return Diagram("\n".join(lines), omitted_tables=omitted)


def _degree(catalog: Lookup, name: str, members: set[str]) -> int:
    return len(_neighbours(catalog, name) & members)


def domain_diagram(catalog: Lookup, members: Iterable[str]) -> Diagram:
    """A domain's most connected tables, with stubs for the domains they point to."""
    member_set = set(members)
    ranked = sorted(member_set, key=lambda n: (-_degree(catalog, n, member_set), n))
    shown = sorted(ranked[:MAX_DOMAIN_ENTITIES])
    ids = {name: f"t{i}" for i, name in enumerate(shown)}
    stub_lines, stubs = _stubs(catalog, shown, member_set, ids)
    edges = _edges(catalog, ids, MAX_DOMAIN_EDGES)

    def source(everything: bool) -> str:
        # Left to right: many children of a few parents stack in a column a page can
        # scroll, instead of a row ten screens wide.
        lines = [_ELK_FRONT_MATTER] if len(shown) > ELK_AFTER else []
        lines += ["erDiagram", "  direction LR"]
        for name in shown:
            lines += _entity(catalog, ids[name], name, catalog.table(name), everything=everything)
        return "\n".join(lines + edges + stub_lines)

    omitted = len(member_set) - len(shown)
    if len(shown) > COMPACT_AFTER:
        return Diagram(source(False), omitted, stubs, full_source=source(True))
    return Diagram(source(True), omitted, stubs)


def _stubs(
    catalog: Lookup, shown: list[str], members: set[str], ids: dict[str, str]
) -> tuple[list[str], list[str]]:
    """One stub entity per other domain the shown tables point to.

    A target in no domain gets a stub of its own, named after the table.
    """
    pairs: set[tuple[str, str]] = set()
    for name in shown:
        table = catalog.table(name)
        for fk in table.foreign_keys if table else ():
            target = _fk_target(fk)
            if target not in members:
                pairs |= {(name, other) for other in catalog.domains_of.get(target) or (target,)}
    stubs = sorted({other for _, other in pairs})[:MAX_ENTITIES]
    stub_ids = {stub: f"s{i}" for i, stub in enumerate(stubs)}
    lines = [f'  {stub_ids[s]}["{mermaid_label(s)}"]' for s in stubs]
    edges = [(name, other) for name, other in sorted(pairs) if other in stub_ids]
    lines += [f'  {ids[n]} }}o..o| {stub_ids[o]} : "{mermaid_label(o)}"' for n, o in edges][
        :MAX_EDGES
    ]
    domain_names = {d for ds in catalog.domains_of.values() for d in ds}
    return lines, [s for s in stubs if s in domain_names]
