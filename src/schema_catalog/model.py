"""The catalog model: one vocabulary for every source, analysis and page.

Every source (PostgreSQL, Drizzle, migration SQL, a saved snapshot) returns a
`Catalog` of facts; analysis returns a new `Catalog` with the judgments filled in
(`domains`, `description`, `owner`, `tenancy`, `migration_status`, `drift`, `rls`,
lint `findings`, `stats`), which depend on catalog.yml. A snapshot holds the facts
only (`Catalog.facts()`): every reader analyses on load, so a catalog.yml edit
shows without a new extraction.
Models are frozen and forbid unknown keys; collections are tuples, sorted by the
source before they leave it, so the JSON is byte-identical for an unchanged
schema. Tables refer to each other by (schema, name), never by back-pointers:
lookups are methods on `Catalog`.

The field names are a public contract (DESIGN.md, "Catalog JSON"): rename
nothing without bumping `FORMAT_VERSION`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from functools import cache, cached_property
from typing import Annotated, Any, Literal, Self

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

FORMAT_VERSION = 2
"""2: the snapshot holds facts only (1 also held the analysis of its time)."""

TableKind = Literal["table", "view", "materialized_view", "partitioned_table", "foreign_table"]
TenancyStatus = Literal["tenant_root", "direct", "inherited", "platform", "unscoped"]
Severity = Literal["error", "warning", "info"]
SourceKind = str
"""A source's name in the registry (`sources.registry`): ``database``, ``drizzle``,
``drizzle_snapshot``, ``migrations``, ``supabase_schemas``..."""
SourceRole = Literal["live", "proposed", "declared"]
"""What a source's tables are: in the database, created by pending migration SQL, or
declared in code the team keeps (an ORM schema, declarative SQL)."""
MigrationStatus = Literal[
    "live",  # in the database only (not declared in Drizzle)
    "live_and_declared",  # in the database and in Drizzle
    "drizzle_only",  # declared in Drizzle, not in the database
    "declared",  # declared by another source (e.g. supabase/schemas), not in the database
    "proposed",  # created by pending migration SQL, not in the database
    "proposed_and_declared",  # pending migration and Drizzle, not in the database
]
SEVERITY_ORDER: dict[str, int] = {"info": 0, "warning": 1, "error": 2}
"""The one order of severities: sort with ``-SEVERITY_ORDER[s]`` for most severe first."""
API_ROLES = ("anon", "authenticated")
"""The roles Supabase's Data API (PostgREST, pg_graphql) runs requests as."""


def _pg18(default: bool | None) -> Any:
    """A fact PostgreSQL 18 added (virtual generated columns, WITHOUT OVERLAPS, PERIOD,
    NOT ENFORCED, named NOT NULL), left out of the JSON while it holds ``default``: a
    schema that uses none of them gives the same snapshot as before they existed."""
    return Field(default=default, exclude_if=lambda value: value is default)


def _declared_name() -> Any:
    """The name as the source declares it, where PostgreSQL keeps only its first 63 bytes
    (the object's ``name``, which matches the database). Left out of the JSON when the
    two are the same, so schemas without long names give the snapshot they always did."""
    return Field(default=None, exclude_if=lambda value: value is None)


# Fields analysis fills from the facts and catalog.yml; a snapshot leaves them out.
DERIVED_TABLE_FIELDS = (
    "description",
    "owner",
    "domains",
    "tenancy",
    "migration_status",
    "drift",
    "rls",
)
DERIVED_CATALOG_FIELDS = ("domains", "stats", "tenant_groups")


class Model(BaseModel):
    """Base for every catalog model: immutable, strict about unknown keys."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        """A copy without the indexes (`cached_property`) built for the original's fields."""
        copied = super().model_copy(update=update, deep=deep)
        for name in copied.__dict__.keys() - type(self).model_fields.keys():
            del copied.__dict__[name]
        return copied

    @classmethod
    def trusted(cls, **values: Any) -> Self:
        """An instance built without validation, from values that already have the
        field types (a source's own rows, which it has checked): a third faster than
        validating, and every instance of a class shares one fields-set. Unknown and
        missing required fields still fail. Snapshots are validated when loaded.
        """
        template, fields_set, required = _template(cls)
        data = {**template, **values}
        if len(data) != len(template) or not required <= values.keys():
            unknown = sorted(values.keys() - template.keys())
            missing = sorted(k for k, v in data.items() if v is _REQUIRED)
            raise TypeError(f"{cls.__name__}.trusted: unknown {unknown}, missing {missing}")
        instance = cls.__new__(cls)
        object.__setattr__(instance, "__dict__", data)
        object.__setattr__(instance, "__pydantic_fields_set__", fields_set)
        object.__setattr__(instance, "__pydantic_extra__", None)
        object.__setattr__(instance, "__pydantic_private__", None)
        return instance


