"""Constraints, indexes, RLS, triggers, grants, types, functions and publications.

Same fixture database and same method as test_sources_postgres.py: each test
asks the server for the facts another way and compares with the catalog.
"""

from __future__ import annotations

import re
from typing import Any

import psycopg

from schema_catalog.model import Catalog, ForeignKey, Table
from test_sources_postgres import (  # the shared fixtures and helpers
    SCHEMAS,
    catalog,
    pitfalls_dsn,
    quoted,
    rows,
    server,
    tables_of,
)

__all__ = ["catalog", "pitfalls_dsn", "server"]  # fixtures, used by name


# --------------------------------------------------------------------------- constraints


def _constraint_names(
    server: psycopg.Connection[dict[str, Any]], table: Table, kind: str
) -> set[str]:
    found = rows(
        server,
        """select constraint_name from information_schema.table_constraints
           where table_schema = %s and table_name = %s and constraint_type = %s
             and constraint_name not like '%%_not_null'""",
        table.schema,
        table.name,
        kind,
    )
    return {r["constraint_name"] for r in found}


def test_constraints_match_information_schema(
    catalog: Catalog, server: psycopg.Connection[dict[str, Any]]
) -> None:
    for table in catalog.tables:
        pk = _constraint_names(server, table, "PRIMARY KEY")
        assert ({table.primary_key.name} if table.primary_key else set()) == pk
        uniques = [u.name for u in table.unique_constraints]
        assert sorted(uniques) == sorted(_constraint_names(server, table, "UNIQUE"))
        checks = [c.name for c in table.check_constraints]
        assert sorted(checks) == sorted(_constraint_names(server, table, "CHECK"))
        others = rows(
            server,
            # conparentid <> 0: a clone PostgreSQL made for a partition (on either side)
            """select conname, contype, pg_get_constraintdef(oid) as def from pg_constraint
               where conrelid = %s::regclass and contype in ('x', 'f', 'c', 'u')
                 and conparentid = 0 order by conname""",
            quoted(table.qualified_name),
        )
        assert [(e.name, e.definition) for e in table.exclusion_constraints] == [
            (r["conname"], r["def"]) for r in others if r["contype"] == "x"
        ]
        assert [fk.name for fk in table.foreign_keys] == [
            r["conname"] for r in others if r["contype"] == "f"
        ]
        assert [c.expression for c in table.check_constraints] == [
            r["def"] for r in others if r["contype"] == "c"
        ]
    assert any(t.exclusion_constraints for t in catalog.tables)
    notes = tables_of(catalog)["public.event_notes"]
    assert len(notes.foreign_keys) == 2  # not one more per partition of events


def _ident(name: str) -> str:
    return name if re.fullmatch(r"[a-z_][a-z0-9_]*", name) else f'"{name}"'


def _foreign_key_sql(fk: ForeignKey) -> str:
    """The foreign key as ``pg_get_constraintdef`` spells it, built from the catalog."""
    columns = ", ".join(_ident(c) for c in fk.columns)
    target = f"{_ident(fk.ref_schema)}.{_ident(fk.ref_table)}"
    text = f"FOREIGN KEY ({columns}) REFERENCES {target}({', '.join(fk.ref_columns)})"
    if fk.match != "SIMPLE":
        text += f" MATCH {fk.match}"
    if fk.on_update != "NO ACTION":
        text += f" ON UPDATE {fk.on_update}"
    if fk.on_delete != "NO ACTION":
        text += f" ON DELETE {fk.on_delete}"
    text += " DEFERRABLE" if fk.deferrable else ""
    text += " INITIALLY DEFERRED" if fk.initially_deferred else ""
    return text + ("" if fk.validated else " NOT VALID")


def test_foreign_keys_say_what_the_server_says(
    catalog: Catalog, server: psycopg.Connection[dict[str, Any]]
) -> None:
    seen = 0
    for table in catalog.tables:
        for fk in table.foreign_keys:
            (row,) = rows(
                server,
                "select pg_get_constraintdef(oid) as def from pg_constraint "
                "where conrelid = %s::regclass and conname = %s",
                quoted(table.qualified_name),
                fk.name,
            )
            assert _foreign_key_sql(fk) == row["def"]
            seen += 1
    assert seen >= 7
    fks = [fk for t in catalog.tables for fk in t.foreign_keys]
    # A foreign key leaving the documented schemas still shows.
    assert any(fk.ref_schema == "auth" and fk.ref_table == "users" for fk in fks)
    assert any(fk.deferrable and fk.initially_deferred for fk in fks)
    assert any(fk.match == "FULL" for fk in fks)


