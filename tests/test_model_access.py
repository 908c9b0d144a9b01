"""One access verdict for the API roles, from the model: the table page and the rules agree."""

from __future__ import annotations

from typing import Any

from schema_catalog.analysis import rls
from schema_catalog.model import API_ROLES, Catalog, Column, ForeignKey, Grant, Policy, Table
from schema_catalog.render import table_page


def _table(*grants: Grant, rls_on: bool = False, policies: tuple[Policy, ...] = ()) -> Table:
    columns = (Column(name="id", type="uuid"), Column(name="email", type="text"))
    return Table(
        schema="public",
        name="users",
        columns=columns,
        grants=grants,
        rls_enabled=rls_on,
        policies=policies,
    )


def exposure_rows(table: Table) -> list[dict[str, Any]]:
    return table_page.exposure_rows(Catalog(tables=(table,)), table)


def _access(table: Table) -> dict[str, str]:
    return {row["role"]: row["access"] for row in exposure_rows(table)}


def test_one_column_granted_to_anon_is_not_every_row() -> None:
    table = _table(Grant(grantee="anon", privilege="SELECT", column="email"))
    assert "anon" not in rls.selectable_by_api(table)  # has_table_privilege: no
    assert _access(table)["anon"] == "granted columns only, every row (RLS off)"
    assert exposure_rows(table)[0]["privileges"] == "SELECT(email)"
    assert _access(table)["authenticated"] == "no access (no grant)"


def test_table_grants_through_public_and_rls() -> None:
    granted = _table(Grant(grantee="PUBLIC", privilege="SELECT"))
    assert rls.selectable_by_api(granted) == list(API_ROLES)
    assert set(_access(granted).values()) == {"every row (RLS off)"}
    guarded = _table(Grant(grantee="anon", privilege="SELECT"), rls_on=True)
    assert _access(guarded)["anon"] == "no rows (RLS on, no policy for this role)"
    read = Policy(name="read", command="SELECT", roles=("anon",), using="true")
    allowed = _table(Grant(grantee="anon", privilege="SELECT"), rls_on=True, policies=(read,))
    assert _access(allowed)["anon"] == "rows allowed by RLS policies"


def test_a_foreign_key_names_its_target_once() -> None:
    fk = ForeignKey(
        name="fk", columns=("user_id",), ref_schema="auth", ref_table="users", ref_columns=("id",)
    )
    assert fk.target == "auth.users"
