"""Catalogs built in Python for the render, site and browser tests.

`sample_catalog` is a small multi-tenant Supabase-like schema with every derived
field filled as analysis would (tenancy, RLS coverage, drift, findings, stats),
plus a proposed table, a view, an enum and a function. `hostile_catalog` adds a
table whose every text is hostile. `synthetic_catalog(n)` scales to thousands.
"""

from __future__ import annotations

from schema_catalog.model import (
    Catalog,
    CheckConstraint,
    Column,
    Count,
    Domain,
    DriftItem,
    Enum,
    Finding,
    ForeignKey,
    Function,
    Grant,
    Index,
    Policy,
    PrimaryKey,
    RlsCoverage,
    SourceInfo,
    Stats,
    Table,
    Tenancy,
    TenancyHop,
    Trigger,
    UniqueConstraint,
)

ORG_FK = ForeignKey(
    name="fk_org",
    columns=("organization_id",),
    ref_schema="public",
    ref_table="organizations",
    ref_columns=("id",),
    on_delete="CASCADE",
)
API_GRANTS = tuple(
    Grant(grantee=role, privilege=p)
    for role in ("anon", "authenticated")
    for p in ("DELETE", "INSERT", "SELECT", "UPDATE")
)


def _id() -> Column:
    return Column(
        name="id", type="uuid", nullable=False, default="gen_random_uuid()", primary_key=True
    )


def _org_column() -> Column:
    return Column(name="organization_id", type="uuid", nullable=False, comment="The tenant.")


def _created() -> Column:
    return Column(name="created_at", type="timestamp with time zone", default="now()")


def organizations() -> Table:
    return Table(
        schema="public",
        name="organizations",
        comment="Tenants: every tenant-owned row points here.",
        domains=("Organizations",),
        columns=(_id(), Column(name="name", type="text", nullable=False), _created()),
        primary_key=PrimaryKey(name="organizations_pkey", columns=("id",)),
        unique_constraints=(UniqueConstraint(name="organizations_name_key", columns=("name",)),),
        rls_enabled=True,
        policies=(
            Policy(
                name="members read their organization",
                command="SELECT",
                roles=("authenticated",),
                using="(id IN ( SELECT organization_members.organization_id FROM "
                "organization_members WHERE (organization_members.user_id = ( SELECT auth.uid()))))",
            ),
        ),
        grants=API_GRANTS,
        presence=("database", "drizzle"),
        tenancy=Tenancy(status="tenant_root"),
        migration_status="live_and_declared",
        drift=(
            DriftItem(
                kind="missing_column",
                object="logo_url",
                left_source="database",
                right_source="drizzle",
                left="text",
                right=None,
            ),
        ),
        estimated_rows=12,
    )


def organization_members() -> Table:
    return Table(
        schema="public",
        name="organization_members",
        comment="Who belongs to which organization.",
        domains=("Organizations",),
        columns=(
            _id(),
            _org_column(),
            Column(name="user_id", type="uuid", nullable=False),
            Column(name="role", type="member_role", type_schema="public", default="'member'"),
        ),
        primary_key=PrimaryKey(name="organization_members_pkey", columns=("id",)),
        foreign_keys=(
            ORG_FK,
            ForeignKey(
                name="fk_user",
                columns=("user_id",),
                ref_schema="auth",
                ref_table="users",
                ref_columns=("id",),
            ),
        ),
        indexes=(Index(name="organization_members_org_idx", columns=("organization_id",)),),
        rls_enabled=True,
        policies=(
            Policy(
                name="tenant isolation",
                roles=("authenticated",),
                using="(organization_id = (auth.jwt() ->> 'org_id')::uuid)",
                with_check="(organization_id = (auth.jwt() ->> 'org_id')::uuid)",
            ),
        ),
        rls=(
            RlsCoverage(
                command="SELECT",
                role="authenticated",
                policies=("tenant isolation",),
                tenant_scoped=True,
            ),
        ),
        grants=API_GRANTS,
        presence=("database", "drizzle"),
        tenancy=Tenancy(status="direct", column="organization_id"),
        migration_status="live_and_declared",
    )


def books() -> Table:
    return Table(
        schema="public",
        name="books",
        comment="Books an organization publishes.",
        description="The catalogue of books (from catalog.yml).",
        owner="content-team",
        domains=("Books",),
        columns=(
            _id(),
            _org_column(),
            Column(name="title", type="text", nullable=False),
            Column(name="price", type="numeric(10,2)", default="0"),
            Column(name="slug", type="text", generated="lower(title)"),
            _created(),
        ),
        primary_key=PrimaryKey(name="books_pkey", columns=("id",)),
        foreign_keys=(ORG_FK,),
        check_constraints=(
            CheckConstraint(name="price_positive", expression="CHECK ((price >= 0))"),
        ),
        indexes=(
            Index(name="books_org_idx", columns=("organization_id",)),
            Index(
                name="books_title_idx", columns=("title",), method="gin", predicate="(price > 0)"
            ),
        ),
        rls_enabled=True,
        policies=(
            Policy(
                name="books by tenant",
                roles=("authenticated",),
                using="(organization_id IN ( SELECT auth.uid() AS uid))",
            ),
        ),
        triggers=(
            Trigger(
                name="books_touch",
                timing="BEFORE",
                events=("UPDATE",),
                function="public.touch()",
                definition="CREATE TRIGGER books_touch BEFORE UPDATE ON public.books "
                "FOR EACH ROW EXECUTE FUNCTION public.touch()",
            ),
        ),
        grants=API_GRANTS,
        presence=("database", "drizzle"),
        tenancy=Tenancy(status="direct", column="organization_id"),
        migration_status="live_and_declared",
        estimated_rows=1500,
    )


