"""What the replay knows about extensions: the types, functions and operator classes
each one installs, and which schema holds them.

``create extension vector with schema extensions`` puts ``vector`` and
``vector_cosine_ops`` in ``extensions``; the live catalog (read with
``search_path = pg_catalog``) then prints ``extensions.vector(384)`` and
``extensions.vector_cosine_ops``, and an unqualified ``uuid_generate_v4()`` default
as ``extensions.uuid_generate_v4()``. The replay resolves an unqualified name of
an installed extension's object to that extension's schema, as the server does
through its search path.

Supabase installs some extensions in ``extensions`` on every project
(`SUPABASE_PREINSTALLED`) and keeps that schema on the search path.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from schema_catalog import model
from schema_catalog.sources.migrations.types import TEXT, UUID, SqlType

if TYPE_CHECKING:
    from schema_catalog.sources.migrations.state import CatalogState

BYTEA = SqlType("bytea")


@dataclass(frozen=True)
class ExtensionObjects:
    """The objects of one extension that migrations name in columns, defaults and indexes."""

    types: frozenset[str] = frozenset()
    functions: dict[str, SqlType] = field(default_factory=dict)
    """Function name → result type."""
    opclasses: frozenset[str] = frozenset()
    default_opclasses: dict[tuple[str, str], str] = field(default_factory=dict)
    """(type, index method) → the operator class ``DEFAULT FOR TYPE`` that type: one
    ``pg_get_indexdef`` leaves out even when the migration names it."""


_VECTOR_OPS = frozenset(
    f"{kind}_{metric}_ops"
    for kind in ("vector", "halfvec", "sparsevec")
    for metric in ("l2", "ip", "cosine", "l1")
) | frozenset(["bit_hamming_ops", "bit_jaccard_ops"])

KNOWN: dict[str, ExtensionObjects] = {
    "vector": ExtensionObjects(
        types=frozenset(["vector", "halfvec", "sparsevec"]),
        opclasses=_VECTOR_OPS,
        default_opclasses={
            ("vector", "btree"): "vector_ops",
            ("vector", "ivfflat"): "vector_l2_ops",
            ("halfvec", "btree"): "halfvec_ops",
            ("sparsevec", "btree"): "sparsevec_ops",
        },
    ),
    "uuid-ossp": ExtensionObjects(
        functions={
            name: UUID
            for name in (
                "uuid_generate_v1",
                "uuid_generate_v1mc",
                "uuid_generate_v3",
                "uuid_generate_v4",
                "uuid_generate_v5",
                "uuid_nil",
                "uuid_ns_dns",
                "uuid_ns_url",
                "uuid_ns_oid",
                "uuid_ns_x500",
            )
        }
    ),
    "pgcrypto": ExtensionObjects(
        functions={
            "gen_random_bytes": BYTEA,
            "gen_salt": TEXT,
            "crypt": TEXT,
            "digest": BYTEA,
            "hmac": BYTEA,
        }
    ),
    "citext": ExtensionObjects(
        types=frozenset(["citext"]),
        default_opclasses={("citext", "btree"): "citext_ops", ("citext", "hash"): "citext_ops"},
    ),
    "hstore": ExtensionObjects(
        types=frozenset(["hstore"]),
        opclasses=frozenset(["gin_hstore_ops", "gist_hstore_ops"]),
        default_opclasses={
            ("hstore", "btree"): "btree_hstore_ops",
            ("hstore", "hash"): "hash_hstore_ops",
            ("hstore", "gin"): "gin_hstore_ops",
            ("hstore", "gist"): "gist_hstore_ops",
        },
    ),
    "ltree": ExtensionObjects(
        types=frozenset(["ltree", "lquery"]),
        opclasses=frozenset(["gist_ltree_ops"]),
        default_opclasses={("ltree", "btree"): "ltree_ops", ("ltree", "gist"): "gist_ltree_ops"},
    ),
    "pg_trgm": ExtensionObjects(opclasses=frozenset(["gin_trgm_ops", "gist_trgm_ops"])),
    "postgis": ExtensionObjects(types=frozenset(["geometry", "geography"])),
    "moddatetime": ExtensionObjects(functions={"moddatetime": SqlType("trigger")}),
}

SUPABASE_EXTENSIONS_SCHEMA = "extensions"
SUPABASE_PREINSTALLED = {
    "uuid-ossp": SUPABASE_EXTENSIONS_SCHEMA,
    "pgcrypto": SUPABASE_EXTENSIONS_SCHEMA,
    "pg_stat_statements": SUPABASE_EXTENSIONS_SCHEMA,
}


# The roles the platform's default privileges name (PostgREST's roles and service_role).
_GRANTED_ROLES = ("anon", "authenticated", "service_role")


def supabase_platform(state: CatalogState, *, api_grants: bool) -> None:
    """What a Supabase project holds before its first migration: its roles, extensions
    in ``extensions`` and, until the 2026-10-30 change (``api_grants``), default
    privileges on ``public`` for the API roles."""
    for platform_role in model.SUPABASE_ROLES:  # a live database's own pg_roles first
        state.roles.setdefault(platform_role.name, platform_role)
    state.extensions.update(SUPABASE_PREINSTALLED)
    if not api_grants:
        return
    for role in _GRANTED_ROLES:
        state.default_privileges.add(("public", "FUNCTION", role, "EXECUTE"))
        for privilege in state.table_privileges:
            state.default_privileges.add(("public", "TABLE", role, privilege))


def owner_schema(
    installed: dict[str, str], kind: str, name: str
) -> tuple[str, ExtensionObjects] | None:
    """(schema, objects) of the installed extension that has a ``kind`` object ``name``
    (kind: ``types``, ``functions`` or ``opclasses``)."""
    for extension, schema in sorted(installed.items()):
        objects = KNOWN.get(extension)
        if objects is not None and name in getattr(objects, kind):
            return schema, objects
    return None
