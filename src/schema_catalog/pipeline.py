"""The application's steps: extract (read every configured source, merge, save
the facts) and load (a snapshot's facts, analysed with catalog.yml).

Sources come from catalog.yml, overridden by command-line options. The
database is optional when Drizzle or migration sources are given; with none of
the three there is nothing to catalog, which is an error.
"""

from __future__ import annotations

import glob
import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from schema_catalog import atomic, collector, snapshot
from schema_catalog.config import Config
from schema_catalog.errors import (
    CatalogError,
    ConfigError,
    ExtractionFailed,
    SnapshotError,
    SourceError,
)
from schema_catalog.model import Catalog, Finding, SourceRole, Usage
from schema_catalog.progress import SILENT, Progress
from schema_catalog.sources import merge, registry
from schema_catalog.sources.postgres import dsn as dsn_module

if TYPE_CHECKING:
    from schema_catalog.analysis.diff import CatalogDiff
    from schema_catalog.sources.postgres import MigrationHistory


@dataclass(frozen=True)
class ExtractOptions:
    """What the command line adds to (or puts in place of) catalog.yml."""

    dsn: str | None = None
    drizzle: Sequence[str] = ()
    migrations: Sequence[str] = ()
    paths: Mapping[str, Sequence[str]] = field(default_factory=dict)
    """Paths of any file source, by its catalog.yml key (``supabase_schemas``)."""
    schemas: Sequence[str] = ()
    no_database: bool = False
    keep_going: bool = False
    """A .ts or .sql file that does not parse becomes an error finding instead of stopping."""
    statement_timeout_s: float = 30.0
    lock_timeout_s: float = 5.0
    deadline_s: float = 300.0
    """The whole database read ends by then, answered or not (0: no deadline)."""
    database_label: str | None = None
    """Shown instead of the redacted DSN (the demo's embedded server has a temp path)."""

    def paths_for(self, key: str) -> Sequence[str]:
        named = {"drizzle": self.drizzle, "migrations": self.migrations}
        return named.get(key) or self.paths.get(key, ())


def extract(config: Config, options: ExtractOptions, progress: Progress = SILENT) -> Catalog:
    """Read and merge every source: the facts that `extract` saves (no analysis)."""
    schemas = tuple(options.schemas) or config.schemas
    catalogs: list[Catalog] = []
    live: Catalog | None = None
    applied: frozenset[str] = frozenset()
    dsn = _database_dsn(config, options)
    _patterns_need_a_database(schemas, dsn)
    if dsn is not None:
        with progress.phase(f"Reading {dsn_module.redact(dsn) if dsn else 'PG* environment'}"):
            live, history = _read_database(dsn, schemas, options)
        applied = history.applied
        schemas = live.schemas  # globs (`tenant_*`) expanded to the schemas they match
        live = _with_history_note(live, history)
        if options.database_label:
            live = _relabel(live, options.database_label)
        catalogs.append(_with_role(live, "live"))
    context = registry.ReadContext(
        config=config,
        schemas=schemas,
        keep_going=options.keep_going,
        live=live,
        applied=applied,
        server_version=_server_version(live, config),
    )
    catalogs += _read_files(config, options, context, progress)
    if not catalogs:
        raise SourceError(
            "no source to read",
            fix="pass --dsn (or set DATABASE_URL) or "
            + ", ".join(f"--{s.option} PATH" for s in registry.file_sources())
            + ", or list sources in catalog/catalog.yml",
        )
    from schema_catalog.analysis import locations

    return locations.from_root(merge.merge(catalogs, schemas=schemas), config.project_root)


def _patterns_need_a_database(schemas: Sequence[str], dsn: str | None) -> None:
    pattern = next((s for s in schemas if any(ch in s for ch in "*?[")), None)
    if pattern is not None and dsn is None:
        raise SourceError(
            f"schema pattern `{pattern}` needs the database: it is matched against its schemas",
            fix="pass --dsn (or set DATABASE_URL), or name the schemas",
        )


def _read_files(
    config: Config, options: ExtractOptions, context: registry.ReadContext, progress: Progress
) -> list[Catalog]:
    """Every file source of the registry that has paths, in the registry's order."""
    _check_source_keys(config)
    catalogs: list[Catalog] = []
    for source in registry.file_sources():
        key = source.config_key or source.kind
        paths = _paths(options.paths_for(key), config.sources.paths(key), config)
        if paths and source.read is not None:
            with progress.phase(f"Reading {source.kind} from {_count(len(paths), 'path')}"):
                catalogs += [_with_role(c, source.role) for c in source.read(paths, context)]
    return catalogs


def _check_source_keys(config: Config) -> None:
    known = {s.config_key for s in registry.file_sources()}
    for key in sorted(config.sources.keys() - known):
        raise ConfigError(
            f"`sources.{key}` names no source",
            where=config.where,
            fix="use one of: database, " + ", ".join(sorted(k for k in known if k)),
        )


def _with_role(catalog: Catalog, role: SourceRole) -> Catalog:
    """The source's role (the registry's word) on each of its SourceInfo records."""
    sources = tuple(s if s.role else s.model_copy(update={"role": role}) for s in catalog.sources)
    return catalog.model_copy(update={"sources": sources})


def _read_database(
    dsn: str, schemas: Sequence[str], options: ExtractOptions
) -> tuple[Catalog, MigrationHistory]:
    """The live catalog and migration history, within ``options.deadline_s``."""
    from schema_catalog.sources import postgres
    from schema_catalog.sources.postgres.deadline import Deadline

    seconds = options.deadline_s
    with Deadline(milliseconds(seconds, "deadline") / 1000) as deadline:
        try:
            live = postgres.read(
                dsn,
                schemas,
                statement_timeout_ms=milliseconds(options.statement_timeout_s, "statement timeout"),
                lock_timeout_ms=milliseconds(options.lock_timeout_s, "lock timeout"),
                deadline=deadline,
            )
            return live, postgres.migration_history(dsn, deadline)
        except CatalogError:
            if not deadline.expired:
                raise
    raise ExtractionFailed(
        f"the database did not finish answering within the deadline ({seconds:g} s)",
        where=dsn_module.redact(dsn) if dsn else "PG* environment",
        fix="check the network and the server; for a very large schema raise --deadline",
    )


def _with_history_note(live: Catalog, history: MigrationHistory) -> Catalog:
    """Say why the applied-migration history is missing, when the role may not read it."""
    if not history.unreadable:
        return live
    from schema_catalog.sources.postgres import HISTORY_GRANT

    note = Finding(
        code="SRC001",
        severity="warning",
        target=", ".join(history.unreadable),
        message="this role may not read the applied-migration history, so migration status "
        "compares the replayed migrations with the live schema instead; to read it: "
        f"`{HISTORY_GRANT}`",
    )
    return live.model_copy(update={"findings": (*live.findings, note)})


def milliseconds(seconds: float, what: str) -> int:
    """A timeout for PostgreSQL, which reads 0 as "none": so 0 < t < 1 ms is an error."""
    if not math.isfinite(seconds) or seconds < 0 or 0 < seconds < 0.001:
        raise SourceError(
            f"invalid {what}: {seconds} s", fix="give 0 (no timeout) or at least 0.001 seconds"
        )
    return round(seconds * 1000)


def _server_version(live: Catalog | None, config: Config) -> int:
    """The PostgreSQL major version replay spells for: the live server's, else config's."""
    from schema_catalog.sources.migrations import DEFAULT_SERVER_VERSION

    number = live.sources[0].details.get("server_version_num") if live else None
    if number:
        return int(number) // 10000
    return config.server_version or DEFAULT_SERVER_VERSION


def analyse(facts: Catalog, config: Config) -> Catalog:
    """The judgments of catalog.yml applied to a snapshot's facts."""
    from schema_catalog import analysis

    return analysis.analyze(facts, config)


def check_config(facts: Catalog, config: Config) -> None:
    """What analysing ``facts`` would refuse in catalog.yml (a table, schema or key no
    source has), checked without analysing."""
    from schema_catalog.analysis.derive import check_config

    check_config(facts, config)


def load(config: Config, path: Path) -> Catalog:
    """The snapshot at ``path`` (with its usage statistics when a live read saved some),
    analysed with ``config``: what every reader works from."""
    with collector.paused():  # builds the whole catalog twice, and no garbage
        facts = snapshot.load(path).model_copy(update={"usage": load_usage(path)})
        return analyse(facts, config)


def save(catalog: Catalog, out: Path) -> Catalog:
    """Save ``catalog``; keep the replaced snapshot beside it for the changelog.

    The replaced snapshot is written first: killed between the two writes, the
    next run still finds the catalog changed and writes both again. The usage
    statistics of a live read go to their own file (`usage_path`), never into the
    snapshot, which stays byte-identical for an unchanged schema; a read without
    a database removes a usage file left from an earlier one.
    """
    usage = usage_path(out)
    if catalog.usage is not None:
        atomic.write_text(usage, catalog.usage.model_dump_json(indent=2) + "\n")
    elif usage.exists():
        usage.unlink()
    saved = snapshot.save(catalog, out, keep_previous=previous_path(out))
    return saved.model_copy(update={"usage": catalog.usage})


def usage_path(out: Path) -> Path:
    """Where `save` keeps the usage statistics (`model.Usage`) of the snapshot ``out``."""
    return out.with_name(out.stem + ".usage.json")


def load_usage(out: Path) -> Usage | None:
    """The usage statistics saved beside the snapshot ``out``, if a live read left some."""
    path = usage_path(out)
    try:
        return Usage.model_validate_json(path.read_bytes())
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as error:
        raise SnapshotError(
            f"not usage statistics: {' '.join(str(error).split())[:200]}",
            where=str(path),
            fix="delete it, or re-run `schema-catalog extract` with the database",
        ) from None


def previous_path(out: Path) -> Path:
    """Where `save` keeps the snapshot that ``out`` replaced."""
    return out.with_name(out.stem + ".previous.json")


def changelog(catalog: Catalog, out: Path, config: Config) -> CatalogDiff | None:
    """The changelog page's changes: ``diff`` of the analysed ``catalog`` against the
    kept previous snapshot, analysed with the same ``config`` (a catalog.yml edit
    alone is no change)."""
    previous = previous_path(out)
    if not previous.exists():
        return None
    from schema_catalog.analysis import diff

    return diff.diff(load(config, previous), catalog)


def catalog_path(config: Config, out: str | None = None) -> Path:
    return Path(out) if out else shown(config.catalog_file)


def shown(path: Path) -> Path:
    """``path`` relative to the working directory when it lies below it.

    Sources record where they read from; relative paths keep the catalog the
    same bytes whichever folder the checkout sits in.
    """
    absolute = Path(os.path.normpath(path.absolute()))
    try:
        return absolute.relative_to(Path.cwd())
    except ValueError:
        return absolute


def _database_dsn(config: Config, options: ExtractOptions) -> str | None:
    if options.no_database:
        return None
    if options.dsn:
        return options.dsn
    source = config.sources.database
    if source and source.dsn:
        return source.dsn
    try:
        return dsn_module.resolve(None, source.dsn_env if source else "DATABASE_URL")
    except CatalogError:
        if source is not None:
            raise  # catalog.yml asks for a database: the error says how to give one
        return None


def _paths(cli: Sequence[str], configured: Sequence[str], config: Config) -> list[Path]:
    """Command-line paths (relative to the cwd) win over configured ones (relative
    to catalog.yml); globs are expanded, in sorted order."""
    raw = [Path(p) for p in cli] if cli else [config.resolve(p) for p in configured]
    found: list[Path] = []
    for path in raw:
        if any(ch in str(path) for ch in "*?["):
            matches = sorted(Path(m) for m in glob.glob(str(path), recursive=True))
            if not matches:
                raise SourceError("the pattern matches no file", where=str(path))
            found.extend(matches)
        elif not path.exists():
            raise SourceError("no such file or folder", where=str(path), fix="check the path")
        else:
            found.append(path)
    return [shown(p) for p in found]


def _relabel(catalog: Catalog, label: str) -> Catalog:
    sources = tuple(s.model_copy(update={"location": label}) for s in catalog.sources)
    return catalog.model_copy(update={"sources": sources})


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
