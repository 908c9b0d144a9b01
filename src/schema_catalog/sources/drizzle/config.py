"""``drizzle.config.ts`` and the PATH arguments of ``--drizzle``.

Owns turning what the user names (a .ts file, a folder, a glob, a drizzle.config.ts)
into the schema files to read, the casing, and drizzle-kit's ``out`` folder. The
config is evaluated with the same static evaluator as schemas (``defineConfig``
is transparent); a ``schema`` or ``out`` that is not static is an error naming
the file and line, since nothing sensible can be read without it.
"""

from __future__ import annotations

import glob
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from schema_catalog.errors import DrizzleError
from schema_catalog.sources.drizzle.kit_snapshot import kit1_migrations
from schema_catalog.sources.drizzle.parse import display_path, is_dir, is_node_modules
from schema_catalog.sources.drizzle.resolve import Project
from schema_catalog.sources.drizzle.values import Unresolved

_SUFFIXES = {".ts", ".tsx", ".mts", ".cts"}
_GLOB_CHARS = set("*?[")
CASINGS = {"snake_case", "camelCase"}


@dataclass
class Inputs:
    """What a set of PATH arguments asks to read."""

    files: list[Path] = field(default_factory=list)
    casing: str | None = None
    meta_dirs: list[Path] = field(default_factory=list)
    kit_major: int = 0
    """1 when the config's ``out`` holds drizzle-kit 1.0's layout: kit 1.0 names things its own way."""


def is_config(path: Path) -> bool:
    return path.is_file() and path.name.startswith("drizzle.config.")


def collect(paths: Sequence[Path], project: Project) -> Inputs:
    inputs = Inputs()
    for path in paths:
        if is_config(path):
            _add_config(path, project, inputs)
        elif _GLOB_CHARS & set(str(path)):
            inputs.files.extend(
                _schema_files([Path(p) for p in sorted(glob.glob(str(path), recursive=True))])
            )
        elif path.is_dir():
            inputs.files.extend(_schema_files(sorted(path.rglob("*"))))
        elif path.is_file():
            inputs.files.append(path)
        else:
            raise DrizzleError("no such file or folder", where=display_path(path))
    inputs.files = sorted({p.resolve() for p in inputs.files})
    if not inputs.files:
        raise DrizzleError(
            "no TypeScript schema files found", where=", ".join(display_path(p) for p in paths)
        )
    return inputs


def _schema_files(candidates: list[Path]) -> list[Path]:
    return [
        p
        for p in candidates
        if p.is_file()
        and p.suffix in _SUFFIXES
        and not is_node_modules(p)
        and not p.name.startswith("drizzle.config.")
    ]


def _add_config(path: Path, project: Project, inputs: Inputs) -> None:
    module = project.module(path)
    config = module.export("default", module.source.display)
    where = module.source.display
    if not isinstance(config, dict):
        if module.broken:  # the likely reason: point at the syntax error, not the whole file
            raise DrizzleError(
                "cannot read drizzle config: syntax error",
                where=module.broken[0],
            )
        reason = (
            config.reason
            if isinstance(config, Unresolved)
            else "the default export is not a static object"
        )
        raise DrizzleError(
            f"cannot read drizzle config: {reason}", where=getattr(config, "where", None) or where
        )
    schema = config.get("schema")
    entries = schema if isinstance(schema, list) else [schema]
    if not entries or not all(isinstance(e, str) for e in entries):
        raise DrizzleError("config `schema` is not a static path or list of paths", where=where)
    for entry in entries:
        target = path.parent / str(entry)
        matched = [Path(p) for p in sorted(glob.glob(str(target), recursive=True))]
        files = _schema_files(
            [m for p in matched for m in ([p] if p.is_file() else sorted(p.rglob("*")))]
        )
        if not files:
            raise DrizzleError(
                f"config `schema` entry {entry!r} matches no TypeScript file", where=where
            )
        inputs.files.extend(files)
    casing = config.get("casing")
    if isinstance(casing, str) and casing in CASINGS:
        inputs.casing = casing
    out = config.get("out", "drizzle")
    if isinstance(out, str) and is_dir(path.parent / out / "meta"):
        inputs.meta_dirs.append(path.parent / out / "meta")
    elif isinstance(out, str) and kit1_migrations(path.parent / out):
        inputs.meta_dirs.append(path.parent / out)
        inputs.kit_major = 1
