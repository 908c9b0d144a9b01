"""The one place where untrusted database text is made safe for a page.

Every name, comment, default, expression and definition comes from a database,
a Drizzle file or a migration, so it is untrusted: it may hold HTML, Markdown
(``|`` breaks a table row, ``*`` starts emphasis, ``{: }`` sets attributes),
Jinja syntax or characters that break a Mermaid diagram. The Jinja environment
passes every printed value through `finalize`, which escapes plain strings with
`text`; only `Safe` values (built here, from escaped parts) pass unchanged. So a
template cannot forget to escape, and Jinja syntax inside data is never parsed:
it is a value, not template source.

Contexts:

- `text`: Markdown inline text (paragraphs, table cells, headings). Characters
  Markdown or HTML could read as syntax become numeric character references,
  which the browser and the search index turn back into the same characters.
- `code`: the same text in a ``<code>`` element (names, types); `sql_code` marks a
  short SQL expression as such.
- `fence`: a whole block shown verbatim in a fenced code block (definitions).
- `front_matter`: a page's ``title`` and ``tags``, which MkDocs and Material
  print into the HTML (the ``<title>`` element, the header, tag links) without
  escaping, some after unescaping: they are HTML-escaped here, in front matter.
- `mermaid_label` / `mermaid_id`: text inside an ER diagram.

On site pages (`soft_breaks`), code spans offer line breaks after ``_`` and ``.``
between letters (a ``<wbr>``), so a long identifier, default or foreign-key target
wraps at a word boundary in a narrow table cell instead of widening the table or
breaking mid-word. The CLI's Markdown (diff, PR comment) has none.

Long text (a comment or expression over ``site.long_text`` characters, 4,096 by
default) is shown by `text` and `code` as one collapsed code span instead:
Python-Markdown's inline parser is superlinear on a long line full of escapes
(256 kB took 129 s), while a code span is matched once and never parsed inside
(the same 256 kB: 0.2 s). Its newlines become ``↵`` so it stays one line, which
keeps table rows and block structure intact.
"""

from __future__ import annotations

import functools
import html
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from urllib.parse import quote

from markupsafe import Markup


class Safe(str):
    """Text already safe for a Markdown page: printed as is."""

    __slots__ = ()


