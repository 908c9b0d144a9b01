"""The site: a real MkDocs (Material) build of the rendered pages, and `serve`.

Only this module imports mkdocs. `build` builds into a staging folder beside
``site_dir`` and swaps it in, so a failed build leaves the previous site; MkDocs
warnings (a broken link, a missing page) fail the build, reported as one line.
`serve` runs MkDocs' own live-reload server on the pages and re-renders them
whenever the catalog snapshot or the config changes (`_Rerender`), so the
browser reloads after ``schema-catalog extract``.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import signal
import socket
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml

from schema_catalog import atomic, site_settings
from schema_catalog.config import Config
from schema_catalog.errors import CatalogError, RenderError, from_os_error
from schema_catalog.render.nav import NAV_FILE

__all__ = ["build", "project_mkdocs_yml", "serve", "standalone_mkdocs_yml"]


class _Warnings(logging.Handler):
    """Collects MkDocs warnings so the first one can be reported."""

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage().splitlines()[0])


@contextmanager
def _collect_warnings() -> Iterator[_Warnings]:
    handler = _Warnings()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(handler)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)


_INHERIT = re.compile(r"^INHERIT:.*$", re.MULTILINE)


@contextmanager
def _config_file(mkdocs_yml: Path, docs_dir: Path) -> Iterator[Path]:
    """mkdocs.yml, pointed at the nav file of ``docs_dir`` when it inherits one.

    A mkdocs.yml may inherit the generated nav from its own docs folder
    (``INHERIT: docs/.schema-catalog-nav.yml``, resolved by MkDocs relative to
    the file). Building another docs folder needs that line changed, so a copy
    is written beside the original, where its other relative paths still hold.
    """
    text = mkdocs_yml.read_text(encoding="utf-8")
    nav = (docs_dir / NAV_FILE).resolve()
    line = _INHERIT.search(text)
    if line is None or (mkdocs_yml.parent / line.group(0)[8:].strip()).resolve() == nav:
        yield mkdocs_yml
        return
    replacement = f"INHERIT: {json.dumps(str(nav))}" if nav.is_file() else ""
    with _scratch_file(mkdocs_yml.parent, _INHERIT.sub(replacement, text, count=1)) as copy:
        yield copy


@contextmanager
def _scratch_file(folder: Path, text: str) -> Iterator[Path]:
    fd, name = tempfile.mkstemp(dir=folder, prefix=".mkdocs-", suffix=".yml")
    os.close(fd)
    path = Path(name)
    try:
        path.write_text(text, encoding="utf-8")
        yield path
    finally:
        path.unlink(missing_ok=True)


def _read_yaml(config_file: Path) -> dict[str, Any]:
    from mkdocs.utils.yaml import yaml_load

    try:
        with config_file.open("rb") as fd:
            raw = yaml_load(fd)
    except Exception as error:  # MkDocs' loader raises YAML and ConfigurationError alike
        raise RenderError(
            f"invalid MkDocs configuration: {str(error).splitlines()[0]}", where=str(config_file)
        ) from None
    return raw if isinstance(raw, dict) else {}


def _nav(docs_dir: Path) -> list[Any] | None:
    try:
        text = (docs_dir / NAV_FILE).read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    nav = (yaml.safe_load(text) or {}).get("nav")
    return nav if isinstance(nav, list) else None


def project_mkdocs_yml(config: Config) -> Path | None:
    """The team's own mkdocs.yml in the project root, if it has one."""
    own = config.project_root / "mkdocs.yml"
    return own if own.is_file() else None


