"""Render a catalog into Markdown pages in ``docs/``: `render` is the entry point.

`render` takes an analysed catalog (a snapshot's facts analysed with the
catalog.yml of the moment: `analysis.analyze`, which the application's
`pipeline.load` runs on every read), then `pages` computes every page's rows, links and badges; the Jinja
environment (`environment`) lays them out through thin templates; this module
writes the result. Writing is careful, because ``docs/`` is where users keep
their own pages too and where ``mkdocs serve`` watches:

1. Every page is rendered in memory first: a failing template or an interrupt
   here leaves ``docs/`` untouched. (A render that replaces ``docs/`` whole, the
   default, has its workers write the pages straight into the next tree beside
   it instead: `swap`, `parallel.render_into`; a failure removes that tree.)
2. Changed files are written into a staging folder inside ``docs/`` (a dot
   folder, which MkDocs ignores): the slow part, still with ``docs/`` untouched.
3. The manifest (``docs/.schema-catalog-manifest``) first claims the old and
   the new pages; then the staged files are renamed into place, stale generated
   pages are removed, and the manifest is replaced by the new list. Renames are
   atomic per file, so the window where old and new pages mix is this one quick
   step; a run killed inside it leaves no page unclaimed, and the next run
   completes it (tests/test_nothing_lost.py kills renders at both points).

Unchanged pages are not rewritten (their mtimes stay), and a page whose inputs
did not change since the last render is not even rendered (`inputs` keeps their
hashes in ``docs/.schema-catalog-inputs``); many pages are rendered in several
processes (`parallel`), with the same bytes. Only files listed in the
manifest are ever deleted, and a generated page never overwrites a file the
manifest does not know.
"""

from __future__ import annotations

import functools
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from schema_catalog import atomic, collector, site_settings, snapshot
from schema_catalog.config import Config
from schema_catalog.errors import RenderError
from schema_catalog.model import Catalog
from schema_catalog.render import inputs, parallel, swap
from schema_catalog.render.environment import environment
from schema_catalog.render.lookup import Lookup
from schema_catalog.render.nav import NAV_FILE, nav_yaml
from schema_catalog.render.pages import Page, all_pages, page_paths

if TYPE_CHECKING:
    from schema_catalog.analysis.diff import CatalogDiff

__all__ = ["MANIFEST", "RenderResult", "all_files", "render", "render_pages"]

MANIFEST = ".schema-catalog-manifest"
STAGING = ".schema-catalog-staging"
ASSETS = Path(__file__).resolve().parent / "assets"
JSON_SCHEMA = "catalog.schema.json"
ANALYSED_JSON = "catalog.analysed.json"
ANALYSED_JSON_SCHEMA = "catalog.analysed.schema.json"
# Package files copied into docs/ as they are (the site must load nothing from a CDN).
ASSET_FILES = {
    "assets/javascripts/mermaid.min.js": ASSETS / "mermaid.min.js",
    "assets/stylesheets/schema-catalog.css": ASSETS / "schema-catalog.css",
    "assets/javascripts/schema-catalog.js": ASSETS / "schema-catalog.js",
    # The ELK layout for large diagrams: an ES module the pages' script imports on demand.
    **{
        f"assets/javascripts/{path.relative_to(ASSETS).as_posix()}": path
        for path in sorted((ASSETS / "mermaid-layout-elk").rglob("*.mjs"))
    },
}


@dataclass
class RenderResult:
    """What a render did to ``docs/``."""

    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    rendered: int = 0
    """Pages that went through their template (the others' inputs had not changed)."""

    @property
    def counts(self) -> dict[str, int]:
        return {k: len(getattr(self, k)) for k in ("written", "unchanged", "removed")}

    def __str__(self) -> str:
        return (
            f"pages: {len(self.written)} written, {len(self.unchanged)} unchanged, "
            f"{len(self.removed)} removed"
        )


