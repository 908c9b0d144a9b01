"""The MkDocs configuration of a catalog site: schema-catalog's default, or the team's plus what the pages need.

With no mkdocs.yml of the team's, `default` is the whole configuration: Material
with the theme layer shipped in this package (``theme/``), the search separator,
``navigation.prune``, the local Mermaid, no web fonts, built from
catalog.yml's ``site:`` options (title, repo_url, logo, palette, extra_css).

When the team has its own mkdocs.yml, that file wins: `additions` returns only
the keys the catalog pages need and the file lacks (`MERGED_KEYS` lists them),
each one extended, never replaced.

Pure data: no MkDocs import here (`site` loads and builds).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from schema_catalog.config import Config

__all__ = [
    "MERGED_KEYS",
    "THEME_DIR",
    "additions",
    "default",
    "extensions",
    "extra_files",
    "site_url",
]

THEME_DIR = Path(__file__).resolve().parent / "theme"
BADGE_CSS = "assets/stylesheets/schema-catalog.css"
MERMAID_JS = "assets/javascripts/mermaid.min.js"
CATALOG_JS = "assets/javascripts/schema-catalog.js"
"""The pages' own script (the Findings page's filters)."""
SITE_ASSETS = "assets/site"
"""Where render copies catalog.yml's logo and extra_css files inside docs/."""

# "_" splits tokens, so `members` finds organization_members; Material also
# appends `*` to each term, so `organization` finds organization_id.
SEARCH_SEPARATOR = r'[\s\-_,:!=\[\]()"`/]+|\.(?!\d)|&[lg]t;|(?!\b)(?=[A-Z][a-z])'
FEATURES = (
    "navigation.indexes",  # a domain's index page is its section's page
    "navigation.prune",  # without it every page carries the whole nav (GBs at 3,000 tables)
)
DEFAULT_FEATURES = (
    *FEATURES,
    "navigation.sections",
    "navigation.top",
    "navigation.tracking",
    "search.highlight",
    "search.suggest",
    "content.code.copy",
)
PLAIN_EXTENSIONS = ("admonition", "attr_list", "md_in_html", "tables")

MERGED_KEYS = {
    "markdown_extensions": "admonition, attr_list, md_in_html, tables, toc, pymdownx.highlight and "
    "pymdownx.superfences with the `mermaid` custom fence (added to the team's entry)",
    "extra_javascript": f"{MERMAID_JS} (the local Mermaid) and {CATALOG_JS} (the pages' script)",
    "extra_css": f"{BADGE_CSS} (the badges) and catalog.yml's site.extra_css",
    "plugins": "search (with the `_` separator, unless the team sets one)",
    "theme.features": "navigation.indexes and navigation.prune (Material only)",
    "theme.custom_dir": "the theme layer (badges, the home page's check time), unless the "
    "team has its own; then the badge styles go in extra_css",
    "theme.font": "false, unless the team sets fonts (no request leaves the site)",
    "site_name": "catalog.yml's site.title when set, else the file's, else the project's name",
    "repo_url": "catalog.yml's site.repo_url when the file has none",
    "nav": "the catalog's navigation when the file has none",
}
"""What schema-catalog adds to a team's own mkdocs.yml (documented in the README)."""


def _mermaid_fence() -> dict[str, Any]:
    from pymdownx.superfences import fence_code_format

    # Drawn by the pages' own script (pan, zoom, full screen, click-through), not Material's.
    return {"name": "mermaid", "class": "sc-diagram", "format": fence_code_format}


def extensions() -> list[Any]:
    """The Markdown extensions the catalog pages need, with their options."""
    return [
        *PLAIN_EXTENSIONS,
        {"toc": {"permalink": True}},
        {"pymdownx.highlight": {"anchor_linenums": False}},
        {"pymdownx.superfences": {"custom_fences": [_mermaid_fence()]}},
    ]


def extra_files(config: Config) -> dict[str, Path]:
    """catalog.yml's logo and extra_css files: path inside docs/ → file to copy there."""
    files: dict[str, Path] = {}
    for entry in (config.site.logo, *config.site.extra_css):
        if entry and "://" not in entry:
            files[f"{SITE_ASSETS}/{Path(entry).name}"] = config.resolve(entry)
    return files


def site_url(config: Config, entry: str) -> str:
    """Where a catalog.yml site file (logo, extra_css) is served from, relative to docs/."""
    return entry if "://" in entry else f"{SITE_ASSETS}/{Path(entry).name}"


def _palette(config: Config) -> list[dict[str, Any]]:
    colours = {"primary": config.site.palette.primary, "accent": config.site.palette.accent}
    return [
        {
            "media": "(prefers-color-scheme: light)",
            "scheme": "default",
            **colours,
            "toggle": {"icon": "material/weather-night", "name": "Dark mode"},
        },
        {
            "media": "(prefers-color-scheme: dark)",
            "scheme": "slate",
            **colours,
            "toggle": {"icon": "material/weather-sunny", "name": "Light mode"},
        },
    ]


