"""Every lint rule against its pass and fail cases, kept as data in fixtures/lint_cases/.

Each file names a rule (code or name) and lists cases: compact tables (see
`analysis_catalogs`), optional catalog extras and config, and the exact set of
finding targets expected. A rule without both a passing and a failing case fails.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from analysis_catalogs import catalog
from schema_catalog.analysis import RULES, analyze, rules_as_markdown, rules_table
from schema_catalog.config import Config

CASES_DIR = Path(__file__).parent / "fixtures" / "lint_cases"
CASE_FILES = sorted(CASES_DIR.glob("*.yml"))


def _load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


def _code(name: str) -> str:
    return next(r.code for r in RULES.values() if name in r.names())


def _cases() -> list[Any]:
    params = []
    for path in CASE_FILES:
        spec = _load(path)
        for case in spec["cases"]:
            params.append(pytest.param(spec, case, id=f"{path.stem}: {case['name']}"))
    return params


@pytest.mark.parametrize(("spec", "case"), _cases())
def test_rule_case(spec: dict[str, Any], case: dict[str, Any]) -> None:
    code = _code(spec["rule"])
    config = Config.model_validate(case.get("config", spec.get("config", {})))
    tables = spec.get("base", []) + case.get("tables", [])
    analysed = analyze(catalog({**case.get("catalog", {}), "tables": tables}), config)
    # A rule merged into another's finding (one root cause) is named in `related`.
    found = sorted(f.target for f in analysed.findings if f.code == code or code in f.related)
    assert found == sorted(case["expect"])
    assert all(f.rule == RULES[code].name for f in analysed.findings if f.code == code)


def test_every_rule_has_a_pass_and_a_fail_case() -> None:
    covered: dict[str, set[bool]] = {}
    for path in CASE_FILES:
        spec = _load(path)
        outcomes = covered.setdefault(_code(spec["rule"]), set())
        outcomes.update(bool(case["expect"]) for case in spec["cases"])
    missing = {code for code in RULES if covered.get(code) != {True, False}}
    assert not missing, f"rules without both a pass and a fail case: {sorted(missing)}"


def test_splinter_rules_carry_splinter_names() -> None:
    splinter_names = {
        "unindexed_foreign_keys", "auth_users_exposed", "auth_rls_initplan", "no_primary_key",
        "multiple_permissive_policies", "policy_exists_rls_disabled", "rls_enabled_no_policy",
        "duplicate_index", "security_definer_view", "function_search_path_mutable",
        "rls_disabled_in_public", "extension_in_public", "rls_references_user_metadata",
        "materialized_view_in_api", "foreign_table_in_api", "fkey_to_auth_unique",
        "sensitive_columns_exposed", "rls_policy_always_true", "invalid_index",
        "anon_security_definer_function_executable",
        "authenticated_security_definer_function_executable",
        "pg_graphql_anon_table_exposed", "pg_graphql_authenticated_table_exposed",
    }  # fmt: skip
    names = {n for r in RULES.values() for n in r.names()}
    assert splinter_names <= names


def test_rule_docs_have_both_sections_and_render() -> None:
    for code, name, _aliases, level, doc in rules_table():
        assert "*Anti-pattern*" in doc and "*Best practice*" in doc, code
        assert level in ("error", "warning", "info", "off"), name
    page = rules_as_markdown()
    assert all(f"## {code}" in page for code in RULES)


def test_levels_and_excludes_from_config() -> None:
    tables = [
        {"name": "events", "columns": {"payload": "jsonb"}},
        {"name": "audit_log", "columns": {"payload": "jsonb"}},
    ]
    config = Config.model_validate(
        {"lint": {"rules": {"no_primary_key": "error"}, "exclude": {"KEY002": ["audit_*"]}}}
    )
    found = [f for f in analyze(catalog({"tables": tables}), config).findings if f.code == "KEY002"]
    assert [(f.target, f.severity) for f in found] == [("public.events", "error")]
    off = Config.model_validate({"lint": {"rules": {"0004_no_primary_key": "off"}}})
    assert not [f for f in analyze(catalog({"tables": tables}), off).findings if f.code == "KEY002"]


def test_unknown_rule_in_config_is_an_error() -> None:
    from schema_catalog.errors import ConfigError

    config = Config.model_validate({"lint": {"rules": {"no_such_rule": "error"}}})
    with pytest.raises(ConfigError, match="no_such_rule"):
        analyze(catalog({"tables": []}), config)


SOURCES_DIR = Path(__file__).resolve().parents[1] / "src" / "schema_catalog" / "sources"
# A code a source reports, and the severity literal that follows it in the same call.
_REPORTED = re.compile(
    r"""["'](?P<code>(?:DRZ|MIG|SRC)\d{3})["'][^"']{0,40}["'](?P<level>error|warning|info)["']"""
)


def _reported_codes() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in [*sorted(SOURCES_DIR.rglob("*.py")), SOURCES_DIR.parent / "pipeline.py"]:
        for match in _REPORTED.finditer(path.read_text(encoding="utf-8")):
            found.setdefault(match["code"], set()).add(match["level"])
    return found


def test_every_code_a_source_reports_is_a_rule_at_the_same_level() -> None:
    reported = _reported_codes()
    assert {"DRZ001", "MIG001", "SRC001"} <= reported.keys()  # the scan sees the sources' calls
    assert {code: levels for code, levels in reported.items() if code not in RULES} == {}
    assert {
        code: (levels, RULES[code].level)
        for code, levels in reported.items()
        if levels != {RULES[code].level}
    } == {}


def test_a_source_report_can_be_lowered_in_catalog_yml() -> None:
    report = {"code": "MIG001", "severity": "warning", "target": "m.sql:3", "message": "DO"}
    config = Config.model_validate(
        {"lint": {"rules": {"migration_statement_not_modelled": "info"}}}
    )
    [finding] = analyze(catalog({"tables": [], "findings": [report]}), config).findings
    assert (finding.code, finding.severity, finding.rule) == (
        "MIG001",
        "info",
        "migration_statement_not_modelled",
    )
    assert "## MIG001" in rules_as_markdown()
