"""What each page is made from, as one hash: a page whose inputs did not change is not rendered again.

`render` keeps, beside the pages (``docs/.schema-catalog-inputs``), each page's
inputs hash and the hash of the bytes it wrote. On the next run a page is
skipped, context and template both, when its inputs hash is the same and the
file in docs/ still holds those bytes; anything else (a hand edit, a page
removed, a run killed half-way) renders it again.

A page's inputs:

- for every page, the renderer: the package version, the source of the render
  code and of every template (the package's and ``site.templates``), the rules'
  own text (the Rules page is made from the lint registry, outside render/),
  catalog.yml, and where every page lives (a new or dropped table moves links);
- for a table's page, the table as analysed (its tenancy, drift, coverage...),
  its domains, its findings, the API roles' access verdicts on it (views,
  functions and cascades elsewhere open routes into it), and every table its
  page draws or lists: the diagram's neighbourhood, the tables it references
  and those referencing it;
- for any other page (lists, domains, home), the whole analysed catalog and the
  changelog: one
  table's change re-renders them, and only them with that table's neighbours.

The hash is a cache key: the output of a page is a function of these inputs
alone. `tests/test_render_incremental.py` holds that against full renders.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from pathlib import Path

from pydantic import TypeAdapter

from schema_catalog import __version__
from schema_catalog.analysis import access
from schema_catalog.analysis.lint.registry import rules_as_markdown
from schema_catalog.config import Config
from schema_catalog.model import Finding
from schema_catalog.render import paths
from schema_catalog.render.environment import PACKAGE_TEMPLATES
from schema_catalog.render.lookup import Lookup
from schema_catalog.render.mermaid import neighbourhood

INPUTS = ".schema-catalog-inputs"
RENDER_CODE = Path(__file__).resolve().parent
HEADER = "# schema-catalog render: each page's inputs hash and output hash (a cache).\n"


def _digest(*parts: bytes | str) -> str:
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


def _folder_digest(folder: Path | None, pattern: str) -> str:
    if folder is None or not folder.is_dir():
        return ""
    files = sorted(p for p in folder.rglob(pattern) if p.is_file())
    return _digest(
        *(part for p in files for part in (p.relative_to(folder).as_posix(), p.read_bytes()))
    )


def renderer_key(config: Config, user_templates: Path | None, pages: paths.PagePaths) -> str:
    """What every page depends on (see the module docstring)."""
    return _digest(
        __version__,
        _folder_digest(RENDER_CODE, "*.py"),
        _folder_digest(PACKAGE_TEMPLATES, "*.jinja"),
        _folder_digest(user_templates, "*"),
        rules_as_markdown(),
        config.model_dump_json(),
        pages.fingerprint(),
    )


def catalog_key(renderer: str, analysed_json: str, changelog_json: str) -> str:
    """The inputs of a page that is not a table's: the whole analysed catalog (and the
    changelog, which only the changelog page shows)."""
    return _digest(renderer, analysed_json, changelog_json)


def table_keys(
    renderer: str, lookup: Lookup, hops: int, tables_json: Mapping[str, str]
) -> dict[str, str]:
    """Each table's page inputs hash, by qualified name (``tables_json``: each table as
    the analysed catalog's JSON holds it, `snapshot.dumps_analysed_by_table`)."""
    findings = TypeAdapter(tuple[Finding, ...])
    own = {
        name: _digest(tables_json[name], findings.dump_json(lookup.findings(name)))
        for name in lookup.tables
    }
    keys: dict[str, str] = {}
    for name, table in lookup.tables.items():
        related = set(neighbourhood(lookup, table, max(hops, 1)))
        related.discard(name)
        keys[name] = _digest(
            renderer,
            own[name],
            "\n".join(lookup.domains_of.get(name, ())),
            repr(access.api_verdicts(lookup.catalog, table)),
            "".join(f"{n}\t{own.get(n, '')}\n" for n in sorted(related)),
        )
    return keys


Recorded = dict[str, tuple[str, str]]
"""Path → (inputs hash, output hash) of the pages a render wrote or kept."""


def output_hash(data: bytes) -> str:
    return _digest(data)


def read(docs_dir: Path) -> Recorded:
    try:
        text = (docs_dir / INPUTS).read_text(encoding="utf-8")
    except (FileNotFoundError, UnicodeDecodeError):
        return {}
    recorded: Recorded = {}
    for line in text.splitlines():
        parts = line.split("\t")
        if len(parts) == 3 and not line.startswith("#"):
            recorded[parts[0]] = (parts[1], parts[2])
    return recorded


def text(recorded: Iterable[tuple[str, tuple[str, str]]]) -> str:
    return HEADER + "".join(f"{p}\t{i}\t{o}\n" for p, (i, o) in sorted(recorded))


def unchanged_on_disk(docs_dir: Path, path: str, expected: str) -> bool:
    """Whether docs/``path`` still holds the bytes a render wrote there."""
    try:
        return output_hash((docs_dir / path).read_bytes()) == expected
    except OSError:
        return False
