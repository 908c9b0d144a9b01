"""Supabase declarative schemas: ``supabase/schemas/*.sql`` → `Catalog` (role: declared).

The files state the schema the team wants; ``supabase db diff`` turns them into
migrations. They are replayed with the migration source's SQL replay, from an
empty Supabase database, in the order the Supabase CLI applies them: the
``schema_paths`` of ``[db.migrations]`` in ``supabase/config.toml`` (paths and
globs relative to ``supabase/``, first match wins, each file once), else every
``.sql`` file of ``supabase/schemas`` in lexical order.

A path may be the ``supabase/schemas`` folder, the project (or ``supabase/``)
folder holding it, or single ``.sql`` files, taken in the order given.
"""

from __future__ import annotations

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
    configured = _schema_paths(supabase / "config.toml")
    if configured is not None:
        return _expand(supabase, configured)
    return sorted((supabase / "schemas").glob("*.sql"))


def _supabase_folder(path: Path) -> Path:
    """The ``supabase/`` folder: ``path``'s parent for ``supabase/schemas``, else below it."""
    for candidate in (path.parent if path.name == "schemas" else None, path, path / "supabase"):
        if candidate is not None and (candidate / "schemas").is_dir():
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


def _expand(supabase: Path, patterns: list[str]) -> list[Path]:
    files: list[Path] = []
    for pattern in patterns:
        matches = sorted(supabase.glob(pattern)) if _is_glob(pattern) else [supabase / pattern]
        files += [m for m in matches if m.is_file() and m not in files]
    return files


def _is_glob(pattern: str) -> bool:
    return any(ch in pattern for ch in "*?[")


def _as_declared(catalog: model.Catalog, paths: Sequence[Path]) -> model.Catalog:
    """The replay's catalog under this source's name: its tables are declared, not proposed."""
    source = model.SourceInfo(kind=KIND, role="declared", location=", ".join(str(p) for p in paths))
    return catalog.model_copy(
        update={
            "sources": (source,),
            "tables": tuple(t.model_copy(update={"presence": (KIND,)}) for t in catalog.tables),
        }
    )