def book_chapters() -> Table:
    return Table(
        schema="public",
        name="book_chapters",
        domains=("Books",),
        columns=(
            _id(),
            Column(name="book_id", type="uuid", nullable=False),
            Column(name="position", type="integer", nullable=False, identity="by_default"),
            Column(name="body", type="text"),
        ),
        primary_key=PrimaryKey(name="book_chapters_pkey", columns=("id",)),
        foreign_keys=(
            ForeignKey(
                name="fk_book",
                columns=("book_id",),
                ref_schema="public",
                ref_table="books",
                ref_columns=("id",),
            ),
        ),
        rls_enabled=False,
        grants=API_GRANTS,
        presence=("database",),
        tenancy=Tenancy(
            status="inherited",
            column="book_id",
            routes=1,
            path=(
                TenancyHop(
                    table="public.book_chapters",
                    columns=("book_id",),
                    ref_table="public.books",
                    foreign_key="fk_book",
                    nullable=False,
                ),
                TenancyHop(
                    table="public.books",
                    columns=("organization_id",),
                    ref_table="public.organizations",
                    foreign_key="fk_org",
                    nullable=False,
                ),
            ),
        ),
        migration_status="live",
    )


def onboarding_responses() -> Table:
    return Table(
        schema="public",
        name="onboarding_responses",
        domains=("Organizations",),
        columns=(_id(), _org_column(), Column(name="answers", type="jsonb")),
        foreign_keys=(ORG_FK,),
        presence=("drizzle",),
        tenancy=Tenancy(status="direct", column="organization_id"),
        migration_status="drizzle_only",
        location="db/schema.ts:120",
    )


def subscription_plans() -> Table:
    return Table(
        schema="public",
        name="subscription_plans",
        columns=(_id(), Column(name="name", type="text", nullable=False)),
        primary_key=PrimaryKey(name="subscription_plans_pkey", columns=("id",)),
        presence=("migrations",),
        tenancy=Tenancy(status="platform"),
        migration_status="proposed",
        location="supabase/migrations/20250101_plans.sql:3",
    )


def book_stats() -> Table:
    return Table(
        schema="public",
        name="book_stats",
        kind="view",
        domains=("Books",),
        columns=(Column(name="organization_id", type="uuid"), Column(name="n", type="bigint")),
        view_definition=" SELECT organization_id,\n    count(*) AS n\n   FROM books\n"
        "  GROUP BY organization_id;",
        presence=("database",),
        tenancy=Tenancy(status="direct", column="organization_id"),
        migration_status="live",
    )


FINDINGS = (
    Finding(
        code="TEN001",
        severity="error",
        target="public.book_chapters",
        message="Tenant table without RLS.",
        rule="tenant_table_without_rls",
    ),
    Finding(
        code="FK001",
        severity="warning",
        target="public.book_chapters.book_id",
        message="Foreign key without a covering index.",
        rule="unindexed_foreign_keys",
    ),
    Finding(
        code="DRIFT001",
        severity="warning",
        target="public.organizations",
        message="Column logo_url is in the database but not in Drizzle.",
        rule="drift",
    ),
    Finding(
        code="RLS003",
        severity="info",
        target="public.books",
        message="Policy calls auth.uid() without (select ...).",
        rule="auth_rls_initplan",
    ),
)


def _stats(
    tables: tuple[Table, ...], domains: tuple[Domain, ...], findings: tuple[Finding, ...] = ()
) -> Stats:
    """Stats as analysis computes them (figures counted, never typed)."""
    by_name = {t.qualified_name: t for t in tables}

    def count(name: str, members: list[Table]) -> Count:
        return Count(name=name, tables=len(members), columns=sum(len(t.columns) for t in members))

    by_source = [
        count(src, [t for t in tables if src in t.presence])
        for src in ("database", "drizzle", "migrations")
    ]
    tenancy: dict[str, int] = {}
    migration: dict[str, int] = {}
    for t in tables:
        tenancy[t.tenancy.status] = tenancy.get(t.tenancy.status, 0) + 1
        if t.migration_status:
            migration[t.migration_status] = migration.get(t.migration_status, 0) + 1
    levels: dict[str, int] = {}
    for f in findings:
        levels[f.severity] = levels.get(f.severity, 0) + 1
    largest = sorted(tables, key=lambda t: (-len(t.columns), t.qualified_name))[:5]
    return Stats(
        tables=len(tables),
        columns=sum(len(t.columns) for t in tables),
        by_source=tuple(by_source),
        by_domain=tuple(count(d.name, [by_name[n] for n in d.tables]) for d in domains),
        by_kind=(count("table", [t for t in tables if t.kind == "table"]),),
        largest_tables=tuple(count(t.qualified_name, [t]) for t in largest),
        tenancy=tenancy,
        migration_status=migration,
        rls_enabled=sum(1 for t in tables if t.rls_enabled),
        rls_disabled=sum(1 for t in tables if not t.rls_enabled),
        findings=levels,
    )