def default(config: Config, nav: list[Any] | None) -> dict[str, Any]:
    """The whole MkDocs configuration when the team has no mkdocs.yml."""
    theme: dict[str, Any] = {
        "name": "material",
        "custom_dir": str(THEME_DIR),
        "font": False,
        "features": list(DEFAULT_FEATURES),
        "palette": _palette(config),
    }
    if config.site.logo:
        theme["logo"] = site_url(config, config.site.logo)
    settings: dict[str, Any] = {
        "site_name": config.site_name,
        "use_directory_urls": True,
        "theme": theme,
        "plugins": [{"search": {"separator": SEARCH_SEPARATOR}}],
        "markdown_extensions": extensions(),
        "extra_javascript": [MERMAID_JS, CATALOG_JS],
        "extra_css": [site_url(config, css) for css in config.site.extra_css],
        "validation": {
            "omitted_files": "info",
            "absolute_links": "warn",
            "unrecognized_links": "warn",
        },
    }
    if config.site.repo_url:
        settings["repo_url"] = config.site.repo_url
    if nav is not None:
        settings["nav"] = nav
    return settings


def _name(entry: Any) -> str:
    return entry if isinstance(entry, str) else next(iter(entry))


def _merge_extensions(theirs: list[Any]) -> list[Any]:
    merged = list(theirs)
    names = [_name(e) for e in merged]
    for ours in extensions():
        name = _name(ours)
        if name not in names:
            merged.append(ours)
        elif name == "pymdownx.superfences":
            index = names.index(name)
            entry = merged[index]
            options = dict(entry[name] or {}) if isinstance(entry, dict) else {}
            fences = list(options.get("custom_fences") or [])
            if not any(isinstance(f, dict) and f.get("name") == "mermaid" for f in fences):
                options["custom_fences"] = [*fences, _mermaid_fence()]
                merged[index] = {name: options}
    return merged


def _merge_plugins(theirs: Any) -> list[Any]:
    # MkDocs' own default is `[search]`; the team's list may be a list or a mapping.
    if theirs is None:
        merged: list[Any] = ["search"]
    elif isinstance(theirs, dict):
        merged = [{k: v} for k, v in theirs.items()]
    else:
        merged = list(theirs)
    names = [_name(p) for p in merged]
    if "search" in names:
        index = names.index("search")
        entry = merged[index]
        options = dict(entry["search"] or {}) if isinstance(entry, dict) else {}
        options.setdefault("separator", SEARCH_SEPARATOR)
        merged[index] = {"search": options}
    return merged


def _merge_theme(theirs: Any) -> Any:
    if theirs == "material":
        theirs = {"name": "material"}
    if not isinstance(theirs, dict) or theirs.get("name") != "material":
        return theirs
    theme = dict(theirs)
    features = list(theme.get("features") or [])
    theme["features"] = features + [f for f in FEATURES if f not in features]
    theme.setdefault("font", False)
    theme.setdefault("custom_dir", str(THEME_DIR))  # MkDocs takes one: a team's own wins
    return theme


def _has_our_layer(theme: Any) -> bool:
    return isinstance(theme, dict) and theme.get("custom_dir") == str(THEME_DIR)


def additions(theirs: dict[str, Any], config: Config, nav: list[Any] | None) -> dict[str, Any]:
    """The keys to set over a team's mkdocs.yml (already loaded into ``theirs``)."""
    theme = _merge_theme(theirs["theme"]) if "theme" in theirs else None
    extra_css = list(theirs.get("extra_css") or [])
    # The theme layer links the badge styles itself; without it they go in extra_css.
    badges = [] if _has_our_layer(theme) else [BADGE_CSS]
    wanted_css = [*badges, *(site_url(config, css) for css in config.site.extra_css)]
    extra_js = list(theirs.get("extra_javascript") or [])
    settings: dict[str, Any] = {
        "markdown_extensions": _merge_extensions(list(theirs.get("markdown_extensions") or [])),
        "extra_javascript": extra_js
        + [js for js in (MERMAID_JS, CATALOG_JS) if js not in extra_js],
        "extra_css": extra_css + [css for css in wanted_css if css not in extra_css],
        "plugins": _merge_plugins(theirs.get("plugins")),
    }
    if theme is not None:
        settings["theme"] = theme
    if not theirs.get("site_name") or "title" in config.site.model_fields_set:
        settings["site_name"] = config.site_name  # an explicit site.title is a choice too
    if not theirs.get("repo_url") and config.site.repo_url:
        settings["repo_url"] = config.site.repo_url
    if "nav" not in theirs and nav is not None:
        settings["nav"] = nav
    return settings
