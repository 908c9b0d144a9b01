"""The Jinja environment: template lookup, strictness, and every filter, in one place.

Lookup is layered (like datasette): the folder named by ``site.templates`` in
catalog.yml first, then the package's templates. Public templates are one line,
``{% extends "_base/table.md.jinja" %}``, so a user's ``table.md.jinja`` can do
the same and override one ``{% block %}`` without copying the rest.

Output safety does not depend on templates: ``finalize`` escapes every printed
plain string (see `escape`), and data is only ever a value, never template source.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PackageLoader, StrictUndefined

from schema_catalog.render import escape

PACKAGE_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def _yes_no(value: object) -> str:
    return "yes" if value else "no"


FILTERS: dict[str, Any] = {
    "text": escape.text,
    "code": escape.code,
    "fence": escape.fence,
    "message": escape.message,
    "anchor": escape.anchor,
    "column_heading": escape.column_heading,
    "badge": escape.badge,
    "front_matter": escape.front_matter,
    "yaml_string": escape.front_matter,  # the name templates before `front_matter` used
    "yes_no": _yes_no,
}


@functools.lru_cache(maxsize=8)
def environment(user_templates: Path | None = None) -> Environment:
    """The environment for ``user_templates`` (or the package's alone), made once per
    process: Jinja compiles each template once and recompiles one whose file changed."""
    loaders: list[Any] = []
    if user_templates is not None:
        loaders.append(FileSystemLoader(str(user_templates)))
    loaders.append(PackageLoader("schema_catalog", "templates"))
    env = Environment(
        loader=ChoiceLoader(loaders),
        undefined=StrictUndefined,
        finalize=escape.finalize,
        autoescape=False,  # Markdown, not HTML: `finalize` does the escaping.
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(FILTERS)
    return env
