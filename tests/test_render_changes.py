"""render.changes: a diff's Markdown goes through the one escaper, like every page.

The diff once had its own Markdown writer, which escaped only ``& < > | ` ``: a
policy named ``*a*{: autofocus onfocus=alert('x') }`` became an ``<em>`` with an
event handler under attr_list. Here every string of a diff holds such a payload,
and the Markdown, run through the site's extensions, carries no attribute or link
from it, and still reads as written.
"""

from __future__ import annotations

import re

import markdown

from schema_catalog.analysis.diff import CatalogDiff, Change, SecurityImpact, TableDiff
from schema_catalog.render.changes import diff_markdown
from test_render_escape import EXTENSIONS

PAYLOADS = (
    "*a*{: autofocus tabindex=1 onfocus=alert('x') }",
    "[click me](javascript:alert(1))",
    "![i](javascript:alert(2)){: onerror=alert(3) }",
    "<img src=x onerror=alert(4)> | `tick` {{ 7*7 }}",
    "line one\n{: onclick=alert(5) }\n# heading",
)


def hostile_diff(payload: str) -> CatalogDiff:
    change = Change(change="changed", object_type="policy", name=payload, old=payload, new=payload)
    return CatalogDiff(
        old_extracted_at=payload,
        tables=(
            TableDiff(table=f"public.{payload}", status="added", kind="table", columns=1),
            TableDiff(
                table=f"public.{payload}x", status="changed", kind="table", columns=1,
                changes=(change,),
            ),
        ),
        security=(
            SecurityImpact(kind="policy_added", target=payload, message=f"Policy `{payload}` added"),
            SecurityImpact(kind="grant_added", target=payload, message=f"New grant to {payload}"),
        ),
    )  # fmt: skip


def test_no_payload_becomes_markup() -> None:
    for payload in PAYLOADS:
        html = markdown.markdown(diff_markdown(hostile_diff(payload)), extensions=EXTENSIONS)
        attributes = set(re.findall(r"<\w+((?:\s+[\w-]+(?:=\"[^\"]*\")?)*)", html))
        names = {n for a in attributes for n in re.findall(r"\s([\w-]+)", a)}
        assert names <= {"id", "class", "title"}, (payload, names)
        assert "href=" not in html and "src=" not in html, payload
        assert not re.search(r"<(em|strong|a|img|h1)\b", html.split("<h2", 1)[1]), payload


def test_headings_order_and_rows() -> None:
    text = diff_markdown(hostile_diff("policy_x"))
    assert text.startswith("# Schema changes\n")
    assert text.index("## Security impact") < text.index("## Tables added")
    assert text.index("## Tables added") < text.index("## Tables changed")
    assert "| changed | policy | <code>policy_x</code> |" in text
    assert "1 table added, 0 tables removed, 1 table changed; 2 security impacts." in text


def test_no_changes() -> None:
    assert "No changes." in diff_markdown(CatalogDiff())