# Characters with a meaning in Markdown, its extensions (tables, attr_list,
# admonitions, tilde/caret, emoji, abbreviations) or HTML.
_ALWAYS = frozenset("\\`*[](){}<>&|~^!\"'$:=#+@%?")
# Characters that only matter at the start of a block: "1. " starts a list.
_LEADING_NUMBER = re.compile(r"^(\d+)(\.)")
_NEWLINES = re.compile(r"\r\n|\r|\n|\u2028|\u2029")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# What YAML cannot hold in a scalar (PyYAML refuses the whole file): C0 and C1
# controls, surrogates, U+FFFE/U+FFFF.
_NOT_YAML = re.compile("[^\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _entity(char: str) -> str:
    return f"&#{ord(char)};"


# One pass in C over each line (pages hold hundreds of thousands of strings):
# every `_ALWAYS` character; an underscore unless between two alphanumerics
# (Markdown never reads `organization_id` as emphasis, so it stays readable);
# a hyphen at the start or after a hyphen ("- x" starts a list, "---" a rule).
_SYNTAX = re.compile(
    "[" + re.escape("".join(sorted(_ALWAYS))) + "]"
    r"|_(?![^\W_])|(?<![^\W_])_"
    r"|(?<![^-])-"
)


def _escape_line(line: str) -> str:
    escaped = _SYNTAX.sub(lambda match: _entity(match.group()), line)
    # Leading spaces could start an indented code block.
    stripped = escaped.lstrip(" \t")
    return "&#32;" * (len(escaped) - len(stripped)) + stripped


LONG_TEXT_DEFAULT = 4096
_long_text: ContextVar[int] = ContextVar("long_text", default=LONG_TEXT_DEFAULT)


@contextmanager
def long_text_limit(characters: int) -> Iterator[None]:
    """Text longer than ``characters`` is shown collapsed (see the module docstring)."""
    token = _long_text.set(characters)
    try:
        yield
    finally:
        _long_text.reset(token)


_soft_breaks: ContextVar[bool] = ContextVar("soft_breaks", default=False)
# After an underscore or a dot between two letters or digits: `organization_<wbr>id`,
# `public.<wbr>books`. Escaped text holds no other raw `_` or `.` (entities are `&#NN;`).
_BREAK_AFTER = re.compile(r"(?<=[^\W_])[_.](?=[^\W_])")


@contextmanager
def soft_breaks() -> Iterator[None]:
    """Code spans rendered inside this block offer word-boundary line breaks."""
    token = _soft_breaks.set(True)
    try:
        yield
    finally:
        _soft_breaks.reset(token)


def text(value: object) -> Safe:
    """Untrusted text as literal Markdown inline content (newlines become ``<br>``)."""
    if isinstance(value, Safe | Markup):
        return Safe(value)
    if value is None:
        return Safe("")
    raw = str(value)
    if len(raw) > _long_text.get():
        return collapsed(raw)
    return _escaped_text(raw)


def collapsed(value: str) -> Safe:
    """Long text as a collapsed, one-line code span: never parsed as Markdown inside."""
    body = _CONTROL.sub("\ufffd", value)
    body = " \u21b5 ".join(_NEWLINES.split(body))
    longest = max((len(run) for run in re.findall(r"`+", body)), default=0)
    ticks = "`" * (longest + 1)
    summary = f"{len(value):,} characters"
    return Safe(
        f'<details class="sc-long"><summary>{summary}</summary>{ticks} {body} {ticks}</details>'
    )


# A catalog repeats the same few thousand strings (column names, types, defaults)
# across thousands of pages: escape each once.
@functools.lru_cache(maxsize=65536)
def _escaped_text(raw: str) -> Safe:
    raw = _CONTROL.sub("\ufffd", raw)
    escaped = "<br>".join(_escape_line(line) for line in _NEWLINES.split(raw))
    return Safe(_LEADING_NUMBER.sub(lambda m: m.group(1) + _entity(m.group(2)), escaped))


def code(value: object) -> Safe:
    """Untrusted text as inline code; empty for ``None``."""
    if value is None or value == "":
        return Safe("")
    if len(str(value)) > _long_text.get():
        return collapsed(str(value))
    inner: str = text(value)
    if _soft_breaks.get() and not isinstance(value, Safe | Markup):  # markup is not ours to split
        inner = _with_breaks(inner)
    return Safe(f"<code>{inner}</code>")


def sql_code(value: object) -> Safe:
    """A short SQL expression as inline code, marked as SQL (``sc-expr``) for the page.

    Callers keep it short (`table_page.LONG_SQL`): a longer one goes in a block of
    its own, since a cell would squeeze it into a column of short lines.
    """
    inner = code(value)
    if not inner:
        return inner
    if _soft_breaks.get() and not isinstance(value, Safe | Markup):
        # A cast starts a new line when the cell is narrow: `'draft'` / `::content_status`.
        inner = Safe(inner.replace(_CAST, "<wbr>" + _CAST))
    return Safe(inner.replace("<code>", '<code class="sc-expr">', 1))


_CAST = "&#58;&#58;"  # `::` as the escaping spells it


def type_code(value: object) -> Safe:
    """A column's type as inline code, marked (``sc-type``) so its cell keeps a readable
    width: ``character varying(200)`` may wrap at its spaces, not letter by letter."""
    inner = code(value)
    return Safe(inner.replace("<code>", '<code class="sc-type">', 1)) if inner else inner


@functools.lru_cache(maxsize=65536)
def _with_breaks(escaped: str) -> str:
    return _BREAK_AFTER.sub(lambda m: m.group() + "<wbr>", escaped)


def message(value: object) -> Safe:
    """A finding message: text, with `backquoted` parts shown as code."""
    if value is None:
        return Safe("")
    parts = str(value).split("`")
    if len(parts) % 2 == 0:  # an unpaired backtick: show it all as plain text
        return text(value)
    return Safe("".join(code(p) if i % 2 else text(p) for i, p in enumerate(parts)))


def fence(value: object, language: str = "sql") -> Safe:
    """A verbatim block: the fence is longer than any backtick run inside it."""
    body = _CONTROL.sub("\ufffd", str(value)).replace("\r\n", "\n").replace("\r", "\n")
    longest = max((len(run) for run in re.findall(r"`+", body)), default=0)
    ticks = "`" * max(3, longest + 1)
    return Safe(f"{ticks}{language}\n{body.rstrip()}\n{ticks}")


def front_matter(value: object) -> Safe:
    """A YAML string for front matter, holding the text HTML-escaped, on one line.

    Without a ``title`` in front matter, Material prints the page title through
    Jinja's ``striptags``, which turns ``&#60;`` back into ``<``: a table named
    ``</title><script>...`` would run. ``page.meta.title`` and tag names are
    printed as they are, so escaping them once, here, is what makes them text.
    """
    one_line = _NOT_YAML.sub("\ufffd", " ".join(str(value).split()))
    # A JSON string of YAML-printable characters is a valid YAML scalar.
    return Safe(json.dumps(html.escape(one_line, quote=True), ensure_ascii=False))


def link(label: object, href: str) -> Safe:
    """A Markdown link to one of our own pages; ``href`` is built by `paths`."""
    return Safe(f"[{text(label)}]({_quoted_href(href)})")


@functools.lru_cache(maxsize=65536)  # the same few hrefs recur across a folder's pages
def _quoted_href(href: str) -> str:
    return quote(href, safe="/#.-_~")


_WEB_URL = re.compile(r"https?://[^\s<>()\[\]\"'`\\]+", re.IGNORECASE)


def web_link(label: object, url: str) -> Safe:
    """A Markdown link to an absolute ``http(s)`` URL (a published page); any other
    URL (``javascript:``, spaces, brackets) is refused and the label shown as text."""
    if not _WEB_URL.fullmatch(url):
        return text(label)
    return Safe(f"[{text(label)}]({quote(url, safe=':/#.-_~%?=&+,;@!$')})")


def anchor(anchor_id: str) -> Safe:
    """An empty element carrying an id (ids come from `paths.slug`, never raw text)."""
    return Safe(f'<span id="{quote(anchor_id, safe="-_")}"></span>')


def facet_anchor(anchor_id: str, facet: str, value: str) -> Safe:
    """An anchor that presets a filter of the page's table (``#domain-books``): the
    script reads the facet and the value from its data attributes, as text."""
    data = f'data-facet="{_attribute(facet)}" data-value="{_attribute(value)}"'
    return Safe(f'<span id="{quote(anchor_id, safe="-_")}" {data}></span>')


def column_heading(name: str, anchor_id: str) -> Safe:
    """A column's name as a heading in its row (level 3, under "Columns").

    Material's search makes a section of every heading with an id, so the
    column's name is found as a title and the hit opens the row itself. Raw
    HTML: the table of contents does not list it.
    """
    return Safe(f'<h3 id="{quote(anchor_id, safe="-_")}" class="sc-column">{code(name)}</h3>')


def declared_name(name: str | None) -> Safe:
    """The full name a source declares, set beside the 63 bytes PostgreSQL stores (the
    name just before it), so a reader can match the two; empty when there is none."""
    if not name:
        return Safe("")
    return Safe(f'<br><span class="sc-declared-name">declared as {code(name)}</span>')


def unresolved_name(label: str) -> Safe:
    """The mark beside a column whose name a source could not resolve: ``label`` (shown in
    its place) is what the source calls it, not its name."""
    title = f"{label} is the source's label for this column, not its name"
    return Safe(
        f" {badge('name unresolved', 'unresolved', title)}"
        f'<br><span class="sc-declared-name">{text(title)}</span>'
    )


def _attribute(value: str) -> str:
    # Attribute text: HTML-escaped, and no character Markdown's inline HTML would cut at.
    return html.escape(_NEWLINES.sub(" ", _CONTROL.sub("\ufffd", value)), quote=True)


def badge(label: str, css: str, title: str | None = None) -> Safe:
    """A badge: our own label and class, escaped all the same (labels may hold names)."""
    return _badge(label, css, title, _long_text.get())


@functools.lru_cache(maxsize=4096)  # a few dozen badges, printed on every page
def _badge(label: str, css: str, title: str | None, long_text: int) -> Safe:
    cls = re.sub(r"[^a-z0-9-]", "-", css.lower())
    hint = f' title="{text(title)}"' if title else ""
    return Safe(f'<span class="sc-badge sc-badge--{cls}"{hint}>{text(label)}</span>')


def finalize(value: object) -> object:
    """Jinja's ``finalize``: every ``{{ }}`` output passes through here."""
    if isinstance(value, Safe | Markup):
        return value
    if value is None:
        return ""
    if isinstance(value, bool | int | float):
        return value
    return text(value)


# --------------------------------------------------------------------------- Mermaid

# Mermaid's ER grammar accepts only a few characters in names and attribute types,
# and its quoted labels end at a quote: everything else becomes "_".
_MERMAID_UNSAFE = re.compile(r"[^A-Za-z0-9_.\- ]")
_MERMAID_TOKEN_UNSAFE = re.compile(r"[^A-Za-z0-9_]")


def mermaid_label(value: object, limit: int = 60) -> str:
    """Text for a quoted Mermaid label (entity alias, relationship label)."""
    label = _MERMAID_UNSAFE.sub("_", str(value)).strip() or "_"
    return label if len(label) <= limit else label[: limit - 1] + "_"


def mermaid_token(value: object, limit: int = 40) -> str:
    """A bare Mermaid word (attribute name or type): letters, digits, underscores."""
    token = _MERMAID_TOKEN_UNSAFE.sub("_", str(value)) or "_"
    if not (token[0].isalpha() or token[0] == "_"):
        token = "_" + token
    return token[:limit]
