"""``pgPolicy`` → drizzle-kit policy entries, and the roles they name.

Defaults as drizzle-kit applies them: PERMISSIVE, FOR ALL, TO public. Roles may be
strings, ``pgRole`` entities or drizzle-orm/supabase's role constants;
``using``/``withCheck`` are sql templates rendered like drizzle-kit (table-qualified
columns, ``authUid`` as ``(select auth.uid())``).
"""

from __future__ import annotations

from collections.abc import Callable

from schema_catalog.sources.drizzle.values import (
    SUPABASE,
    Builder,
    Extern,
    RoleEntity,
    Unresolved,
    Value,
)

SUPABASE_ROLES = {
    "anonRole": "anon",
    "authenticatedRole": "authenticated",
    "serviceRole": "service_role",
    "postgresRole": "postgres",
    "supabaseAuthAdminRole": "supabase_auth_admin",
}

# What PostgreSQL accepts (and drizzle-kit writes as is): anything else is skipped
# with a finding rather than guessed.
_COMMANDS = ("ALL", "SELECT", "INSERT", "UPDATE", "DELETE")
_KINDS = ("PERMISSIVE", "RESTRICTIVE")

Render = Callable[[Value], "str | Unresolved"]


def role_name(value: Value) -> str | Unresolved:
    if isinstance(value, str):
        return value
    if isinstance(value, RoleEntity):
        return value.name
    if isinstance(value, Extern) and value.module == SUPABASE and value.name in SUPABASE_ROLES:
        return SUPABASE_ROLES[value.name]
    return value if isinstance(value, Unresolved) else Unresolved("policy role is not static", "")


def kit_policy(builder: Builder, render: Render) -> tuple[dict[str, Value], list[str]]:
    """The snapshot entry of ``pgPolicy(name, config)`` and the reasons for anything unresolved."""
    args = builder.first_args()
    name = args[0] if args else None
    config = args[1] if len(args) > 1 and isinstance(args[1], dict) else {}
    problems: list[str] = []
    if not isinstance(name, str):
        problems.append("policy name is not a static string")
    roles = config.get("to", "public")
    entry: dict[str, Value] = {
        "name": name if isinstance(name, str) else "unresolved",
        "as": str(config.get("as", "permissive")).upper(),
        "for": str(config.get("for", "all")).upper(),
        "to": [],
    }
    if entry["for"] not in _COMMANDS:
        problems.append("`for` is not a static all, select, insert, update or delete")
    if entry["as"] not in _KINDS:
        problems.append("`as` is not a static permissive or restrictive")
    for role in roles if isinstance(roles, list) else [roles]:
        spelled = role_name(role)
        if isinstance(spelled, Unresolved):
            problems.append(spelled.reason)
        else:
            entry["to"].append(spelled)
    for key in ("using", "withCheck"):
        if config.get(key) is not None:
            rendered = render(config[key])
            if isinstance(rendered, Unresolved):
                problems.append(f"{key}: {rendered.reason}")
            else:
                entry[key] = rendered
    return entry, problems


def linked_table(builder: Builder) -> Value:
    """The table of ``pgPolicy(...).link(table)``, or ``None``."""
    links = builder.calls("link")
    return links[-1][0] if links and links[-1] else None
