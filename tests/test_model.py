"""The model's lookups: indexes built on first use, never stale after a copy."""

from __future__ import annotations

from analysis_catalogs import catalog
from schema_catalog.model import Column


def test_lookups_follow_the_fields_of_a_copy() -> None:
    before = catalog(
        {
            "tables": [
                {"name": "a", "columns": {"id": "uuid pk"}},
                {
                    "name": "b",
                    "columns": {"id": "uuid pk", "a_id": "uuid"},
                    "fks": ["a_id -> a(id)"],
                },
            ]
        }
    )
    b = before.tables[1]
    assert b.column("a_id") is b.columns[1] and b.column("nope") is None
    assert [t.name for t, _ in before.referenced_by("public.a")] == ["b"]

    renamed = b.model_copy(update={"columns": (Column(name="a_ref", type="uuid"),)})
    assert renamed.column("a_id") is None and renamed.column("a_ref") is not None
    after = before.model_copy(
        update={"tables": (before.tables[0], renamed.model_copy(update={"foreign_keys": ()}))}
    )
    assert after.referenced_by("public.a") == () and after.table("public.b") is not None
    assert before.referenced_by("public.a") != ()
