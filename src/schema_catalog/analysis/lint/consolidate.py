"""Findings worth reading: one per root cause, one per rule and object, each naming its object.

Rules are small and independent, so one fact often trips several of them: a
tenant table with RLS off that the API roles can reach fails TEN001, RLS003,
RLS004 and SEC007 together. A reader needs one finding for that one fix, which
names the other rules it answers (``related``). A rule that fires several times
on one object (KEY001 once per foreign key) becomes one finding that lists them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from schema_catalog.model import SEVERITY_ORDER, Finding

RLS_OFF = ("RLS003", "RLS004", "SEC007", "TEN001", "GRT001")
"""Rules that all say "RLS is off on this table", the first present leads."""
ROOT_CAUSES = (RLS_OFF,)


def consolidate(findings: Iterable[Finding]) -> list[Finding]:
    """Merge findings that share a root cause, group repeats, and name every object."""
    merged = _merge_root_causes(_group_repeats(list(findings)))
    return [_naming_its_object(f) for f in merged]


def _group_repeats(findings: list[Finding]) -> list[Finding]:
    by_rule_and_target: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    for finding in findings:
        by_rule_and_target[(finding.code, finding.target)].append(finding)
    out = []
    for items in by_rule_and_target.values():
        if len(items) == 1:
            out.append(items[0])
            continue
        messages = sorted({f.message for f in items})
        first = items[0]
        out.append(
            first.model_copy(
                update={"message": f"{len(messages)} × " + "; ".join(messages)}
                if len(messages) > 1
                else {}
            )
        )
    return out


def _merge_root_causes(findings: list[Finding]) -> list[Finding]:
    out = list(findings)
    for family in ROOT_CAUSES:
        by_target: dict[str, list[Finding]] = defaultdict(list)
        for finding in out:
            if finding.code in family:
                by_target[finding.target].append(finding)
        for items in by_target.values():
            if len(items) < 2:
                continue
            out = [f for f in out if f not in items]
            out.append(_one_for(items, family))
    return out


def _one_for(items: list[Finding], family: tuple[str, ...]) -> Finding:
    ordered = sorted(items, key=lambda f: family.index(f.code))
    lead = ordered[0]
    severity = max((f.severity for f in items), key=lambda s: SEVERITY_ORDER[s])
    details = [lead.message] + [_detail(f) for f in ordered[1:]]
    return lead.model_copy(
        update={
            "severity": severity,
            # Two merged rules can add the same clause (RLS004 and GRT001 both name
            # anon's SELECT grant): say it once.
            "message": "; ".join(dict.fromkeys(c for d in details for c in d.split("; ") if c)),
            "related": tuple(f.code for f in ordered[1:]),
        }
    )


def _detail(finding: Finding) -> str:
    # The merged rules repeat "RLS is disabled"; keep only what each adds.
    text = finding.message
    for lead in ("RLS is disabled and ", "Exposed through the API without RLS, with "):
        if text.startswith(lead):
            return text[len(lead) :]
    return "" if "RLS disabled" in text else text


def _naming_its_object(finding: Finding) -> Finding:
    """``public.books: ...`` unless the message already names the object."""
    if finding.target in finding.message:
        return finding
    return finding.model_copy(update={"message": f"`{finding.target}`: {finding.message}"})