_REQUIRED: Any = object()
_TEMPLATES: dict[type[BaseModel], tuple[dict[str, Any], set[str], frozenset[str]]] = {}


def _template(cls: type[BaseModel]) -> tuple[dict[str, Any], set[str], frozenset[str]]:
    """Every field of ``cls`` in order with its default (`_REQUIRED` when it has none),
    the fields-set every trusted instance shares, and the required fields (checked as
    a set: comparing each value with `_REQUIRED` cost a third of `Model.trusted`)."""
    known = _TEMPLATES.get(cls)
    if known is None:
        template = {
            name: _REQUIRED if field.is_required() else field.get_default(call_default_factory=True)
            for name, field in cls.model_fields.items()
        }
        # One default object is shared by every trusted instance: only immutable ones.
        if any(isinstance(v, dict | list | set) for v in template.values()):
            raise TypeError(f"{cls.__name__} has a mutable default: build it validated")
        required = frozenset(k for k, v in template.items() if v is _REQUIRED)
        known = _TEMPLATES[cls] = (template, set(template), required)
    return known


# --------------------------------------------------------------------------- columns


class Column(Model):
    name: str
    """The column's name; a label only while `unresolved` lists ``name`` (see there)."""
    type: str
    """As PostgreSQL's ``format_type`` spells it: ``character varying(255)``, ``text[]``."""
    nullable: bool = True
    default: str | None = None
    """As ``pg_get_expr`` prints it; ``None`` for identity and generated columns."""
    identity: Literal["always", "by_default"] | None = None
    generated: str | None = None
    """The expression of a ``GENERATED ALWAYS AS (...)`` column."""
    virtual: bool = _pg18(False)
    """A ``VIRTUAL`` generated column (PostgreSQL 18): computed when read, not stored."""
    not_null_name: str | None = _pg18(None)
    """The name of the column's NOT NULL constraint (PostgreSQL 18 names them) where it
    is not the default ``<table>_<column>_not_null``."""
    not_null_validated: bool = _pg18(True)
    """False for a NOT NULL constraint added ``NOT VALID`` (PostgreSQL 18): old rows
    may still hold NULL."""
    collation: str | None = None
    comment: str | None = None
    primary_key: bool = False
    """Part of the table's primary key (redundant with `Table.primary_key`, handy in pages)."""
    type_schema: str | None = None
    """Schema of a user-defined type (enum, domain, composite), else ``None``."""
    unresolved: tuple[str, ...] = ()
    """Attributes a static reader could not resolve (e.g. Drizzle ``type``, ``default``).
    With ``name`` among them the column's name is unknown: `name` then holds the label
    the source gives it (a Drizzle object key), which no lookup, comparison or rule may
    take for its name (`Table.column` does not find it)."""
    declared_name: str | None = _declared_name()
    """The full name the source declares, when ``name`` is it cut to 63 bytes."""

    @property
    def name_resolved(self) -> bool:
        """False when `name` is only a label: the source does not say the column's name."""
        return "name" not in self.unresolved


# --------------------------------------------------------------------------- constraints


class PrimaryKey(Model):
    name: str
    declared_name: str | None = _declared_name()
    """The full name the source declares, when ``name`` is it cut to 63 bytes."""
    columns: tuple[str, ...]
    without_overlaps: bool = _pg18(False)
    """The last column is compared ``WITHOUT OVERLAPS`` (a temporal key, PostgreSQL 18)."""


