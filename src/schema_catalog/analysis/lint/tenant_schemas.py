"""Schema-per-tenant rules: a tenant schema that has drifted from its group's template."""

from __future__ import annotations

from collections.abc import Iterator

from schema_catalog.analysis.lint.registry import Hit, LintContext, rule
from schema_catalog.model import TenantDrift

SHOWN = 5
"""Changes named in the message; the Tenant schemas page lists them all."""


@rule("TEN010", "tenant_schema_drift", "warning")
def tenant_schema_drift(ctx: LintContext) -> Iterator[Hit]:
    """A tenant schema differs from the template of its group (catalog.yml ``tenant_schemas``).

    *Anti-pattern*: 2,000 schemas created by the same migrations, and
    ``tenant_0042`` misses the index or the RLS policy a hot-fix added everywhere
    else: its pages are not on the site (the template's stand for it), so nobody
    sees it.

    *Best practice*: run the migration on every tenant schema, so each one matches
    the template again; the Tenant schemas page lists what each schema adds,
    misses or changes.
    """
    for group in ctx.catalog.tenant_groups:
        for member in group.members:
            if member.drift:
                yield Hit(member.name, _message(group.template, member.drift))


def _message(template: str, drift: tuple[TenantDrift, ...]) -> str:
    named = "; ".join(f"{d.change} {d.what} `{d.object}`" for d in drift[:SHOWN])
    more = f"; and {len(drift) - SHOWN} more" if len(drift) > SHOWN else ""
    return f"Differs from its template `{template}`: {named}{more}"
