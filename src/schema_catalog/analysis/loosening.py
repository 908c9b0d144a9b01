"""Whether a changed RLS policy lets more through than before: ``diff``'s "policy loosened".

PostgreSQL combines policies in two ways, so "wider" depends on the kind:

- a *permissive* policy grants: it loosens when it applies to more roles
  (``authenticated`` → ``anon`` or ``PUBLIC``) or more commands (``SELECT`` →
  ``ALL``), or when its expressions check less;
- a *restrictive* policy narrows: it loosens when it applies to fewer roles or
  commands, when its expressions check less, or when it turns permissive.

Expressions are compared as PostgreSQL applies them: ``USING`` does not apply
to INSERT, ``WITH CHECK`` not to SELECT or DELETE, and a missing ``WITH CHECK``
on UPDATE / ALL falls back to ``USING``. An expression checks less when it
became always true or absent, stopped mentioning the table's tenant scope (the
columns `rls.scope_columns` decides, as RLS coverage does), or now names a
strict subset of the identifiers it named. Anything else is a rewrite the text
cannot rank, and is shown only as a structural change.
"""

from __future__ import annotations

from schema_catalog.analysis import normalize, rls
from schema_catalog.model import Policy, Table

_TRUE = {"true", "1=1"}
_ALL = frozenset(rls.COMMANDS)
_SCOPE_LABELS = {
    "direct": "tenant key",
    "inherited": "tenant path column",
    "tenant_root": "tenant id",
}


def policy_loosened(old_table: Table, old: Policy, new: Policy) -> list[str]:
    """Why ``new`` allows more than ``old`` on ``old_table`` (empty when it does not)."""
    return loosened(
        old, new, rls.scope_columns(old_table, old_table.tenancy), _scope_label(old_table)
    )


def loosened(
    old: Policy, new: Policy, scope: set[str] | None = None, scope_label: str = "tenant key"
) -> list[str]:
    """Why ``new`` allows more than ``old``; ``scope``: columns tying rows to a tenant."""
    if old.permissive and not new.permissive:
        return []  # it no longer grants anything: tighter, whatever else changed
    if old.permissive:
        reasons = _roles_widened(old, new) + _commands_widened(old, new)
    else:
        reasons = _restriction_narrowed(old, new)
    for label, a, b in _effective_pairs(old, new):
        reasons += _expression_loosened(label, a, b, scope or set(), scope_label)
    return reasons


def _scope_label(table: Table) -> str:
    return _SCOPE_LABELS.get(table.tenancy.status, "tenant key")


def _roles(policy: Policy) -> set[str]:
    return {r.lower() for r in policy.roles}


def _commands(policy: Policy) -> frozenset[str]:
    return _ALL if policy.command == "ALL" else frozenset({policy.command})


def _roles_widened(old: Policy, new: Policy) -> list[str]:
    before, after = _roles(old), _roles(new)
    if "public" in before:
        return []
    if "public" in after:
        return [f"now applies to PUBLIC, every role (was {_names(before)})"]
    added = after - before
    return [f"now applies to {_names(added)} (was {_names(before)})"] if added else []


def _commands_widened(old: Policy, new: Policy) -> list[str]:
    gained = _commands(new) - _commands(old)
    if not gained:
        return []
    if new.command == "ALL":
        return [f"command widened from {old.command} to ALL"]
    return [f"now grants {new.command} (was {old.command})"]


def _restriction_narrowed(old: Policy, new: Policy) -> list[str]:
    if new.permissive:
        return ["restrictive became permissive: it no longer narrows, it grants"]
    reasons = []
    before, after = _roles(old), _roles(new)
    if "public" in before and "public" not in after:
        reasons.append(f"restriction now applies only to {_names(after)} (was PUBLIC)")
    elif "public" not in after and (dropped := before - after):
        reasons.append(f"restriction no longer applies to {_names(dropped)}")
    lost = _commands(old) - _commands(new)
    if lost:
        reasons.append(f"restriction no longer covers {', '.join(sorted(lost))}")
    return reasons


def _names(roles: set[str]) -> str:
    return ", ".join(f"`{r}`" for r in sorted(roles)) or "no role"


def _effective(policy: Policy) -> dict[str, str | None]:
    """The expressions PostgreSQL applies, by clause, for the policy's command."""
    using = None if policy.command == "INSERT" else policy.using
    check = policy.with_check
    if check is None and policy.command in ("UPDATE", "ALL"):
        check = policy.using  # PostgreSQL reuses USING when WITH CHECK is omitted
    if policy.command in ("SELECT", "DELETE"):
        check = None
    return {"USING": using, "WITH CHECK": check}


def _effective_pairs(old: Policy, new: Policy) -> list[tuple[str, str | None, str | None]]:
    before, after = _effective(old), _effective(new)
    # A clause the new command does not use anymore is not looser; the command change says it.
    applies = {
        "USING": new.command != "INSERT",
        "WITH CHECK": new.command not in ("SELECT", "DELETE"),
    }
    return [(label, before[label], after[label]) for label in before if applies[label]]


def _expression_loosened(
    label: str, old: str | None, new: str | None, scope: set[str], scope_label: str
) -> list[str]:
    a, b = normalize.expression(old), normalize.expression(new)
    if a is None or a in _TRUE or a == b:
        return []
    if b is None or b in _TRUE:
        return [f"{label} is now {'absent' if b is None else 'always true'} (was `{old}`)"]
    said_before, said_now = normalize.identifiers(old), normalize.identifiers(new)
    lost_scope = sorted((scope & said_before) - said_now)
    if lost_scope:
        return [f"{label} no longer mentions the {scope_label} {_names(set(lost_scope))}"]
    dropped = said_before - said_now
    if dropped and said_now < said_before:
        return [f"{label} no longer checks {_names(dropped)}"]
    return []