class ForeignKey(Model):
    name: str
    declared_name: str | None = _declared_name()
    """The full name the source declares, when ``name`` is it cut to 63 bytes."""
    columns: tuple[str, ...]
    ref_schema: str
    ref_table: str
    ref_columns: tuple[str, ...]
    on_delete: str = "NO ACTION"
    on_update: str = "NO ACTION"
    match: str = "SIMPLE"

    @property
    def target(self) -> str:
        """The referenced table, qualified: ``ref_schema.ref_table``."""
        return f"{self.ref_schema}.{self.ref_table}"

    deferrable: bool = False
    initially_deferred: bool = False
    validated: bool = True
    period: bool = _pg18(False)
    """The last column pair is compared with ``PERIOD`` (a temporal key, PostgreSQL 18)."""
    enforced: bool = _pg18(True)
    """False for ``NOT ENFORCED`` (PostgreSQL 18): declared, never checked."""


class UniqueConstraint(Model):
    name: str
    declared_name: str | None = _declared_name()
    """The full name the source declares, when ``name`` is it cut to 63 bytes."""
    columns: tuple[str, ...]
    nulls_not_distinct: bool = False
    deferrable: bool = False
    without_overlaps: bool = _pg18(False)
    """The last column is compared ``WITHOUT OVERLAPS`` (PostgreSQL 18)."""


class CheckConstraint(Model):
    name: str
    declared_name: str | None = _declared_name()
    """The full name the source declares, when ``name`` is it cut to 63 bytes."""
    expression: str
    """As ``pg_get_constraintdef`` prints it, e.g. ``CHECK ((price >= 0))``."""
    validated: bool = True
    enforced: bool = _pg18(True)
    """False for ``NOT ENFORCED`` (PostgreSQL 18): declared, never checked."""


class ExclusionConstraint(Model):
    name: str
    definition: str


class Index(Model):
    name: str
    declared_name: str | None = _declared_name()
    """The full name the source declares, when ``name`` is it cut to 63 bytes."""
    columns: tuple[str, ...]
    """Key columns; expressions appear as their text."""
    method: str = "btree"
    unique: bool = False
    primary: bool = False
    include: tuple[str, ...] = ()
    predicate: str | None = None
    valid: bool = True
    definition: str | None = None
    """The full ``CREATE INDEX`` statement, when the source knows it."""
    constraint: str | None = None
    """Name of the constraint that owns this index (primary key, unique, exclusion)."""
    comment: str | None = None


class Policy(Model):
    name: str
    command: Literal["ALL", "SELECT", "INSERT", "UPDATE", "DELETE"] = "ALL"
    roles: tuple[str, ...] = ("public",)
    permissive: bool = True
    using: str | None = None
    with_check: str | None = None


class Trigger(Model):
    name: str
    timing: str
    """BEFORE, AFTER or INSTEAD OF."""
    events: tuple[str, ...]
    level: Literal["row", "statement"] = "row"
    function: str
    definition: str
    enabled: bool = True
    comment: str | None = None


class Grant(Model):
    grantee: str
    """A role name, or ``PUBLIC``."""
    privilege: str
    column: str | None = None
    """Set for a column-level grant."""


# --------------------------------------------------------------------------- derived facts


class LeafPartition(Model):
    """A leaf partition folded under its root, with what decides who reads it directly:
    its own RLS flag and table grants (neither is inherited from the root)."""

    name: str
    """Qualified name."""
    kind: TableKind = "table"
    rls_enabled: bool = False
    grants: tuple[Grant, ...] = ()


class TenancyHop(Model):
    """One foreign-key step on the way from a table to its tenant."""

    table: str
    columns: tuple[str, ...]
    ref_table: str
    foreign_key: str
    nullable: bool
    """True when the FK columns allow NULL: such rows belong to no tenant."""


class Tenancy(Model):
    status: TenancyStatus = "unscoped"
    column: str | None = None
    """The tenant key column (direct) or the column that starts the path (inherited)."""
    path: tuple[TenancyHop, ...] = ()
    routes: int = 0
    """How many shortest FK routes reach a tenant table (more than one is ambiguous)."""
    notes: tuple[str, ...] = ()


class RlsCoverage(Model):
    """Which role may run which command through policies, per the catalog."""

    command: Literal["SELECT", "INSERT", "UPDATE", "DELETE"]
    role: str
    policies: tuple[str, ...]
    """The permissive policies that let rows through (any one of them)."""
    restrictive: tuple[str, ...] = ()
    """Restrictive policies every row must pass as well: they narrow, never grant."""
    tenant_scoped: bool
    """A policy that lets rows through, or a restrictive one every row must pass,
    mentions the tenant key or path."""


