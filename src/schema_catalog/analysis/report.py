"""Findings for people and machines: what ``schema-catalog check`` prints, and its exit code.

Formats: ``rich`` (a table per level, for a terminal), ``plain`` (the same,
as text, for logs), ``json`` (a list of findings) and ``github`` (workflow
commands, so findings show as annotations on the pull request, on the
declaring file and line where a source knows it); ``sarif``, ``junit`` and
``gitlab`` are in `report_formats`. Findings
arrive sorted (`analyze` sorts them); every format keeps that order.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Sequence
from typing import Literal

from rich.console import Console
from rich.table import Table as RichTable
from rich.text import Text

from schema_catalog.analysis import locations, report_formats
from schema_catalog.analysis.report_formats import ReportContext
from schema_catalog.model import SEVERITY_ORDER, Finding, Severity

Format = Literal["rich", "plain", "json", "github", "sarif", "junit", "gitlab"]
LEVELS: tuple[Severity, ...] = ("error", "warning", "info")
_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}
_GITHUB = {"error": "error", "warning": "warning", "info": "notice"}


def check_exit_code(findings: Iterable[Finding], fail_on: Severity = "error") -> int:
    """1 when any finding is at or above ``fail_on``, else 0."""
    threshold = SEVERITY_ORDER[fail_on]
    return int(any(SEVERITY_ORDER[f.severity] >= threshold for f in findings))


def format_findings(
    findings: Sequence[Finding], fmt: Format = "plain", context: ReportContext | None = None
) -> str:
    """The findings as text in ``fmt``; always ends with a newline (empty input too).

    ``sarif``, ``junit`` and ``gitlab`` are for CI systems (`report_formats`).
    """
    if fmt in ("sarif", "junit", "gitlab"):
        machine = {"sarif": report_formats.sarif, "junit": report_formats.junit}
        return machine.get(fmt, report_formats.gitlab)(findings, context or ReportContext())
    return {"rich": _rich, "plain": _plain, "json": _json, "github": _github}[fmt](findings)


def _grouped(findings: Sequence[Finding]) -> list[tuple[Severity, list[Finding]]]:
    return [
        (level, group)
        for level in LEVELS
        if (group := [f for f in findings if f.severity == level])
    ]


def _totals(findings: Sequence[Finding]) -> str:
    if not findings:
        return "No findings."
    counts = [f"{len(g)} {level}{'s' if len(g) > 1 else ''}" for level, g in _grouped(findings)]
    return ", ".join(counts) + "."


def _plain(findings: Sequence[Finding]) -> str:
    lines: list[str] = []
    for level, group in _grouped(findings):
        lines.append(f"{level.upper()} ({len(group)})")
        lines += [
            f"  {f.code}  {f.target}  {_one_line(f.message)}  [{f.rule}]{_at(f)}" for f in group
        ]
        lines.append("")
    return "\n".join([*lines, _totals(findings)]) + "\n"


def _at(finding: Finding) -> str:
    return f"  at {finding.location}" if finding.location else ""


def _rich(findings: Sequence[Finding]) -> str:
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=True, width=160, color_system="standard")
    for level, group in _grouped(findings):
        table = RichTable(title=f"{level.upper()} ({len(group)})", title_style=_STYLE[level])
        for header in ("Code", "Rule", "Target", "Message", "Declared at"):
            table.add_column(header, overflow="fold")
        for f in group:
            # Text(...) so that database names with [brackets] are never read as markup.
            cells = (f.code, f.rule or "", f.target, f.message, f.location or "")
            table.add_row(*(Text(cell) for cell in cells))
        console.print(table)
    console.print(Text(_totals(findings)))
    return buffer.getvalue()


def _json(findings: Sequence[Finding]) -> str:
    return json.dumps([f.model_dump(mode="json") for f in findings], indent=2) + "\n"


def _github(findings: Sequence[Finding]) -> str:
    lines = [
        f"::{_GITHUB[f.severity]} {_github_properties(f)}::{_data(f.target + ': ' + f.message)}"
        for f in findings
    ]
    return "\n".join([*lines, _totals(findings)]) + "\n"


def _github_properties(finding: Finding) -> str:
    place = locations.split(finding.location) if finding.location else None
    where = f"file={_property(place[0])},line={place[1]}," if place else ""
    return f"{where}title={_property(_title(finding))}"


def _title(finding: Finding) -> str:
    return f"{finding.code} {finding.rule}" if finding.rule else finding.code


def _data(text: str) -> str:
    # GitHub workflow command escaping (actions/toolkit `escapeData`).
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def _one_line(text: str) -> str:
    return " ".join(text.split())
