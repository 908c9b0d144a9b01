"""`schema-catalog check` output formats and exit codes."""

from __future__ import annotations

import json

import pytest

from schema_catalog.analysis import check_exit_code, format_findings
from schema_catalog.model import Finding

FINDINGS = (
    Finding(code="RLS003", severity="error", target="public.posts", message="RLS is off, anon reads",
            rule="rls_disabled_in_public"),
    Finding(code="TEN003", severity="warning", target="public.a[b]", message="50% done, a:b\nnext",
            rule="unscoped_table"),
    Finding(code="KEY001", severity="info", target="public.c", message="no index", rule="unindexed_foreign_keys"),
)  # fmt: skip


@pytest.mark.parametrize(
    ("findings", "fail_on", "code"),
    [
        (FINDINGS, "error", 1),
        (FINDINGS[1:], "error", 0),
        (FINDINGS[1:], "warning", 1),
        (FINDINGS[2:], "warning", 0),
        (FINDINGS[2:], "info", 1),
        ((), "info", 0),
    ],
)
def test_exit_code(findings: tuple[Finding, ...], fail_on: str, code: int) -> None:
    assert check_exit_code(findings, fail_on) == code  # type: ignore[arg-type]


def test_plain_groups_by_level() -> None:
    text = format_findings(FINDINGS, "plain")
    assert text.index("ERROR (1)") < text.index("WARNING (1)") < text.index("INFO (1)")
    assert "RLS003  public.posts  RLS is off, anon reads  [rls_disabled_in_public]" in text
    assert text.endswith("1 error, 1 warning, 1 info.\n")


def test_json_round_trips() -> None:
    data = json.loads(format_findings(FINDINGS, "json"))
    assert [Finding.model_validate(d) for d in data] == list(FINDINGS)


def test_github_annotations_are_escaped() -> None:
    lines = format_findings(FINDINGS, "github").splitlines()
    assert (
        lines[0]
        == "::error title=RLS003 rls_disabled_in_public::public.posts: RLS is off, anon reads"
    )
    assert lines[1] == "::warning title=TEN003 unscoped_table::public.a[b]: 50%25 done, a:b%0Anext"
    assert lines[2].startswith("::notice title=KEY001")


def test_plain_and_rich_say_where_the_object_is_declared() -> None:
    located = FINDINGS[0].model_copy(update={"location": "db/posts.ts:14"})
    plain = format_findings((located,), "plain")
    assert "RLS is off, anon reads  [rls_disabled_in_public]  at db/posts.ts:14\n" in plain
    assert "db/posts.ts:14" in format_findings((located,), "rich")


def test_github_annotations_name_the_file_and_line() -> None:
    located = FINDINGS[0].model_copy(update={"location": "db/posts,v2.ts:14"})
    line = format_findings((located,), "github").splitlines()[0]
    assert line.startswith("::error file=db/posts%2Cv2.ts,line=14,title=RLS003 ")


def test_rich_table_keeps_database_text_literal() -> None:
    text = format_findings(FINDINGS, "rich")
    assert "\x1b[" in text  # coloured for a terminal
    assert "public.a[b]" in text  # brackets not swallowed as markup


def test_no_findings() -> None:
    assert format_findings((), "plain") == "No findings.\n"
    assert json.loads(format_findings((), "json")) == []
