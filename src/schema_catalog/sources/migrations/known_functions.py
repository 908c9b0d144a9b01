"""The built-in and Supabase functions expression analysis knows the signatures of.

`exprs.Analyzer` coerces a call's arguments to these parameter types and types
the call by the result; a function not listed here (and not created by the
migrations) is printed as the parser wrote it.
"""

from __future__ import annotations

from schema_catalog.sources.migrations.types import (
    INTEGER,
    JSONB,
    TEXT,
    TIMESTAMPTZ,
    UUID,
    SqlType,
)

# Built-in functions: name → (parameter types or None for "leave arguments as they are", result).
FUNCTIONS: dict[str, tuple[tuple[SqlType, ...] | None, SqlType]] = {
    "now": ((), TIMESTAMPTZ),
    "gen_random_uuid": ((), UUID),
    "lower": ((TEXT,), TEXT),
    "upper": ((TEXT,), TEXT),
    "btrim": ((TEXT,), TEXT),
    "initcap": ((TEXT,), TEXT),
    "length": ((TEXT,), INTEGER),
    "char_length": ((TEXT,), INTEGER),
    "character_length": ((TEXT,), INTEGER),
    "octet_length": ((TEXT,), INTEGER),
    "md5": ((TEXT,), TEXT),
    "current_setting": ((TEXT,), TEXT),
    "array_length": (None, INTEGER),
    "cardinality": (None, INTEGER),
    "jsonb_typeof": ((JSONB,), TEXT),
    "jsonb_array_length": ((JSONB,), INTEGER),
    "jsonb_build_object": (None, JSONB),
    "to_jsonb": (None, JSONB),
    "timezone": ((TEXT, TIMESTAMPTZ), SqlType("timestamp without time zone")),
    "date_trunc": ((TEXT, TIMESTAMPTZ), TIMESTAMPTZ),
    "concat": (None, TEXT),
    "to_tsvector": (None, SqlType("tsvector")),
    "statement_timestamp": ((), TIMESTAMPTZ),
    "clock_timestamp": ((), TIMESTAMPTZ),
    "transaction_timestamp": ((), TIMESTAMPTZ),
    "random": ((), SqlType("double precision")),
}
# Known functions of the Supabase `auth` schema (also created by the test fixture).
AUTH_FUNCTIONS = {"uid": UUID, "jwt": JSONB, "role": TEXT, "email": TEXT}

# SQLValueFunction operations: how the server prints each one, and its type.
SQL_VALUE_FUNCTIONS: dict[str, tuple[str, SqlType]] = {
    "SVFOP_CURRENT_DATE": ("CURRENT_DATE", SqlType("date")),
    "SVFOP_CURRENT_TIME": ("CURRENT_TIME", SqlType("time with time zone")),
    "SVFOP_CURRENT_TIMESTAMP": ("CURRENT_TIMESTAMP", TIMESTAMPTZ),
    "SVFOP_LOCALTIME": ("LOCALTIME", SqlType("time without time zone")),
    "SVFOP_LOCALTIMESTAMP": ("LOCALTIMESTAMP", SqlType("timestamp without time zone")),
    "SVFOP_CURRENT_ROLE": ("CURRENT_ROLE", SqlType("name")),
    "SVFOP_CURRENT_USER": ("CURRENT_USER", SqlType("name")),
    "SVFOP_USER": ("USER", SqlType("name")),
    "SVFOP_SESSION_USER": ("SESSION_USER", SqlType("name")),
    "SVFOP_CURRENT_CATALOG": ("CURRENT_CATALOG", SqlType("name")),
    "SVFOP_CURRENT_SCHEMA": ("CURRENT_SCHEMA", SqlType("name")),
}
