"""`schema-catalog init`: look at a repository and write its ``catalog/catalog.yml``.

What it reads (all optional): ``drizzle.config.ts``/``.js``/``.mjs``/``.json``
(schema, out, casing, schemaFilter, tablesFilter), the drizzle-kit out folder
(0.x's ``meta/`` or 1.0's ``<timestamp>_<name>/`` folders), ``supabase/migrations/``, ``supabase/schemas/`` (declarative
schema files), ``supabase/config.toml`` (``project_id``; ``[api] schemas``, the
schemas the Data API exposes; ``[db] major_version``, the PostgreSQL replay spells
for) and ``package.json`` (the project's name).

For a Supabase project it also decides ``supabase.api_grants`` from the dates of
``supabase/migrations`` (see `api_grants_evidence`) and says why in a comment.

From the schema it can read without a database (Drizzle, migration SQL) it
guesses the tenant key and root: the most common of `TENANT_KEYS` that is a
foreign key to a table, written with a comment saying it is a guess. Every
option is written, the ones not found commented out. An existing file is never
replaced without ``force``. The database URL is never written: it comes from
``DATABASE_URL`` or ``--dsn``.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from schema_catalog import atomic, model
from schema_catalog.config import DEFAULT_PATH, SERVER_VERSIONS, project_name
from schema_catalog.errors import CatalogError, ConfigError

__all__ = ["TENANT_KEYS", "Findings", "api_grants_evidence", "look", "render_config", "run"]

TENANT_KEYS = (
    "organization_id",
    "org_id",
    "tenant_id",
    "account_id",
    "team_id",
    "workspace_id",
)
DRIZZLE_CONFIGS = (
    "drizzle.config.ts",
    "drizzle.config.js",
    "drizzle.config.mjs",
    "drizzle.config.json",
)
INTERNAL_API_SCHEMAS = {"graphql_public"}  # Supabase's own, holds no tables of the project
EXPLICIT_GRANTS_SINCE = "20261030000000"
"""Supabase projects created from 2026-10-30 on have no default privileges granting new
``public`` tables and functions to the API roles (a migration-timestamp prefix)."""
_MIGRATION_TIMESTAMP = re.compile(r"(\d{14})_")  # the Supabase CLI's YYYYMMDDHHMMSS_name.sql


@dataclass
class Findings:
    """What `look` found in the repository (paths relative to its root)."""

    name: str
    drizzle_config: str | None = None
    drizzle: dict[str, Any] = field(default_factory=dict)
    drizzle_out: str | None = None
    drizzle_meta: bool = False
    drizzle_kit1: bool = False
    """The out folder holds drizzle-kit 1.0's ``<timestamp>_<name>/`` migration folders."""
    supabase_migrations: str | None = None
    migration_folders: tuple[str, ...] = ()
    """Of supabase_migrations and drizzle_out, those holding migration files: an empty
    or schema-only folder named as migrations would stop `extract`."""
    supabase_schemas: str | None = None
    project_id: str | None = None
    api_schemas: tuple[str, ...] = ()
    major_version: int | None = None
    """``[db] major_version`` of supabase/config.toml: the server the project runs."""
    first_migration: str | None = None
    """The earliest dated file of supabase/migrations (``YYYYMMDDHHMMSS_name.sql``)."""
    undated_migrations: bool = False
    """supabase/migrations holds .sql files none of which is dated."""
    tenant: tuple[str, str, int] | None = None
    """(key column, root table, tables carrying the key), guessed."""
    notes: list[str] = field(default_factory=list)


def look(root: Path) -> Findings:
    found = Findings(name=project_name(root))
    _look_drizzle(root, found)
    _look_supabase(root, found)
    found.migration_folders = _migration_folders(root, found)
    found.tenant = _guess_tenant(root, found)
    return found


