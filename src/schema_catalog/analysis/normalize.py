"""Equivalent spellings: one canonical text per type, default or expression.

Sources spell the same thing differently: PostgreSQL prints ``timestamp with
time zone`` and ``character varying(255)``, Drizzle writes ``timestamptz`` and
``varchar(255)``; the database qualifies ``extensions.gen_random_uuid()`` and
casts ``'draft'::text``. Drift compares the canonical forms, so only real
differences are reported. The rules are deliberately conservative: when in
doubt, two texts stay different (a false drift is visible, a hidden one is not).
"""

from __future__ import annotations

import re

from schema_catalog.pg import types

# Schemas whose qualification adds nothing when comparing (search_path defaults on Supabase).
_NOISE_SCHEMAS = ("pg_catalog", "public", "extensions")
_SPACES = re.compile(r"\s+")
_QUALIFIER = re.compile(r'(?<![\w."])"?(?:' + "|".join(_NOISE_SCHEMAS) + r')"?\.(?="?\w)')
_TYPMOD_TYPE = re.compile(
    r"^(?P<base>[a-z][a-z0-9_ ]*?)\s*(?P<mod>\([^)]*\))?(?P<zone>\s+with(?:out)?\s+time\s+zone)?$"
)
_CAST_TYPE = (
    r"(?:character varying|double precision|bit varying|time(?:stamp)? with(?:out)? time zone"
    r'|[\w."]+)(?:\(\d+(?:,\s*\d+)?\))?(?:\[\])*'
)
# A literal cast to a type: 'x'::text → 'x', (0)::numeric → 0. Only literals: casting a
# column or a call changes meaning and stays.
_LITERAL_CAST = re.compile(r"('(?:[^']|'')*'|\(-?\d+(?:\.\d+)?\)|-?\b\d+(?:\.\d+)?)::" + _CAST_TYPE)
_NUMERIC_STRING = re.compile(r"'(-?\d+(?:\.\d+)?)'")
_SELECT_ALIAS = re.compile(r"(\bselect\s+[\w.]+\(\))\s+as\s+\w+")


def type_(text: str) -> str:
    """Canonical spelling of a column type: ``varchar(255)`` → ``character varying(255)``."""
    value = _SPACES.sub(" ", text.strip().lower().replace('"', ""))
    value = _QUALIFIER.sub("", value)
    dims = 0
    while value.endswith("[]"):
        value, dims = value[:-2].rstrip(), dims + 1
    if value.startswith("_"):  # internal array spelling, e.g. _text
        value, dims = value[1:], dims + 1
    if value.endswith(" array"):
        value, dims = value[: -len(" array")].rstrip(), dims + 1
    return _canonical_base(value) + "[]" * dims


def _canonical_base(value: str) -> str:
    match = _TYPMOD_TYPE.match(value)
    if not match:
        return value
    base, mod, zone = match["base"].strip(), match["mod"] or "", match["zone"] or ""
    if zone:  # "timestamp(3) with time zone" keeps its own spelling
        return f"{base}{mod}{_SPACES.sub(' ', zone)}"
    canonical = types.spelled(base)
    if " with" in canonical and mod:  # timestamptz(3) → timestamp(3) with time zone
        head, _, tail = canonical.partition(" with")
        return f"{head}{mod.replace(' ', '')} with{tail}"
    return canonical + mod.replace(" ", "")


def expression(text: str | None) -> str | None:
    """Canonical text of a SQL expression (default, check, policy): comparable, not executable."""
    if text is None:
        return None
    value = _SPACES.sub(" ", text.strip())
    value = _QUALIFIER.sub("", value)
    value = _LITERAL_CAST.sub(r"\1", value)
    value = _NUMERIC_STRING.sub(r"\1", value)
    value = _lower_outside_strings(value)
    value = _SELECT_ALIAS.sub(r"\1", value)  # PostgreSQL prints `( SELECT auth.uid() AS uid)`
    value = value.replace("current_timestamp", "now()")
    value = _strip_outer_parens(value)
    # Sources parenthesise freely (PostgreSQL wraps every operand); compare the token
    # sequence without parentheses and without spacing around punctuation.
    return re.sub(r"\s*([(),=<>!+*/-])\s*", r"\1", value).replace("(", "").replace(")", "")


def default(text: str | None) -> str | None:
    """Canonical column default: ``extensions.gen_random_uuid()`` equals ``gen_random_uuid()``."""
    return expression(text)


def check(text: str) -> str:
    """Canonical check constraint: ``CHECK ((price >= 0))`` equals ``price >= 0``."""
    body = re.sub(r"^\s*check\s*", "", text.strip(), flags=re.IGNORECASE)
    body = re.sub(r"\s+not valid\s*$", "", body, flags=re.IGNORECASE)
    return expression(body) or ""


def _lower_outside_strings(value: str) -> str:
    # Keywords and unquoted names are case-insensitive; string literals are not.
    # Split on quotes: even chunks are outside '...'.
    chunks = value.split("'")
    for i in range(0, len(chunks), 2):
        chunks[i] = chunks[i].lower()
    return "'".join(chunks)


def _strip_outer_parens(value: str) -> str:
    while value.startswith("(") and value.endswith(")") and _balanced(value[1:-1]):
        value = value[1:-1].strip()
    return value


def _balanced(value: str) -> bool:
    depth = 0
    for char in value:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def identifiers(text: str | None) -> set[str]:
    """Bare identifiers an expression mentions (``t.organization_id`` gives both parts)."""
    if not text:
        return set()
    without_strings = re.sub(r"'(?:[^']|'')*'", "''", text)
    return {word.lower() for word in re.findall(r'"?([A-Za-z_][A-Za-z0-9_$]*)"?', without_strings)}
