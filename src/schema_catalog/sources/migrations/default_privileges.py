"""Default privileges (``pg_default_acl``) between the catalog model and the replay.

The replay keeps the migrating role's default privileges as a set of
(schema or None for every schema, ``TABLE`` / ``FUNCTION``, grantee, privilege)
entries that new objects start with (`CatalogState.default_privileges`), not
counting the creator's own rights, which the catalog never lists as grants.
PostgreSQL stores them differently: an entry for every schema *replaces* the
built-in default (functions executable by PUBLIC) and lists the creator too; an
entry for one schema only adds. `seed` reads a live catalog's entries into the
replay; `facts` writes the replay's back as the live source reads them.
"""

from __future__ import annotations

from typing import Literal

from schema_catalog import model

MIGRATING_ROLE = "postgres"
"""Who runs the migrations (Supabase's CLI and dashboard run them as ``postgres``):
default privileges of another role do not apply to what they create."""

Entry = tuple[str | None, str, str, str]
BUILT_IN: frozenset[Entry] = frozenset({(None, "FUNCTION", "PUBLIC", "EXECUTE")})
"""What new objects start with when no entry for every schema says otherwise."""

_KINDS = {"table": "TABLE", "function": "FUNCTION"}  # model kind → replay kind


def seed(privileges: tuple[model.DefaultPrivilege, ...]) -> set[Entry]:
    """The replay's default privileges from a live catalog's ``pg_default_acl`` rows."""
    mine = [p for p in privileges if p.role == MIGRATING_ROLE]
    replaced = {_KINDS[p.kind] for p in mine if p.schema_ is None}
    entries = {e for e in BUILT_IN if e[1] not in replaced}
    entries |= {
        (p.schema_, _KINDS[p.kind], p.grantee, p.privilege) for p in mine if p.grantee != p.role
    }
    return entries


def facts(
    entries: set[Entry], table_privileges: tuple[str, ...]
) -> tuple[model.DefaultPrivilege, ...]:
    """The ``pg_default_acl`` rows the server would hold for the migrating role."""
    rows: set[Entry] = {e for e in entries if e[0] is not None}
    for kind, everything in (("TABLE", table_privileges), ("FUNCTION", ("EXECUTE",))):
        every_schema = {e for e in entries if e[0] is None and e[1] == kind}
        if every_schema != {e for e in BUILT_IN if e[1] == kind}:
            # the server keeps such an entry whole: the creator's own rights with it
            rows |= every_schema | {(None, kind, MIGRATING_ROLE, p) for p in everything}
    by_kind: dict[str, Literal["table", "function"]] = {"TABLE": "table", "FUNCTION": "function"}
    return tuple(
        sorted(
            (
                model.DefaultPrivilege(
                    role=MIGRATING_ROLE,
                    schema=schema,
                    kind=by_kind[kind],
                    grantee=grantee,
                    privilege=privilege,
                )
                for schema, kind, grantee, privilege in rows
            ),
            key=lambda p: (p.role, p.schema_ or "", p.kind, p.grantee, p.privilege),
        )
    )