@contextmanager
def mkdocs_settings(
    config: Config, docs_dir: Path, mkdocs_yml: Path | None
) -> Iterator[tuple[Path, dict[str, Any]]]:
    """The MkDocs config file to load (a scratch file beside ``docs_dir`` or the team's).

    Without a team's mkdocs.yml: schema-catalog's default, inheriting the
    generated nav. With one: a scratch file beside it that inherits it and sets
    `site_settings.additions` over it. Either way MkDocs reads a file, so `serve`
    reloads it (and a new nav) on every rebuild. The dict is for overrides the
    caller adds (none yet).
    """
    if mkdocs_yml is None:
        nav_file = (docs_dir / NAV_FILE).resolve()
        head = f"INHERIT: {json.dumps(str(nav_file))}\n" if nav_file.is_file() else ""
        body = _dump(site_settings.default(config, None))
        docs_dir.parent.mkdir(parents=True, exist_ok=True)
        with _scratch_file(docs_dir.parent, head + body) as config_file:
            yield config_file, {}
        return
    if not mkdocs_yml.is_file():
        raise RenderError(
            "mkdocs.yml not found",
            where=str(mkdocs_yml),
            fix="pass --mkdocs FILE, or leave it out to use schema-catalog's default configuration",
        )
    with _config_file(mkdocs_yml, docs_dir) as team:
        theirs = _read_yaml(team)
        nav = None if "nav" in theirs else _nav(docs_dir)
        head = f"INHERIT: {json.dumps(str(team.resolve()))}\n"
        body = _dump(site_settings.additions(theirs, config, nav))
        with _scratch_file(mkdocs_yml.parent, head + body) as config_file:
            yield config_file, {}


def _dump(settings: dict[str, Any]) -> str:
    # yaml.Dumper writes functions (a custom fence's format) as !!python/name, as MkDocs reads them.
    return yaml.dump(settings, Dumper=yaml.Dumper, sort_keys=False, allow_unicode=True)


def standalone_mkdocs_yml(config: Config, docs_dir: Path, site_dir: Path, folder: Path) -> str:
    """schema-catalog's default configuration as a whole mkdocs.yml for ``folder``.

    For tools that read mkdocs.yml themselves (a bare ``mkdocs build``, Zensical):
    the nav is written inline, docs_dir and site_dir relative to ``folder``.
    """
    settings = {
        **site_settings.default(config, _nav(docs_dir)),
        "docs_dir": os.path.relpath(docs_dir, folder),
        "site_dir": os.path.relpath(site_dir, folder),
    }
    return _dump(settings)


def _load(
    config_file: Path, docs_dir: Path, site_dir: Path, settings: dict[str, Any], where: Path
) -> object:
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, ConfigurationError

    try:
        return load_config(
            config_file=str(config_file),
            docs_dir=str(docs_dir.resolve()),
            site_dir=str(site_dir.resolve()),
            **settings,
        )
    except (ConfigurationError, Abort) as error:
        raise RenderError(f"invalid MkDocs configuration: {error}", where=str(where)) from None


def build(
    config: Config, docs_dir: Path, site_dir: Path, *, mkdocs_yml: Path | None = None
) -> None:
    """Build the site from ``docs_dir`` into ``site_dir`` with the real MkDocs.

    ``mkdocs_yml`` is the team's configuration (`project_mkdocs_yml` finds it);
    None builds with schema-catalog's default.
    """
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.exceptions import MkDocsException

    staging = site_dir.with_name(f".{site_dir.name}.building")
    atomic.remove_leftovers(staging)  # a killed build's half site: never in place
    if site_dir.exists() and not site_dir.is_dir():
        raise RenderError(
            "is a file, not a folder", where=str(site_dir), fix="remove it or pass another --site"
        )
    try:
        with (
            mkdocs_settings(config, docs_dir, mkdocs_yml) as (config_file, settings),
            _collect_warnings() as warnings,
        ):
            where = mkdocs_yml or config_file
            mkdocs_config = _load(config_file, docs_dir, staging, settings, where)
            try:
                mkdocs_build(mkdocs_config)  # type: ignore[arg-type]
            except MkDocsException as error:
                raise RenderError(f"MkDocs build failed: {error}", where=str(where)) from None
        if warnings.messages:
            first = warnings.messages[0]
            more = f" (and {len(warnings.messages) - 1} more)" if len(warnings.messages) > 1 else ""
            raise RenderError(f"MkDocs build warning: {first}{more}", where=str(docs_dir))
    except OSError as error:
        shutil.rmtree(staging, ignore_errors=True)
        raise from_os_error(error, where=site_dir) from None
    except BaseException:
        # The half-built site is never shown: remove it, the previous site stays.
        shutil.rmtree(staging, ignore_errors=True)
        raise
    atomic.swap_directory(staging, site_dir)