def render(
    catalog: Catalog,
    config: Config,
    docs_dir: Path,
    *,
    changelog: CatalogDiff | None = None,
    on_staged: Callable[[], None] | None = None,
    in_place: bool = False,
    workers: int | None = None,
    lists_later: bool = False,
) -> RenderResult:
    """Write the pages of ``catalog`` (analysed) into ``docs_dir``; only changed
    files are rewritten.

    ``changelog`` is the changelog page's diff (`diff` against the
    previous snapshot, when one is kept). ``on_staged`` runs after staging and
    before anything in ``docs_dir`` changes (tests interrupt a render there).

    ``docs_dir`` changes in one step (`swap`); ``in_place`` renames changed pages
    in one by one instead, for ``serve``, whose file watcher must keep its folder.

    A page whose inputs are unchanged since the last render (`inputs`) is not
    rendered again; the others are rendered in ``workers`` processes (default:
    several when there are many pages, see `parallel`).

    ``lists_later``: only tables' pages (and pages new to docs/) are rendered; the
    other pages stay as they are, recorded as not yet rendered, for the next render
    (``serve`` shows the changed tables first).
    """
    recorded = inputs.read(docs_dir)
    if in_place:
        with collector.frozen():  # the catalog is not walked again for each collection
            pages = _render_changed_pages(
                catalog, config, changelog, docs_dir, recorded, workers, lists_later
            )
        pages.files.update(_asset_and_site_files(config))
        return _commit(pages, docs_dir, on_staged)
    # Rendered pages go straight into the next tree (`swap`): what a killed run left
    # there (or in the in-place staging folder) was never committed.
    staged = swap.next_dir(docs_dir)
    atomic.remove_leftovers(docs_dir / STAGING, staged)
    try:
        with collector.frozen():
            pages = _render_changed_pages(
                catalog,
                config,
                changelog,
                docs_dir,
                recorded,
                workers,
                lists_later,
                sink=parallel.Sink(staged, docs_dir),
            )
        pages.files.update(_asset_and_site_files(config))
        return _commit_by_exchange(pages, docs_dir, on_staged)
    except BaseException:
        shutil.rmtree(staged, ignore_errors=True)  # a failed render: nothing changed
        raise


def all_files(
    catalog: Catalog, config: Config, changelog: CatalogDiff | None = None
) -> dict[str, bytes]:
    """What `render` writes into docs/: the pages, the nav, the local assets, the site files."""
    files = render_pages(catalog, config, changelog)
    files.update(_asset_and_site_files(config))
    return files


def _asset_and_site_files(config: Config) -> dict[str, bytes]:
    files = {path: source.read_bytes() for path, source in ASSET_FILES.items()}
    files.update(_site_files(config))
    return files


def _site_files(config: Config) -> dict[str, bytes]:
    """catalog.yml's logo and extra_css files, copied into docs/ for the site to serve."""
    files: dict[str, bytes] = {}
    for path, source in site_settings.extra_files(config).items():
        try:
            files[path] = source.read_bytes()
        except OSError:
            raise RenderError(
                "site file not found",
                where=f"{config.where}: site",
                fix=f"create {source} or remove it from site.logo / site.extra_css",
            ) from None
    return files


def render_pages(
    catalog: Catalog,
    config: Config,
    changelog: CatalogDiff | None = None,
    *,
    workers: int | None = None,
) -> dict[str, bytes]:
    """Every generated page, path relative to ``docs/`` → bytes, nothing written.

    The analysed ``catalog`` is published beside the pages as JSON, with its
    JSON Schema, for tools.
    """
    with collector.frozen():
        return _render_changed_pages(catalog, config, changelog, None, {}, workers).files


@dataclass
class RenderedPages:
    """The pages of one render: those rendered, and those kept as docs/ holds them."""

    files: dict[str, bytes]
    """Rendered now (and the nav and JSON files), path → bytes."""
    kept: set[str]
    """Pages whose inputs and bytes in docs/ are unchanged: not rendered at all."""
    recorded: inputs.Recorded
    """Every page's inputs hash and output hash, for the next render."""
    rendered: int
    """How many pages went through a template."""
    placed: dict[str, bool | None] = field(default_factory=dict)
    """Rendered now, already in the next docs/ tree (`parallel.render_into`): whether
    docs/ held the page already, with the same bytes or others (None: not at all)."""

    @property
    def generated(self) -> set[str]:
        """Every file of the render: docs/ holds exactly these, and the manifest lists them."""
        return set(self.files) | self.kept | set(self.placed)


