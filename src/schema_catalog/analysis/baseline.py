"""Findings baselines: adopt the gate on a schema that already has findings.

``check --write-baseline FILE`` records today's findings; ``check --baseline
FILE`` then reports, and fails on, only the findings that are not in it. A
finding matches a baseline entry by rule code, object (`locations.subject`) and
fingerprint (`fingerprints`), never by message text or line number, so reworded
messages and moved code keep matching. Matching counts: two baselined findings
of one rule on one object cover two findings, not three.

The file is deterministic JSON (sorted, stable keys), meant to be committed;
the message is kept only so that a reviewer can read it.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from schema_catalog import atomic
from schema_catalog.analysis import locations
from schema_catalog.analysis.fingerprints import fingerprints
from schema_catalog.errors import BaselineError
from schema_catalog.model import Finding, Severity

_FIX = "write one with `schema-catalog check --write-baseline FILE`"


class Entry(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str
    object: str
    fingerprint: str
    severity: Severity
    rule: str | None = None
    message: str = ""

    def key(self) -> tuple[str, str, str]:
        return (self.code, self.object, self.fingerprint)


class Baseline(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Literal["schema-catalog findings baseline"] = "schema-catalog findings baseline"
    version: Literal[1] = 1
    findings: tuple[Entry, ...] = ()


def entries(findings: Sequence[Finding]) -> list[Entry]:
    """One baseline entry per finding, in the findings' order."""
    return [
        Entry(
            code=f.code,
            object=locations.subject(f),
            fingerprint=fp,
            severity=f.severity,
            rule=f.rule,
            message=f.message,
        )
        for f, fp in zip(findings, fingerprints(findings), strict=True)
    ]


def dumps(findings: Sequence[Finding]) -> str:
    baseline = Baseline(findings=tuple(sorted(entries(findings), key=Entry.key)))
    return json.dumps(baseline.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"


def write(path: Path, findings: Sequence[Finding]) -> None:
    atomic.write_text(path, dumps(findings))


def load(path: Path) -> Baseline:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BaselineError("baseline not found", where=str(path), fix=_FIX) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BaselineError(
            f"not a readable JSON file ({error})", where=str(path), fix=_FIX
        ) from None
    try:
        return Baseline.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        at = ".".join(str(part) for part in first["loc"]) or "the top level"
        raise BaselineError(
            f"not a findings baseline: {at}: {first['msg']}", where=str(path), fix=_FIX
        ) from None


def new_findings(findings: Sequence[Finding], baseline: Baseline) -> list[Finding]:
    """The findings the baseline does not cover, in their order."""
    known = Counter(entry.key() for entry in baseline.findings)
    fresh: list[Finding] = []
    for entry, finding in zip(entries(findings), findings, strict=True):
        if known[entry.key()] > 0:
            known[entry.key()] -= 1
        else:
            fresh.append(finding)
    return fresh
