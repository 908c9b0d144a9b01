"""The access verdict: what a role can do with a table's rows, and by which routes.

One verdict serves the table page and the rules, so they never disagree.

*Direct access* is the model's own verdict (`Table.api_access`: the role's grants,
its own and ``PUBLIC``'s, table-level or on some columns, then RLS), narrowed to
"no rows" when RLS is on and no permissive policy can let the granted commands
through (a policy without USING, or an INSERT policy without WITH CHECK, admits
nothing).

*Other routes* reach the rows whatever the table's grants and policies say, because
PostgreSQL runs them with another role's rights:

- a **definer view** (no ``security_invoker``) the role may SELECT, whose definition
  reads the table: the view reads it as the view's owner;
- a **SECURITY DEFINER function** the role may EXECUTE whose body names the table:
  it reads or writes it as the function's owner (``/rest/v1/rpc/...``);
- a **definer trigger** on a table the role may write, whose SECURITY DEFINER
  function names the table;
- a **foreign-key cascade** from a parent the role may DELETE or UPDATE: referential
  actions run as the table's owner, without this table's RLS or grants.

Function bodies are read as text: a table named in them is taken as touched (what
a body writes is read from ``INSERT INTO`` / ``UPDATE`` / ``DELETE FROM``; any other
mention counts as a read). That errs on the side of showing a route.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from schema_catalog.analysis import rls
from schema_catalog.analysis.views import VIEW_KINDS, base_tables, security_invoker
from schema_catalog.model import API_ROLES, Catalog, ForeignKey, Function, Policy, Table

COMMANDS = rls.COMMANDS
_CASCADES = {"CASCADE": "DELETE", "SET NULL": "UPDATE", "SET DEFAULT": "UPDATE"}
_TRIGGER_EVENTS = {"INSERT", "UPDATE", "DELETE"}
_TRIGGER_RESULTS = {"trigger", "event_trigger"}
_NO_ROWS = "no rows (RLS on, no policy for this role)"
_VERBS = {"SELECT": "reads", "INSERT": "inserts", "UPDATE": "updates", "DELETE": "deletes"}


@dataclass(frozen=True)
class Route:
    """A way into a table's rows other than the role's own grants and policies."""

    kind: str
    """``definer view``, ``SECURITY DEFINER function``, ``definer trigger``, ``foreign-key cascade``."""
    via: str
    """The object that opens it: a view, a function signature, ``table.trigger``, ``table.fk``."""
    commands: tuple[str, ...]
    """What it does to this table's rows: SELECT, INSERT, UPDATE, DELETE."""

    @property
    def text(self) -> str:
        """``DELETE through foreign-key cascade `public.members.members_org_fkey```: the
        object backquoted, so pages show it as code (and can break it at ``_`` and ``.``)."""
        return f"{', '.join(self.commands)} through {self.kind} `{self.via}`"


@dataclass(frozen=True)
class Verdict:
    """The model's verdict on a table for one role (`Table.api_access`: grants, then RLS),
    narrowed by the policies that can admit rows, and the routes around it, which need
    the whole catalog."""

    role: str
    direct: str
    """`Table.api_access`'s words; ``no rows (RLS on, no policy for this role)`` when RLS
    is on and no permissive policy can let the role's granted commands through. When a
    route opens what it denies, the denial says it is only direct access: ``no grant of
    its own``, ``no rows directly (RLS on, no policy for this role)``; never "no access"
    then."""
    routes: tuple[Route, ...]
    denied: tuple[str, ...] = ()
    """The commands the role cannot run on any row directly: no grant for them, or RLS
    on and no permissive policy that admits them."""

    @property
    def rerouted(self) -> tuple[tuple[str, Route], ...]:
        """The routes that open a command direct access denies: ``(what it does, route)``,
        ``what`` in words (``reads``, ``inserts and updates``)."""
        found = []
        for route in self.routes:
            verbs = [_VERBS[c] for c in route.commands if c in self.denied]
            if verbs:
                found.append((" and ".join(verbs), route))
        return tuple(found)

    @property
    def text(self) -> str:
        """What the table page says the role can read or write: direct access, then each
        route that opens what it denies, named: ``no rows directly (RLS on, no policy for
        this role) · reads through definer view `public.task_list```."""
        said = [f"{what} through {r.kind} `{r.via}`" for what, r in self.rerouted]
        return " · ".join([self.direct, "; ".join(said)]) if said else self.direct