def _look_drizzle(root: Path, found: Findings) -> None:
    config = next((root / n for n in DRIZZLE_CONFIGS if (root / n).is_file()), None)
    if config is None:
        return
    found.drizzle_config = config.name
    try:
        found.drizzle = _drizzle_settings(config)
    except CatalogError as error:
        found.notes.append(f"{config.name}: {error.line()}")
        return
    out = found.drizzle.get("out", "drizzle")
    if isinstance(out, str) and (root / out).is_dir():
        found.drizzle_out = _clean(out)
        found.drizzle_meta = (root / out / "meta").is_dir()
        from schema_catalog.sources.drizzle.kit_snapshot import kit1_migrations

        found.drizzle_kit1 = bool(kit1_migrations(root / out))


def _drizzle_settings(config: Path) -> dict[str, Any]:
    if config.suffix == ".json":
        try:
            data = json.loads(config.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise ConfigError(f"cannot read drizzle config: {error}", where=config.name) from None
        return data if isinstance(data, dict) else {}
    from schema_catalog.sources.drizzle.resolve import Project

    module = Project().module(config)
    value = module.export("default", module.source.display)
    if not isinstance(value, dict):
        raise ConfigError("the default export is not a static object", where=config.name)
    return {k: v for k, v in value.items() if isinstance(v, str | list | bool)}


def _migration_folders(root: Path, found: Findings) -> tuple[str, ...]:
    from schema_catalog.sources.migrations.files import migration_paths

    folders: list[str] = []
    for folder in (found.supabase_migrations, found.drizzle_out):
        if folder is None:
            continue
        try:
            if migration_paths(root / folder):
                folders.append(folder)
        except CatalogError as error:
            found.notes.append(f"{folder}/ not named as migrations: {error.line()}")
    return tuple(folders)


def _look_supabase(root: Path, found: Findings) -> None:
    supabase = root / "supabase"
    if (supabase / "migrations").is_dir():
        found.supabase_migrations = "supabase/migrations"
        _look_migration_dates(supabase / "migrations", found)
    if (supabase / "schemas").is_dir():
        found.supabase_schemas = "supabase/schemas"
    toml = supabase / "config.toml"
    if not toml.is_file():
        return
    try:
        data = tomllib.loads(toml.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        found.notes.append(f"supabase/config.toml: {error}")
        return
    project_id = data.get("project_id")
    found.project_id = project_id if isinstance(project_id, str) else None
    schemas = data.get("api", {}).get("schemas")
    if isinstance(schemas, list):
        found.api_schemas = tuple(
            s for s in schemas if isinstance(s, str) and s not in INTERNAL_API_SCHEMAS
        )
    major = data.get("db", {}).get("major_version")
    if isinstance(major, int) and not isinstance(major, bool):
        if SERVER_VERSIONS[0] <= major <= SERVER_VERSIONS[1]:
            found.major_version = major
        else:
            found.notes.append(f"supabase/config.toml: [db] major_version {major} is not supported")


def _look_migration_dates(folder: Path, found: Findings) -> None:
    names = sorted(p.name for p in folder.glob("*.sql") if p.is_file())
    dated = [n for n in names if _MIGRATION_TIMESTAMP.match(n)]  # by name is by date
    found.first_migration = dated[0] if dated else None
    found.undated_migrations = bool(names) and not dated


def api_grants_evidence(found: Findings) -> tuple[str, str]:
    """(``legacy`` or ``explicit``, why) for a Supabase project.

    The default privileges are set when the project is created, so the earliest
    migration dates the project: from 2026-10-30 on, new tables get no grants
    (``explicit``); before, every new table in ``public`` is granted to anon,
    authenticated and service_role (``legacy``). No migration yet is a project
    made today. Undated files prove nothing: the default (``legacy``) stays.
    """
    first = found.first_migration
    if first is not None:
        mode = "explicit" if first[:14] >= EXPLICIT_GRANTS_SINCE else "legacy"
        when = "on or after" if mode == "explicit" else "before"
        return mode, f"the earliest migration, {first}, is dated {when} 2026-10-30"
    if found.undated_migrations:
        return "legacy", "no migration file is dated (YYYYMMDDHHMMSS_name.sql): check it"
    return "explicit", "no migration yet: a project created now"


def drizzle_paths(found: Findings) -> list[str]:
    """What catalog.yml's ``sources.drizzle`` names (relative to the root).

    The Drizzle reader evaluates a drizzle.config.ts/.js itself; of a JSON config
    it takes the schema entries and drizzle-kit's snapshots: the meta/ folder, or
    kit 1.0's out folder.
    """
    if not found.drizzle_config or not found.drizzle:
        return []
    if not found.drizzle_config.endswith(".json"):
        return [found.drizzle_config]
    schema = found.drizzle.get("schema")
    entries = [e for e in (schema if isinstance(schema, list) else [schema]) if isinstance(e, str)]
    meta = (
        [f"{found.drizzle_out}/meta"]
        if found.drizzle_meta
        else [found.drizzle_out]
        if found.drizzle_out and found.drizzle_kit1
        else []
    )
    return [_clean(e) for e in entries] + meta


def _clean(path: str) -> str:
    return Path(path).as_posix().removeprefix("./")


def _readable_catalogs(root: Path, found: Findings) -> list[model.Catalog]:
    """The schema readable without a database; a source that fails is noted, not fatal."""
    catalogs: list[model.Catalog] = []
    if drizzle_paths(found):
        from schema_catalog.sources import drizzle

        casing = found.drizzle.get("casing")
        try:
            catalogs.append(
                drizzle.read(
                    [root / p for p in drizzle_paths(found)],
                    casing=casing if casing in ("snake_case", "camelCase") else None,
                )
            )
        except CatalogError as error:
            found.notes.append(f"Drizzle schema not read: {error.line()}")
    # an empty supabase/migrations (a new project) is not read: it holds nothing yet
    migrations_folder = (
        found.supabase_migrations if found.supabase_migrations in found.migration_folders else None
    )
    if found.supabase_schemas or migrations_folder:
        from schema_catalog.sources import migrations, supabase_schemas

        try:
            # the declarative files in the Supabase CLI's order, then the migrations
            sql = (
                supabase_schemas.schema_files(root / found.supabase_schemas)
                if found.supabase_schemas
                else []
            )
            if migrations_folder:
                sql.append(root / migrations_folder)
            catalogs.append(migrations.read(sql))
        except CatalogError as error:
            found.notes.append(f"migration SQL not read: {error.line()}")
    return catalogs


def _guess_tenant(root: Path, found: Findings) -> tuple[str, str, int] | None:
    # Tables, not foreign keys, vote: the same table declared in Drizzle and in a
    # migration is one piece of evidence, not two.
    voters: defaultdict[tuple[str, str], set[tuple[str, str]]] = defaultdict(set)
    for catalog in _readable_catalogs(root, found):
        for table in catalog.tables:
            for fk in table.foreign_keys:
                if len(fk.columns) == 1 and fk.columns[0] in TENANT_KEYS:
                    voters[(fk.columns[0], fk.ref_table)].add((table.schema, table.name))
    votes = {guess: len(tables) for guess, tables in voters.items()}
    if not votes:
        return None
    (key, root_table), count = min(
        votes.items(), key=lambda item: (-item[1], TENANT_KEYS.index(item[0][0]), item[0][1])
    )
    return key, root_table, count


# --------------------------------------------------------------------------- the file


def _yaml(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)  # JSON scalars and lists are YAML too


def _line(active: bool, text: str) -> str:
    return text if active else f"# {text}"


def render_config(found: Findings) -> str:
    """catalog/catalog.yml for ``found``: every option, those not found commented out."""
    up = "../"  # paths are relative to catalog/
    drizzle = found.drizzle
    lines = [
        f"# schema-catalog configuration for {found.name}, written by `schema-catalog init`",
        "# from what it found in this repository. Paths are relative to this file.",
        "# Options not found are commented out; uncomment and edit what you need.",
        "",
        "sources:",
        "  # The live database. Its URL never goes in this file: set DATABASE_URL (read",
        "  # when set), or pass `schema-catalog extract --dsn URL`. Name another variable:",
        "  # database: {dsn_env: CATALOG_DATABASE_URL}",
    ]
    if found.drizzle_config:
        details = ", ".join(
            f"{k}: {_yaml(drizzle[k])}"
            for k in ("schema", "out", "casing", "schemaFilter", "tablesFilter")
            if k in drizzle
        )
        lines += [
            f"  # Drizzle, through {found.drizzle_config} ({details or 'not readable statically'}).",
            "  # Its schema files, casing and drizzle-kit snapshot (out/meta/, or kit 1.0's"
            " latest out/<timestamp>_<name>/) are read from it.",
            _line(
                bool(drizzle_paths(found)),
                f"  drizzle: [{', '.join(_yaml(up + p) for p in drizzle_paths(found))}]",
            ),
        ]
    else:
        lines += [
            "  # Drizzle: a drizzle.config.ts, .ts files, folders, globs or a drizzle-kit meta/ folder.",
            "  # drizzle: [../drizzle.config.ts]",
        ]
    supabase_sql = found.supabase_migrations in found.migration_folders
    drizzle_sql = found.drizzle_out in found.migration_folders
    migrations = [p for p in (found.supabase_migrations,) if p and supabase_sql]
    if found.drizzle_out and drizzle_sql and not supabase_sql:
        migrations.append(found.drizzle_out)  # drizzle-kit's own migrations
    lines += [
        "  # Migration SQL not yet applied is shown as proposed (Supabase, drizzle-kit or plain .sql).",
        _line(
            bool(migrations),
            f"  migrations: [{', '.join(_yaml(up + p) for p in migrations) or '../supabase/migrations'}]",
        ),
    ]
    if found.drizzle_out and drizzle_sql and supabase_sql:
        lines.append(f"  # migrations: [../supabase/migrations, {_yaml(up + found.drizzle_out)}]")
    lines += [
        "  # Supabase's declarative schema files (supabase/schemas/*.sql): what they declare.",
        _line(
            bool(found.supabase_schemas),
            f"  supabase_schemas: [{_yaml(up + (found.supabase_schemas or 'supabase/schemas'))}]",
        ),
    ]
    start = lines.index("sources:")
    if all(line.lstrip().startswith("#") for line in lines[start + 1 :]):
        lines[start] = "sources: {}  # nothing found: name them below, or on the command line"
    lines += _schema_lines(found)
    lines += _tenancy_lines(found)
    lines += [
        "",
        "# Domains group tables on the site (names or globs; a table may sit in several):",
        "# domains:",
        '#   Billing: {tables: [invoices, "invoice_*"], description: Plans and invoices.}',
        "",
        "# Descriptions and owners the database does not know:",
        "# tables:",
        "#   invoices: {description: One row per invoice sent., owner: billing-team}",
        "",
        "# Lint rule levels (error, warning, info, off) and excluded tables:",
        "# lint:",
        "#   rules: {unindexed_foreign_keys: warning}",
        "#   exclude: {no_primary_key: [audit_log]}",
        "#   max_columns: 60",
        "",
        "site:",
        f"  title: {_yaml(found.name)}",
        "  # repo_url: https://github.com/<owner>/<repo>",
        "  # logo: logo.svg                 # a file next to this one, or a URL",
        "  # palette: {primary: indigo, accent: indigo}",
        "  # extra_css: [catalog.css]",
        "  # templates: templates/          # page template overrides",
        "",
        "# Outputs (defaults: catalog/catalog.json, docs/ and site/ in the project root):",
        "# output: catalog.json",
        "# docs_dir: ../docs",
        "# site_dir: ../site",
        "",
    ]
    return "\n".join(lines)


def _schema_lines(found: Findings) -> list[str]:
    filters = found.drizzle.get("schemaFilter")
    schemas = found.api_schemas or (
        tuple(filters)
        if isinstance(filters, list)
        else (filters,)
        if isinstance(filters, str)
        else ()
    )
    origin = (
        "supabase/config.toml [api] schemas"
        if found.api_schemas
        else "drizzle schemaFilter"
        if schemas
        else "default"
    )
    lines = [
        "",
        f"# Schemas to document ({origin}):",
        _line(bool(schemas), f"schemas: {_yaml(list(schemas or ('public',)))}"),
    ]
    supabase = bool(found.supabase_migrations or found.supabase_schemas or found.project_id)
    project = f" (project_id {found.project_id})" if found.project_id else ""
    lines += [
        f"# What the project runs on{project}: supabase adds its roles, auth and storage schemas.",
        _line(supabase, "target: supabase"),
    ]
    return lines + _server_version_lines(found) + _api_grants_lines(found, supabase)


def _server_version_lines(found: Findings) -> list[str]:
    """The PostgreSQL spelling of replayed migrations (a live database's version wins)."""
    if found.major_version is None:
        return [
            "# The PostgreSQL major version replayed migrations are spelled for, when no",
            "# database is read (default 17):",
            "# server_version: 17",
        ]
    return [
        "# The PostgreSQL major version replayed migrations are spelled for, when no",
        "# database is read (supabase/config.toml [db] major_version):",
        f"server_version: {found.major_version}",
    ]


def _api_grants_lines(found: Findings, supabase: bool) -> list[str]:
    lines = [
        "# Supabase's default grants on public: `legacy` projects (created before 2026-10-30)",
        "# grant every new table and function to anon, authenticated and service_role;",
        "# `explicit` ones (created since) grant nothing: each table needs its own GRANT,",
        "# and RLS without a grant locks the API out. With a database, its own default",
        "# privileges decide for pending migrations.",
    ]
    if not supabase:
        return [*lines, "# supabase: {api_grants: legacy}"]
    mode, why = api_grants_evidence(found)
    return [
        *lines,
        f"# Chosen by `schema-catalog init`: {why}.",
        "# A project older than its migrations (a squashed history) is `legacy`.",
        f"supabase: {{api_grants: {mode}}}",
    ]


def _tenancy_lines(found: Findings) -> list[str]:
    lines = [
        "",
        "# Multi-tenancy: the tenant root table, the tenant key column, tables shared by all.",
    ]
    if found.tenant is None:
        keys = ", ".join(TENANT_KEYS)
        lines += [
            f"# No foreign key named {keys} was found in the schema files.",
            "# tenancy: {root: organizations, key: organization_id, platform: []}",
        ]
        return lines
    key, root, count = found.tenant
    lines += [
        f"# A GUESS by `schema-catalog init`: {count} table(s) have a foreign key {key} to {root}.",
        "# Check it, then delete this comment.",
        "tenancy:",
        f"  root: {_yaml(root)}",
        f"  key: {_yaml(key)}",
        "  platform: []                      # tables shared by every tenant",
    ]
    return lines


# --------------------------------------------------------------------------- the verb


def run(root: Path, *, force: bool = False) -> tuple[Path, Findings, str]:
    """Write ``root/catalog/catalog.yml``; returns it, the findings and what to print."""
    target = root / DEFAULT_PATH
    if target.exists() and not force:
        raise ConfigError(
            "catalog.yml already exists", where=str(target), fix="pass --force to replace it"
        )
    found = look(root)
    atomic.write_text(target, render_config(found))
    return target, found, _report(target, found)


def _report(target: Path, found: Findings) -> str:
    seen = [
        f"Drizzle config {found.drizzle_config}" if found.drizzle_config else None,
        f"drizzle-kit output {found.drizzle_out}/"
        + (" with meta/" if found.drizzle_meta else "")
        + (" with kit 1.0 migration folders" if found.drizzle_kit1 else "")
        if found.drizzle_out
        else None,
        f"{found.supabase_migrations}/" if found.supabase_migrations else None,
        f"{found.supabase_schemas}/" if found.supabase_schemas else None,
        f"Supabase project {found.project_id}" if found.project_id else None,
        f"tenant key {found.tenant[0]} → {found.tenant[1]} (a guess)" if found.tenant else None,
    ]
    lines = [f"Wrote {target} for {found.name}."]
    found_list = [s for s in seen if s]
    lines.append("Found: " + (", ".join(found_list) if found_list else "no schema sources"))
    lines += [f"Note: {note}" for note in found.notes]
    lines += [
        "",
        "The live database is optional; give it with DATABASE_URL (or --dsn), never in a file:",
        "  export DATABASE_URL='postgresql://catalog_reader@host:5432/postgres?sslmode=require'",
        "",
        "Next:",
        "  schema-catalog extract",
        "  schema-catalog build",
    ]
    return "\n".join(lines) + "\n"