class DriftItem(Model):
    """One difference between two sources' views of the same table."""

    kind: str
    """missing_column, extra_column, type, nullable, default, generated, primary_key, foreign_key,
    index, unique, check, policy, rls; unresolved_column (one side cannot name a column:
    the other side's unmatched columns are its candidates, none is called missing or
    extra) and unresolved (an attribute one side could not resolve is not compared)."""
    object: str
    left_source: SourceKind
    right_source: SourceKind
    left: str | None
    right: str | None


def _presence_from_flags(value: object) -> object:
    # Format 1 wrote {"database": true, "drizzle": false, ...}.
    if isinstance(value, dict):
        return tuple(sorted(kind for kind, present in value.items() if present))
    return value


Presence = Annotated[tuple[SourceKind, ...], BeforeValidator(_presence_from_flags)]
"""The sources that declare an object, sorted (``("database", "drizzle")``)."""


# --------------------------------------------------------------------------- tables


class Table(Model):
    schema_: str = Field(alias="schema")
    name: str
    declared_name: str | None = _declared_name()
    """The full name the source declares, when ``name`` is it cut to 63 bytes."""
    kind: TableKind = "table"
    comment: str | None = None
    description: str | None = None
    """Added from catalog.yml, outside the database."""
    owner: str | None = None
    """Team or person responsible, from catalog.yml."""
    domains: tuple[str, ...] = ()
    columns: tuple[Column, ...] = ()
    primary_key: PrimaryKey | None = None
    foreign_keys: tuple[ForeignKey, ...] = ()
    unique_constraints: tuple[UniqueConstraint, ...] = ()
    check_constraints: tuple[CheckConstraint, ...] = ()
    exclusion_constraints: tuple[ExclusionConstraint, ...] = ()
    indexes: tuple[Index, ...] = ()
    rls_enabled: bool = False
    rls_forced: bool = False
    policies: tuple[Policy, ...] = ()
    triggers: tuple[Trigger, ...] = ()
    grants: tuple[Grant, ...] = ()
    view_definition: str | None = None
    options: tuple[str, ...] = ()
    """``reloptions`` as PostgreSQL lists them, e.g. ``security_invoker=true`` on a view."""
    partition_key: str | None = None
    partitions: tuple[str, ...] = ()
    """Qualified names of partition children, folded under this parent."""
    leaf_partitions: tuple[LeafPartition, ...] = ()
    """The leaves among them, with their own RLS flags and grants."""
    inherits: tuple[str, ...] = ()
    """Qualified names of parents in classic table inheritance."""
    estimated_rows: int | None = None
    """``reltuples``; ``None`` when never analyzed."""
    size_bytes: int | None = None
    """Total relation size (heap, indexes, TOAST), summed over partitions."""
    publications: tuple[str, ...] = ()
    presence: Presence = ()
    tenancy: Tenancy = Tenancy()
    migration_status: MigrationStatus | None = None
    drift: tuple[DriftItem, ...] = ()
    rls: tuple[RlsCoverage, ...] = ()
    location: str | None = None
    """Where a declared or proposed table comes from (file:line)."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    @property
    def schema(self) -> str:  # type: ignore[override]
        return self.schema_

    @property
    def qualified_name(self) -> str:
        return f"{self.schema_}.{self.name}"

    def column(self, name: str) -> Column | None:
        """The column named ``name``; never one whose name is unresolved (only labelled)."""
        return self._columns_by_name.get(name)

    @cached_property
    def _columns_by_name(self) -> dict[str, Column]:
        # The first column of a name wins, as a scan would find it.
        by_name: dict[str, Column] = {}
        for column in self.columns:
            if column.name_resolved:
                by_name.setdefault(column.name, column)
        return by_name

    def privileges(self, role: str) -> set[str]:
        """Table-level privileges ``role`` holds directly or through ``PUBLIC``
        (what ``has_table_privilege`` answers: column grants do not count)."""
        return set(self._held(role, on_column=False))

    def column_privileges(self, role: str) -> set[str]:
        """Privileges ``role`` holds on some column (column grants, or the whole table)."""
        return set(self._held(role, on_column=False) | self._held(role, on_column=True))

    def _held(self, role: str, *, on_column: bool) -> frozenset[str]:
        granted = self._granted
        return granted.get((role, on_column), _NONE) | granted.get((None, on_column), _NONE)

    @cached_property
    def _granted(self) -> dict[tuple[str | None, bool], frozenset[str]]:
        # Privileges by (grantee, column grant?), PUBLIC's under None: the rules ask for
        # every table's privileges per role and command, hundreds of times per table.
        found: dict[tuple[str | None, bool], set[str]] = defaultdict(set)
        for grant in self.grants:
            grantee = None if grant.grantee.lower() == "public" else grant.grantee
            found[grantee, grant.column is not None].add(grant.privilege.upper())
        return {key: frozenset(held) for key, held in found.items()}

    def api_access(self, role: str) -> str:
        """What ``role`` can read and write here, in words: the one verdict the table
        page shows and the rules reason with (grants, then RLS)."""
        if self.privileges(role):
            return "rows allowed by RLS policies" if self.rls_enabled else "every row (RLS off)"
        if self.column_privileges(role):
            rows = "rows allowed by RLS policies" if self.rls_enabled else "every row (RLS off)"
            return f"granted columns only, {rows}"
        return "no access (no grant)"

    def facts(self) -> Table:
        """This table without what analysis derives (see `DERIVED_TABLE_FIELDS`)."""
        defaults = _derived_table_defaults()
        if all(getattr(self, name) == value for name, value in defaults.items()):
            # Straight from the sources (as `extract` writes it): no copy of every
            # table, and of its indexes, to write the snapshot.
            return self
        return self.model_copy(update=defaults)


# --------------------------------------------------------------------------- types and functions


class Enum(Model):
    schema_: str = Field(alias="schema")
    name: str
    values: tuple[str, ...]
    comment: str | None = None

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class DomainType(Model):
    """A PostgreSQL ``CREATE DOMAIN`` type (not a documentation domain)."""

    schema_: str = Field(alias="schema")
    name: str
    base_type: str
    not_null: bool = False
    default: str | None = None
    checks: tuple[str, ...] = ()
    comment: str | None = None

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class CompositeAttribute(Model):
    name: str
    type: str


class CompositeType(Model):
    schema_: str = Field(alias="schema")
    name: str
    attributes: tuple[CompositeAttribute, ...]
    comment: str | None = None

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class Function(Model):
    schema_: str = Field(alias="schema")
    name: str
    arguments: str
    """``pg_get_function_identity_arguments``: distinguishes overloads."""
    result: str
    kind: Literal["function", "procedure", "aggregate", "window"] = "function"
    language: str
    security_definer: bool = False
    volatility: Literal["immutable", "stable", "volatile"] = "volatile"
    config: tuple[str, ...] = ()
    """``proconfig`` settings such as ``search_path=public``."""
    definition: str | None = None
    """``pg_get_functiondef`` (None for aggregates, where it errors)."""
    executable_by: tuple[str, ...] = ()
    """Roles with EXECUTE (``PUBLIC`` included when granted to everyone)."""
    comment: str | None = None

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    @property
    def signature(self) -> str:
        return f"{self.schema_}.{self.name}({self.arguments})"


class Extension(Model):
    name: str
    schema_: str = Field(alias="schema")
    version: str

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class Publication(Model):
    name: str
    all_tables: bool = False
    tables: tuple[str, ...] = ()


class Role(Model):
    name: str
    login: bool = False
    superuser: bool = False
    bypass_rls: bool = False


class DefaultPrivilege(Model):
    """One grant of ``pg_default_acl`` (``ALTER DEFAULT PRIVILEGES``): what a table or
    function ``role`` creates in ``schema`` (None: in every schema) starts with.

    An entry for every schema *replaces* the built-in default (functions executable
    by PUBLIC), so its rows include the creator's own; an entry for one schema adds
    to it. Supabase projects created before 2026-10-30 have ``postgres``'s entries on
    ``public`` granting everything to anon, authenticated and service_role."""

    role: str
    schema_: str | None = Field(default=None, alias="schema")
    kind: Literal["table", "function"]
    grantee: str
    """A role, or ``PUBLIC``."""
    privilege: str


SUPABASE_ROLES: tuple[Role, ...] = (
    Role(name="anon"),
    Role(name="authenticated"),
    Role(name="authenticator", login=True),
    Role(name="service_role", bypass_rls=True),
)
"""The roles every Supabase project has, as ``pg_roles`` shows them: the Data API's
(`API_ROLES`), the login role PostgREST connects as, and service_role, which bypasses
row-level security."""


# --------------------------------------------------------------------------- catalog-wide


class Finding(Model):
    code: str
    """Stable rule code, e.g. ``TEN001``."""
    severity: Severity
    target: str
    """What the finding is about: ``public.books``, ``public.books.organization_id``, a file:line."""
    message: str
    rule: str | None = None
    """The rule's name (splinter's name where there is one)."""
    location: str | None = None
    """``file:line`` of the declaration in the team's files (Drizzle .ts, migration SQL),
    relative to the project root, where a source knows it."""
    related: tuple[str, ...] = ()
    """Codes of other rules that failed on the same object for the same root cause,
    merged into this finding (RLS off on an exposed table: RLS004, SEC007, TEN001)."""


class Domain(Model):
    """A documentation domain from catalog.yml: a named group of tables."""

    name: str
    description: str | None = None
    tables: tuple[str, ...] = ()
    """Qualified names, sorted."""


class TenantDrift(Model):
    """One way a schema differs from its group's template (schema names left out)."""

    change: Literal["added", "missing", "changed"]
    what: str
    """table, column, index, foreign key, unique, check, exclusion, policy, trigger,
    grant, property (kind, RLS, primary key, view definition), enum, function, type."""
    object: str
    """``table``, ``table.member``, or the name of a schema-level object."""
    expected: str | None = None
    """What the template has (None when the schema adds it)."""
    found: str | None = None
    """What this schema has (None when it is missing)."""


