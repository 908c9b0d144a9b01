"""Tenant-aware lint rules (`analysis.lint.tenancy`): the routes TEN008 names."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from analysis_catalogs import catalog
from schema_catalog.analysis import analyze
from schema_catalog.analysis.lint import LintContext
from schema_catalog.analysis.lint.tenancy import shortest_routes
from schema_catalog.analysis.tenancy import TenancySettings
from schema_catalog.config import Config
from schema_catalog.model import Catalog, Table

CONFIG = Config.model_validate({"tenancy": {"root": "t0", "key": "organization_id"}})


def _every_route(analysed: Catalog, current: Table, steps_left: int) -> list[tuple[str, ...]]:
    """The definition: every walk of ``steps_left`` foreign keys ending at a tenant table,
    never through a platform table, none left out."""
    if steps_left == 0:
        tenant = current.tenancy.status in ("direct", "tenant_root")
        return [(current.qualified_name,)] if tenant else []
    found = []
    for fk in current.foreign_keys:
        target = analysed.table(fk.target)
        if target is None or target is current or target.tenancy.status == "platform":
            continue
        step = f"{current.name}.{','.join(fk.columns)}"
        found += [(step, *rest) for rest in _every_route(analysed, target, steps_left - 1)]
    return found


@st.composite
def _layered_graphs(draw: st.DrawFn) -> Catalog:
    """Tables in layers, each referencing tables of the layer above by up to three
    foreign keys (parallel ones too): the number of routes multiplies per layer."""
    layers = draw(st.lists(st.integers(1, 3), min_size=2, max_size=5))
    specs = [{"name": "t0", "columns": {"id": "uuid pk"}}]
    above = ["t0"]
    for width in layers:
        names = [f"t{len(specs) + i}" for i in range(width)]
        for name in names:
            columns = {"id": "uuid pk"}
            if name != "t1" and draw(st.integers(0, 5)) == 0:
                columns["organization_id"] = "uuid not null"
            targets = draw(st.lists(st.sampled_from(above), min_size=1, max_size=3))
            # keys in any order: the order routes are met in is not the order they sort in
            keys = draw(st.permutations(["ra", "rb", "rc"]))
            fks = []
            for key, target in zip(keys, targets, strict=False):
                columns[key] = "uuid"
                fks.append(f"{key} -> {target}(id)")
            specs.append({"name": name, "columns": columns, "fks": fks})
        above = names
    return catalog({"tables": specs})


@settings(max_examples=200, deadline=None)
@given(_layered_graphs(), st.integers(1, 6))
def test_the_first_routes_are_those_of_every_route_in_order(graph: Catalog, limit: int) -> None:
    analysed = analyze(graph, CONFIG)
    names = [t.qualified_name for t in analysed.tables]
    ctx = LintContext(analysed, CONFIG, TenancySettings.from_config(CONFIG, names))
    shared: dict[tuple[str, int], list[tuple[str, ...]]] = {}
    for table in analysed.tables:
        if table.tenancy.status != "inherited":
            continue
        steps = len(table.tenancy.path)
        expected = sorted(_every_route(analysed, table, steps))[:limit]
        assert shortest_routes(ctx, table, limit) == expected, table.name
        assert shortest_routes(ctx, table, limit, shared) == expected, table.name