def _render_changed_pages(
    catalog: Catalog,
    config: Config,
    changelog: CatalogDiff | None,
    docs_dir: Path | None,
    recorded: inputs.Recorded,
    workers: int | None = None,
    lists_later: bool = False,
    sink: parallel.Sink | None = None,
) -> RenderedPages:
    """The pages whose inputs changed since ``recorded`` (every page without a docs_dir);
    into ``sink`` when there is one, else in ``files``."""
    templates = _user_templates(config)
    paths = page_paths(catalog)
    lookup = Lookup(catalog)
    analysed, tables_json = snapshot.dumps_analysed_by_table(catalog)
    pages = all_pages(catalog, config, paths, changelog, lookup)
    keys: dict[str, str] = {}
    kept: set[str] = set()
    if docs_dir is not None:
        renderer = inputs.renderer_key(config, templates, paths)
        by_name = {t.qualified_name: j for t, j in zip(catalog.tables, tables_json, strict=True)}
        keys = _input_keys(pages, renderer, lookup, (analysed, by_name), changelog, config)
        kept = {
            p.path
            for p in pages
            if recorded.get(p.path, ("", ""))[0] == keys[p.path]
            and inputs.unchanged_on_disk(docs_dir, p.path, recorded[p.path][1])
        }
    later: set[str] = set()
    if lists_later and docs_dir is not None:
        later = {
            p.path
            for p in pages
            if p.table is None
            and p.path not in kept
            and p.path in recorded
            and (docs_dir / p.path).is_file()
        }
    todo = [p for p in pages if p.path not in kept and p.path not in later]
    env, long_text = environment(templates), config.site.long_text
    files: dict[str, bytes] = {}
    placed: dict[str, bool | None] = {}
    if sink is not None:
        outcomes = parallel.render_into(sink, env, todo, long_text, workers)
        placed = {p.path: held for p, (_, held) in zip(todo, outcomes, strict=True)}
        new_recorded = {
            p.path: (keys[p.path], h) for p, (h, _) in zip(todo, outcomes, strict=True) if keys
        }
    else:
        rendered = parallel.render_all(env, todo, long_text, workers)
        files = dict(zip([p.path for p in todo], rendered, strict=True))
        new_recorded = {p: (keys[p], inputs.output_hash(data)) for p, data in files.items() if keys}
    new_recorded |= {p: (keys[p], recorded[p][1]) for p in kept}
    new_recorded |= {p: recorded[p] for p in later}  # their old inputs: rendered next time
    files[NAV_FILE] = nav_yaml(catalog, paths).encode("utf-8")
    # The snapshot format is a public contract: publish its JSON Schema with the site.
    files.update(_json_schemas())
    files[ANALYSED_JSON] = analysed.encode("utf-8")
    return RenderedPages(files, kept | later, new_recorded, len(todo), placed)


@functools.cache  # a function of the code alone, and slow to compute (pydantic's generator)
def _json_schemas() -> dict[str, bytes]:
    return {
        JSON_SCHEMA: snapshot.json_schema().encode("utf-8"),
        ANALYSED_JSON_SCHEMA: snapshot.analysed_json_schema().encode("utf-8"),
    }


def _user_templates(config: Config) -> Path | None:
    templates = config.resolve(config.site.templates) if config.site.templates else None
    if templates is not None and not templates.is_dir():
        raise RenderError(
            "template folder not found",
            where=f"{config.where}: site.templates",
            fix=f"create {templates} or remove the key",
        )
    return templates


def _input_keys(
    pages: list[Page],
    renderer: str,
    lookup: Lookup,
    analysed: tuple[str, dict[str, str]],
    changelog: CatalogDiff | None,
    config: Config,
) -> dict[str, str]:
    """Each page's inputs hash (see `inputs`); ``analysed``: the catalog's JSON, and
    each table's part of it by name."""
    whole_json, tables_json = analysed
    tables = inputs.table_keys(renderer, lookup, config.site.diagram_hops, tables_json)
    whole = inputs.catalog_key(
        renderer, whole_json, changelog.model_dump_json() if changelog else ""
    )
    return {p.path: tables[p.table] if p.table else whole for p in pages}


def _read_manifest(docs_dir: Path) -> set[str]:
    try:
        text = (docs_dir / MANIFEST).read_text(encoding="utf-8")
    except FileNotFoundError:
        return set()
    return {line for line in text.splitlines() if line and not line.startswith("#")}


