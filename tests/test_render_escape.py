"""escape: database text reads as written after Markdown, and breaks nothing (property tests).

The property runs the same Markdown extensions as the site's mkdocs.yml and
reads the text back out of the HTML, so it checks what a reader sees.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import markdown
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from schema_catalog.render import escape
from schema_catalog.render.environment import environment

EXTENSIONS = [
    "admonition",
    "attr_list",
    "tables",
    "toc",
    "pymdownx.highlight",
    "pymdownx.superfences",
]
# Printable text plus the characters that matter; no control characters or surrogates
# (escape replaces control characters on purpose, tested separately).
TEXT = st.text(
    alphabet=st.one_of(
        st.characters(blacklist_categories=("Cs", "Cc")),
        st.sampled_from(list("<>&|`*_[](){}#!:=+-.~^\"'\\$%@?\n ")),
    ),
    max_size=80,
)


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag == "br":
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def _read(html: str) -> tuple[str, list[str]]:
    parser = _Text()
    parser.feed(html)
    return "".join(parser.parts), parser.tags


def _normal(text: str) -> str:
    return "\n".join(" ".join(line.split()) for line in text.split("\n")).strip()


def _cell_html(value: str) -> str:
    page = f"| a | b |\n| --- | --- |\n| {escape.text(value)} | x |\n"
    return markdown.markdown(page, extensions=EXTENSIONS)


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_text_in_a_table_cell_reads_as_written(value: str) -> None:
    html = _cell_html(value)
    text, tags = _read(html)
    cells = text.split("\n", 3)
    assert "x" in text  # the row kept its second cell: no `|` broke it
    assert _normal(value) in _normal(text), (value, html)
    assert set(tags) <= {"table", "thead", "tbody", "tr", "th", "td", "br"}, (value, html, cells)


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_text_as_a_paragraph_reads_as_written(value: str) -> None:
    html = markdown.markdown(str(escape.text(value)), extensions=EXTENSIONS)
    text, tags = _read(html)
    assert _normal(text) == _normal(value), (value, html)
    assert set(tags) <= {"p", "br"}, (value, html)


@settings(max_examples=200, deadline=None)
@given(TEXT)
def test_code_shows_the_text_in_one_code_element(value: str) -> None:
    html = markdown.markdown(f"x {escape.code(value)}", extensions=EXTENSIONS)
    text, tags = _read(html)
    assert _normal(text) == _normal("x " + value) or not value.strip()
    assert set(tags) <= {"p", "code", "br"}, (value, html)


@settings(max_examples=200, deadline=None)
@given(TEXT)
def test_sql_code_with_soft_breaks_shows_the_text_in_one_code_element(value: str) -> None:
    with escape.soft_breaks():
        html = markdown.markdown(f"x {escape.sql_code(value)}", extensions=EXTENSIONS)
    text, tags = _read(html)
    assert _normal(text) == _normal("x " + value) or not value.strip()
    assert set(tags) <= {"p", "code", "br", "wbr"}, (value, html)


def test_a_cast_and_a_name_offer_line_breaks_in_a_cell() -> None:
    with escape.soft_breaks():
        shown = escape.sql_code("'draft'::public.content_status")
    assert shown == (
        '<code class="sc-expr">&#39;draft&#39;<wbr>&#58;&#58;public.<wbr>content_<wbr>status</code>'
    )
    assert "<wbr>" not in escape.sql_code("'draft'::text")  # only inside a table's cells


@settings(max_examples=200, deadline=None)
@given(TEXT)
def test_fence_keeps_a_block_verbatim(value: str) -> None:
    html = markdown.markdown(escape.fence(value, "text"), extensions=EXTENSIONS)
    text, _ = _read(html)
    assert text.strip("\n") == value.rstrip().strip("\n"), (value, html)


@given(TEXT)
def test_mermaid_text_uses_only_safe_characters(value: str) -> None:
    assert re.fullmatch(r"[A-Za-z0-9_.\- ]+", escape.mermaid_label(value))
    assert re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", escape.mermaid_token(value))


def test_control_characters_are_replaced() -> None:
    assert "\x00" not in escape.text("a\x00b") and "\ufffd" in escape.text("a\x00b")


def test_jinja_syntax_in_data_is_never_evaluated() -> None:
    env = environment()
    template = env.from_string("{{ value }}|{{ value | code }}")
    out = template.render(value="{{ 7*7 }}{% if true %}x{% endif %}")
    assert "49" not in out
    assert out.count("&#123;&#123;") == 2  # shown literally (as entities) twice


def test_finalize_escapes_plain_strings_but_not_safe_ones() -> None:
    env = environment()
    out = env.from_string("{{ raw }} {{ safe }} {{ none }} {{ number }}").render(
        raw="<b>", safe=escape.Safe("<b>"), none=None, number=42
    )
    assert out == "&#60;b&#62; <b>  42"


def test_message_shows_backquoted_parts_as_code() -> None:
    assert escape.message("grant to `anon`") == "grant to <code>anon</code>"
    assert escape.message("odd ` tick") == escape.text("odd ` tick")


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80))
def test_front_matter_is_one_yaml_string_of_escaped_text(value: str) -> None:
    """Page titles and tags: valid YAML whatever the text, HTML-escaped, on one line."""
    loaded = yaml.safe_load(f"title: {escape.front_matter(value)}\n")["title"]
    assert "<" not in loaded and ">" not in loaded and "\n" not in loaded
    shown = html.unescape(loaded)
    assert shown.replace("\ufffd", "") == re.sub(
        r"[^\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]", "", " ".join(value.split())
    ).replace("\ufffd", "")


# --------------------------------------------------------------------------- long text

LONG = (
    "*a*{: autofocus onfocus=alert(1) } | <b>x</b> [l](javascript:alert(2)) `t` ``u``\n# h\n"
) * 80


def test_long_text_is_one_collapsed_code_span_never_parsed() -> None:
    assert len(LONG) > escape.LONG_TEXT_DEFAULT
    for shown in (escape.text(LONG), escape.code(LONG)):
        assert shown.startswith('<details class="sc-long"><summary>')
        assert "\n" not in shown
        cell = markdown.markdown(f"| a | b |\n|---|---|\n| x | {shown} |\n", extensions=EXTENSIONS)
        assert cell.count("<td>") == 2  # the row holds together
        tags = re.findall(r"<(\w+)([^>]*)>", cell)
        allowed = {"table", "thead", "tbody", "tr", "th", "td", "details", "summary", "code"}
        assert {t for t, _ in tags} <= allowed
        assert {a for _, a in tags} <= {"", ' class="sc-long"'}
        [code_text] = re.findall(r"<code>(.*?)</code>", cell, flags=re.S)
        assert html.unescape(code_text).strip() == LONG.replace("\n", " \u21b5 ").strip()


def test_the_long_text_limit_is_configurable() -> None:
    short = "x" * 100
    assert "<details" not in escape.text(short)
    with escape.long_text_limit(80):
        assert escape.text(short).startswith("<details")
    assert "<details" not in escape.text(short)


@settings(max_examples=200, deadline=None)
@given(TEXT)
def test_a_column_heading_holds_its_name_as_text(value: str) -> None:
    """A column's name as its row's heading (its search section): text, never markup."""
    cell = escape.column_heading(value, "column-x")
    page = f"| a | b |\n| --- | --- |\n| {cell} | x |\n"
    html_ = markdown.markdown(page, extensions=EXTENSIONS)
    text, tags = _read(html_)
    assert "x" in text and _normal(value) in _normal(text), (value, html_)
    assert set(tags) <= {"table", "thead", "tbody", "tr", "th", "td", "h3", "code", "br"}


class _Attributes(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


@settings(max_examples=200, deadline=None)
@given(TEXT)
def test_a_facet_anchor_carries_the_value_as_attribute_text(value: str) -> None:
    parser = _Attributes()
    parser.feed(escape.facet_anchor("domain-x", "Domain", value))
    [(tag, attrs)] = parser.tags
    assert tag == "span" and set(attrs) == {"id", "data-facet", "data-value"}
    assert attrs["data-value"] == re.sub(r"\r\n|\r|\n|\u2028|\u2029", " ", value)
