"""PostgreSQL's default names for constraints, indexes and sequences.

A replayed migration must name unnamed objects exactly as the server would, or
every comparison with the live database reports a spelling difference. This
module ports the naming functions of PostgreSQL 16 (``makeObjectName``,
``ChooseRelationName``, ``ChooseConstraintName``, ``ChooseIndexNameAddition``,
``ChooseIndexColumnNames`` in ``src/backend/commands/indexcmds.c`` and
``src/backend/catalog/pg_constraint.c``):

* ``<table>_pkey``, ``<table>_<cols>_key``, ``<table>_<cols>_idx``,
  ``<table>_<cols>_excl``, ``<table>_<col>_seq`` are *relation* names: they must
  not clash with any relation in the schema (and, for constraint indexes, with
  any constraint name in the schema);
* ``<table>_<cols>_fkey`` and ``<table>_<col>_check`` / ``<table>_check`` are
  *constraint* names: they must not clash with any constraint in the schema;
* on a clash the label gets a counter (``_key1``, ``_key2``...);
* the result fits in 63 bytes (NAMEDATALEN - 1): the longer of the two name
  parts is clipped first, on a character boundary.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

NAMEDATALEN = 64

Taken = Callable[[str], bool]


def clip(name: str, max_bytes: int) -> str:
    """``name`` cut to at most ``max_bytes`` UTF-8 bytes, never inside a character."""
    encoded = name.encode("utf-8")
    if len(encoded) <= max_bytes:
        return name
    return encoded[:max_bytes].decode("utf-8", errors="ignore")


def make_object_name(name1: str, name2: str | None, label: str | None) -> str:
    """``makeObjectName``: ``name1[_name2][_label]`` clipped to 63 bytes."""
    overhead = (len(label.encode()) + 1 if label else 0) + (1 if name2 else 0)
    avail = NAMEDATALEN - 1 - overhead
    n1 = len(name1.encode())
    n2 = len(name2.encode()) if name2 else 0
    # Clip the longer part one byte at a time, as the server does.
    while n1 + n2 > avail:
        if n1 > n2:
            n1 -= 1
        else:
            n2 -= 1
    part1 = clip(name1, n1)
    result = part1
    if name2:
        result += "_" + clip(name2, n2)
    if label:
        result += "_" + label
    return result


def choose_name(name1: str, name2: str | None, label: str, taken: Taken) -> str:
    """The first of ``name_label``, ``name_label1``, ``name_label2``... not ``taken``."""
    candidate = make_object_name(name1, name2, label)
    attempt = 0
    while taken(candidate):
        attempt += 1
        candidate = make_object_name(name1, name2, f"{label}{attempt}")
    return candidate


def name_addition(names: Iterable[str]) -> str:
    """``ChooseIndexNameAddition`` / ``ChooseForeignKeyConstraintNameAddition``.

    Column names joined by ``_``, stopping once the text reaches NAMEDATALEN bytes
    (``make_object_name`` clips the rest).
    """
    text = ""
    for name in names:
        if text:
            text += "_"
        text += clip(name, NAMEDATALEN - 1)
        if len(text.encode()) >= NAMEDATALEN:
            break
    return text


def index_column_names(names: Sequence[str]) -> list[str]:
    """``ChooseIndexColumnNames``: the per-column names, made unique with a counter."""
    result: list[str] = []
    for original in names:
        current = clip(original, NAMEDATALEN - 1)
        counter = 0
        while current in result:
            counter += 1
            suffix = str(counter)
            current = clip(original, NAMEDATALEN - 1 - len(suffix)) + suffix
        result.append(current)
    return result


def primary_key_name(table: str, taken: Taken) -> str:
    return choose_name(table, None, "pkey", taken)


def unique_name(table: str, columns: Sequence[str], taken: Taken) -> str:
    return choose_name(table, name_addition(index_column_names(columns)), "key", taken)


def exclusion_name(table: str, columns: Sequence[str], taken: Taken) -> str:
    return choose_name(table, name_addition(index_column_names(columns)), "excl", taken)


def index_name(table: str, columns: Sequence[str], taken: Taken) -> str:
    return choose_name(table, name_addition(index_column_names(columns)), "idx", taken)


def foreign_key_name(table: str, columns: Sequence[str], taken: Taken) -> str:
    return choose_name(table, name_addition(columns), "fkey", taken)


def check_name(table: str, column: str | None, taken: Taken) -> str:
    """``<table>_<col>_check`` when the expression uses exactly one column, else ``<table>_check``."""
    return choose_name(table, column, "check", taken)


def sequence_name(table: str, column: str, taken: Taken) -> str:
    return choose_name(table, column, "seq", taken)
