"""Replay of CREATE / ALTER / DROP ROLE: the roles a catalog lists and what they may do.

Only the attributes `model.Role` keeps are followed (LOGIN, SUPERUSER, BYPASSRLS):
they decide which policies apply to whom. A role created inside a ``DO`` block is
not seen. A statement group of `replay.Replayer`; `catalog_roles` is what the
replayed catalog lists, as the live source lists them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from schema_catalog import model
from schema_catalog.sources.migrations.context import ReplayContext
from schema_catalog.sources.migrations.state import CatalogState

# Role option (as the parser names it) → `model.Role` field.
_ATTRIBUTES = {"canlogin": "login", "superuser": "superuser", "bypassrls": "bypass_rls"}


class RoleStatements(ReplayContext):
    """CREATE ROLE / USER / GROUP, ALTER ROLE, DROP ROLE."""

    def _CreateRoleStmt(self, node: Any) -> None:  # noqa: N802
        login = node.stmt_type.name == "ROLESTMT_USER"  # CREATE USER implies LOGIN
        role = model.Role(name=node.role, login=login)
        self.catalog.roles[node.role] = _with_options(role, node.options)

    def _AlterRoleStmt(self, node: Any) -> None:  # noqa: N802
        role = self.catalog.roles.get(node.role.rolename or "")
        if role is not None:
            self.catalog.roles[role.name] = _with_options(role, node.options)

    def _DropRoleStmt(self, node: Any) -> None:  # noqa: N802
        for spec in node.roles or ():
            self.catalog.roles.pop(spec.rolename or "", None)


def _with_options(role: model.Role, options: Iterable[Any] | None) -> model.Role:
    update = {
        _ATTRIBUTES[o.defname]: bool(o.arg.boolval)
        for o in options or ()
        if o.defname in _ATTRIBUTES
    }
    return role.model_copy(update=update)


def catalog_roles(state: CatalogState, schemas: set[str] | None) -> tuple[model.Role, ...]:
    """The roles the live source would list: the platform's (`model.SUPABASE_ROLES`)
    and every role a grant, policy or EXECUTE privilege in ``schemas`` names, of those
    the replay knows (the platform's and those the migrations create)."""
    platform = {r.name for r in model.SUPABASE_ROLES}
    named = platform | _named(state, schemas)
    return tuple(sorted((r for r in state.roles.values() if r.name in named), key=lambda r: r.name))


def _named(state: CatalogState, schemas: set[str] | None) -> set[str]:
    named: set[str] = set()
    for table in state.tables.values():
        if schemas is None or table.schema in schemas:
            named.update(grantee for grantee, _, _ in table.grants)
            for policy in table.policies.values():
                named.update(policy.roles)
    for routine in state.routines.values():
        if schemas is None or routine.schema in schemas:
            named.update(routine.executable_by)
    return named