class TenantSchema(Model):
    name: str
    drift: tuple[TenantDrift, ...] = ()


class TenantGroup(Model):
    """Schemas of one structure (schema-per-tenant), documented once by the template's pages."""

    template: str
    members: tuple[TenantSchema, ...]
    """Every schema of the group, the template included, sorted by name."""
    tables: int
    """Tables (and views) of the template."""


class Count(Model):
    name: str
    tables: int
    columns: int


class Stats(Model):
    tables: int = 0
    columns: int = 0
    by_source: tuple[Count, ...] = ()
    by_domain: tuple[Count, ...] = ()
    by_kind: tuple[Count, ...] = ()
    largest_tables: tuple[Count, ...] = ()
    tenancy: dict[str, int] = {}
    migration_status: dict[str, int] = {}
    rls_enabled: int = 0
    rls_disabled: int = 0
    findings: dict[str, int] = {}


LEGACY_ROLES: dict[SourceKind, SourceRole] = {
    "database": "live",
    "migrations": "proposed",
    "drizzle": "declared",
    "drizzle_snapshot": "declared",
}
"""Roles of the sources snapshots named before sources recorded their role."""
ROLE_ORDER: tuple[SourceRole, ...] = ("live", "proposed", "declared")
"""Which role describes a table best when several sources have it: live facts first."""


