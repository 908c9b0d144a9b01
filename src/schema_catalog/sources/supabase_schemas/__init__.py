"""Supabase declarative schemas: ``supabase/schemas/*.sql`` → `Catalog` (role: declared).

The files state the schema the team wants; ``supabase db diff`` turns them into
migrations. They are replayed with the migration source's SQL replay, from an
empty Supabase database, in the order the Supabase CLI applies them
(``loadDeclaredSchemas`` in ``internal/db/diff/diff.go``, ``Glob.Files`` in
``pkg/config/config.go``):

* with ``schema_paths`` in ``[db.migrations]`` of ``supabase/config.toml``: each
  pattern, in the order given, is joined to ``supabase/`` (unless absolute) and
  cleaned (``./`` and ``..`` resolved as text), then matched with Go's
  ``filepath.Glob``: ``*``, ``?`` and ``[...]`` never cross a ``/``, so ``**`` is
  ``*`` (one folder level, not any depth). A pattern's matches are sorted by the
  bytes of their path; a file already matched by an earlier pattern is not taken
  again. A pattern that matches nothing is an error only when no pattern matches
  anything (then ``supabase db diff`` fails too); otherwise the CLI goes on
  without a word, and so does this source. A match that is a folder is an error,
  as the CLI fails to read it;
* else every regular ``.sql`` file under ``supabase/schemas``, at any depth
  (symbolic links are not followed), sorted by the bytes of the full path, so
  ``schemas/a.sql`` < ``schemas/a/b.sql`` < ``schemas/a0.sql``.

A path may be the ``supabase/schemas`` folder, the project (or ``supabase/``)
folder holding it, or single ``.sql`` files, taken in the order given.
"""

from __future__ import annotations

import os
import posixpath
import re
import stat
import tomllib
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from schema_catalog import model
from schema_catalog.errors import SourceError
from schema_catalog.sources import migrations

if TYPE_CHECKING:
    from schema_catalog.sources.registry import ReadContext

KIND = "supabase_schemas"


def read(paths: Sequence[Path], context: ReadContext) -> list[model.Catalog]:
    """The catalog the declarative schema files declare."""
    files = [f for path in paths for f in schema_files(path)]
    replayed = migrations.read(
        list(dict.fromkeys(files)),
        schemas=context.schemas,
        server_version=context.server_version,
        target="supabase",
        api_grants=context.config.supabase.api_grants == "legacy",
        keep_going=context.keep_going,
    )
    return [_as_declared(replayed, paths)]


def schema_files(path: Path) -> list[Path]:
    """The ``.sql`` files under ``path``, in the Supabase CLI's order."""
    if path.is_file():
        return [path]
    supabase = _supabase_folder(path)
    config_toml = supabase / "config.toml"
    configured = _schema_paths(config_toml)
    if configured:  # the CLI ignores an empty list
        return _expand(supabase, configured, config_toml)
    return _walk(supabase / "schemas")


def _supabase_folder(path: Path) -> Path:
    """The ``supabase/`` folder: ``path``'s parent for ``supabase/schemas``, else below it.
    A ``supabase`` folder without ``schemas`` will do if its ``schema_paths`` name files."""
    for candidate in (path.parent if path.name == "schemas" else None, path, path / "supabase"):
        if candidate is not None and (
            (candidate / "schemas").is_dir()
            or (candidate.name == "supabase" and _schema_paths(candidate / "config.toml"))
        ):
            return candidate
    raise SourceError(
        "no supabase/schemas folder here",
        where=str(path),
        fix="pass the supabase/schemas folder, the project folder or .sql files",
    )


