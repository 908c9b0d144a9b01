"""Stable fingerprints: the same finding gets the same fingerprint run after run.

A fingerprint is built from the rule code and what the finding is about
(`locations.subject`: the table, column or function, or the file of a source
problem without its line), never from the message text or a line number, so
rewording a message or moving code does not make an old finding look new.
Several findings of one rule on one object (two unindexed foreign keys of a
table) are told apart by their order among themselves; the findings arrive
sorted, so the order is stable while they exist.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence

from schema_catalog.analysis import locations
from schema_catalog.model import Finding


def fingerprints(findings: Sequence[Finding]) -> list[str]:
    """One fingerprint per finding, in order (32 hex digits)."""
    seen: Counter[tuple[str, str]] = Counter()
    found: list[str] = []
    for finding in findings:
        key = (finding.code, locations.subject(finding))
        occurrence = seen[key]
        seen[key] += 1
        text = "\0".join((*key, str(occurrence)))
        found.append(hashlib.sha256(text.encode("utf-8")).hexdigest()[:32])
    return found