class SourceInfo(Model):
    kind: SourceKind
    role: SourceRole | None = None
    """Set by every source; None only in snapshots from before roles existed."""
    location: str
    """Where the facts came from: ``postgresql://user@host:5432/db`` (never a password) or a path."""
    details: dict[str, str] = {}


class SourceView(Model):
    """What one secondary source says, kept as that source declares it (for drift)."""

    kind: SourceKind
    tables: tuple[Table, ...] = ()
    enums: tuple[Enum, ...] = ()

    def table(self, qualified_name: str) -> Table | None:
        """This source's own table ``schema.name``."""
        return self._by_name.get(qualified_name)

    @cached_property
    def _by_name(self) -> dict[str, Table]:
        return {t.qualified_name: t for t in self.tables}


class IndexUsage(Model):
    table: str
    """Qualified name of the index's table."""
    index: str
    scans: int
    """``idx_scan``: scans since the statistics were last reset (summed over the
    partitions of a partitioned index)."""


class Usage(Model):
    """How the live database is used (``pg_stat_*``), read by a live extraction.

    Not a schema fact: the same schema gives other counts every day. So it is never
    part of the catalog JSON (`Catalog.usage` is excluded from serialisation);
    `extract` keeps it in its own file beside the snapshot (``catalog.usage.json``)
    and readers attach it when it is there. Rules that need it (``unused_index``)
    fire only when it is present.
    """

    stats_reset: str | None = None
    """When the database's statistics were last reset (``pg_stat_database``), if ever."""
    server_started: str | None = None
    """When the server last started: counts since a crash start again from zero."""
    indexes: tuple[IndexUsage, ...] = ()