def template_files(config: Config) -> list[Path]:
    """The user's template overrides (catalog.yml's ``site.templates``): edits re-render."""
    if not config.site.templates:
        return []
    folder = Path(config.site.templates)
    if not folder.is_absolute() and config.path is not None:
        folder = config.path.parent / folder
    return sorted(folder.rglob("*.jinja")) if folder.is_dir() else []


def check_address(dev_addr: str) -> None:
    """Fail in one line when ``HOST:PORT`` is malformed or already taken."""
    host, _, port = dev_addr.rpartition(":")
    if not host or not port.isdigit():
        raise CatalogError(f"--dev-addr {dev_addr!r} is not HOST:PORT", fix="e.g. 127.0.0.1:8000")
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        if os.name == "posix":
            # As MkDocs' server binds: a port the last `serve` left in TIME_WAIT is free
            # (a listening socket still refuses the bind).
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host.strip("[]"), int(port)))
        except OSError as error:
            raise CatalogError(
                f"cannot serve on {dev_addr}: {error.strerror or error}",
                fix=f"stop what uses port {port}, or pass --dev-addr {host}:{int(port) + 1}",
            ) from None


def _stamp(paths: Iterable[Path]) -> tuple[float, ...]:
    return tuple(p.stat().st_mtime if p.exists() else -1.0 for p in paths)


class _Rerender:
    """What `schema-catalog render` does (reload config and snapshot, analyse, render),
    in two steps for ``serve``: the pages of the tables that changed, then, in the
    build after the one that showed those, the lists (home, indexes, domains) that
    mention them. A list of 2,000 rows takes MkDocs seconds; the page being edited
    need not wait."""

    def __init__(self, config: Config, docs_dir: Path, catalog_path: Path) -> None:
        self.config, self.docs_dir, self.catalog_path = config, docs_dir, catalog_path
        self._lists: Callable[[], object] | None = None

    def __call__(self) -> object:
        from schema_catalog import config as config_module
        from schema_catalog import pipeline, render

        fresh = config_module.load(self.config.path) if self.config.path else self.config
        catalog = pipeline.load(fresh, self.catalog_path)
        result = render.render(catalog, fresh, self.docs_dir, in_place=True, lists_later=True)
        self._lists = lambda: render.render(catalog, fresh, self.docs_dir, in_place=True)
        return result

    @property
    def lists_due(self) -> bool:
        return self._lists is not None

    def lists(self) -> None:
        lists, self._lists = self._lists, None
        if lists is not None:
            lists()


def _error_page(site_dir: Path, code: int) -> bytes | None:
    page = site_dir / f"{code}.html"
    return page.read_bytes() if code in (404, 500) and page.is_file() else None


def _logged(step: Callable[[], object]) -> None:
    """A failing re-render is logged; the last good pages stay in place."""
    try:
        step()
    except CatalogError as error:
        logging.getLogger("schema_catalog").error("re-render failed: %s", error)


def _stop_on_sigterm() -> None:
    """Let SIGTERM stop the server like Ctrl-C, so the temporary config is removed."""

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, interrupt)


