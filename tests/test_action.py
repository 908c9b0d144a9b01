"""The composite GitHub Action (action.yml) and the workflow example that uses it.

GitHub runs the action, not this suite; what can be checked here is checked for
real: the YAML's structure, that every input is used and every used input is
declared, that no input is pasted into a script (script injection), that every
script parses with bash, that every file and every `schema-catalog` option the
action names exists, and the helper scripts' own behaviour where it needs no
GitHub.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from schema_catalog import snapshot

ROOT = Path(__file__).resolve().parents[1]
ACTION = yaml.safe_load((ROOT / "action.yml").read_text())
STEPS: list[dict[str, Any]] = ACTION["runs"]["steps"]
WORKFLOW = yaml.safe_load((ROOT / "examples" / "github-actions" / "catalog.yml").read_text())
_INPUT_USE = re.compile(r"inputs\.([A-Za-z0-9_-]+)")
_EXPRESSION = re.compile(r"\$\{\{.*?\}\}")


def strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    return []


def test_a_composite_action_with_the_gate_inputs() -> None:
    assert ACTION["runs"]["using"] == "composite"
    assert ACTION["name"] and ACTION["description"]
    inputs = ACTION["inputs"]
    assert {"database-url", "sources", "fail-on", "publish", "baseline", "site-url"} <= set(inputs)
    assert all(spec["description"] and "default" in spec for spec in inputs.values())
    assert not any(spec.get("required") for spec in inputs.values())


def test_every_input_is_used_and_every_used_input_declared() -> None:
    used = {name for text in strings(STEPS) for name in _INPUT_USE.findall(text)}
    used |= {name for text in strings(ACTION["outputs"]) for name in _INPUT_USE.findall(text)}
    assert used == set(ACTION["inputs"])


def test_scripts_get_inputs_through_env_only() -> None:
    for step in STEPS:
        if "run" in step:
            assert step["shell"] == "bash", step
            assert not _EXPRESSION.search(step["run"]), f"expression pasted into a script: {step}"


def test_every_script_parses_with_bash() -> None:
    scripts = [step["run"] for step in STEPS if "run" in step]
    scripts += [p.read_text() for p in (ROOT / "scripts" / "action").glob("*.sh")]
    assert len(scripts) >= 8
    for script in scripts:
        result = subprocess.run(["bash", "-n"], input=script, capture_output=True, text=True)
        assert result.returncode == 0, (script, result.stderr)


def test_referenced_files_exist() -> None:
    named = {
        m for text in strings(STEPS) for m in re.findall(r"\$GITHUB_ACTION_PATH/(\S+?)\"", text)
    }
    assert named == {"scripts/action/previous-catalog.sh", "scripts/action/pr-comment.sh"}
    assert all((ROOT / path).is_file() for path in named)
    assert (ROOT / "pyproject.toml").is_file()  # `pip install "$GITHUB_ACTION_PATH"`


def test_every_schema_catalog_option_exists() -> None:
    calls = [
        (match[0], re.findall(r"(--[a-z-]+)", match[1]))
        for text in strings(STEPS)
        for match in re.findall(r"schema-catalog (\w+)([^\n]*)", text)
    ]
    calls.append(("check", ["--fail-on", "--baseline", "--path-prefix"]))  # built up in an array
    calls.append(("diff", ["--format", "--out", "--site-url"]))
    assert {verb for verb, _ in calls} >= {"extract", "check", "diff", "build"}
    for verb, options in calls:
        helped = subprocess.run(
            [sys.executable, "-m", "schema_catalog", verb, "--help"], capture_output=True, text=True
        )
        assert helped.returncode == 0, helped.stderr
        assert all(option in helped.stdout for option in options), (verb, options)


def test_uses_pinned_major_versions_of_actions() -> None:
    used = [step["uses"] for step in STEPS if "uses" in step]
    assert used and all(re.fullmatch(r"[\w-]+/[\w/-]+@v\d+", u) for u in used), used


def test_the_example_workflow_uses_the_action_with_declared_inputs() -> None:
    calls = [
        step
        for job in WORKFLOW["jobs"].values()
        for step in job["steps"]
        if "schema-catalog@" in step.get("uses", "")
    ]
    assert len(calls) == 2
    for step in calls:
        assert step["uses"].endswith("/schema-catalog@v1")
        assert set(step["with"]) <= set(ACTION["inputs"])
    gate, publish = WORKFLOW["jobs"]["gate"], WORKFLOW["jobs"]["publish"]
    assert gate["permissions"]["pull-requests"] == "write"
    assert (
        publish["permissions"]["pages"] == "write"
        and publish["environment"]["name"] == "github-pages"
    )
    readme = (ROOT / "README.md").read_text()
    assert (
        "uses: your-org/schema-catalog@v1" in readme
        and "examples/github-actions/catalog.yml" in readme
    )


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("PG", "DATABASE_URL"))}
    return {**keep, "PATH": path, **extra}


def test_previous_catalog_falls_back_to_an_empty_snapshot(tmp_path: Path) -> None:
    out = tmp_path / "before.json"
    script = ROOT / "scripts" / "action" / "previous-catalog.sh"
    result = subprocess.run(
        ["bash", str(script), str(out)],
        cwd=tmp_path,
        env=_env(tmp_path),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "empty" in result.stdout
    assert snapshot.load(out).tables == ()


def test_previous_catalog_takes_a_given_path(tmp_path: Path) -> None:
    out, given = tmp_path / "before.json", ROOT / "catalog" / "catalog.json"
    script = ROOT / "scripts" / "action" / "previous-catalog.sh"
    env = _env(tmp_path, PREVIOUS_CATALOG=str(given))
    result = subprocess.run(
        ["bash", str(script), str(out)], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert out.read_bytes() == given.read_bytes()


@pytest.mark.parametrize("first_line", ["## not ours", "<!-- schema-catalog --> trailing"])
def test_pr_comment_refuses_a_body_without_the_marker(tmp_path: Path, first_line: str) -> None:
    body = tmp_path / "comment.md"
    body.write_text(first_line + "\n")
    script = ROOT / "scripts" / "action" / "pr-comment.sh"
    result = subprocess.run(
        ["bash", str(script), str(body)], env=_env(tmp_path), capture_output=True, text=True
    )
    assert result.returncode == 2 and "does not start with" in result.stderr