def _commit(
    pages: RenderedPages, docs_dir: Path, on_staged: Callable[[], None] | None
) -> RenderResult:
    previous = _read_manifest(docs_dir)
    result = RenderResult(rendered=pages.rendered)
    files, generated = pages.files, pages.generated
    changed = _changed(pages, docs_dir, previous, result)
    staging = docs_dir / STAGING
    if staging.exists():
        shutil.rmtree(staging)  # left by an interrupted run: never committed
    try:
        for path in changed:
            atomic.write_bytes(staging / path, files[path])
    except OSError:
        shutil.rmtree(staging, ignore_errors=True)  # a full disk: nothing was committed
        raise
    if on_staged is not None:
        on_staged()
    # Claim the new pages before any reaches docs/: if the run dies among the
    # renames, the next run knows them for its own, to rewrite or remove.
    _write_manifest(docs_dir, previous | generated)
    for path in changed:
        target = docs_dir / path
        target.parent.mkdir(parents=True, exist_ok=True)
        (staging / path).replace(target)
    result.removed = _remove_stale(docs_dir, previous - generated)
    _write_manifest(docs_dir, generated)
    _write_if_changed(docs_dir / inputs.INPUTS, inputs.text(pages.recorded.items()))
    shutil.rmtree(staging, ignore_errors=True)
    return result


def _write_if_changed(path: Path, text: str) -> None:
    if _read_text(path) != text:
        atomic.write_text(path, text)


def _commit_by_exchange(
    pages: RenderedPages, docs_dir: Path, on_staged: Callable[[], None] | None
) -> RenderResult:
    previous = _read_manifest(docs_dir)
    result = RenderResult(rendered=pages.rendered)
    files, generated = pages.files, pages.generated
    changed = _changed(pages, docs_dir, previous, result)
    stale = {p for p in previous - generated if (docs_dir / p).is_file()}
    manifest = _manifest_text(generated)
    recorded = inputs.text(pages.recorded.items())
    if (
        not changed
        and not stale
        and _read_text(docs_dir / MANIFEST) == manifest
        and _read_text(docs_dir / inputs.INPUTS) == recorded
    ):
        shutil.rmtree(swap.next_dir(docs_dir), ignore_errors=True)  # links to the same pages
        return result  # nothing to do: no mtime moves
    new = {path: files[path] for path in changed if path in files}
    new[MANIFEST] = manifest.encode("utf-8")
    new[inputs.INPUTS] = recorded.encode("utf-8")
    placed = frozenset(pages.placed)
    swap.commit(docs_dir, new, stale, on_staged, hidden=frozenset({STAGING}), placed=placed)
    result.removed = sorted(stale)
    return result


def _read_text(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None


def _manifest_text(paths: set[str]) -> str:
    manifest = "# Pages generated by schema-catalog; do not edit them by hand.\n"
    return manifest + "".join(f"{p}\n" for p in sorted(paths))


def _write_manifest(docs_dir: Path, paths: set[str]) -> None:
    atomic.write_text(docs_dir / MANIFEST, _manifest_text(paths))


def _changed(
    pages: RenderedPages, docs_dir: Path, previous: set[str], result: RenderResult
) -> list[str]:
    files, placed = pages.files, pages.placed
    changed: list[str] = []
    result.unchanged = sorted(pages.kept)
    for path in sorted(files.keys() | placed.keys()):
        held: bool | None
        if path in placed:
            held = placed[path]  # compared by the worker that put it in the next tree
        else:
            try:
                held = (docs_dir / path).read_bytes() == files[path]
            except FileNotFoundError:
                held = None
        if held:
            result.unchanged.append(path)
            continue
        if held is not None and path not in previous:
            raise RenderError(
                "a file schema-catalog would generate already exists and was not generated by it",
                where=str(docs_dir / path),
                fix="move your page elsewhere in docs/ or delete it",
            )
        changed.append(path)
    result.unchanged.sort()
    result.written = changed
    return changed


def _remove_stale(docs_dir: Path, stale: set[str]) -> list[str]:
    removed = []
    for path in sorted(stale):
        target = docs_dir / path
        if target.is_file():
            target.unlink()
            removed.append(path)
            _prune_empty(target.parent, docs_dir)
    return removed


def _prune_empty(folder: Path, docs_dir: Path) -> None:
    while folder != docs_dir and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent
