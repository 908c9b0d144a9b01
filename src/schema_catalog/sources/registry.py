"""The set of sources, in one place: what each is called, what its tables are, how to read it.

Every source is a `Source`: its ``kind`` (the name in `Table.presence` and
`SourceInfo`), its ``role`` (``live``, ``proposed`` or ``declared``: the merge
takes a table from the best role present, and migration status derives from
the roles of the sources that have the table), the command-line option and
catalog.yml key that name its paths, and ``read``. The pipeline reads the
sources in `SOURCES` order; the command line adds one ``--<option> PATH``
(repeatable) per file source; catalog.yml's ``sources:`` accepts exactly
these keys; drift compares each one with the table's primary source; stats and
badges count them from `Table.presence`. A new source is a folder under
``sources/`` and one entry here.

The database is the live source; its connection options (``--dsn``,
``DATABASE_URL``, timeouts) are its own, so it has no path option.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from schema_catalog.config import Config
from schema_catalog.model import SUPABASE_ROLES, Catalog, SourceKind, SourceRole
from schema_catalog.sources import supabase_schemas


@dataclass(frozen=True)
class ReadContext:
    """What a file source may use besides its paths."""

    config: Config
    schemas: tuple[str, ...]
    keep_going: bool = False
    """A file that does not parse becomes an error finding instead of stopping."""
    live: Catalog | None = None
    """The database's catalog, read first (migrations replay on top of it)."""
    applied: frozenset[str] = frozenset()
    """Migration versions the database has applied."""
    server_version: int = 17
    """The PostgreSQL major version whose spelling replayed SQL is printed in."""


Reader = Callable[[Sequence[Path], ReadContext], Sequence[Catalog]]


@dataclass(frozen=True)
class Source:
    kind: SourceKind
    role: SourceRole
    option: str | None
    """``--<option> PATH`` on the command line and ``sources.<key>`` in catalog.yml
    (``-`` becomes ``_``); None for the database."""
    help: str
    read: Reader | None
    """None for the database, which the pipeline reads through its connection."""

    @property
    def config_key(self) -> str | None:
        return self.option.replace("-", "_") if self.option else None


def _drizzle(paths: Sequence[Path], context: ReadContext) -> list[Catalog]:
    from schema_catalog.sources import drizzle
    from schema_catalog.sources.drizzle.kit_snapshot import kit1_migrations

    # drizzle-kit snapshots: 0.x's meta/, or 1.0's out folder of <timestamp>_<name>/
    meta = [p for p in paths if p.is_dir() and (p.name == "meta" or kit1_migrations(p))]
    schema_paths = [p for p in paths if p not in meta]
    catalogs = [drizzle.read_kit_snapshot(p) for p in meta]
    if schema_paths:
        declared = drizzle.read(schema_paths, keep_going=context.keep_going)
        if context.config.target == "supabase":
            declared = _with_platform_roles(declared)
        catalogs.insert(0, declared)
    return catalogs


def _with_platform_roles(catalog: Catalog) -> Catalog:
    """Supabase's roles beside those the schema declares, as a replay lists them: a
    Drizzle-only catalog then knows that service_role bypasses RLS."""
    roles = {r.name: r for r in (*catalog.roles, *SUPABASE_ROLES)}
    return catalog.model_copy(update={"roles": tuple(roles[n] for n in sorted(roles))})


def _migrations(paths: Sequence[Path], context: ReadContext) -> list[Catalog]:
    from schema_catalog.sources import migrations

    config = context.config
    replayed = migrations.read(
        paths,
        base=context.live,
        applied=context.applied,
        schemas=context.schemas,
        server_version=context.server_version,
        target=config.target,
        api_grants=config.supabase.api_grants == "legacy",
        keep_going=context.keep_going,
    )
    return [replayed]


SOURCES: tuple[Source, ...] = (
    Source("database", "live", None, "the live PostgreSQL database", None),
    Source(
        "migrations",
        "proposed",
        "migrations",
        ".sql file or folder of migrations (repeatable)",
        _migrations,
    ),
    Source(
        "supabase_schemas",
        "declared",
        "supabase-schemas",
        "Supabase declarative schemas: supabase/schemas or a project folder (repeatable)",
        supabase_schemas.read,
    ),
    Source(
        "drizzle",
        "declared",
        "drizzle",
        ".ts file, folder, glob, drizzle.config.ts, meta/ or kit 1.0 out/ (repeatable)",
        _drizzle,
    ),
)
"""Every source, in reading order (the database first: later sources build on it)."""


def file_sources() -> tuple[Source, ...]:
    """The sources read from files, each with its option and catalog.yml key."""
    return tuple(s for s in SOURCES if s.read is not None)


def by_kind(kind: SourceKind) -> Source | None:
    return next((s for s in SOURCES if s.kind == kind), None)
