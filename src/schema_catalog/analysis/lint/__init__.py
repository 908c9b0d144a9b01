"""Lint rules: `RULES` by code, run by `run`; one module per rule family.

Importing this package registers every rule (access, keys, policies, rls, grants, splinter,
graphql, tenancy, drift, docs, usage, and the sources' own reports); the registry module
explains the rule contract.
"""

from __future__ import annotations

from schema_catalog.analysis.lint import (
    access,
    docs,
    drift,
    grants,
    graphql,
    keys,
    policies,
    rls,
    sources,
    splinter,
    tenancy,
    tenant_schemas,
    usage,
)
from schema_catalog.analysis.lint.registry import (
    RULES,
    Hit,
    LintContext,
    Rule,
    resolve,
    rules_as_markdown,
    rules_table,
    run,
    sort_key,
)

__all__ = [
    "RULES",
    "Hit",
    "LintContext",
    "Rule",
    "resolve",
    "rules_as_markdown",
    "rules_table",
    "run",
    "sort_key",
]
# The family modules register their rules on import; keep the names referenced.
_FAMILIES = (
    access,
    docs,
    drift,
    grants,
    graphql,
    keys,
    policies,
    rls,
    sources,
    splinter,
    tenancy,
    tenant_schemas,
    usage,
)