def test_foreign_key_target_columns(
    catalog: Catalog, server: psycopg.Connection[dict[str, Any]]
) -> None:
    for table in catalog.tables:
        for fk in table.foreign_keys:
            (row,) = rows(
                server,
                """select array(select attname::text from unnest(confkey) with ordinality k(n, i)
                                join pg_attribute on attrelid = confrelid and attnum = k.n
                                order by k.i) as cols
                   from pg_constraint where conrelid = %s::regclass and conname = %s
                     and conparentid = 0""",
                quoted(table.qualified_name),
                fk.name,
            )
            assert list(fk.ref_columns) == row["cols"]


# --------------------------------------------------------------------------- indexes


def test_indexes_match_pg_indexes(
    catalog: Catalog, server: psycopg.Connection[dict[str, Any]]
) -> None:
    for table in catalog.tables:
        found = rows(
            server,
            """select indexname, indexdef, i.indisvalid from pg_indexes
               join pg_index i on i.indexrelid = (quote_ident(schemaname) || '.'
                                                  || quote_ident(indexname))::regclass
               where schemaname = %s and tablename = %s order by indexname""",
            table.schema,
            table.name,
        )
        indexes = sorted(table.indexes, key=lambda i: i.name)
        assert [i.name for i in indexes] == [r["indexname"] for r in found]
        for index, r in zip(indexes, found, strict=True):
            assert index.definition == r["indexdef"]
            assert index.method == re.search(r" USING (\w+) ", r["indexdef"]).group(1)  # type: ignore[union-attr]
            assert index.unique == r["indexdef"].startswith("CREATE UNIQUE")
            assert index.valid == r["indisvalid"]
            assert (index.predicate is not None) == (" WHERE " in r["indexdef"])
            assert bool(index.include) == (" INCLUDE " in r["indexdef"])


def test_index_parts_as_the_fixture_declares_them(catalog: Catalog) -> None:
    accounts = {i.name: i for i in tables_of(catalog)["public.UserAccounts"].indexes}
    active = accounts["useraccounts_org_active_idx"]
    assert (active.columns, active.include) == (("organization_id", "user_id"), ("role",))
    assert active.predicate is not None and "owner" in active.predicate
    assert active.comment == "Members who are not owners"
    assert accounts["useraccounts_display_name_lower_idx"].columns == ('lower("Display Name")',)
    assert accounts["useraccounts_org_user_key"].constraint == "useraccounts_org_user_key"
    events = {i.name: i for i in tables_of(catalog)["public.events"].indexes}
    assert events["events_kind_idx"].valid is False  # ON ONLY the parent


# --------------------------------------------------------------------------- RLS


def test_rls_flags_and_policies_match_pg_policies(
    catalog: Catalog, server: psycopg.Connection[dict[str, Any]]
) -> None:
    for table in catalog.tables:
        (flags,) = rows(
            server,
            "select relrowsecurity, relforcerowsecurity from pg_class where oid = %s::regclass",
            quoted(table.qualified_name),
        )
        assert (table.rls_enabled, table.rls_forced) == (
            flags["relrowsecurity"],
            flags["relforcerowsecurity"],
        )
        found = rows(
            server,
            """select policyname, permissive, roles::text[] as roles, cmd, qual, with_check
               from pg_policies where schemaname = %s and tablename = %s order by policyname""",
            table.schema,
            table.name,
        )
        assert [
            (p.name, p.permissive, sorted(p.roles), p.command, p.using, p.with_check)
            for p in table.policies
        ] == [
            (
                r["policyname"],
                r["permissive"] == "PERMISSIVE",
                sorted(r["roles"]),
                r["cmd"],
                r["qual"],
                r["with_check"],
            )
            for r in found
        ]
    accounts = tables_of(catalog)["public.UserAccounts"]
    assert accounts.rls_forced
    assert any(not p.permissive for p in accounts.policies)
    assert any("auth.uid()" in (p.with_check or "") for p in accounts.policies)