def verdict(catalog: Catalog, table: Table, role: str) -> Verdict:
    """The access verdict of ``role`` on ``table``."""
    found = routes(catalog, role).get(table.qualified_name, ())
    held = table.column_privileges(role)
    denied = tuple(c for c in COMMANDS if not _directly(table, role, c, held))
    direct = _direct(table, role, held)
    if any(c in denied for r in found for c in r.commands):
        direct = _only_directly(direct)
    return Verdict(role=role, direct=direct, routes=found, denied=denied)


def api_verdicts(catalog: Catalog, table: Table) -> tuple[Verdict, ...]:
    """The verdicts of Supabase's API roles (``anon``, ``authenticated``)."""
    return tuple(verdict(catalog, table, role) for role in API_ROLES)


def _direct(table: Table, role: str, privileges: set[str]) -> str:
    held = privileges & set(COMMANDS)
    if table.rls_enabled and held and not any(admitting(table, c, role) for c in held):
        return _NO_ROWS
    return table.api_access(role)


def _only_directly(direct: str) -> str:
    """A denial that a route gets around, worded as direct access only."""
    if direct.startswith("no access"):
        return "no grant of its own"
    if direct == _NO_ROWS:
        return "no rows directly (RLS on, no policy for this role)"
    return direct  # it opens some rows itself; the routes named after it add the rest


def _directly(table: Table, role: str, command: str, privileges: set[str]) -> bool:
    """``role`` may run ``command`` on some row of ``table`` by its own grants (on the
    table or some column: ``privileges``, `Table.column_privileges`) and, when RLS is
    on, a permissive policy that admits it."""
    if command not in privileges:
        return False
    return not table.rls_enabled or bool(admitting(table, command, role))


def admitting(table: Table, command: str, role: str) -> list[Policy]:
    """Permissive policies through which ``role`` can run ``command`` on some row."""
    return [p for p in rls.permissive_for(table, command, role) if admits(p, command)]


def admits(policy: Policy, command: str) -> bool:
    """Whether a permissive policy can let ``command`` through at all. PostgreSQL checks
    new rows against WITH CHECK, else USING, and lets none in when the policy has
    neither; it reads, updates and deletes no row through a policy without USING."""
    if command == "INSERT":
        return policy.with_check is not None or policy.using is not None
    return policy.using is not None


# --------------------------------------------------------------------------- routes


_COMPUTED: dict[tuple[int, str], tuple[Catalog, dict[str, tuple[Route, ...]]]] = {}


def routes(catalog: Catalog, role: str) -> dict[str, tuple[Route, ...]]:
    """Every table's routes for ``role``, computed once per catalog (a page per table
    asks for them; hashing a frozen catalog on each call would cost its whole size)."""
    key = (id(catalog), role)
    kept = _COMPUTED.get(key)
    if kept is not None and kept[0] is catalog:
        return kept[1]
    if len(_COMPUTED) >= 8:
        _COMPUTED.clear()
    result = _routes(catalog, role)
    _COMPUTED[key] = (catalog, result)
    return result


def _routes(catalog: Catalog, role: str) -> dict[str, tuple[Route, ...]]:
    found: dict[str, list[Route]] = defaultdict(list)
    names = {t.qualified_name for t in catalog.tables}
    for target, route in _all_routes(catalog, role, names):
        if route not in found[target]:
            found[target].append(route)
    return {k: tuple(sorted(v, key=lambda r: (r.kind, r.via))) for k, v in found.items()}


def _all_routes(catalog: Catalog, role: str, names: set[str]) -> Iterable[tuple[str, Route]]:
    yield from _view_routes(catalog, role, names)
    definers = {f.signature: f for f in catalog.functions if f.security_definer}
    for function in definers.values():
        # a trigger function cannot be called directly: its route is the trigger's
        if _may_execute(function, role) and function.result not in _TRIGGER_RESULTS:
            for target, commands in touched(function, names).items():
                yield target, Route("SECURITY DEFINER function", function.signature, commands)
    yield from _trigger_routes(catalog, role, names, definers)
    yield from _cascade_routes(catalog, role)


def _view_routes(catalog: Catalog, role: str, names: set[str]) -> Iterable[tuple[str, Route]]:
    for view in catalog.tables:
        if view.kind not in VIEW_KINDS or "SELECT" not in view.privileges(role):
            continue
        if view.kind == "view" and security_invoker(view):
            continue
        kind = "definer view" if view.kind == "view" else "materialized view"
        for base in base_tables(view, names):
            yield base, Route(kind, view.qualified_name, ("SELECT",))