def _schema_paths(config_toml: Path) -> list[str] | None:
    if not config_toml.is_file():
        return None
    try:
        settings = tomllib.loads(config_toml.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise SourceError(f"not valid TOML: {error}", where=str(config_toml)) from None
    found = settings.get("db", {}).get("migrations", {}).get("schema_paths")
    if found is None:
        return None
    if not isinstance(found, list) or not all(isinstance(p, str) for p in found):
        raise SourceError(
            "[db.migrations] schema_paths must be a list of paths", where=str(config_toml)
        )
    return found


def _walk(folder: Path) -> list[Path]:
    """Every regular ``.sql`` file under ``folder``, links not followed, by path bytes."""
    found: list[str] = []

    def visit(directory: str) -> None:
        try:
            names = os.listdir(directory)
        except OSError:
            return
        for name in names:
            child = posixpath.join(directory, name)
            try:
                mode = os.lstat(child).st_mode
            except OSError:
                continue
            if stat.S_ISDIR(mode):
                visit(child)
            elif stat.S_ISREG(mode) and name.endswith(".sql"):
                found.append(child)

    try:
        is_folder = stat.S_ISDIR(os.lstat(folder).st_mode)
    except OSError:
        is_folder = False
    if is_folder:  # a linked schemas folder is not walked, as afero.Walk does not
        visit(folder.as_posix())
    return [Path(p) for p in sorted(found)]


def _expand(supabase: Path, patterns: list[str], config_toml: Path) -> list[Path]:
    """``Glob.Files``: each pattern's matches sorted, in pattern order, each path once.

    As the CLI does, a pattern is taken relative to the project folder (``supabase/``'s
    parent) once joined to ``supabase``, so the order and the duplicates are decided
    on the same text the CLI compares."""
    if not supabase.name:  # "." or "..": name the folder, as the CLI's "supabase" is named
        supabase = supabase.resolve()
    project = supabase.parent
    files: dict[str, None] = {}
    unmatched: list[str] = []
    for pattern in patterns:
        joined = posixpath.normpath(posixpath.join(supabase.name, pattern)) if pattern else ""
        try:
            matches = sorted(_glob(joined, project))
        except _BadPatternError:
            unmatched.append(f"{pattern!r} (not a valid glob)")
            continue
        if not matches:
            unmatched.append(repr(pattern))
        for match in matches:
            if (project / match).is_dir():
                raise SourceError(
                    f"[db.migrations] schema_paths {pattern!r} matches the folder {match},"
                    " which the Supabase CLI cannot apply",
                    where=str(config_toml),
                    fix=f"match its files instead, e.g. {pattern.rstrip('/') + '/*.sql'!r}",
                )
            files.setdefault(match)
    if not files and unmatched:
        raise SourceError(
            f"[db.migrations] schema_paths: no file matches {', '.join(unmatched)}",
            where=str(config_toml),
            fix="patterns are relative to the supabase/ folder, and * or ** stays within one"
            " folder level: fix the pattern or add the files",
        )
    return [project / p for p in files]


class _BadPatternError(Exception):
    """Go's ``filepath.ErrBadPattern``."""


def _glob(pattern: str, root: Path) -> list[str]:
    """Go's ``filepath.Glob`` (as afero implements it), a relative pattern read from ``root``.

    A pattern without ``*?[`` is a path that exists (even as a broken link). Else
    the folders before the first component with a wildcard are taken as written,
    and every component from there is matched name by name with ``filepath.Match``;
    only folders are entered. Dot files match ``*``.
    """
    if not pattern:
        return []
    _match_regex(pattern)  # the whole pattern must be valid, as ``path.Match`` checks
    if not _has_meta(pattern):
        return [pattern] if os.path.lexists(root / pattern) else []
    parts = pattern.split("/")
    first = next(i for i, part in enumerate(parts) if _has_meta(part))
    literal = "/".join(parts[:first]) or ("/" if pattern.startswith("/") else ".")
    found = [literal]
    for part in parts[first:]:
        regex = _match_regex(part)
        found = [
            posixpath.join(folder, name) if folder != "." else name
            for folder in found
            if (root / folder).is_dir()
            for name in sorted(_names(root / folder))
            if regex.fullmatch(name)
        ]
    return found


def _names(folder: Path) -> list[str]:
    try:
        return os.listdir(folder)
    except OSError:
        return []


def _has_meta(text: str) -> bool:
    return any(ch in text for ch in "*?[")


def _match_regex(pattern: str) -> re.Pattern[str]:
    """``filepath.Match``'s syntax as a regex: ``*`` and ``?`` stop at ``/``, ``[^...]``
    negates, ``\\`` escapes; a malformed class or a trailing ``\\`` is an error."""
    out: list[str] = []
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "*":
            out.append("[^/]*")
        elif ch == "?":
            out.append("[^/]")
        elif ch == "\\":
            if i + 1 >= len(pattern):
                raise _BadPatternError
            i += 1
            out.append(re.escape(pattern[i]))
        elif ch == "[":
            i, item = _char_class(pattern, i + 1)
            out.append(item)
            continue
        else:
            out.append(re.escape(ch))
        i += 1
    return re.compile("".join(out))


def _char_class(pattern: str, i: int) -> tuple[int, str]:
    """The class starting after ``[`` at ``i``: (index after ``]``, regex)."""
    negated = i < len(pattern) and pattern[i] == "^"
    i += negated
    count = 0
    ranges: list[str] = []
    while True:
        if i < len(pattern) and pattern[i] == "]" and count:
            break
        i, low = _class_char(pattern, i)
        high = low
        if pattern[i] == "-":
            i, high = _class_char(pattern, i + 1)
        count += 1
        if low <= high:  # Go accepts a reversed range, which matches nothing
            ranges.append(f"{re.escape(low)}-{re.escape(high)}")
    if not ranges:
        return i + 1, "[^/]" if negated else "(?!)"
    return i + 1, f"[{'^' if negated else ''}{''.join(ranges)}]"


def _class_char(pattern: str, i: int) -> tuple[int, str]:
    """Go's ``getEsc``: one class member; more pattern must follow it."""
    if i >= len(pattern) or pattern[i] in "-]":
        raise _BadPatternError
    if pattern[i] == "\\":
        i += 1
        if i >= len(pattern):
            raise _BadPatternError
    if i + 1 >= len(pattern):
        raise _BadPatternError
    return i + 1, pattern[i]


def _as_declared(catalog: model.Catalog, paths: Sequence[Path]) -> model.Catalog:
    """The replay's catalog under this source's name: its tables are declared, not proposed."""
    source = model.SourceInfo(kind=KIND, role="declared", location=", ".join(str(p) for p in paths))
    return catalog.model_copy(
        update={
            "sources": (source,),
            "tables": tuple(t.model_copy(update={"presence": (KIND,)}) for t in catalog.tables),
        }
    )
