"""Where each generated page lives, and how pages link to each other.

Layout of the generated part of ``docs/``::

    index.md                      home
    tables/index.md               every table, by schema
    tables/<schema>/index.md      one schema's tables
    tables/<schema>/<table>.md    one page per table, view, materialized view...
    domains/index.md              every domain, and the tables in none
    domains/<domain>/index.md     one page per domain (a nav section of its own)
    tenancy.md  migrations.md  findings.md  rules.md  changelog.md
    views.md  enums.md  functions.md  tags.md

A page path depends only on the object's own name, so it is stable across runs
whatever else the catalog holds. Names are lowercased (case-insensitive
filesystems), NFC-normalised (macOS), and keep unicode letters. A name that is
not already its own slug (``Users``, ``order items``) always gets a short hash
of the exact name as suffix: ``Users`` and ``users`` never share a page, and
adding one never moves the other.
"""

from __future__ import annotations

import functools
import hashlib
import posixpath
import re
import unicodedata
from collections.abc import Iterable

_NOT_SLUG = re.compile(r"[^\w]+")
_DASHES = re.compile(r"-{2,}")
_MAX_SLUG = 60
# Names a page file must not take: our own index pages, and Windows device names.
_RESERVED = frozenset(
    {"index", "readme", "con", "prn", "aux", "nul", "tags", "assets"}
    | {f"com{i}" for i in range(10)}
    | {f"lpt{i}" for i in range(10)}
)


@functools.lru_cache(maxsize=65536)  # pure, and called for every link and anchor
def slug(name: str) -> str:
    """A lowercase, filesystem-safe form of ``name`` (unicode letters kept)."""
    text = unicodedata.normalize("NFC", name).casefold()
    text = _NOT_SLUG.sub("-", text)
    text = _DASHES.sub("-", text).strip("-")
    return text[:_MAX_SLUG].strip("-") or "x"


def _hash(name: str, length: int = 6) -> str:
    return hashlib.sha256(name.encode("utf-8")).hexdigest()[:length]


def stable_slug(name: str) -> str:
    """`slug`, plus a hash of ``name`` unless the name is its own slug."""
    base = slug(name)
    if base == name and base not in _RESERVED:
        return base
    return f"{base}-{_hash(name)}"


def unique_slugs(names: Iterable[str]) -> dict[str, str]:
    """Stable slugs for ``names``, distinct even if hashes happen to meet."""
    result: dict[str, str] = {}
    taken: set[str] = set()
    for name in sorted(set(names)):
        candidate = stable_slug(name)
        length = 6
        while candidate in taken:
            length += 2
            candidate = f"{slug(name)}-{_hash(name, length)}"
        taken.add(candidate)
        result[name] = candidate
    return result


def readable_slugs(names: Iterable[str]) -> dict[str, str]:
    """Plain slugs; a hash suffix only for names whose slug another name took first."""
    result: dict[str, str] = {}
    taken: set[str] = set()
    for name in sorted(set(names), key=lambda n: (slug(n) != n.casefold(), n)):
        candidate = slug(name)
        if candidate in taken or candidate in _RESERVED:
            candidate = f"{candidate}-{_hash(name)}"
        taken.add(candidate)
        result[name] = candidate
    return result


class PagePaths:
    """The page of every table and domain, as paths relative to ``docs/``."""

    def __init__(self, tables: Iterable[tuple[str, str]], domains: Iterable[str]) -> None:
        pairs = sorted(set(tables))
        self._schema_dirs = unique_slugs(schema for schema, _ in pairs)
        self._tables: dict[str, str] = {}
        for schema in sorted(self._schema_dirs):
            names = [name for s, name in pairs if s == schema]
            folder = self._schema_dirs[schema]
            for name, page in unique_slugs(names).items():
                self._tables[f"{schema}.{name}"] = f"tables/{folder}/{page}.md"
        # Domain names come from catalog.yml, not the database: readable slugs first.
        self._domains = {d: f"domains/{s}/index.md" for d, s in readable_slugs(domains).items()}

    def table(self, qualified_name: str) -> str | None:
        return self._tables.get(qualified_name)

    def schema(self, schema: str) -> str:
        return f"tables/{self._schema_dirs[schema]}/index.md"

    def schemas(self) -> list[str]:
        return sorted(self._schema_dirs)

    def domain(self, name: str) -> str | None:
        return self._domains.get(name)

    def fingerprint(self) -> str:
        """Every page path by its object: what every link on every page is made from."""
        entries = [*self._tables.items(), *self._schema_dirs.items(), *self._domains.items()]
        return "".join(f"{name}\t{page}\n" for name, page in entries)


def relative(from_page: str, to_page: str, fragment: str | None = None) -> str:
    """The link from one page to another, both relative to ``docs/``."""
    href = _relative(posixpath.dirname(from_page), to_page)
    return f"{href}#{fragment}" if fragment else href


@functools.lru_cache(maxsize=65536)  # a folder links to the same few pages over and over
def _relative(start: str, to_page: str) -> str:
    # `posixpath.relpath` for two clean paths under docs/, without its abspath()
    # and getcwd() calls (pages hold tens of thousands of links).
    here = start.split("/") if start else []
    there = to_page.split("/")
    common = 0
    for a, b in zip(here, there, strict=False):
        if a != b:
            break
        common += 1
    return "/".join([".."] * (len(here) - common) + there[common:]) or "."
