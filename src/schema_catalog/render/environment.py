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


_DICT_ATTRIBUTES = frozenset(dir(dict))


class _Environment(Environment):
    """Jinja's environment, reading a dict's key first.

    Templates read rows as ``row.name``, and rows are dicts. Jinja's `getattr` tries
    ``getattr(row, "name")`` first, which raises for a key, then ``row["name"]``: the
    exception was most of the cost of a printed cell (a table page prints hundreds).
    A plain dict has no attribute but its class's (`dir(dict)`), so looking the key up
    first when the name is not one of those gives what Jinja's order gives.
    """

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                return self.undefined(obj=obj, name=attribute)
        return super().getattr(obj, attribute)


@functools.lru_cache(maxsize=8)
def environment(user_templates: Path | None = None) -> Environment:
    """The environment for ``user_templates`` (or the package's alone), made once per
    process: Jinja compiles each template once and recompiles one whose file changed."""
    loaders: list[Any] = []
    if user_templates is not None:
        loaders.append(FileSystemLoader(str(user_templates)))
    loaders.append(PackageLoader("schema_catalog", "templates"))
    env = _Environment(
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
