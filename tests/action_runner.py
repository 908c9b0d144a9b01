"""Run action.yml's own shell steps on this machine, as a GitHub runner would.

Only what needs GitHub is left out: `uses:` steps (setup-python, code scanning
upload, Pages), the install step (the package under test is already installed;
installing it again would replace the editable install) and the step that talks
to the GitHub API. Everything else runs as written: `if:` conditions, env,
working directories, `$GITHUB_OUTPUT`, `$GITHUB_STEP_SUMMARY`, bash with `-eo pipefail`.
Expressions are the few the action uses: context lookups, ``==``/``!=``,
``&&`` and ``startsWith``.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
NEEDS_GITHUB = ("Install schema-catalog", "Post or update the comment")
_EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
_NAME = re.compile(r"\b(?:inputs|github|runner|steps)(?:\.[A-Za-z0-9_-]+)+")


@dataclass
class Run:
    steps: list[tuple[str, subprocess.CompletedProcess[str] | None]] = field(default_factory=list)
    temp: Path = Path()

    def step(self, name: str) -> subprocess.CompletedProcess[str] | None:
        return next(result for step, result in self.steps if step == name)

    @property
    def failed(self) -> str | None:
        return next((n for n, r in self.steps if r is not None and r.returncode), None)


def run_action(workspace: Path, inputs: dict[str, str], github: dict[str, Any]) -> Run:
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    values = {name: str(spec.get("default", "")) for name, spec in action["inputs"].items()}
    values |= inputs
    temp = workspace.parent / "runner-temp"
    temp.mkdir(exist_ok=True)
    context: dict[str, Any] = {"inputs": values, "github": github, "runner": {"temp": str(temp)}}
    context["steps"] = {}
    run = Run(temp=temp)
    for step in action["runs"]["steps"]:
        name = step.get("name", step.get("uses", ""))
        if "uses" in step or name.startswith(NEEDS_GITHUB) or not _holds(step.get("if"), context):
            run.steps.append((name, None))
            continue
        result = _run_step(step, context, workspace, temp)
        run.steps.append((name, result))
        if result.returncode:
            break
    return run


def _run_step(
    step: dict[str, Any], context: dict[str, Any], workspace: Path, temp: Path
) -> subprocess.CompletedProcess[str]:
    outputs, summary = temp / "output", temp / "summary.md"
    outputs.write_text("")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PG", "DATABASE_URL"))}
    env |= {
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "GITHUB_ACTION_PATH": str(ROOT),
        "GITHUB_WORKSPACE": str(workspace),
        "GITHUB_OUTPUT": str(outputs),
        "GITHUB_STEP_SUMMARY": str(summary),
        "RUNNER_TEMP": str(temp),
    }
    env |= {k: _substitute(str(v), context) for k, v in step.get("env", {}).items()}
    cwd = workspace / _substitute(step.get("working-directory", "."), context)
    result = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if "id" in step:
        pairs = [line.split("=", 1) for line in outputs.read_text().splitlines() if "=" in line]
        context["steps"][step["id"]] = {"outputs": dict(pairs)}
    return result


def _lookup(name: str, context: dict[str, Any]) -> Any:
    value: Any = context
    for part in name.split("."):
        value = value.get(part, "") if isinstance(value, dict) else ""
    return value


def _substitute(text: str, context: dict[str, Any]) -> str:
    return _EXPRESSION.sub(lambda m: str(_lookup(m.group(1), context)), text)


def _holds(condition: str | None, context: dict[str, Any]) -> bool:
    if condition is None:
        return True
    python = re.sub(r"startsWith\(([^,]+),\s*([^)]+)\)", r"(\1).startswith(\2)", condition)
    python = python.replace("&&", " and ").replace("||", " or ")
    python = _NAME.sub(lambda m: f"_get({m.group()!r})", python)
    return bool(eval(python, {"_get": lambda n: _lookup(n, context)}))  # the action's own text