class Catalog(Model):
    format_version: int = FORMAT_VERSION
    extracted_at: str | None = None
    """ISO time of the extraction that first saw this exact schema (kept while unchanged)."""
    schemas: tuple[str, ...] = ("public",)
    sources: tuple[SourceInfo, ...] = ()
    tables: tuple[Table, ...] = ()
    enums: tuple[Enum, ...] = ()
    domain_types: tuple[DomainType, ...] = ()
    composite_types: tuple[CompositeType, ...] = ()
    functions: tuple[Function, ...] = ()
    extensions: tuple[Extension, ...] = ()
    publications: tuple[Publication, ...] = ()
    roles: tuple[Role, ...] = ()
    default_privileges: tuple[DefaultPrivilege, ...] = Field(
        default=(), exclude_if=lambda value: not value
    )
    """Left out of the JSON while there are none: such a snapshot reads as before."""
    domains: tuple[Domain, ...] = ()
    source_views: tuple[SourceView, ...] = ()
    findings: tuple[Finding, ...] = ()
    stats: Stats = Stats()
    tenant_groups: tuple[TenantGroup, ...] = ()
    """Schemas documented once, through a template schema (their tables are left out)."""
    usage: Usage | None = Field(default=None, exclude=True)
    """Usage statistics of a live extraction; never serialised (see `Usage`)."""

    def facts(self) -> Catalog:
        """The catalog as a snapshot keeps it: what the sources read, no judgments.

        ``findings`` stay as they are: a catalog straight from the sources holds
        only the sources' own findings, which are facts about what they read.
        """
        views = tuple(
            v.model_copy(update={"tables": tuple(t.facts() for t in v.tables)})
            for v in self.source_views
        )
        update = _defaults(Catalog, DERIVED_CATALOG_FIELDS)
        update |= {"tables": tuple(t.facts() for t in self.tables), "source_views": views}
        return self.model_copy(update=update)

    def table(self, qualified_name: str) -> Table | None:
        """Look a table up by ``schema.name``."""
        return self._by_name.get(qualified_name)

    def iter_tables(self, kind: TableKind | None = None) -> Iterator[Table]:
        return (t for t in self.tables if kind is None or t.kind == kind)

    def referenced_by(self, qualified_name: str) -> tuple[tuple[Table, ForeignKey], ...]:
        """Foreign keys in other tables that point at ``qualified_name``."""
        return self._incoming.get(qualified_name, ())

    def source_roles(self) -> dict[SourceKind, SourceRole]:
        """Each source's role by kind, in merge order (the first describes a table best).

        Sources record their role; catalogs written before roles existed get the
        roles of the sources of that time (`LEGACY_ROLES`).
        """
        roles = {s.kind: s.role for s in self.sources if s.role is not None}
        return roles | {k: r for k, r in LEGACY_ROLES.items() if k not in roles}

    def source_view(self, kind: SourceKind) -> SourceView | None:
        return next((v for v in self.source_views if v.kind == kind), None)

    def findings_for(self, target_prefix: str) -> tuple[Finding, ...]:
        """Findings about a table or anything inside it (``public.books`` and ``public.books.*``)."""
        return tuple(
            f
            for f in self.findings
            if f.target == target_prefix or f.target.startswith(target_prefix + ".")
        )

    # Indexes built on first use; `Model.model_copy` drops them from copies.
    @cached_property
    def _by_name(self) -> dict[str, Table]:
        return {t.qualified_name: t for t in self.tables}

    @cached_property
    def _incoming(self) -> dict[str, tuple[tuple[Table, ForeignKey], ...]]:
        incoming: dict[str, list[tuple[Table, ForeignKey]]] = defaultdict(list)
        for table in self.tables:
            for fk in table.foreign_keys:
                incoming[fk.target].append((table, fk))
        return {name: tuple(found) for name, found in incoming.items()}


_NONE: frozenset[str] = frozenset()


def _defaults(model: type[Model], names: tuple[str, ...]) -> dict[str, object]:
    return {name: model.model_fields[name].get_default(call_default_factory=True) for name in names}


@cache
def _derived_table_defaults() -> dict[str, object]:
    return _defaults(Table, DERIVED_TABLE_FIELDS)


def qualified(schema: str, name: str) -> str:
    return f"{schema}.{name}"
