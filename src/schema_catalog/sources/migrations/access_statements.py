"""Replay of row-level security policies and table privileges.

``CREATE POLICY`` / ``ALTER POLICY`` (the USING and WITH CHECK trees are kept
raw and analysed when the catalog is frozen) and ``GRANT`` / ``REVOKE`` on
tables, expanded to one (grantee, privilege, column) entry each; EXECUTE on
functions; ``ALTER DEFAULT PRIVILEGES`` of the migrating role (applied when a
table, view or function is created). A statement group of `replay.Replayer`.
"""

from __future__ import annotations

from typing import Any

from schema_catalog.sources.migrations.context import ReplayContext
from schema_catalog.sources.migrations.default_privileges import MIGRATING_ROLE
from schema_catalog.sources.migrations.drop_statements import ROUTINE_OBJECTS
from schema_catalog.sources.migrations.state import PolicyState, TableState

_DEFAULT_KINDS = {"OBJECT_TABLE": "TABLE", "OBJECT_FUNCTION": "FUNCTION"}


class AccessStatements(ReplayContext):
    """CREATE / ALTER POLICY and GRANT / REVOKE on tables."""

    def _CreatePolicyStmt(self, node: Any) -> None:  # noqa: N802
        table = self.existing(node.table)
        if table is None:
            return
        policy = PolicyState(
            node.policy_name, node.cmd_name.upper(), _roles(node.roles), bool(node.permissive)
        )
        policy.using, policy.with_check = node.qual, node.with_check
        self.touch(table).policies[policy.name] = policy

    def _AlterPolicyStmt(self, node: Any) -> None:  # noqa: N802
        table = self.existing(node.table)
        if table is None or node.policy_name not in table.policies:
            if table is not None:
                self.warn(
                    f"policy {node.policy_name} on {table.name} is not known: ALTER POLICY skipped"
                )
            return
        policy = self.touch(table).policies[node.policy_name]
        if node.roles:
            policy.roles = _roles(node.roles)
        if node.qual is not None:
            policy.using = node.qual
        if node.with_check is not None:
            policy.with_check = node.with_check

    def _GrantStmt(self, node: Any) -> None:  # noqa: N802
        if node.objtype.name in ROUTINE_OBJECTS:
            self._grant_functions(node)
            return
        if node.objtype.name != "OBJECT_TABLE":
            return
        tables = self._grant_tables(node)
        privileges = [
            (p.priv_name.upper(), [c.sval for c in p.cols or ()]) for p in node.privileges or ()
        ]
        expanded = [
            (p, col)
            for p, cols in (privileges or [(a, []) for a in self.catalog.table_privileges])
            for col in (cols or [None])
        ]
        for table in tables:
            for grantee in _roles(node.grantees):
                shown = "PUBLIC" if grantee == "public" else grantee
                for privilege, column in expanded:
                    item = (shown, privilege, column)
                    table.grants.add(item) if node.is_grant else table.grants.discard(item)
            self.touch(table)

    def _grant_functions(self, node: Any) -> None:
        privileges = {p.priv_name.upper() for p in node.privileges or ()}
        if privileges and "EXECUTE" not in privileges:
            return
        if node.targtype.name == "ACL_TARGET_ALL_IN_SCHEMA":
            schemas = {s.sval for s in node.objects}
            targets = [f for f in self.catalog.routines.values() if f.schema in schemas]
        else:
            targets = [f for o in node.objects for f in self.routines(o)]
        for function in targets:
            for spec in node.grantees or ():
                grantee = "PUBLIC" if spec.roletype.name == "ROLESPEC_PUBLIC" else spec.rolename
                if node.is_grant:
                    function.executable_by.add(grantee)
                else:
                    function.executable_by.discard(grantee)

    def _AlterDefaultPrivilegesStmt(self, node: Any) -> None:  # noqa: N802
        options = {o.defname: o.arg for o in node.options or ()}
        roles = {r.rolename for r in options.get("roles") or ()}
        if roles and MIGRATING_ROLE not in roles:
            return  # privileges on objects some other role will create
        action = node.action
        if action.objtype.name not in _DEFAULT_KINDS:
            return  # sequences, types, schemas: nothing the catalog shows
        kind = _DEFAULT_KINDS[action.objtype.name]
        everything = self.catalog.table_privileges if kind == "TABLE" else ("EXECUTE",)
        privileges = [p.priv_name.upper() for p in action.privileges or ()] or everything
        schemas = [s.sval for s in options.get("schemas") or ()] or [None]
        for schema in schemas:
            for grantee in _roles(action.grantees):
                shown = "PUBLIC" if grantee == "public" else grantee
                for privilege in privileges:
                    item = (schema, kind, shown, privilege)
                    if action.is_grant:
                        self.catalog.default_privileges.add(item)
                    else:
                        self.catalog.default_privileges.discard(item)

    def _grant_tables(self, node: Any) -> list[TableState]:
        if node.targtype.name == "ACL_TARGET_ALL_IN_SCHEMA":
            schemas = {s.sval for s in node.objects}
            return [
                t for t in self.catalog.tables.values() if t.schema in schemas and t.kind != "view"
            ]
        found = [self.existing(rv) for rv in node.objects]
        return [t for t in found if t is not None]


def _roles(specs: object) -> list[str]:
    roles = []
    for spec in specs or ():  # type: ignore[attr-defined]
        kind = spec.roletype.name
        roles.append(
            "public"
            if kind == "ROLESPEC_PUBLIC"
            else spec.rolename or kind.removeprefix("ROLESPEC_").lower()
        )
    return roles or ["public"]