# --------------------------------------------------------------------------- triggers


def test_triggers_match_information_schema(
    catalog: Catalog, server: psycopg.Connection[dict[str, Any]]
) -> None:
    for table in catalog.tables:
        found = rows(
            server,
            """select trigger_name, event_manipulation, action_timing, action_orientation
               from information_schema.triggers
               where event_object_schema = %s and event_object_table = %s""",
            table.schema,
            table.name,
        )
        expected: dict[str, tuple[set[str], str, str]] = {}
        for r in found:
            events, _, _ = expected.get(r["trigger_name"], (set(), "", ""))
            events.add(r["event_manipulation"])
            expected[r["trigger_name"]] = (
                events,
                r["action_timing"],
                r["action_orientation"].lower(),
            )
        assert {t.name: (set(t.events), t.timing, t.level) for t in table.triggers} == expected
        for trigger in table.triggers:
            (row,) = rows(
                server,
                "select tgenabled <> 'D' as enabled, pg_get_triggerdef(oid) as def "
                "from pg_trigger where tgrelid = %s::regclass and tgname = %s",
                quoted(table.qualified_name),
                trigger.name,
            )
            assert (trigger.enabled, trigger.definition) == (row["enabled"], row["def"])
    partitioned = tables_of(catalog)["public.events"]
    assert [t.name for t in partitioned.triggers] == ["events_touch"]  # not one per partition
    accounts = {t.name: t for t in tables_of(catalog)["public.UserAccounts"].triggers}
    assert accounts["useraccounts_disabled_audit"].enabled is False


# --------------------------------------------------------------------------- partitions


def test_partitions_fold_under_their_parent_with_summed_sizes(
    catalog: Catalog, server: psycopg.Connection[dict[str, Any]]
) -> None:
    tables = tables_of(catalog)
    for parent in ("public.events", "public.regional_settings"):
        tree = rows(
            server,
            """with recursive tree(oid) as (
                 select %s::regclass::oid
                 union all select inhrelid from pg_inherits join tree on inhparent = tree.oid)
               select c.oid::regclass::text as name, c.relnamespace::regnamespace::text as schema,
                      c.relname, pg_total_relation_size(c.oid) as size, c.reltuples, c.relkind
               from tree join pg_class c on c.oid = tree.oid""",
            parent,
        )
        table = tables[parent]
        children = {f"{r['schema']}.{r['relname']}" for r in tree} - {parent}
        assert set(table.partitions) == children
        assert not children & set(tables)  # folded, not listed on their own
        assert table.size_bytes == sum(r["size"] for r in tree)
        leaves = [r for r in tree if r["relkind"] == "r"]
        analyzed = [r["reltuples"] for r in leaves if r["reltuples"] >= 0]
        assert table.estimated_rows == (int(sum(analyzed)) if analyzed else None)
        for kind in ("indexes", "foreign_keys", "triggers", "check_constraints"):
            names = [item.name for item in getattr(table, kind)]
            assert len(names) == len(set(names)), (parent, kind)
    assert tables["public.events"].estimated_rows == 700  # the fixture's rows, analyzed
    assert "archive.events_old" in tables["public.events"].partitions


def test_sizes_and_estimates_of_plain_tables(
    catalog: Catalog, server: psycopg.Connection[dict[str, Any]]
) -> None:
    for table in catalog.iter_tables("table"):
        (row,) = rows(
            server,
            "select pg_total_relation_size(oid) as size, reltuples from pg_class "
            "where oid = %s::regclass",
            quoted(table.qualified_name),
        )
        assert table.size_bytes == row["size"]
        expected = None if row["reltuples"] < 0 else int(row["reltuples"])
        assert table.estimated_rows == expected, table.qualified_name
    assert tables_of(catalog)["public.Weird Name"].estimated_rows is None  # never analyzed


def test_classic_inheritance_names_the_parent(catalog: Catalog) -> None:
    tables = tables_of(catalog)
    assert tables["public.legal_documents"].inherits == ("public.documents",)
    assert tables["public.legal_documents"].kind == "table"


# --------------------------------------------------------------------------- grants


def test_table_and_column_grants_match_information_schema(
    catalog: Catalog, server: psycopg.Connection[dict[str, Any]]
) -> None:
    for table in catalog.tables:
        if table.kind == "materialized_view":  # not in information_schema.table_privileges
            (row,) = rows(
                server,
                "select has_table_privilege('service_role', %s, 'SELECT') as ok",
                quoted(table.qualified_name),
            )
            assert row["ok"] == any(g.grantee == "service_role" for g in table.grants)
            continue
        owner = rows(
            server,
            "select pg_get_userbyid(relowner)::text as o from pg_class where oid = %s::regclass",
            quoted(table.qualified_name),
        )[0]["o"]
        on_table = {
            (r["grantee"], r["privilege_type"])
            for r in rows(
                server,
                """select grantee, privilege_type from information_schema.table_privileges
                   where table_schema = %s and table_name = %s""",
                table.schema,
                table.name,
            )
            if r["grantee"] != owner
        }
        assert {(g.grantee, g.privilege) for g in table.grants if g.column is None} == on_table
        # column_privileges repeats table-level grants for every column: keep the rest
        on_columns = {
            (r["grantee"], r["privilege_type"], r["column_name"])
            for r in rows(
                server,
                """select grantee, privilege_type, column_name
                   from information_schema.column_privileges
                   where table_schema = %s and table_name = %s""",
                table.schema,
                table.name,
            )
            if r["grantee"] != owner and (r["grantee"], r["privilege_type"]) not in on_table
        }
        assert {(g.grantee, g.privilege, g.column) for g in table.grants if g.column} == on_columns


def test_anon_reaches_only_the_granted_columns(
    catalog: Catalog, server: psycopg.Connection[dict[str, Any]]
) -> None:
    org = tables_of(catalog)["public.organizations"]
    anon_columns = {g.column for g in org.grants if g.grantee == "anon"}
    assert anon_columns == {"id", "slug", "name"}
    for column in org.columns:
        (row,) = rows(
            server,
            "select has_column_privilege('anon', 'public.organizations', %s, 'SELECT') as ok",
            column.name,
        )
        assert row["ok"] == (column.name in anon_columns)


# --------------------------------------------------------------------------- types


def test_enums_match_pg_enum(catalog: Catalog, server: psycopg.Connection[dict[str, Any]]) -> None:
    expected = {}
    for r in rows(
        server,
        """select n.nspname || '.' || t.typname as name from pg_type t
           join pg_namespace n on n.oid = t.typnamespace
           where t.typtype = 'e' and n.nspname = any(%s)""",
        list(SCHEMAS),
    ):
        (labels,) = rows(server, f"select enum_range(null::{r['name']})::text[] as v")
        expected[r["name"]] = tuple(labels["v"])
    assert {f"{e.schema_}.{e.name}": e.values for e in catalog.enums} == expected
    membership = next(e for e in catalog.enums if e.name == "membership_role")
    assert membership.comment == "What a member may do in an organization"


def test_domains_and_composites_match_information_schema(
    catalog: Catalog, server: psycopg.Connection[dict[str, Any]]
) -> None:
    domains = rows(
        server,
        "select domain_schema || '.' || domain_name as name, domain_default "
        "from information_schema.domains where domain_schema = any(%s)",
        list(SCHEMAS),
    )
    assert {f"{d.schema_}.{d.name}": d.default for d in catalog.domain_types} == {
        r["name"]: r["domain_default"] for r in domains
    }
    for domain in catalog.domain_types:
        checks = rows(
            server,
            """select check_clause from information_schema.domain_constraints dc
               join information_schema.check_constraints cc using (constraint_schema,
                                                                   constraint_name)
               where dc.domain_schema = %s and dc.domain_name = %s""",
            domain.schema_,
            domain.name,
        )
        clauses = {r["check_clause"] for r in checks if "IS NOT NULL" not in r["check_clause"]}
        if server.info.server_version >= 170000:
            # PostgreSQL 17's information_schema prints the clause without the outer
            # parentheses pg_get_constraintdef keeps.
            clauses = {f"({c})" for c in clauses}
        assert {c.removeprefix("CHECK ") for c in domain.checks} == clauses
        assert len(domain.checks) == len(clauses)
    composites = rows(
        server,
        """select udt_schema || '.' || udt_name as name,
                  array_agg(attribute_name::text order by ordinal_position) as attrs
           from information_schema.attributes where udt_schema = any(%s) group by 1""",
        list(SCHEMAS),
    )
    assert {
        f"{c.schema_}.{c.name}": [a.name for a in c.attributes] for c in catalog.composite_types
    } == {r["name"]: r["attrs"] for r in composites}


# --------------------------------------------------------------------------- functions


def test_functions_match_pg_proc_without_extension_members(
    catalog: Catalog, server: psycopg.Connection[dict[str, Any]]
) -> None:
    found = rows(
        server,
        """select p.oid, n.nspname as schema, p.proname as name,
                  pg_get_function_identity_arguments(p.oid) as args, p.prokind, p.prosecdef,
                  l.lanname, exists (select from pg_depend d where d.objid = p.oid
                                     and d.classid = 'pg_proc'::regclass
                                     and d.deptype = 'e') as from_extension
           from pg_proc p join pg_namespace n on n.oid = p.pronamespace
           join pg_language l on l.oid = p.prolang
           where n.nspname = any(%s)""",
        list(SCHEMAS),
    )
    assert any(r["from_extension"] for r in found), "the extension's functions live in public"
    own = [r for r in found if not r["from_extension"]]
    functions = {(f.schema_, f.name, f.arguments): f for f in catalog.functions}
    assert set(functions) == {(r["schema"], r["name"], r["args"]) for r in own}
    kinds = {"f": "function", "p": "procedure", "a": "aggregate", "w": "window"}
    for r in own:
        function = functions[(r["schema"], r["name"], r["args"])]
        assert function.kind == kinds[r["prokind"]]
        assert function.security_definer == r["prosecdef"]
        assert function.language == r["lanname"]
        if r["prokind"] == "a":
            assert function.definition is None
        else:
            (d,) = rows(server, "select pg_get_functiondef(%s) as d", r["oid"])
            assert function.definition == d["d"]
    assert {f.kind for f in catalog.functions} >= {"function", "procedure", "aggregate"}


def test_security_definer_config_and_execute_grants(
    catalog: Catalog, server: psycopg.Connection[dict[str, Any]]
) -> None:
    for function in catalog.functions:
        (row,) = rows(
            server,
            """select coalesce(proconfig, '{}') as config,
                      pg_get_userbyid(proowner)::text as owner, p.oid
               from pg_proc p
               where pronamespace = %s::regnamespace and proname = %s
                 and pg_get_function_identity_arguments(p.oid) = %s""",
            function.schema_,
            function.name,
            function.arguments,
        )
        assert list(function.config) == row["config"]
        grantees = rows(
            server,
            """select grantee from information_schema.routine_privileges
               where specific_name = %s || '_' || %s and privilege_type = 'EXECUTE'""",
            function.name,
            str(row["oid"]),
        )
        expected = {r["grantee"] for r in grantees} - {row["owner"]}
        if function.kind != "aggregate":  # routine_privileges leaves aggregates out
            assert set(function.executable_by) == expected, function.signature
    is_member = next(f for f in catalog.functions if f.name == "is_member")
    assert is_member.security_definer and "PUBLIC" not in is_member.executable_by
    assert is_member.config == ('search_path=""',)


# --------------------------------------------------------------------------- publications


def test_publications_and_roles(
    catalog: Catalog, server: psycopg.Connection[dict[str, Any]]
) -> None:
    published = rows(
        server,
        "select tablename from pg_publication_tables "
        "where pubname = 'supabase_realtime' and schemaname = 'public'",
    )
    realtime = next(p for p in catalog.publications if p.name == "supabase_realtime")
    assert realtime.tables == tuple(sorted(f"public.{r['tablename']}" for r in published))
    tables = tables_of(catalog)
    assert "supabase_realtime" in tables["public.organizations"].publications
    assert "all_changes" in tables["public.events"].publications  # via its partitions
    roles = {r.name: r for r in catalog.roles}
    assert {"anon", "authenticated", "service_role", "authenticator"} <= set(roles)
    for role in roles.values():
        (row,) = rows(
            server,
            "select rolcanlogin, rolsuper, rolbypassrls from pg_roles where rolname = %s",
            role.name,
        )
        assert (role.login, role.superuser, role.bypass_rls) == (
            row["rolcanlogin"],
            row["rolsuper"],
            row["rolbypassrls"],
        )
