"""The `schema-catalog` MkDocs plugin: the catalog's pages inside a team's own docs site.

    plugins:
      - search
      - schema-catalog:
          catalog: catalog/catalog.json     # relative to mkdocs.yml
          config: catalog/catalog.yml       # optional; default: catalog.yml beside catalog.json
          section: Database                 # the nav section (and folder) of the pages

At build time the pages are rendered from the snapshot in memory and added
through MkDocs' Files API (``File.generated``), the way mkdocs-gen-files and
mkdocstrings do: nothing is written into ``docs/``. The Markdown extensions,
the local Mermaid and the badge styles the pages need are added to the
configuration; the search separator and the tags plugin stay the site's choice. Under ``mkdocs serve`` the snapshot and catalog.yml are watched:
a change rebuilds the site with freshly rendered pages.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from mkdocs.config import config_options
from mkdocs.config.base import Config as MkDocsOptions
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation, Section

from schema_catalog import config as config_module
from schema_catalog import pipeline, render, site_settings
from schema_catalog.errors import CatalogError
from schema_catalog.render.nav import NAV_FILE

__all__ = ["CatalogPlugin"]


class CatalogPluginOptions(MkDocsOptions):  # type: ignore[no-untyped-call]
    catalog = config_options.Type(str, default="catalog/catalog.json")
    config = config_options.Optional(config_options.Type(str))
    section = config_options.Type(str, default="Database")


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "catalog"


def _prefixed(entries: Any, prefix: str) -> Any:
    """The catalog's nav with every page path under ``prefix/``."""
    if isinstance(entries, str):
        return entries if "://" in entries else f"{prefix}/{entries}"
    if isinstance(entries, list):
        return [_prefixed(e, prefix) for e in entries]
    if isinstance(entries, dict):
        return {k: _prefixed(v, prefix) for k, v in entries.items()}
    return entries


class CatalogPlugin(BasePlugin[CatalogPluginOptions]):  # type: ignore[no-untyped-call]
    """Generates the catalog pages into a section of the site (see the module docstring)."""

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        base = Path(config.config_file_path or ".").parent
        self.catalog_path = (base / self.config.catalog).resolve()
        configured = self.config.config
        self.config_path = (
            (base / configured).resolve()
            if configured
            else self.catalog_path.parent / config_module.DEFAULT_PATH.name
        )
        self.prefix = _slug(self.config.section)
        self._load()
        self._add_extensions(config, site_settings.extensions())
        self._add_asset(config.extra_javascript, site_settings.MERMAID_JS)
        self._add_asset(config.extra_javascript, site_settings.CATALOG_JS)
        self._add_asset(config.extra_css, site_settings.BADGE_CSS)
        for css in self.catalog_config.site.extra_css:
            self._add_asset(config.extra_css, site_settings.site_url(self.catalog_config, css))
        if config.nav is not None:
            config.nav.append({self.config.section: _prefixed(self.nav, self.prefix)})
        return config

    def _load(self) -> None:
        try:
            self.catalog_config = config_module.load(
                self.config_path if self.config_path.is_file() else None
            )
            self.catalog = pipeline.load(self.catalog_config, self.catalog_path)
            self.files = render.all_files(
                self.catalog,
                self.catalog_config,
                pipeline.changelog(self.catalog, self.catalog_path, self.catalog_config),
            )
        except CatalogError as error:
            raise PluginError(f"schema-catalog: {error.line()}") from None
        nav_text = self.files.pop(NAV_FILE).decode("utf-8")
        import yaml

        self.nav = (yaml.safe_load(nav_text) or {}).get("nav", [])

    def _add_asset(self, entries: list[Any], path: str) -> None:
        target = path if "://" in path else f"{self.prefix}/{path}"
        if all(str(e) != target for e in entries):
            entries.append(target)

    @staticmethod
    def _add_extensions(config: MkDocsConfig, wanted: list[Any]) -> None:
        for entry in wanted:
            name = entry if isinstance(entry, str) else next(iter(entry))
            options = {} if isinstance(entry, str) else dict(entry[name] or {})
            if name not in config.markdown_extensions:
                config.markdown_extensions.append(name)
                config.mdx_configs[name] = options
            elif name == "pymdownx.superfences":
                current = config.mdx_configs.setdefault(name, {})
                fences = list(current.get("custom_fences") or [])
                if not any(f.get("name") == "mermaid" for f in fences):
                    current["custom_fences"] = [*fences, *options.get("custom_fences", [])]

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        for path, content in sorted(self.files.items()):
            files.append(File.generated(config, f"{self.prefix}/{path}", content=content))
        return files

    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation:
        # Without a nav in mkdocs.yml, MkDocs names the folder's section after the folder.
        for item in nav.items:
            if isinstance(item, Section) and _slug(item.title) == self.prefix:
                item.title = self.config.section
        return nav

    def on_serve(
        self, server: LiveReloadServer, *, config: MkDocsConfig, builder: Any
    ) -> LiveReloadServer:
        # A changed snapshot or catalog.yml rebuilds the site; on_config renders afresh.
        for path in (self.catalog_path, self.config_path):
            if path.exists():
                server.watch(str(path))
        return server