def _trigger_routes(
    catalog: Catalog, role: str, names: set[str], definers: dict[str, Function]
) -> Iterable[tuple[str, Route]]:
    by_name = {f"{f.schema_}.{f.name}": f for f in definers.values() if not f.arguments}
    for table in catalog.tables:
        writes = {c for c in _TRIGGER_EVENTS if can(table, role, c)}
        for trigger in table.triggers:
            function = by_name.get(trigger.function)
            if function is None or not writes & set(trigger.events):
                continue
            via = f"{table.qualified_name}.{trigger.name}"
            for target, commands in touched(function, names).items():
                if target != table.qualified_name:
                    yield target, Route("definer trigger", via, commands)


def _cascade_routes(catalog: Catalog, role: str) -> Iterable[tuple[str, Route]]:
    writable = _cascading_writes(catalog, role)
    for child in catalog.tables:
        for fk in child.foreign_keys:
            parent = catalog.table(f"{fk.ref_schema}.{fk.ref_table}")
            if parent is None or parent.qualified_name == child.qualified_name:
                continue
            commands = _cascaded(fk, writable[parent.qualified_name])
            if commands:
                via = f"{child.qualified_name}.{fk.name} from {parent.qualified_name}"
                yield child.qualified_name, Route("foreign-key cascade", via, commands)


def _cascading_writes(catalog: Catalog, role: str) -> dict[str, set[str]]:
    """What ``role`` may delete or update in each table: asked once per table, not once
    per foreign key pointing at it (a parent has many children)."""
    return {
        t.qualified_name: {c for c in ("DELETE", "UPDATE") if can(t, role, c)}
        for t in catalog.tables
    }


def _cascaded(fk: ForeignKey, parent_privileges: set[str]) -> tuple[str, ...]:
    commands = set()
    on_delete = _CASCADES.get(fk.on_delete.upper())
    if on_delete and "DELETE" in parent_privileges:
        commands.add(on_delete)
    if fk.on_update.upper() in _CASCADES and "UPDATE" in parent_privileges:
        commands.add("UPDATE")
    return tuple(c for c in COMMANDS if c in commands)


def can(table: Table, role: str, command: str) -> bool:
    """``role`` may run ``command`` on some row of ``table`` itself: a table-level grant,
    and a permissive policy for it when RLS is on."""
    if command not in table.privileges(role):
        return False
    return not table.rls_enabled or bool(admitting(table, command, role))


def _may_execute(function: Function, role: str) -> bool:
    return any(r == role or rls.is_public(r) for r in function.executable_by)


# --------------------------------------------------------------------------- function bodies

_STRING = re.compile(r"'(?:[^']|'')*'")
_COMMENT = re.compile(r"--[^\n]*|/\*.*?\*/", re.S)
_NAME = r'(?:"(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)'
_RELATION = rf"(?:{_NAME}\s*\.\s*)?{_NAME}"
_WRITES = {
    "INSERT": re.compile(rf"\binsert\s+into\s+({_RELATION})", re.I),
    "UPDATE": re.compile(rf"\bupdate\s+(?:only\s+)?({_RELATION})", re.I),
    "DELETE": re.compile(rf"\bdelete\s+from\s+(?:only\s+)?({_RELATION})", re.I),
}
_READS = re.compile(rf"\b(?:from|join)\s+(?:only\s+)?({_RELATION})(?![\w$\"])(?!\s*\()", re.I)


def touched(function: Function, names: set[str]) -> dict[str, tuple[str, ...]]:
    """Catalog tables a function body names, with what it does to each."""
    body = _COMMENT.sub(" ", _STRING.sub("''", _body(function.definition or "")))
    found: dict[str, set[str]] = defaultdict(set)
    for command, pattern in _WRITES.items():
        for relation in pattern.findall(body):
            target = _resolve(relation, function.schema_, names)
            if target:
                found[target].add(command)
    for relation in _READS.findall(body):
        target = _resolve(relation, function.schema_, names)
        if target:
            found[target].add("SELECT")
    return {t: tuple(c for c in COMMANDS if c in cs) for t, cs in sorted(found.items())}


def _body(definition: str) -> str:
    # pg_get_functiondef: the header names the function itself (and its argument types),
    # the body sits between dollar quotes.
    parts = re.split(r"(\$[A-Za-z_]*\$)", definition)
    return " ".join(parts[2::4]) if len(parts) >= 3 else definition


def _resolve(relation: str, schema: str, names: set[str]) -> str | None:
    pieces = [_ident(p) for p in re.findall(_NAME, relation)]
    if len(pieces) == 2:
        name = f"{pieces[0]}.{pieces[1]}"
        return name if name in names else None
    for candidate in (f"{schema}.{pieces[0]}", f"public.{pieces[0]}"):
        if candidate in names:
            return candidate
    return None


def _ident(text: str) -> str:
    if text.startswith('"'):
        return text[1:-1].replace('""', '"')
    return text.lower()
