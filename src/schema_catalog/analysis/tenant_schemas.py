"""Schema-per-tenant: schemas of one structure are documented once.

Some teams give every tenant its own schema: 2,000 schemas holding the same
twenty tables. The snapshot keeps every schema's facts; this pass, run first on
load (`analysis.derive`), finds the groups and keeps only each group's template
schema in the analysed catalog, so every later pass and every page works on one
copy. The group records the schemas that follow the template and, for each one
that differs, its drift (`model.TenantGroup`).

How groups form (catalog.yml ``tenant_schemas``): schemas matching its globs are
bucketed by their exact shape (`schema_shape`, own name left out). Buckets of two
or more schemas are template candidates, largest first (then by name; a configured
``template`` first of all). A candidate takes the schemas of its bucket, and every
other schema still unplaced whose shape is close to it: at least half of the
template's tables, and half of the schema's own, identical. A candidate with fewer
than ``min_schemas`` schemas forms no group. The cost is one shape per schema and one
comparison per (template, schema): linear in the schemas for a fixed number of groups.
"""

from __future__ import annotations

import fnmatch
from collections import defaultdict

from schema_catalog.analysis import schema_shape
from schema_catalog.analysis.schema_shape import Shape
from schema_catalog.config import Config, TenantSchemasConfig
from schema_catalog.errors import ConfigError
from schema_catalog.model import Catalog, TenantGroup, TenantSchema


def group(catalog: Catalog, config: Config) -> Catalog:
    """``catalog`` with each group's followers left out and `Catalog.tenant_groups` set."""
    settings = config.tenant_schemas
    if not settings.enabled:
        return catalog
    candidates = _candidates(catalog, settings, config)
    if len(candidates) < settings.min_schemas:
        return catalog
    shapes = schema_shape.shapes(catalog, candidates)
    groups = _groups(shapes, settings)
    if not groups:
        return catalog
    return _without_followers(catalog, groups)


def check(catalog: Catalog, config: Config) -> None:
    """catalog.yml's ``tenant_schemas`` names schemas the catalog has (`ConfigError` if not)."""
    if config.tenant_schemas.enabled:
        _candidates(catalog, config.tenant_schemas, config)


def _candidates(catalog: Catalog, settings: TenantSchemasConfig, config: Config) -> list[str]:
    present = sorted({t.schema for t in catalog.tables})
    configured = settings.schemas if "schemas" in settings.model_fields_set else ()
    for pattern in configured:
        if not fnmatch.filter(present, pattern):
            raise ConfigError(
                f"`tenant_schemas.schemas` names `{pattern}`, which matches no schema",
                where=config.where,
                fix="fix the pattern or remove the entry",
            )
    if settings.template is not None and settings.template not in present:
        raise ConfigError(
            f"`tenant_schemas.template` names `{settings.template}`, which is no schema with tables",
            where=config.where,
            fix="name one of the tenant schemas, or remove the key",
        )
    return [s for s in present if any(fnmatch.fnmatchcase(s, p) for p in settings.schemas)]


def _groups(shapes: dict[str, Shape], settings: TenantSchemasConfig) -> list[TenantGroup]:
    buckets: dict[object, list[str]] = defaultdict(list)
    for name in sorted(shapes):
        buckets[schema_shape.signature(shapes[name])].append(name)
    ordered = sorted(buckets.values(), key=lambda names: (-len(names), names[0]))
    if settings.template in shapes:
        ordered.sort(key=lambda names: settings.template not in names)
    unplaced = set(shapes)
    groups: list[TenantGroup] = []
    for bucket in ordered:
        configured = settings.template in bucket
        if len(bucket) < 2 and not configured:
            break  # every later bucket holds one schema too: no structure is shared
        if not unplaced.issuperset(bucket):
            continue  # already placed as close to an earlier template
        template = settings.template if configured and settings.template else bucket[0]
        members = [*bucket, *_close(shapes, template, unplaced - set(bucket))]
        if len(members) < settings.min_schemas:
            continue
        unplaced -= set(members)
        groups.append(_group(shapes, template, sorted(members)))
    return groups


def _close(shapes: dict[str, Shape], template: str, others: set[str]) -> list[str]:
    """The schemas of ``others`` that share at least half their tables with ``template``."""
    reference = shapes[template]
    size = schema_shape.table_count(reference)
    found = []
    for name in sorted(others):
        same = schema_shape.identical_tables(reference, shapes[name])
        own = schema_shape.table_count(shapes[name])
        if same * 2 >= size and same * 2 >= own and same > 0:
            found.append(name)
    return found


def _group(shapes: dict[str, Shape], template: str, members: list[str]) -> TenantGroup:
    reference = shapes[template]
    return TenantGroup(
        template=template,
        members=tuple(
            TenantSchema(
                name=name,
                drift=schema_shape.drift(reference, shapes[name], (template, name)),
            )
            for name in members
        ),
        tables=schema_shape.table_count(reference),
    )


def _without_followers(catalog: Catalog, groups: list[TenantGroup]) -> Catalog:
    """The catalog holding only the templates of the groups' schemas."""
    followers = {m.name for g in groups for m in g.members if m.name != g.template}

    def kept(schema: str) -> bool:
        return schema not in followers

    views = tuple(
        v.model_copy(update={"tables": tuple(t for t in v.tables if kept(t.schema))})
        for v in catalog.source_views
    )
    return catalog.model_copy(
        update={
            "tables": tuple(t for t in catalog.tables if kept(t.schema)),
            "enums": tuple(e for e in catalog.enums if kept(e.schema_)),
            "functions": tuple(f for f in catalog.functions if kept(f.schema_)),
            "domain_types": tuple(d for d in catalog.domain_types if kept(d.schema_)),
            "composite_types": tuple(c for c in catalog.composite_types if kept(c.schema_)),
            "source_views": views,
            "tenant_groups": tuple(groups),
        }
    )
