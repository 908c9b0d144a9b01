"""The model's lookups: indexes built on first use, never stale after a copy."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis_catalogs import catalog
from schema_catalog.model import Column, Grant, SourceInfo, Table

_GRANTEES = ("anon", "authenticated", "PUBLIC", "public", "Public", "Anon", "service_role")
_GRANTS = st.builds(
    Grant,
    grantee=st.sampled_from(_GRANTEES),
    privilege=st.sampled_from(("SELECT", "select", "INSERT", "UPDATE", "delete", "TRIGGER")),
    column=st.sampled_from((None, None, "id", "email")),
)


@settings(max_examples=300, deadline=None)
@given(grants=st.lists(_GRANTS, max_size=12))
def test_privileges_by_role_agree_with_a_scan_of_the_grants(grants: list[Grant]) -> None:
    table = Table(schema="public", name="t", grants=tuple(grants))
    for role in _GRANTEES:
        # A grant counts for its grantee and, to PUBLIC, for every role.
        counted = [g for g in grants if g.grantee == role or g.grantee.lower() == "public"]
        on_table = {g.privilege.upper() for g in counted if g.column is None}
        anywhere = {g.privilege.upper() for g in counted}
        assert table.privileges(role) == on_table
        assert table.column_privileges(role) == anywhere
    copied = table.model_copy(update={"grants": ()})
    assert copied.privileges("anon") == set() and copied.column_privileges("anon") == set()


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


def test_a_trusted_instance_is_the_validated_one() -> None:
    values = {"name": "id", "type": "uuid", "nullable": False, "primary_key": True}
    trusted, validated = Column.trusted(**values), Column(**values)
    assert trusted == validated
    assert trusted.model_dump_json() == validated.model_dump_json()
    assert list(trusted.__dict__) == list(Column.model_fields)  # field order, defaults filled
    # A copy gets its own fields-set: the one trusted instances share stays as it was.
    copied = trusted.model_copy(update={"comment": "key"})
    assert copied.comment == "key" and Column.trusted(**values).comment is None
    assert copied.model_fields_set is not trusted.model_fields_set


def test_a_trusted_instance_still_needs_known_and_required_fields() -> None:
    with pytest.raises(TypeError, match=r"unknown \['nulable'\]"):
        Column.trusted(name="id", type="uuid", nulable=False)
    with pytest.raises(TypeError, match=r"missing \['type'\]"):
        Column.trusted(name="id")
    # A mutable default would be shared by every instance: such models are validated.
    with pytest.raises(TypeError, match="mutable default"):
        SourceInfo.trusted(kind="database", location="here")