def serve(
    config: Config,
    docs_dir: Path,
    *,
    mkdocs_yml: Path | None = None,
    catalog_path: Path | None = None,
    watch: list[Path] | None = None,
    rerender: Callable[[], object] | None = None,
    dev_addr: str = "127.0.0.1:8000",
    dirty: bool = True,
) -> None:
    """Serve the site with live reload; re-render when the snapshot or config changes.

    Blocks until interrupted (Ctrl-C). By default the catalog snapshot at
    ``catalog_path``, the config file and the template overrides are watched, and
    a change re-renders the pages; ``watch`` and ``rerender`` replace those defaults.

    This is ``mkdocs serve`` (MkDocs' live-reload server and its builds) with a
    builder of our own: when a watched file changed, it re-renders first, in the
    build loop (so MkDocs never builds a half-written docs/), the changed tables'
    pages before the lists that mention them (`_Rerender`).

    ``dirty``: MkDocs rebuilds only the pages whose Markdown changed (a render
    rewrites only those, the others keep their mtime), and Material's search
    merges them into the index it built before. Unchanged pages keep their
    navigation until a full rebuild (``dirty=False`` rebuilds everything on every change).
    """
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.livereload import LiveReloadServer

    if rerender is None:
        if catalog_path is None:
            raise RenderError("serve needs the catalog snapshot to watch (catalog_path)")
        rerender = _Rerender(config, docs_dir, catalog_path)
    if watch is None:
        watch = [p for p in (catalog_path, config.path) if p is not None]
        watch += template_files(config)
    check_address(dev_addr)
    _stop_on_sigterm()
    host, _, port = dev_addr.rpartition(":")
    serve_url = f"http://{host}:{port}/"
    site_dir = Path(tempfile.mkdtemp(prefix="mkdocs_"))
    # A file written here asks MkDocs' server for one more build (see `builder`).
    next_build = Path(tempfile.mkdtemp(prefix="schema-catalog-serve-"))
    seen = _stamp(watch)
    try:
        with mkdocs_settings(config, docs_dir, mkdocs_yml) as (config_file, settings):

            def load() -> Any:  # MkDocs re-reads its configuration (and the nav) each build
                loaded: Any = _load(config_file, docs_dir, site_dir, settings, config_file)
                loaded.site_url = serve_url
                return loaded

            def builder(loaded: Any = None) -> None:
                nonlocal seen
                now = _stamp(watch)
                changed, seen = now != seen, now
                lists = isinstance(rerender, _Rerender) and rerender.lists_due
                if changed:
                    _logged(rerender)
                elif lists and isinstance(rerender, _Rerender):
                    _logged(rerender.lists)
                mkdocs_build(loaded or load(), serve_url=serve_url, dirty=dirty)
                if changed and isinstance(rerender, _Rerender) and rerender.lists_due:
                    # MkDocs' server answers no request until this build returns, so the
                    # changed pages are shown now and the lists wait for the next build,
                    # which this file asks for (its poll sees the file).
                    (next_build / "lists").write_text(str(time.time_ns()), encoding="utf-8")

            first = load()
            first.plugins.on_startup(command="serve", dirty=dirty)
            server = LiveReloadServer(
                builder=builder, host=host, port=int(port), root=str(site_dir)
            )
            server.error_handler = lambda code: _error_page(site_dir, code)
            try:
                builder(first)
                server.watch(str(docs_dir))
                # The folders, not the files: the snapshot is replaced by a rename.
                for folder in sorted({p.parent for p in watch if p.parent.is_dir()}):
                    server.watch(str(folder), recursive=False)
                server.watch(str(next_build), recursive=False)
                for extra in first.watch:  # mkdocs.yml's own `watch:` list
                    server.watch(extra)
                first.plugins.on_serve(server, config=first, builder=builder)
                server.serve()  # type: ignore[no-untyped-call]
            except KeyboardInterrupt:
                pass
            finally:
                server.shutdown()
                first.plugins.on_shutdown()
    finally:
        shutil.rmtree(site_dir, ignore_errors=True)
        shutil.rmtree(next_build, ignore_errors=True)