def _domains(tables: tuple[Table, ...]) -> tuple[Domain, ...]:
    names = sorted({d for t in tables for d in t.domains})
    return tuple(
        Domain(
            name=name,
            description=f"The {name.lower()} domain.",
            tables=tuple(sorted(t.qualified_name for t in tables if name in t.domains)),
        )
        for name in names
    )


def sample_catalog(extra: tuple[Table, ...] = ()) -> Catalog:
    tables = tuple(
        sorted(
            (
                organizations(),
                organization_members(),
                books(),
                book_chapters(),
                onboarding_responses(),
                subscription_plans(),
                book_stats(),
                *extra,
            ),
            key=lambda t: t.qualified_name,
        )
    )
    domains = _domains(tables)
    return Catalog(
        extracted_at="2025-01-02T03:04:05+00:00",
        sources=(
            SourceInfo(kind="database", location="postgresql://catalog:s3cret@db.example:5432/app"),
            SourceInfo(kind="drizzle", location="db/schema.ts"),
            SourceInfo(kind="migrations", location="supabase/migrations"),
        ),
        tables=tables,
        enums=(Enum(schema="public", name="member_role", values=("owner", "member")),),
        functions=(
            Function(
                schema="public",
                name="touch",
                arguments="",
                result="trigger",
                language="plpgsql",
                definition="CREATE FUNCTION public.touch() RETURNS trigger AS $$\nBEGIN\n"
                "  NEW.updated_at = now();\n  RETURN NEW;\nEND $$ LANGUAGE plpgsql",
                executable_by=("PUBLIC",),
            ),
        ),
        domains=domains,
        findings=FINDINGS,
        stats=_stats(tables, domains, FINDINGS),
    )


HOSTILE = (
    "<script>window.__pwned = 1</script> | pipe `tick` ``` fence\n"
    "{{ 7*7 }} {% if true %}jinja{% endif %} *bold* _em_ [link](javascript:alert(1)) "
    '<img src=x onerror="window.__pwned=2"> "quoted" ; --> }|o--|| end'
)


def hostile_table() -> Table:
    """A table whose name, comment, column, default and policy are all hostile."""
    name = 'evil"<b>|{{x}}'
    return Table(
        schema="public",
        name=name,
        comment=HOSTILE,
        domains=("Books",),
        columns=(
            Column(name="id", type="uuid", nullable=False, primary_key=True),
            Column(
                name="weird <col> | `x`",
                type="text",
                default="'<script>window.__pwned=3</script>'::text",
                comment=HOSTILE,
            ),
            Column(name="book_id", type="uuid"),
        ),
        primary_key=PrimaryKey(name="evil_pkey", columns=("id",)),
        foreign_keys=(
            ForeignKey(
                name='fk "evil" }o--||',
                columns=("book_id",),
                ref_schema="public",
                ref_table="books",
                ref_columns=("id",),
            ),
        ),
        rls_enabled=True,
        policies=(Policy(name="p <script>", using=HOSTILE, with_check="{% raw %}x"),),
        presence=("database",),
        tenancy=Tenancy(status="unscoped", notes=(HOSTILE,)),
        migration_status="live",
    )


def hostile_catalog() -> Catalog:
    return sample_catalog(extra=(hostile_table(),))


def synthetic_catalog(count: int, per_domain: int = 25) -> Catalog:
    """``count`` tables of about 20 columns, each with FKs to two earlier tables."""
    tables = []
    for i in range(count):
        refs = sorted({i // 2, i // 3}) if i else []
        columns = [_id(), _org_column()]
        columns += [Column(name=f"ref_{r}_id", type="uuid") for r in refs if r != i]
        columns += [
            Column(name=f"field_{c}", type="text", comment=f"Field {c}.") for c in range(16)
        ]
        fks = tuple(
            ForeignKey(
                name=f"fk_{i}_{r}",
                columns=(f"ref_{r}_id",),
                ref_schema="public",
                ref_table=f"table_{r:05d}",
                ref_columns=("id",),
            )
            for r in refs
            if r != i
        )
        tables.append(
            Table(
                schema="public",
                name=f"table_{i:05d}",
                comment=f"Synthetic table {i}.",
                domains=(f"Domain {i // per_domain:03d}",),
                columns=tuple(columns),
                primary_key=PrimaryKey(name=f"table_{i:05d}_pkey", columns=("id",)),
                foreign_keys=fks,
                rls_enabled=i % 2 == 0,
                presence=("database",),
            )
        )
    frozen = tuple(tables)
    domains = _domains(frozen)
    return Catalog(tables=frozen, domains=domains, stats=_stats(frozen, domains))
