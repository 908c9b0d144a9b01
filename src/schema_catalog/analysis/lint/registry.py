"""The rule registry: every lint rule, its code, names, default level and docs.

A rule is a small function ``check(ctx) -> Iterable[Hit]`` registered with
`rule(...)`; its docstring holds an *Anti-pattern* and a *Best practice*
section and becomes the Rules page (`rules_as_markdown`). Codes are stable
(``TEN001``); ``name`` is what users type in catalog.yml and what findings
show (splinter's own name where a rule mirrors one of Supabase's lints, so
users recognise it); ``aliases`` are further accepted names (splinter's
numbered id). `run` applies catalog.yml's levels (``error|warning|info|off``
by code, name or alias) and excludes (rule → table names or globs).
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from schema_catalog.analysis.tenancy import TenancySettings
from schema_catalog.config import Config, RuleLevel, match_tables
from schema_catalog.errors import ConfigError
from schema_catalog.model import SEVERITY_ORDER, Catalog, Finding, Severity


@dataclass(frozen=True)
class Hit:
    """One place a rule fires: ``target`` is ``schema.table[.column]``, a function or an extension."""

    target: str
    message: str
    table: str | None = None
    """The qualified table the hit is about (for excludes); None for functions, extensions."""


@dataclass(frozen=True)
class LintContext:
    catalog: Catalog
    config: Config
    tenancy: TenancySettings


Check = Callable[[LintContext], Iterable[Hit]]


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    level: Severity
    check: Check = field(repr=False)
    aliases: tuple[str, ...] = ()
    enabled: bool = True
    """False for rules that are off unless catalog.yml gives them a level."""

    @property
    def doc(self) -> str:
        return inspect.cleandoc(self.check.__doc__ or "")

    @property
    def summary(self) -> str:
        return self.doc.split("\n\n", 1)[0].replace("\n", " ")

    def names(self) -> tuple[str, ...]:
        return (self.code, self.name, *self.aliases)


RULES: dict[str, Rule] = {}
"""Every registered rule by code, in code order once `lint` is imported."""


def rule(
    code: str, name: str, level: Severity, *, aliases: tuple[str, ...] = (), enabled: bool = True
) -> Callable[[Check], Check]:
    """Register ``check`` as rule ``code``; codes and names must be unique."""

    def register(check: Check) -> Check:
        taken = {n for r in RULES.values() for n in r.names()}
        clash = taken & {code, name, *aliases}
        if clash:
            raise ValueError(f"rule {code}: name already registered: {sorted(clash)}")
        if "*Anti-pattern*" not in (check.__doc__ or "") or "*Best practice*" not in (
            check.__doc__ or ""
        ):
            raise ValueError(f"rule {code}: docstring needs *Anti-pattern* and *Best practice*")
        RULES[code] = Rule(code, name, level, check, aliases, enabled)
        return check

    return register


def resolve(config: Config) -> dict[str, Severity | None]:
    """The level of every rule after catalog.yml (None: off). Unknown rule names are errors."""
    by_name = {n: r for r in RULES.values() for n in r.names()}
    levels: dict[str, Severity | None] = {
        r.code: (r.level if r.enabled else None) for r in RULES.values()
    }
    for key, level in config.lint.rules.items():
        found = by_name.get(key)
        if found is None:
            raise ConfigError(
                f"`lint.rules.{key}` names no rule", where=config.where, fix=_known_rules()
            )
        levels[found.code] = _level(level)
    for key in config.lint.exclude:
        if key not in by_name:
            raise ConfigError(
                f"`lint.exclude.{key}` names no rule", where=config.where, fix=_known_rules()
            )
    for i, entry in enumerate(config.lint.suppress):
        if entry.rule not in by_name:
            raise ConfigError(
                f"`lint.suppress[{i}].rule` names no rule `{entry.rule}`",
                where=config.where,
                fix=_known_rules(),
            )
    return levels


def _level(level: RuleLevel) -> Severity | None:
    return None if level == "off" else level


def _known_rules() -> str:
    return "use a rule code or name from the Rules page, e.g. " + ", ".join(
        f"{r.code}/{r.name}" for r in list(RULES.values())[:3]
    )


def run(ctx: LintContext) -> list[Finding]:
    """All findings of the enabled rules, excludes applied (unsorted)."""
    levels = resolve(ctx.config)
    excludes = _excludes(ctx)
    findings: list[Finding] = []
    for code, current in sorted(RULES.items()):
        level = levels[code]
        if level is None:
            continue
        skip = excludes.get(code, set())
        findings += [
            Finding(
                code=code, severity=level, target=h.target, message=h.message, rule=current.name
            )
            for h in current.check(ctx)
            if h.table is None or h.table not in skip
        ]
    return findings


def _excludes(ctx: LintContext) -> dict[str, set[str]]:
    by_name = {n: r for r in RULES.values() for n in r.names()}
    names = sorted(t.qualified_name for t in ctx.catalog.tables)
    excluded: dict[str, set[str]] = {}
    for key, patterns in ctx.config.lint.exclude.items():
        excluded.setdefault(by_name[key].code, set()).update(match_tables(patterns, names))
    for entry in ctx.config.lint.suppress:
        code = by_name[entry.rule].code
        excluded.setdefault(code, set()).update(match_tables(entry.tables, names))
    return excluded


def sort_key(finding: Finding) -> tuple[int, str, str, str]:
    """Findings order: most severe first, then code, target and message."""
    return (-SEVERITY_ORDER[finding.severity], finding.code, finding.target, finding.message)


def rules_table() -> list[tuple[str, str, tuple[str, ...], str, str]]:
    """``(code, name, aliases, default level or "off", doc)`` for every rule, by code."""
    return [
        (r.code, r.name, r.aliases, r.level if r.enabled else "off", r.doc)
        for r in sorted(RULES.values(), key=lambda r: r.code)
    ]


def rules_as_markdown() -> str:
    """The Rules page body: one section per rule, from its docstring."""
    parts = ["| Code | Name | Also known as | Default level |", "|---|---|---|---|"]
    parts += [
        f"| [{code}](#{code.lower()}) | {_cell_name(name)} | "
        f"{', '.join(_cell_name(a) for a in aliases)} | {level} |"
        for code, name, aliases, level, _ in rules_table()
    ]
    for code, name, aliases, level, doc in rules_table():
        also = f" · also: {', '.join(f'`{a}`' for a in aliases)}" if aliases else ""
        # The name in the heading: Material's search ranks a heading's words first,
        # so `auth_rls_initplan` finds its rule; the anchor stays the code.
        heading = f"## {code} · `{name}` {{ #{code.lower()} }}"
        parts += ["", heading, "", f"Default level: {level}{also}", "", doc]
    return "\n".join(parts) + "\n"


_RULE_NAME = re.compile(r"[a-z0-9_]+")


def _cell_name(name: str) -> str:
    """A rule name as code that may wrap after an underscore, as a table cell's names do
    (splinter's `0029_authenticated_security_definer_function_executable` is 57 letters)."""
    if not _RULE_NAME.fullmatch(name):  # our own constants: never markup, never untrusted
        raise ValueError(f"rule name {name!r} is not snake_case")
    return "<code>" + name.replace("_", "_<wbr>") + "</code>"
