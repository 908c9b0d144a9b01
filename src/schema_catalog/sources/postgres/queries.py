"""The catalog queries of the PostgreSQL source: one query per object kind.

Each query reads ``pg_catalog`` (never ``information_schema``, which hides what
the role has no privilege on and is several times slower) for all requested
schemas at once, so an extraction costs the same number of round trips for 10
tables or 10,000. Parameters: ``%(schemas)s``, a ``text[]`` of schema names.

The session runs with ``search_path = pg_catalog``, so every ``pg_get_*def`` and
``regclass`` output is schema-qualified. Expressions and definitions are printed
with PostgreSQL's default (not "pretty") flags, as ``pg_views``, ``pg_indexes``
and ``pg_policies`` show them and as the migrations source deparses its SQL. Objects owned by an extension
(``pg_depend.deptype = 'e'``) are skipped: they are the extension's, not the
schema's. Partitions are folded under their root (``pg_partition_root``) when
the root is documented too; their cloned constraints, indexes and triggers are
then never read. Requires PostgreSQL 15 or newer (``indnullsnotdistinct``,
``confdelsetcols``). What PostgreSQL 18 added is read where the server has it
(`catalog_queries`): ``attgenerated 'v'``, ``conperiod``, ``conenforced`` and the
``contype 'n'`` rows, which name each column's NOT NULL; those rows never count
as constraints of their own (nullability still comes from ``attnotnull``).
"""

from __future__ import annotations

from typing import Final

MIN_SERVER_VERSION: Final = 150000

# "Not owned by an extension", for an object of catalog `klass` with oid `oid_expr`.
_NOT_EXTENSION_MEMBER = """not exists (
    select from pg_depend dep
    where dep.classid = '{klass}'::regclass and dep.objid = {oid_expr} and dep.deptype = 'e')"""


def not_extension_member(klass: str, oid_expr: str) -> str:
    return _NOT_EXTENSION_MEMBER.format(klass=klass, oid_expr=oid_expr)


def comment_of(oid_expr: str, klass: str) -> str:
    """The comment on object ``oid_expr`` of catalog ``klass``, looked up by its key.

    A scalar subquery, not a join: ``pg_description``'s statistics are often stale
    (a schema loaded since the last analyze), and with an estimate of two rows the
    planner joins it as a nested loop over every comment of the database: 16
    million rows compared for 8,000 indexes. The lookup by the unique key
    (objoid, classoid, objsubid) costs the same whatever the statistics say.
    """
    return f"""(select d.description from pg_description d
        where d.objoid = {oid_expr} and d.classoid = '{klass}'::regclass and d.objsubid = 0)"""


# The relations the catalog documents: tables, partitioned tables, views,
# materialized views and foreign tables of the requested schemas, minus
# extension members and minus partitions whose root is documented (folded).
_RELATIONS_CTE = f"""
rel as (
  select c.oid, n.nspname as schema, c.relname as name, c.relkind, c.relowner
  from pg_class c
  join pg_namespace n on n.oid = c.relnamespace
  where n.nspname = any(%(schemas)s)
    and c.relkind in ('r', 'p', 'v', 'm', 'f')
    and {not_extension_member("pg_class", "c.oid")}
    and (not c.relispartition or not exists (
      select from pg_class root
      join pg_namespace rn on rn.oid = root.relnamespace
      where root.oid = pg_partition_root(c.oid) and rn.nspname = any(%(schemas)s)))
)"""


def still_exists(oid_expr: str) -> str:
    """True while relation ``oid_expr`` exists in the *current* catalog.

    The transaction's snapshot still shows a relation that a concurrent DROP has
    removed, but ``pg_get_constraintdef`` finds the constraint in the snapshot,
    then looks its relation up in the current catalog and raises XX000 "cache
    lookup failed". (``pg_get_expr``, ``pg_get_indexdef`` and
    ``pg_get_triggerdef`` read the current catalog throughout and return NULL.) ``pg_table_is_visible`` reads that same current catalog and
    returns NULL, not an error, for an OID that is gone (its search-path answer
    is not what is asked here): calls guarded by it let the read go on, and the
    relations dropped meanwhile are left out at the end (`VANISHED`).

    The guard narrows the race, not closes it: it sees the catalog as of the
    last invalidation the backend processed, the call may process a newer one.
    A DROP landing in between still fails the query, and the read starts over.
    """
    return f"pg_table_is_visible({oid_expr}) is not null"


def _with_relations(body: str) -> str:
    return f"with {_RELATIONS_CTE}\n{body}"


SERVER: Final = """
select current_setting('server_version_num')::int as version_num,
       current_setting('server_version') as version,
       current_database() as database,
       array(select nspname::text from pg_namespace
             where nspname !~ '^pg_' and nspname <> 'information_schema'
             order by 1) as schemas
"""

RELATIONS: Final = _with_relations(f"""
select rel.oid, rel.schema, rel.name, rel.relkind,
       c.relrowsecurity as rls_enabled, c.relforcerowsecurity as rls_forced,
       {comment_of("rel.oid", "pg_class")} as comment,
       case when rel.relkind in ('v', 'm') then pg_get_viewdef(rel.oid) end as view_definition,
       array(select o from unnest(coalesce(c.reloptions, '{{}}')) o order by 1) as options,
       case when rel.relkind = 'p' then pg_get_partkeydef(rel.oid) end as partition_key,
       case when rel.relkind = 'p' then array(
         select pn.nspname || '.' || pc.relname
         from pg_partition_tree(rel.oid) t
         join pg_class pc on pc.oid = t.relid
         join pg_namespace pn on pn.oid = pc.relnamespace
         where t.level > 0) else '{{}}' end as partitions,
       -- A leaf partition has its own RLS flag and ACLs (table and column): a client
       -- may query it directly.
       case when rel.relkind = 'p' then (
         select coalesce(json_agg(json_build_object(
                  'name', pn.nspname || '.' || pc.relname, 'relkind', pc.relkind,
                  'rls_enabled', pc.relrowsecurity,
                  'grants', array(
                    select array[case when acl.grantee = 0 then 'PUBLIC'
                                      else pg_get_userbyid(acl.grantee)::text end,
                                 acl.privilege_type, a.attname::text]
                    from (select null::name as attname, pc.relacl as acl
                          union all
                          select attname, attacl from pg_attribute
                          where attrelid = pc.oid and attnum > 0 and not attisdropped
                            and attacl is not null) a
                    cross join lateral aclexplode(a.acl) acl
                    where acl.grantee <> pc.relowner))
                  order by pn.nspname, pc.relname), '[]')
         from pg_partition_tree(rel.oid) t
         join pg_class pc on pc.oid = t.relid
         join pg_namespace pn on pn.oid = pc.relnamespace
         where t.isleaf and t.level > 0) else '[]' end as leaf_partitions,
       array(select pn.nspname || '.' || pc.relname
             from pg_inherits i
             join pg_class pc on pc.oid = i.inhparent
             join pg_namespace pn on pn.oid = pc.relnamespace
             where i.inhrelid = rel.oid and not c.relispartition
             order by i.inhseqno) as inherits,
       case
         when rel.relkind = 'p' then (
           select sum(greatest(pc.reltuples, 0))::bigint
           from pg_partition_tree(rel.oid) t join pg_class pc on pc.oid = t.relid
           where t.isleaf having bool_or(pc.reltuples >= 0))
         when rel.relkind in ('r', 'm', 'f') and c.reltuples >= 0 then c.reltuples::bigint
       end as estimated_rows,
       case
         when rel.relkind = 'p' then (
           select sum(pg_total_relation_size(t.relid))::bigint from pg_partition_tree(rel.oid) t)
         when rel.relkind in ('r', 'm') then pg_total_relation_size(rel.oid)
       end as size_bytes
from rel
join pg_class c on c.oid = rel.oid
""")

# Domains that are NOT NULL themselves or through a base domain.
_NOT_NULL_DOMAINS_CTE = """
not_null_domain(oid) as (
  select oid from pg_type where typtype = 'd' and typnotnull
  union
  select t.oid from pg_type t join not_null_domain b on t.typbasetype = b.oid
  where t.typtype = 'd'
)"""

COLUMNS: Final = f"""
with recursive {_RELATIONS_CTE.strip()},
{_NOT_NULL_DOMAINS_CTE.strip()}
select a.attrelid as rel, a.attname as name,
       format_type(a.atttypid, a.atttypmod) as type,
       a.attnotnull or a.atttypid in (select oid from not_null_domain) as not_null,
       a.attidentity as identity, a.attgenerated as generated,
       /* since 18: not null name */,
       -- A default holds no column reference: deparsed without its relation, which
       -- pg_get_expr would otherwise open and lock, once per column (0.5 s at 10,000
       -- tables). A generated column's expression names columns: it needs the relation.
       case when a.attgenerated <> '' then pg_get_expr(ad.adbin, ad.adrelid)
            when {still_exists("ad.adrelid")} then pg_get_expr(ad.adbin, 0) end as expression,
       case when a.attcollation <> 0 and a.attcollation <> t.typcollation then
         case when co.collnamespace = 'pg_catalog'::regnamespace then co.collname::text
              else con.nspname || '.' || co.collname end
       end as collation,
       d.description as comment,
       case when tn.nspname not in ('pg_catalog', 'information_schema') then tn.nspname::text
       end as type_schema
from rel
join pg_attribute a on a.attrelid = rel.oid and a.attnum > 0 and not a.attisdropped
join pg_type t on t.oid = a.atttypid
-- for an array column, the schema of its element type (enum[] -> the enum's schema)
left join pg_type et
  on et.oid = t.typelem and t.typsubscript = 'array_subscript_handler'::regproc
join pg_namespace tn on tn.oid = coalesce(et.typnamespace, t.typnamespace)
left join pg_attrdef ad on ad.adrelid = a.attrelid and ad.adnum = a.attnum
/* since 18: not null join */
left join pg_collation co on co.oid = a.attcollation
left join pg_namespace con on con.oid = co.collnamespace
left join pg_description d
  on d.objoid = a.attrelid and d.classoid = 'pg_class'::regclass and d.objsubid = a.attnum
order by a.attrelid, a.attnum
"""

# Column names of attnums, in order. Each name is looked up by the attribute's key:
# joining pg_attribute made the planner scan every column of the relation per
# constraint (0.7 s of the constraints query at 10,000 tables).
_ATTNAMES = """array(select (select a.attname::text from pg_attribute a
                     where a.attrelid = {rel} and a.attnum = k.num)
             from unnest({keys}) with ordinality k(num, pos) order by k.pos)"""

CONSTRAINTS: Final = _with_relations(f"""
select con.conrelid as rel, con.conname as name, con.contype as type,
       {_ATTNAMES.format(keys="con.conkey", rel="con.conrelid")} as columns,
       fn.nspname as ref_schema, fc.relname as ref_table,
       {_ATTNAMES.format(keys="con.confkey", rel="con.confrelid")} as ref_columns,
       {_ATTNAMES.format(keys="con.confdelsetcols", rel="con.conrelid")} as delete_set_columns,
       con.confupdtype as on_update, con.confdeltype as on_delete,
       con.confmatchtype as match,
       con.condeferrable as deferrable, con.condeferred as deferred,
       con.convalidated as validated,
       /* since 18: constraint flags */,
       -- the text is kept for CHECK and EXCLUDE only (the others are read from their
       -- columns): printing all 50,000 constraints of 10,000 tables cost 0.5 s
       case when con.contype in ('c', 'x') and {still_exists("con.conrelid")}
         then pg_get_constraintdef(con.oid) end as definition,
       coalesce(ix.indnullsnotdistinct, false) as nulls_not_distinct
from pg_constraint con
join rel on rel.oid = con.conrelid
left join pg_class fc on fc.oid = con.confrelid
left join pg_namespace fn on fn.oid = fc.relnamespace
left join pg_index ix on ix.indexrelid = con.conindid and con.contype = 'u'
where con.contype in ('p', 'f', 'u', 'c', 'x')
  -- a foreign key into a partitioned table gets one hidden clone per referenced
  -- partition on the same referencing table: keep only the original
  and not exists (select from pg_constraint parent
                  where parent.oid = con.conparentid and parent.conrelid = con.conrelid)
""")

INDEXES: Final = _with_relations(f"""
select ix.indrelid as rel, ic.relname as name, am.amname as method,
       ix.indisunique as unique, ix.indisprimary as primary, ix.indisvalid as valid,
       ix.indnkeyatts as key_count,
       array(select case when ix.indkey[k - 1] <> 0
                         then (select a.attname::text from pg_attribute a
                               where a.attrelid = ix.indrelid and a.attnum = ix.indkey[k - 1])
                         else pg_get_indexdef(ix.indexrelid, k, false) end
             from generate_series(1, ix.indnatts) k order by k) as keys,
       pg_get_expr(ix.indpred, ix.indrelid) as predicate,
       pg_get_indexdef(ix.indexrelid) as definition,
       con.conname as constraint, {comment_of("ix.indexrelid", "pg_class")} as comment
from pg_index ix
join rel on rel.oid = ix.indrelid
join pg_class ic on ic.oid = ix.indexrelid
join pg_am am on am.oid = ic.relam
left join pg_constraint con
  on con.conindid = ix.indexrelid and con.conrelid = ix.indrelid and con.contype in ('p', 'u', 'x')
""")

POLICIES: Final = _with_relations("""
select pol.polrelid as rel, pol.polname as name, pol.polcmd as command,
       pol.polpermissive as permissive,
       array(select case when r = 0 then 'public' else pg_get_userbyid(r)::text end
             from unnest(pol.polroles) r) as roles,
       pg_get_expr(pol.polqual, pol.polrelid) as using,
       pg_get_expr(pol.polwithcheck, pol.polrelid) as with_check
from pg_policy pol
join rel on rel.oid = pol.polrelid
""")

TRIGGERS: Final = _with_relations(f"""
select tg.tgrelid as rel, tg.tgname as name, tg.tgtype as type,
       fn.nspname || '.' || p.proname as function,
       pg_get_triggerdef(tg.oid) as definition,
       tg.tgenabled <> 'D' as enabled,
       {comment_of("tg.oid", "pg_trigger")} as comment
from pg_trigger tg
join rel on rel.oid = tg.tgrelid
join pg_proc p on p.oid = tg.tgfoid
join pg_namespace fn on fn.oid = p.pronamespace
-- internal triggers implement foreign keys and deferred uniqueness. Partition
-- clones (tgparentid <> 0) never get here: their partitions are folded away.
where not tg.tgisinternal
""")

# Table and column privileges from the ACLs. The owner's own entry is left out:
# an owner holds every privilege implicitly, and a NULL ACL means just that.
GRANTS: Final = _with_relations("""
select rel.oid as rel, null::text as column,
       case when acl.grantee = 0 then 'PUBLIC' else pg_get_userbyid(acl.grantee)::text end as grantee,
       acl.privilege_type as privilege
from rel join pg_class c on c.oid = rel.oid
cross join lateral aclexplode(c.relacl) acl
where acl.grantee <> c.relowner
union all
select rel.oid, a.attname::text,
       case when acl.grantee = 0 then 'PUBLIC' else pg_get_userbyid(acl.grantee)::text end,
       acl.privilege_type
from rel
join pg_attribute a on a.attrelid = rel.oid and a.attnum > 0 and not a.attisdropped
cross join lateral aclexplode(a.attacl) acl
where acl.grantee <> rel.relowner
""")

_TYPES_OF_SCHEMAS = f"""
from pg_type t
join pg_namespace n on n.oid = t.typnamespace
where n.nspname = any(%(schemas)s) and {not_extension_member("pg_type", "t.oid")}"""

ENUMS: Final = f"""
select n.nspname as schema, t.typname as name, {comment_of("t.oid", "pg_type")} as comment,
       array(select e.enumlabel::text from pg_enum e where e.enumtypid = t.oid
             order by e.enumsortorder) as labels
{_TYPES_OF_SCHEMAS} and t.typtype = 'e'
"""

DOMAINS: Final = f"""
select n.nspname as schema, t.typname as name, {comment_of("t.oid", "pg_type")} as comment,
       format_type(t.typbasetype, t.typtypmod) as base_type,
       t.typnotnull as not_null, t.typdefault as default,
       array(select pg_get_constraintdef(c.oid) from pg_constraint c
             where c.contypid = t.oid and c.contype = 'c') as checks
{_TYPES_OF_SCHEMAS} and t.typtype = 'd'
"""

COMPOSITES: Final = f"""
select n.nspname as schema, t.typname as name, {comment_of("t.oid", "pg_type")} as comment,
       array(select a.attname::text from pg_attribute a
             where a.attrelid = t.typrelid and a.attnum > 0 and not a.attisdropped
             order by a.attnum) as attribute_names,
       array(select format_type(a.atttypid, a.atttypmod) from pg_attribute a
             where a.attrelid = t.typrelid and a.attnum > 0 and not a.attisdropped
             order by a.attnum) as attribute_types
{_TYPES_OF_SCHEMAS} and t.typtype = 'c'
  and (select c.relkind from pg_class c where c.oid = t.typrelid) = 'c'
"""

FUNCTIONS: Final = f"""
select n.nspname as schema, p.proname as name,
       pg_get_function_identity_arguments(p.oid) as arguments,
       coalesce(pg_get_function_result(p.oid), '') as result,
       p.prokind as kind, l.lanname as language, p.prosecdef as security_definer,
       p.provolatile as volatility, coalesce(p.proconfig, '{{}}') as config,
       -- pg_get_functiondef() raises on aggregates
       case when p.prokind <> 'a' then pg_get_functiondef(p.oid) end as definition,
       array(select case when acl.grantee = 0 then 'PUBLIC'
                         else pg_get_userbyid(acl.grantee)::text end
             from aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) acl
             where acl.privilege_type = 'EXECUTE' and acl.grantee <> p.proowner)
         as executable_by,
       {comment_of("p.oid", "pg_proc")} as comment
from pg_proc p
join pg_namespace n on n.oid = p.pronamespace
join pg_language l on l.oid = p.prolang
where n.nspname = any(%(schemas)s) and {not_extension_member("pg_proc", "p.oid")}
"""

EXTENSIONS: Final = """
select e.extname as name, n.nspname as schema, e.extversion as version
from pg_extension e join pg_namespace n on n.oid = e.extnamespace
"""

# Usage statistics (not schema facts, see `model.Usage`): each index's idx_scan, as
# splinter's unused_index reads it from pg_stat_user_indexes (a partitioned index
# has no counts of its own: its partitions' are summed), and since when they count.
INDEX_USAGE: Final = _with_relations("""
select rel.schema || '.' || rel.name as table, ic.relname as index,
       coalesce(case when ic.relkind = 'I' then (
                  select sum(s.idx_scan) from pg_partition_tree(ix.indexrelid) t
                  join pg_stat_all_indexes s on s.indexrelid = t.relid)
                else (select s.idx_scan from pg_stat_all_indexes s
                      where s.indexrelid = ix.indexrelid) end, 0)::bigint as scans,
       (select stats_reset from pg_stat_database where datname = current_database())
         as stats_reset,
       pg_postmaster_start_time() as server_started
from pg_index ix
join rel on rel.oid = ix.indrelid
join pg_class ic on ic.oid = ix.indexrelid
""")

PUBLICATIONS: Final = """
select p.pubname as name, p.puballtables as all_tables,
       array(select pt.schemaname || '.' || pt.tablename from pg_publication_tables pt
             where pt.pubname = p.pubname and pt.schemaname = any(%(schemas)s)) as tables
from pg_publication p
"""

ROLES: Final = """
select rolname as name, rolcanlogin as login, rolsuper as superuser, rolbypassrls as bypass_rls
from pg_roles where rolname !~ '^pg_'
"""

# Default privileges for tables ('r') and functions ('f'): every schema's (namespace 0)
# and the documented schemas'. Other object kinds show nowhere in the catalog.
DEFAULT_PRIVILEGES: Final = """
select pg_get_userbyid(d.defaclrole)::text as role, n.nspname::text as schema,
       case d.defaclobjtype when 'r' then 'table' else 'function' end as kind,
       case when acl.grantee = 0 then 'PUBLIC' else pg_get_userbyid(acl.grantee)::text end
         as grantee,
       acl.privilege_type as privilege
from pg_default_acl d
left join pg_namespace n on n.oid = d.defaclnamespace
cross join lateral aclexplode(d.defaclacl) acl
where d.defaclobjtype in ('r', 'f') and (d.defaclnamespace = 0 or n.nspname = any(%(schemas)s))
"""

VANISHED: Final = f"""
select oid from unnest(%(oids)s::oid[]) oid where not {still_exists("oid")}
"""
"""Of the relations read, those a concurrent DROP has removed since the snapshot."""

# In the order they run; the name is what progress messages and errors say.
_CATALOG_QUERIES: Final[tuple[tuple[str, str], ...]] = (
    ("tables", RELATIONS),
    ("constraints", CONSTRAINTS),  # before the columns: their primary-key flags
    ("columns", COLUMNS),
    ("indexes", INDEXES),
    ("policies", POLICIES),
    ("triggers", TRIGGERS),
    ("grants", GRANTS),
    ("enums", ENUMS),
    ("domain types", DOMAINS),
    ("composite types", COMPOSITES),
    ("functions", FUNCTIONS),
    ("extensions", EXTENSIONS),
    ("publications", PUBLICATIONS),
    ("roles", ROLES),
    ("default privileges", DEFAULT_PRIVILEGES),
    ("index usage", INDEX_USAGE),
)

# Catalog columns PostgreSQL 18 added: (the fragment on 18+, its meaning on older servers).
_SINCE_18: Final = {
    "/* since 18: not null name */": (
        "nn.conname as not_null_name, coalesce(nn.convalidated, true) as not_null_validated",
        "null::name as not_null_name, true as not_null_validated",
    ),
    # one 'n' row per NOT NULL column, naming it
    "/* since 18: not null join */": (
        "left join pg_constraint nn\n"
        "  on nn.conrelid = a.attrelid and nn.contype = 'n' and nn.conkey[1] = a.attnum",
        "",
    ),
    "/* since 18: constraint flags */": (
        "con.conperiod as period, con.conenforced as enforced",
        "false as period, true as enforced",
    ),
}
SINCE_18: Final = 180000


def catalog_queries(server_version_num: int) -> tuple[tuple[str, str], ...]:
    """The catalog queries for a server of this ``server_version_num``, in the order they run."""
    fragment = 0 if server_version_num >= SINCE_18 else 1
    queries = []
    for name, query in _CATALOG_QUERIES:
        for marker, fragments in _SINCE_18.items():
            query = query.replace(marker, fragments[fragment])
        queries.append((name, query))
    return tuple(queries)


CATALOG_QUERIES: Final = catalog_queries(MIN_SERVER_VERSION)
"""The queries as every supported server runs them (without PostgreSQL 18's columns)."""

# What a migration tool records as applied, when its table exists.
# The migration history tables that exist, and whether this role may read them
# (to_regclass would fail on a schema the role has no USAGE on).
MIGRATION_HISTORY_TABLES: Final = """
select n.nspname || '.' || c.relname as name,
       has_schema_privilege(n.oid, 'USAGE') and has_table_privilege(c.oid, 'SELECT') as readable
from pg_class c join pg_namespace n on n.oid = c.relnamespace
where (n.nspname, c.relname) in (('supabase_migrations', 'schema_migrations'),
                                 ('drizzle', '__drizzle_migrations'))
"""
SUPABASE_MIGRATIONS: Final = "select version::text from supabase_migrations.schema_migrations"
# drizzle-orm 0.x records each applied file's hash; 1.0 adds `name` (the migration
# folder's name) and decides what is applied by it. `to_jsonb` reads it where it exists.
DRIZZLE_MIGRATIONS: Final = """
select v.applied::text
from drizzle.__drizzle_migrations m,
     lateral (values (m.hash::text), (to_jsonb(m) ->> 'name')) v(applied)
where v.applied is not null
"""
