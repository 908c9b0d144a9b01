"""catalog.yml's ``tenancy.global_unique``: resolved against the catalog at analysis.

The snapshot holds the unique keys; which of them hold across tenants on purpose is
catalog.yml's to say, so the same facts analysed with and without the setting differ
in TEN009's findings and in the table's tenancy notes, and nothing else.
"""

from __future__ import annotations

from typing import Any

import pytest

from analysis_catalogs import catalog
from schema_catalog.analysis import analyze, unique_keys
from schema_catalog.config import Config
from schema_catalog.errors import ConfigError
from schema_catalog.model import Catalog, Table

ORGS = {"name": "organizations", "columns": {"id": "uuid pk"}}
ORG_FK = ["organization_id -> organizations(id)"]
INVITATIONS = {
    "name": "invitations",
    "columns": {"id": "uuid pk", "organization_id": "uuid not null", "token": "text"},
    "fks": ORG_FK,
    "unique_constraints": [{"name": "invitations_token_key", "columns": ["token"]}],
}
ACCOUNTS = {
    "name": "accounts",
    "columns": {
        "id": "uuid pk",
        "organization_id": "uuid not null",
        "provider": "text",
        "external_id": "text",
        "email": "text",
    },
    "fks": ORG_FK,
    "unique_constraints": [{"name": "accounts_email_key", "columns": ["email"]}],
    "indexes": [
        {
            "name": "accounts_provider_external_id_idx",
            "columns": ["provider", "external_id"],
            "unique": True,
        }
    ],
}
FACTS = catalog({"tables": [ORGS, INVITATIONS, ACCOUNTS]})


def _analysed(global_unique: dict[str, Any]) -> Catalog:
    tenancy = {"root": "organizations", "global_unique": global_unique}
    return analyze(FACTS, Config.model_validate({"tenancy": tenancy}))


def _table(analysed: Catalog, name: str) -> Table:
    table = analysed.table(f"public.{name}")
    assert table is not None
    return table


def _flagged(analysed: Catalog) -> set[str]:
    return {f.target for f in analysed.findings if f.code == "TEN009"}


def test_declared_keys_pass_and_the_page_says_why() -> None:
    plain = _analysed({})
    declared = _analysed({"invitations": ["token"], "accounts": [["external_id", "provider"]]})
    assert _flagged(plain) - _flagged(declared) == {
        "public.invitations.invitations_token_key",
        "public.accounts.accounts_provider_external_id_idx",
    }
    assert _flagged(declared) == {"public.accounts.accounts_email_key"}
    note = "Unique across tenants on purpose (catalog.yml `tenancy.global_unique`): "
    assert note + "`token`" in _table(declared, "invitations").tenancy.notes
    assert note + "`external_id`, `provider`" in _table(declared, "accounts").tenancy.notes
    assert not [n for n in _table(plain, "accounts").tenancy.notes if "global_unique" in n]
    # Only judgments change: the facts, and every other finding, are the same.
    assert declared.facts().tables == plain.facts().tables
    other = {f for f in plain.findings if f.code != "TEN009"}
    assert {f for f in declared.findings if f.code != "TEN009"} == other


def test_all_and_globs_and_entries_that_meet() -> None:
    analysed = _analysed({"*s": ["token"], "accounts": "all"})
    assert not _flagged(analysed)
    assert _table(analysed, "accounts").tenancy.notes[-1] == (
        "Every unique key holds across tenants on purpose (catalog.yml `tenancy.global_unique`)"
    )
    # A table matched by a glob and by its name takes the keys of both entries, and only
    # the keys it has (`*s` matches invitations too, which has no `email`).
    entries = {"*s": ["email"], "accounts": [["provider", "external_id"]]}
    resolved = unique_keys.resolve(
        FACTS, Config.model_validate({"tenancy": {"global_unique": entries}})
    )
    assert resolved == {"public.accounts": (("email",), ("provider", "external_id"))}


@pytest.mark.parametrize(
    ("entry", "says"),
    [
        ({"invitations": ["organization_id"]}, "`tenancy.global_unique.invitations` names the unique key (`organization_id`)"),
        ({"accounts": [["provider"]]}, "`tenancy.global_unique.accounts` names the unique key (`provider`)"),
        ({"nothing_here": "all"}, "`tenancy.global_unique` names `nothing_here`, which matches no table"),
    ],
)  # fmt: skip
def test_a_key_or_table_the_catalog_lacks_is_an_error_naming_the_entry(
    entry: dict[str, Any], says: str
) -> None:
    with pytest.raises(ConfigError) as info:
        _analysed(entry)
    assert says in str(info.value)
