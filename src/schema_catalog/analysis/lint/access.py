"""Rules about routes into a table that its own grants and policies do not govern.

They read the one access verdict (`analysis.access`) that the table page shows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from schema_catalog.analysis import access
from schema_catalog.analysis.lint.registry import Hit, LintContext, rule
from schema_catalog.analysis.lint.scope import user_tables

_CASCADE = "foreign-key cascade"


@rule("ACC001", "rls_bypassed_by_definer_route", "warning")
def rls_bypassed_by_definer_route(ctx: LintContext) -> Iterator[Hit]:
    """An API role reaches a table's rows through an object that runs with its owner's rights.

    *Anti-pattern*: ``tasks`` has RLS and no grant to ``anon``, yet ``anon`` may
    SELECT the view ``task_list`` (no ``security_invoker``), EXECUTE the SECURITY
    DEFINER function ``close_task()``, or write a table whose SECURITY DEFINER
    trigger writes ``tasks``. Each reads or writes ``tasks`` as its owner, so the
    policies on ``tasks`` never see the caller. (The view itself is also flagged by
    ``security_definer_view``; this rule names the table it opens.)

    *Best practice*: ``security_invoker = on`` for views; SECURITY INVOKER functions
    and triggers where the caller's rights suffice; otherwise revoke EXECUTE from
    ``anon``/``authenticated`` (and ``PUBLIC``) and check the caller inside the
    function.
    """
    yield from _route_hits(ctx, lambda route: route.kind != _CASCADE)


@rule("ACC002", "rls_bypassed_by_cascade", "info")
def rls_bypassed_by_cascade(ctx: LintContext) -> Iterator[Hit]:
    """An API role changes a table's rows through a foreign-key cascade from a parent it may write.

    *Anti-pattern*: ``members.organization_id REFERENCES organizations ON DELETE
    CASCADE``, with ``authenticated`` allowed to delete ``organizations``: the
    cascade deletes ``members`` rows as the table's owner, whatever the policies
    and grants on ``members`` say.

    *Best practice*: make sure that is intended (it usually is for owned rows);
    where it is not, use ``ON DELETE RESTRICT`` and delete children explicitly, so
    their own policies apply.
    """
    yield from _route_hits(ctx, lambda route: route.kind == _CASCADE)


def _route_hits(ctx: LintContext, wanted: Callable[[access.Route], bool]) -> Iterator[Hit]:
    for table in user_tables(ctx, "table", "partitioned_table"):
        for verdict in access.api_verdicts(ctx.catalog, table):
            if verdict.direct == "every row (RLS off)":
                continue  # the grant already opens every row: no route adds to it
            for route in (r for r in verdict.routes if wanted(r)):
                yield Hit(
                    table.qualified_name,
                    f"`{verdict.role}` can {route.text} (direct access: {verdict.direct})",
                    table.qualified_name,
                )
