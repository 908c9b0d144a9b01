"""pg/pretty: SQL laid out by pglast means what it meant, or is left as it came."""

from __future__ import annotations

import pytest
from pglast import parse_sql

from schema_catalog.pg import pretty


def _same_meaning(a: str, b: str) -> bool:
    return bool(parse_sql(f"SELECT {a}")[0].stmt == parse_sql(f"SELECT {b}")[0].stmt)


@pytest.mark.parametrize(
    "sql",
    [
        "(organization_id = (auth.jwt() ->> 'org_id')::uuid)",
        "((status = 'published'::public.content_status) AND (deleted_at IS NULL))",
        "(organization_id IN ( SELECT public.user_organization_ids() AS ids))",
    ],
)
def test_an_expression_is_laid_out_with_the_same_meaning(sql: str) -> None:
    laid_out = pretty.expression(sql)
    assert _same_meaning(sql, laid_out)
    assert not laid_out.startswith("SELECT")


def test_a_boolean_expression_puts_each_condition_on_its_line() -> None:
    laid_out = pretty.expression("((a = 1) AND (b IS NULL) AND (c <> 'x'))")
    assert [line.strip() for line in laid_out.splitlines()] == [
        "a = 1",
        "AND b IS NULL",
        "AND c <> 'x'",
    ]


def test_a_check_constraint_keeps_its_shape_and_flags() -> None:
    laid_out = pretty.check("CHECK (((rating >= 1) AND (rating <= 5))) NOT VALID")
    assert laid_out.splitlines()[0] == "CHECK (" and laid_out.endswith("\n) NOT VALID")
    inner = laid_out.removeprefix("CHECK (").removesuffix(") NOT VALID")
    assert _same_meaning("((rating >= 1) AND (rating <= 5))", inner)


@pytest.mark.parametrize(
    "sql",
    [
        "status = 'x'; DROP TABLE t",  # two statements
        "a FROM t",  # more than an expression
        "</div><script>alert(1)</script>",  # not SQL
        "CHECK (unbalanced",
        "",
    ],
)
def test_what_is_not_one_expression_comes_back_unchanged(sql: str) -> None:
    assert pretty.expression(sql) == sql
    assert pretty.check(sql) == sql
