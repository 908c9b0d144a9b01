"""`catalog/catalog.yml`: what to read and what to add that the database does not know.

Validated by pydantic; an unknown key is an error naming the file and the key.
Paths in the file are relative to the file's own folder. Whether the table names
it mentions exist is checked later, against a catalog (`check_tables`), because
only then are the tables known.

    sources:
      database: {dsn_env: DATABASE_URL}     # or dsn: postgresql://user@host/db (no password!)
      drizzle: [db/schema.ts]               # .ts, folders, globs, drizzle.config.ts, meta/
      migrations: [supabase/migrations]
    schemas: [public]
    target: supabase                        # or postgres: what the project runs on
    server_version: 17                      # PostgreSQL spelling for replayed migrations
    supabase: {api_grants: legacy}          # or explicit: projects made after 2026-10-30
    domains:
      Books: {tables: [books, "book_*"], description: ...}
      Users: [user_profiles, user_assessments]
    tenancy:
      root: organizations
      key: [organization_id]
      platform: [subscription_plans]
      global_unique:                        # unique keys that hold across tenants on purpose
        organization_invitations: [token]   # each item a column, or a list of columns
        accounts: [handle, [provider, external_id]]
        api_keys: all                       # every unique key of the table
    tables:
      books: {description: ..., owner: content-team}
    lint:
      rules: {TEN002: warning, table_without_comment: info, too_many_columns: off}
      exclude: {no_primary_key: [audit_log]}
      suppress:                             # silenced for some tables, the reason shown
        - {rule: RLS003, tables: [waitlist], reason: "sign-up form, insert-only"}
      max_columns: 60
    site: {title: ..., repo_url: ..., logo: logo.svg, palette: {primary: teal}, extra_css: [x.css]}
    tenant_schemas: {schemas: ["tenant_*"], min_schemas: 3, template: tenant_0001}   # or false
    output: catalog.json                    # default <root>/catalog/catalog.json
    docs_dir: ../docs                       # default <root>/docs
    site_dir: ../site                       # default <root>/site

The project root is the folder that holds ``catalog/catalog.yml`` (or the
folder of a config file not kept in a ``catalog/`` folder), else the current
folder; outputs default to ``catalog/catalog.json``, ``docs/`` and ``site/``
under it, never above it.
"""

from __future__ import annotations

import fnmatch
import json
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from psycopg import ProgrammingError
from psycopg.conninfo import conninfo_to_dict
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from schema_catalog.errors import ConfigError

DEFAULT_PATH = Path("catalog/catalog.yml")
SERVER_VERSIONS = (12, 18)
"""The PostgreSQL major versions replay can spell for (first, last)."""
RuleLevel = Literal["error", "warning", "info", "off"]


