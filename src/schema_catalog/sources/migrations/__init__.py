"""The migration SQL source: replay ``.sql`` files into the catalog they would produce.

``read(paths, base=None, applied=frozenset())`` parses each file with the real
PostgreSQL grammar (pglast, libpg_query) and replays its statements in order
(see `files` for the order and `replay` for what is modelled). The returned
catalog holds only what the *pending* files create or change:

* files whose version is in ``applied`` are skipped (they are already in
  ``base``). A file matches by its leading digits (the Supabase timestamp, as
  ``supabase_migrations.schema_migrations.version`` stores it; the drizzle-kit
  ``NNNN`` index, kit 1.0's timestamp), its tag (the file stem ``0001_payments``,
  or kit 1.0's folder name, which drizzle-orm 1.0 records as ``name``), or the
  sha256 of its text (drizzle-orm's ``__drizzle_migrations.hash``);
* with ``base`` (the live catalog), replay starts from it, so an ``ALTER`` on a
  live table works; live tables and enums the pending files leave alone are
  *not* in the result; the tables and functions they create get the grants the
  live database's default privileges give (``pg_default_acl``, for ``postgres``,
  who runs migrations), whatever ``api_grants`` says;
* functions keep what the live source shows of them except the body;
* partitions fold under their root, as the live source folds them (`partitions`);
* every table and enum in the result has ``presence.migrations = True`` and
  ``location`` = ``file:line`` of its CREATE (or the first statement that
  changed it).

``schemas`` limits the result to those schemas (objects elsewhere are still
replayed, so references to them resolve). ``server_version`` is the PostgreSQL
major version whose spelling expressions are printed in (take it from the live
database when there is one). ``target="supabase"`` starts from what every
Supabase project has: the extensions it installs in ``extensions`` and, with
``api_grants`` (projects created before 2026-10-30), default privileges that
grant every new table and function in ``public`` to the API roles; its roles
(anon, authenticated, authenticator, service_role) are listed in ``roles`` with
the attributes the live source reads, with the roles the migrations create.

Statements the replay cannot model become MIG001 warning findings (file:line);
a file that does not parse raises `MigrationError` (file:line: message).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

from pglast import parse_sql
from pglast.parser import ParseError, parse_sql_json

from schema_catalog import model
from schema_catalog.errors import MigrationError
from schema_catalog.sources.migrations import default_privileges, freeze, partitions
from schema_catalog.sources.migrations.base import load_base
from schema_catalog.sources.migrations.extensions import supabase_platform
from schema_catalog.sources.migrations.files import MigrationFile, discover
from schema_catalog.sources.migrations.replay import Replayer
from schema_catalog.sources.migrations.role_statements import catalog_roles
from schema_catalog.sources.migrations.state import CatalogState

__all__ = ["DEFAULT_SERVER_VERSION", "read"]

DEFAULT_SERVER_VERSION = 17
"""The spelling used when neither a live database nor catalog.yml names a version."""
Target = Literal["postgres", "supabase"]

_LEADING = re.compile(r"(?:\s+|--[^\n]*|/\*.*?\*/)*", re.DOTALL)


def read(
    paths: Sequence[Path],
    *,
    base: model.Catalog | None = None,
    applied: frozenset[str] = frozenset(),
    schemas: Sequence[str] | None = None,
    server_version: int = DEFAULT_SERVER_VERSION,
    target: Target = "postgres",
    api_grants: bool = True,
    keep_going: bool = False,
) -> model.Catalog:
    """The catalog the pending migration files in ``paths`` would produce (see module doc).

    A file that does not parse stops the read (`MigrationError`, file:line) unless
    ``keep_going``: then it is skipped and a MIG002 error finding names it.
    """
    files = discover([Path(p) for p in paths])
    state = load_base(base) if base is not None else CatalogState()
    state.server_version = server_version
    if target == "supabase":
        # on a live database, its own default privileges (read into the base) decide
        supabase_platform(state, api_grants=api_grants and base is None)
    replayer = Replayer(state)
    pending = [f for f in files if not f.is_applied(applied)]
    for migration in pending:
        try:
            _replay_file(replayer, migration)
        except MigrationError as error:
            if not keep_going:
                raise
            replayer.findings.append(_unparsed(error))
    shown = set(schemas) if schemas is not None else None
    for table in state.tables.values():  # a changed partition changes its root's page
        if table.touched and table.partition_of is not None:
            table.partition_root.touched = True
    tables = sorted(
        (
            freeze.table(t, state)
            for t in state.tables.values()
            if t.touched
            and (shown is None or t.schema in shown)
            and not partitions.folded(t, shown)
        ),
        key=lambda t: (t.schema, t.name),
    )
    enums = sorted(
        (
            freeze.enum(e)
            for e in state.enums.values()
            if e.touched and (shown is None or e.schema in shown)
        ),
        key=lambda e: (e.schema, e.name),
    )
    functions = sorted(
        (
            freeze.function(f)
            for f in state.routines.values()
            if f.touched and (shown is None or f.schema in shown)
        ),
        key=lambda f: (f.schema_, f.name, f.arguments),
    )
    source = model.SourceInfo(
        kind="migrations",
        location=", ".join(str(p) for p in paths),
        details={"files": str(len(files)), "pending": str(len(pending))},
    )
    return model.Catalog(
        schemas=tuple(sorted({t.schema for t in tables})) or ("public",),
        sources=(source,),
        tables=tuple(tables),
        enums=tuple(enums),
        functions=tuple(functions),
        roles=catalog_roles(state, shown),
        default_privileges=default_privileges.facts(
            state.default_privileges, state.table_privileges
        ),
        findings=tuple(replayer.findings),
    )


def _replay_file(replayer: Replayer, migration: MigrationFile) -> None:
    text = migration.text
    try:
        # libpg_query's JSON output checks the C stack and fails cleanly on absurd
        # nesting; pglast's direct tree conversion (`parse_sql`) overflows it on
        # ~25,000 chained operators (`1+1+...`) and kills the process. So check
        # first (a few ms), then build the tree.
        parse_sql_json(text)
        statements = parse_sql(text)
    except ParseError as error:
        message, offset = _parse_error(error)
        where = f"{migration.path}:{_line(text, offset)}"
        raise MigrationError(message, where=where) from None
    for raw in statements:
        start = raw.stmt_location or 0
        start += len(_LEADING.match(text, start).group(0))  # type: ignore[union-attr]
        replayer.statement(raw.stmt, f"{migration.path}:{_line(text, start)}")


def _unparsed(error: MigrationError) -> model.Finding:
    return model.Finding(
        code="MIG002",
        severity="error",
        target=error.where or "",
        message=f"file skipped: {error.what}",
        rule="migration-replay",
    )


def _parse_error(error: ParseError) -> tuple[str, int]:
    message = str(error.args[0]) if error.args else str(error)
    offset = error.args[1] if len(error.args) > 1 and isinstance(error.args[1], int) else 0
    return message.splitlines()[0] if message else "syntax error", offset


def _line(text: str, offset: int) -> int:
    """1-based line of a character offset (pglast reports character offsets)."""
    return text.count("\n", 0, max(offset, 0)) + 1
