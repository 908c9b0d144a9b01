"""Findings for CI systems: SARIF 2.1.0, JUnit XML and GitLab Code Quality JSON.

- ``sarif``: GitHub code scanning (``github/codeql-action/upload-sarif``). One
  rule per code, with the rule's docstring as help; results carry the
  declaring ``file:line`` where a source knows it and a stable
  ``partialFingerprints`` entry (`fingerprints`), so an alert keeps its
  identity across runs.
- ``junit``: test reports (GitLab, Jenkins, Buildkite): one test suite per rule,
  one test case per finding, failed when at or above ``--fail-on``.
- ``gitlab``: GitLab's Code Quality report (``artifacts:reports:codequality``).

Code scanning and Code Quality need a file for every result; a finding about a
live-only table has none, so it points at `ReportContext.fallback_file` (the
project's catalog.yml, where its rule is configured), line 1, and keeps the
database object as its logical location.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from schema_catalog import __version__
from schema_catalog.analysis import locations
from schema_catalog.analysis.fingerprints import fingerprints
from schema_catalog.analysis.lint import RULES
from schema_catalog.model import SEVERITY_ORDER, Finding, Severity

SARIF_SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
INFORMATION_URI = "https://pypi.org/project/schema-catalog/"
FINGERPRINT_KEY = "schemaCatalogFinding/v1"
_SARIF_LEVEL = {"error": "error", "warning": "warning", "info": "note"}
_GITLAB_SEVERITY = {"error": "critical", "warning": "major", "info": "info"}
# Characters XML 1.0 cannot carry at all; database text may hold them.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@dataclass(frozen=True)
class ReportContext:
    fail_on: Severity = "error"
    fallback_file: str = "catalog/catalog.yml"
    """Where findings with no declaring file point, for formats that need a file."""


def sarif(findings: Sequence[Finding], context: ReportContext) -> str:
    codes = sorted({f.code for f in findings} | set(RULES))
    index = {code: i for i, code in enumerate(codes)}
    results = [
        _sarif_result(f, fp, index[f.code], context)
        for f, fp in zip(findings, fingerprints(findings), strict=True)
    ]
    run = {
        "tool": {
            "driver": {
                "name": "schema-catalog",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": INFORMATION_URI,
                "rules": [_sarif_rule(code, findings) for code in codes],
            }
        },
        "originalUriBaseIds": {"%SRCROOT%": {"description": {"text": "The project root."}}},
        "results": results,
    }
    document = {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _sarif_rule(code: str, findings: Sequence[Finding]) -> dict[str, Any]:
    rule = RULES.get(code)
    if rule is None:  # a source's own finding (Drizzle, migrations): no registered rule
        name = next((f.rule for f in findings if f.code == code and f.rule), code)
        text = f"{code}: reported by a source while reading the schema."
        return {"id": code, "name": name, "shortDescription": {"text": text}}
    return {
        "id": code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.doc},
        "help": {"text": rule.doc, "markdown": rule.doc.replace("``", "`")},
        "defaultConfiguration": {
            "level": _SARIF_LEVEL[rule.level],
            "enabled": rule.enabled,
        },
        "properties": {"aliases": list(rule.aliases), "tags": ["database", "schema"]},
    }


def _sarif_result(
    finding: Finding, fingerprint: str, rule_index: int, context: ReportContext
) -> dict[str, Any]:
    path, line = _place(finding, context)
    physical = {
        "artifactLocation": {"uri": quote(path), "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": line},
    }
    return {
        "ruleId": finding.code,
        "ruleIndex": rule_index,
        "level": _SARIF_LEVEL[finding.severity],
        "message": {"text": f"{finding.target}: {finding.message}"},
        "locations": [
            {
                "physicalLocation": physical,
                "logicalLocations": [{"fullyQualifiedName": finding.target}],
            }
        ],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint},
    }


def gitlab(findings: Sequence[Finding], context: ReportContext) -> str:
    issues = []
    for finding, fingerprint in zip(findings, fingerprints(findings), strict=True):
        path, line = _place(finding, context)
        issues.append(
            {
                "type": "issue",
                "check_name": finding.code,
                "description": f"{finding.code} {finding.target}: {finding.message}",
                "fingerprint": fingerprint,
                "severity": _GITLAB_SEVERITY[finding.severity],
                "location": {"path": path, "lines": {"begin": line}},
            }
        )
    return json.dumps(issues, indent=2, ensure_ascii=False) + "\n"


def junit(findings: Sequence[Finding], context: ReportContext) -> str:
    threshold = SEVERITY_ORDER[context.fail_on]
    failing = [f for f in findings if SEVERITY_ORDER[f.severity] >= threshold]
    root = ET.Element(
        "testsuites",
        name="schema-catalog check",
        tests=str(max(len(findings), 1)),
        failures=str(len(failing)),
        errors="0",
    )
    by_code: dict[str, list[Finding]] = {}
    for finding in findings:
        by_code.setdefault(finding.code, []).append(finding)
    if not findings:
        suite = _suite(root, "schema-catalog", tests=1, failures=0)
        ET.SubElement(suite, "testcase", classname="schema-catalog", name="no findings")
    for group in by_code.values():
        failures = sum(1 for f in group if SEVERITY_ORDER[f.severity] >= threshold)
        suite = _suite(root, _title(group[0]), tests=len(group), failures=failures)
        for finding in group:
            _testcase(suite, finding, SEVERITY_ORDER[finding.severity] >= threshold)
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"


def _suite(root: ET.Element, name: str, *, tests: int, failures: int) -> ET.Element:
    return ET.SubElement(
        root,
        "testsuite",
        name=_xml(name),
        tests=str(tests),
        failures=str(failures),
        errors="0",
        skipped="0",
    )


def _testcase(suite: ET.Element, finding: Finding, failed: bool) -> None:
    attributes = {"classname": _xml(_title(finding)), "name": _xml(finding.target)}
    place = locations.split(finding.location) if finding.location else None
    if place:
        attributes |= {"file": _xml(place[0]), "line": str(place[1])}
    case = ET.SubElement(suite, "testcase", attributes)
    text = _xml(f"{finding.severity}: {finding.target}: {finding.message}")
    if failed:
        failure = ET.SubElement(
            case, "failure", message=_xml(finding.message), type=finding.severity
        )
        failure.text = text
    else:
        ET.SubElement(case, "system-out").text = text


def _place(finding: Finding, context: ReportContext) -> tuple[str, int]:
    place = locations.split(finding.location) if finding.location else None
    return place or (context.fallback_file, 1)


def _title(finding: Finding) -> str:
    return f"{finding.code} {finding.rule}" if finding.rule else finding.code


def _xml(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)