class _Section(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class DatabaseSource(_Section):
    dsn: str | None = None
    dsn_env: str = "DATABASE_URL"

    @field_validator("dsn")
    @classmethod
    def _no_password(cls, value: str | None) -> str | None:
        # A committed file must never hold a secret; one that does not parse
        # cannot be shown to hold none, and the error never quotes it.
        if not value:
            return value
        try:
            params = conninfo_to_dict(value)
        except ProgrammingError:
            raise ValueError(
                "is not a connection string (postgresql://user@host:5432/db): "
                "put the DSN in an environment variable and name it in dsn_env"
            ) from None
        if "password" in params:
            raise ValueError(
                "contains a password: put the DSN in an environment variable and name it in dsn_env"
            )
        return value


class Sources(_Section):
    """``database`` and, per file source of the registry, its list of paths.

    Which keys exist is the registry's to say (`sources.registry`): the
    extraction refuses a key no source has, naming the file and key.
    """

    model_config = ConfigDict(frozen=True, extra="allow")

    database: DatabaseSource | None = None
    drizzle: tuple[str, ...] = ()
    migrations: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _paths_are_lists(self) -> Sources:
        for key, value in (self.model_extra or {}).items():
            if not isinstance(value, list) or not all(isinstance(p, str) for p in value):
                raise ValueError(f"sources.{key} must be a list of paths")
        return self

    def paths(self, key: str) -> tuple[str, ...]:
        """The configured paths of the file source whose catalog.yml key is ``key``."""
        value = getattr(self, key, None) if key in type(self).model_fields else None
        if value is None:
            value = (self.model_extra or {}).get(key, ())
        return tuple(str(p) for p in value)

    def keys(self) -> set[str]:
        """Every file source key present in the file (``database`` aside)."""
        named = {k for k in ("drizzle", "migrations") if k in self.model_fields_set}
        return named | set(self.model_extra or {})


class DomainConfig(_Section):
    tables: tuple[str, ...] = ()
    description: str | None = None


def _unique_keys(value: Any) -> Any:
    # `[slug, [provider, external_id]]`: a string is a one-column unique key, a list a
    # key of several columns; a flat list of columns would be ambiguous.
    if value == "all":
        return value
    # tuples: a config read back from its own dump (`model_dump`, as tests and `serve` do)
    if isinstance(value, list | tuple) and value and all(map(_columns, value)):
        return tuple((v,) if isinstance(v, str) else tuple(v) for v in value)
    raise ValueError(
        "expected `all` or a list of unique keys, each a column or a list of columns,"
        " e.g. [slug, [provider, external_id]]"
    )


def _columns(value: Any) -> bool:
    names = [value] if isinstance(value, str) else value
    return (
        isinstance(names, list | tuple)
        and bool(names)
        and all(isinstance(n, str) and n for n in names)
    )


UniqueKeys = Annotated[Literal["all"] | tuple[tuple[str, ...], ...], BeforeValidator(_unique_keys)]


class TenancyConfig(_Section):
    root: str | None = None
    key: tuple[str, ...] = ("organization_id",)
    platform: tuple[str, ...] = ()
    global_unique: dict[str, UniqueKeys] = {}
    """Per table (name or glob): the unique keys that leave out the tenant key on purpose
    (an invitation token, a public handle, an external id), or ``all`` of them.
    `unique_without_tenant_key` (TEN009) passes them; the table page says so."""

    @field_validator("key", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return (value,) if isinstance(value, str) else value


class TableConfig(_Section):
    description: str | None = None
    owner: str | None = None


class Suppression(_Section):
    """One rule silenced for some tables, with the reason the pages show."""

    rule: str
    tables: tuple[str, ...]
    reason: str

    @field_validator("tables", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return (value,) if isinstance(value, str) else value


class LintConfig(_Section):
    rules: dict[str, RuleLevel] = {}
    exclude: dict[str, tuple[str, ...]] = {}
    suppress: tuple[Suppression, ...] = ()
    max_columns: int = 60


class PaletteConfig(_Section):
    primary: str = "indigo"
    accent: str = "indigo"


class SiteConfig(_Section):
    title: str | None = None
    """The site's name; default: package.json's name, else the project folder's."""
    templates: str | None = None
    """A folder of template overrides (override a block, not a whole file)."""
    diagram_hops: int = Field(default=1, ge=0, le=3)
    repo_url: str | None = None
    long_text: int = Field(default=4096, ge=80)
    """Comments and expressions longer than this (characters) are shown collapsed."""
    logo: str | None = None
    """An image file (relative to catalog.yml) or a URL shown as the site's logo."""
    palette: PaletteConfig = PaletteConfig()
    extra_css: tuple[str, ...] = ()
    """Stylesheets (relative to catalog.yml) added to the site."""


class SupabaseConfig(_Section):
    api_grants: Literal["legacy", "explicit"] = "legacy"
    """``legacy``: new tables and functions in ``public`` are granted to ``anon``,
    ``authenticated`` and ``service_role`` by default privileges, as on projects created
    before 2026-10-30; ``explicit``: they are not (projects created since). A
    project's default privileges are set when it is created, so one mode holds for all
    its migrations; ``init`` chooses it from the earliest migration's date. Replayed
    onto a live database, the database's own default privileges (``pg_default_acl``)
    decide instead."""


class TenantSchemasConfig(_Section):
    """Schema-per-tenant: schemas of the same structure are documented once.

    A group is at least ``min_schemas`` schemas matching ``schemas`` (globs) whose
    structure is that of one template schema, or close to it (at least half of its
    tables identical); the site shows the template's pages, the list of the schemas
    that follow it and what each one changes. ``tenant_schemas: false`` turns it off.
    """

    enabled: bool = True
    schemas: tuple[str, ...] = ("*",)
    """Globs of the schemas that may be grouped (default: every documented schema)."""
    min_schemas: int = Field(default=3, ge=2)
    template: str | None = None
    """The schema whose pages document its group (default: the first by name among the
    schemas identical to each other)."""

    @field_validator("schemas", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return (value,) if isinstance(value, str) else value


class Config(_Section):
    sources: Sources = Sources()
    schemas: tuple[str, ...] = ("public",)
    target: Literal["postgres", "supabase"] = "postgres"
    server_version: int | None = Field(default=None, ge=SERVER_VERSIONS[0], le=SERVER_VERSIONS[1])
    """The PostgreSQL major version replayed migrations are spelled for when no live
    database says it (default 17)."""
    supabase: SupabaseConfig = SupabaseConfig()
    output: str | None = None
    docs_dir: str | None = None
    site_dir: str | None = None
    domains: dict[str, DomainConfig] = {}
    tenancy: TenancyConfig = TenancyConfig()
    tables: dict[str, TableConfig] = {}
    lint: LintConfig = LintConfig()
    site: SiteConfig = SiteConfig()
    tenant_schemas: TenantSchemasConfig = TenantSchemasConfig()
    path: Path | None = Field(default=None, exclude=True)
    """The file this config was read from (None for the built-in default)."""

    @field_validator("domains", mode="before")
    @classmethod
    def _domain_shorthand(cls, value: Any) -> Any:
        # `Users: [a, b]` is short for `Users: {tables: [a, b]}`.
        if isinstance(value, dict):
            return {k: {"tables": v} if isinstance(v, list) else v for k, v in value.items()}
        return value

    @field_validator("tenant_schemas", mode="before")
    @classmethod
    def _on_off(cls, value: Any) -> Any:
        # `tenant_schemas: false` turns grouping off; `true` keeps the defaults.
        return {"enabled": value} if isinstance(value, bool) else value

    @property
    def base_dir(self) -> Path:
        return self.path.parent if self.path else Path.cwd()

    @property
    def catalog_file(self) -> Path:
        return (
            self.resolve(self.output)
            if self.output
            else self.project_root / "catalog" / "catalog.json"
        )

    @property
    def docs_path(self) -> Path:
        return self.resolve(self.docs_dir) if self.docs_dir else self.project_root / "docs"

    @property
    def site_path(self) -> Path:
        return self.resolve(self.site_dir) if self.site_dir else self.project_root / "site"

    @property
    def site_name(self) -> str:
        """catalog.yml's ``site.title``, else package.json's name, else the root folder's."""
        return self.site.title or project_name(self.project_root)

    def resolve(self, relative: str) -> Path:
        """A path from the config file, relative to the file's folder."""
        path = Path(relative)
        return path if path.is_absolute() else self.base_dir / path

    @property
    def project_root(self) -> Path:
        """The folder that holds ``catalog/catalog.yml`` (else the config's own folder,
        else the current one): what locations in findings are relative to, and where outputs go (never above it)."""
        if self.path is None:
            return Path.cwd()
        folder = self.base_dir.resolve()
        return folder.parent if folder.name == "catalog" else folder

    @property
    def where(self) -> str:
        return str(self.path) if self.path else "catalog.yml"


def project_name(root: Path) -> str:
    """package.json's ``name`` (without an npm scope), else the folder's name."""
    try:
        name = json.loads((root / "package.json").read_text(encoding="utf-8")).get("name")
    except (OSError, ValueError, AttributeError):
        name = None
    if isinstance(name, str) and name.strip():
        return name.strip().rsplit("/", 1)[-1]
    return root.resolve().name or "Database catalog"


def load(path: Path | None = None) -> Config:
    """Read ``path`` (default ``catalog/catalog.yml`` when it exists)."""
    if path is None:
        if not DEFAULT_PATH.exists():
            return Config()
        path = DEFAULT_PATH
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError("config file not found", where=str(path)) from None
    except UnicodeDecodeError as error:
        raise ConfigError(
            f"not UTF-8 text (byte {error.start}: {error.reason})",
            where=str(path),
            fix="save the file as UTF-8",
        ) from None
    except IsADirectoryError:
        raise ConfigError("is a directory, not a file", where=str(path)) from None
    except OSError as error:
        raise ConfigError(f"cannot read: {error.strerror}", where=str(path)) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        problem = getattr(error, "problem", None) or "invalid YAML"
        raise ConfigError(f"invalid YAML: {problem}", where=where) from None
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ConfigError("expected a mapping of settings at the top level", where=str(path))
    try:
        return Config.model_validate({**raw, "path": path})
    except ValidationError as error:
        raise ConfigError(_describe(error), where=str(path)) from None


def _describe(error: ValidationError) -> str:
    first = error.errors()[0]
    key = ".".join(str(part) for part in first["loc"])
    if first["type"] == "extra_forbidden":
        return f"unknown key `{key}`"
    return f"key `{key}`: {first['msg'].removeprefix('Value error, ')}"


def match_tables(patterns: tuple[str, ...], names: list[str]) -> list[str]:
    """Table names matched by names or globs; a pattern may be ``schema.name`` or ``name``."""
    matched: set[str] = set()
    for pattern in patterns:
        for qualified in names:
            short = qualified.split(".", 1)[1]
            target = qualified if "." in pattern else short
            if fnmatch.fnmatchcase(target, pattern):
                matched.add(qualified)
    return sorted(matched)


def check_tables(config: Config, names: list[str]) -> None:
    """Fail on any config entry naming a table that is in no source."""
    entries: list[tuple[str, tuple[str, ...]]] = [
        (f"domains.{domain}.tables", spec.tables) for domain, spec in config.domains.items()
    ]
    entries += [
        ("tenancy.root", (config.tenancy.root,) if config.tenancy.root else ()),
        ("tenancy.platform", config.tenancy.platform),
        ("tenancy.global_unique", tuple(config.tenancy.global_unique)),
        ("tables", tuple(config.tables)),
    ]
    entries += [(f"lint.exclude.{rule}", tables) for rule, tables in config.lint.exclude.items()]
    entries += [
        (f"lint.suppress[{i}].tables", s.tables) for i, s in enumerate(config.lint.suppress)
    ]
    for key, patterns in entries:
        for pattern in patterns:
            if not match_tables((pattern,), names):
                raise ConfigError(
                    f"`{key}` names `{pattern}`, which matches no table",
                    where=config.where,
                    fix="fix the name or remove the entry",
                )
