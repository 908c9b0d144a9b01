"""Equivalent spellings compare equal; different meanings stay different."""

from __future__ import annotations

import pytest

from schema_catalog.analysis import normalize


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("timestamptz", "timestamp with time zone"),
        ("timestamp", "timestamp without time zone"),
        ("timestamptz(3)", "timestamp(3) with time zone"),
        ("varchar(255)", "character varying(255)"),
        ("int4", "integer"),
        ("int", "INTEGER"),
        ("serial", "integer"),
        ("int8", "bigint"),
        ("bool", "boolean"),
        ("float8", "double precision"),
        ("decimal(10, 2)", "numeric(10,2)"),
        ("_text", "text[]"),
        ("public.content_status", '"content_status"'),
        ("varchar[]", "character varying[]"),
    ],
)
def test_equivalent_types(a: str, b: str) -> None:
    assert normalize.type_(a) == normalize.type_(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("varchar(100)", "varchar(255)"),
        ("timestamp", "timestamptz"),
        ("int4", "int8"),
        ("text", "text[]"),
    ],
)
def test_different_types(a: str, b: str) -> None:
    assert normalize.type_(a) != normalize.type_(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("extensions.gen_random_uuid()", "gen_random_uuid()"),
        ("'draft'::text", "'draft'"),
        ("'draft'::character varying", "'draft'"),
        ("'0'::numeric", "0"),
        ("(0)::numeric", "0"),
        ("CURRENT_TIMESTAMP", "now()"),
        ("TRUE", "true"),
        ("'{}'::jsonb", "'{}'"),
        (
            "(organization_id = ( SELECT auth.uid() AS uid))",
            "organization_id = (select auth.uid())",
        ),
    ],
)
def test_equivalent_expressions(a: str, b: str) -> None:
    assert normalize.expression(a) == normalize.expression(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [("'Draft'", "'draft'"), ("0", "1"), ("now()", "gen_random_uuid()"), ("x::text", "x")],
)
def test_different_expressions(a: str, b: str) -> None:
    assert normalize.expression(a) != normalize.expression(b)


def test_checks_compare_without_the_check_keyword() -> None:
    assert normalize.check("CHECK ((price >= (0)::numeric))") == normalize.check("price >= 0")


def test_identifiers_ignore_string_literals() -> None:
    found = normalize.identifiers("org_id = ('organization_id'::text)")
    assert "org_id" in found and "organization_id" not in found
