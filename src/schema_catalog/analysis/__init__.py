"""Analysis: turns a merged catalog into answers (domains, tenancy, RLS, drift, lint, stats).

Entry points (the CLI wires them):

- `analyze(catalog, config) -> Catalog`: every derived fact, findings sorted;
- `check_exit_code(findings, fail_on)` and `format_findings(findings, fmt)`:
  ``schema-catalog check``;
- `diff.diff(old, new) -> CatalogDiff`: ``schema-catalog diff`` (data; Markdown
  is made by ``render.changes``, JSON via ``model_dump_json``); ``analysis.diff`` stays the
  module, so ``from schema_catalog.analysis import diff; diff.diff(a, b)`` reads;
- `RULES`, `rules_table()`, `rules_as_markdown()`: the rule registry and the
  Rules page.

Everything here works from a snapshot alone: no database, no source knowledge
beyond the catalog's own presence and source-view fields.
"""

from __future__ import annotations

from schema_catalog.analysis import diff
from schema_catalog.analysis.derive import analyze
from schema_catalog.analysis.diff import CatalogDiff
from schema_catalog.analysis.lint import RULES, Rule, rules_as_markdown, rules_table
from schema_catalog.analysis.report import check_exit_code, format_findings

__all__ = [
    "RULES",
    "CatalogDiff",
    "Rule",
    "analyze",
    "check_exit_code",
    "diff",
    "format_findings",
    "rules_as_markdown",
    "rules_table",
]
