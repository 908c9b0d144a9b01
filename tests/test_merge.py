"""Merging sources: one table each, presence from all, secondary views kept."""

from __future__ import annotations

from schema_catalog.model import Catalog, Column, SourceInfo, SourceView, Table
from schema_catalog.sources.merge import merge


def _source(kind: str, *tables: tuple[str, int]) -> Catalog:
    return Catalog.model_validate(
        {
            "sources": [SourceInfo(kind=kind, location=kind)],  # type: ignore[arg-type]
            "tables": [
                Table(
                    schema="public",
                    name=name,
                    columns=tuple(Column(name=f"c{i}", type="text") for i in range(n)),
                )
                for name, n in tables
            ],
        }
    )


def test_live_wins_and_presence_lists_every_source() -> None:
    merged = merge(
        [
            _source("drizzle", ("organizations", 7), ("onboarding_responses", 39)),
            _source("database", ("organizations", 28)),
            _source("migrations", ("voice_baselines", 5)),
        ]
    )
    orgs = merged.table("public.organizations")
    assert orgs is not None and len(orgs.columns) == 28
    assert (
        "database" in orgs.presence,
        "drizzle" in orgs.presence,
        "migrations" in orgs.presence,
    ) == (
        True,
        True,
        False,
    )
    onboarding = merged.table("public.onboarding_responses")
    assert (
        onboarding is not None
        and "drizzle" in onboarding.presence
        and "database" not in onboarding.presence
    )
    proposed = merged.table("public.voice_baselines")
    assert proposed is not None and "migrations" in proposed.presence
    assert [t.name for t in merged.tables] == sorted(t.name for t in merged.tables)


def test_secondary_views_are_kept_whole() -> None:
    merged = merge(
        [_source("database", ("organizations", 28)), _source("drizzle", ("organizations", 7))]
    )
    view = merged.source_view("drizzle")
    assert view is not None and len(view.tables[0].columns) == 7
    assert merged.source_view("database") is None
    assert [s.kind for s in merged.sources] == ["database", "drizzle"]


def test_views_a_source_carries_are_kept() -> None:
    drizzle = _source("drizzle", ("organizations", 7))
    kit = _source("drizzle_snapshot", ("organizations", 6))
    carried = drizzle.model_copy(
        update={"source_views": (SourceView(kind="drizzle_snapshot", tables=kit.tables),)}
    )
    merged = merge([_source("database", ("organizations", 28)), carried])
    assert [v.kind for v in merged.source_views] == ["drizzle", "drizzle_snapshot"]
    snapshot_view = merged.source_view("drizzle_snapshot")
    assert snapshot_view is not None and len(snapshot_view.tables[0].columns) == 6
