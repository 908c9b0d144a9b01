"""The names PostgreSQL and drizzle-kit give objects the user did not name.

PostgreSQL (a port of ``makeObjectName``, ``ChooseRelationName``,
``ChooseConstraintName``, ``ChooseIndexNameAddition`` and
``ChooseIndexColumnNames`` of PostgreSQL 16, ``indexcmds.c`` and
``pg_constraint.c``):

* ``<table>_pkey``, ``<table>_<cols>_key``, ``<table>_<cols>_idx``,
  ``<table>_<cols>_excl``, ``<table>_<col>_seq`` are *relation* names: they must
  not clash with any relation in the schema (and, for constraint indexes, with
  any constraint name in the schema);
* ``<table>_<cols>_fkey`` and ``<table>_<col>_check`` / ``<table>_check`` are
  *constraint* names: they must not clash with any constraint in the schema;
* on a clash the label gets a counter (``_key1``, ``_key2``...);
* the result fits in 63 bytes: the longer of the two name parts is clipped
  first, on a character boundary.

drizzle-kit names constraints and indexes itself (``<table>_<cols>_fk`` ...)
and sends them as written; PostgreSQL then clips them to 63 bytes (`clip`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from schema_catalog.pg.clip import NAME_BYTES, NAMEDATALEN, clip

Taken = Callable[[str], bool]


def _nothing_taken(name: str) -> bool:
    return False


def make_object_name(name1: str, name2: str | None, label: str | None) -> str:
    """``makeObjectName``: ``name1[_name2][_label]`` clipped to 63 bytes."""
    overhead = (len(label.encode()) + 1 if label else 0) + (1 if name2 else 0)
    avail = NAME_BYTES - overhead
    n1 = len(name1.encode())
    n2 = len(name2.encode()) if name2 else 0
    # Clip the longer part one byte at a time, as the server does.
    while n1 + n2 > avail:
        if n1 > n2:
            n1 -= 1
        else:
            n2 -= 1
    result = clip(name1, n1)
    if name2:
        result += "_" + clip(name2, n2)
    if label:
        result += "_" + label
    return result


def choose_name(name1: str, name2: str | None, label: str, taken: Taken = _nothing_taken) -> str:
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
        text += clip(name)
        if len(text.encode()) >= NAMEDATALEN:
            break
    return text


def index_column_names(names: Sequence[str]) -> list[str]:
    """``ChooseIndexColumnNames``: the per-column names, made unique with a counter."""
    result: list[str] = []
    for original in names:
        current = clip(original)
        counter = 0
        while current in result:
            counter += 1
            suffix = str(counter)
            current = clip(original, NAME_BYTES - len(suffix)) + suffix
        result.append(current)
    return result


def primary_key_name(table: str, taken: Taken = _nothing_taken) -> str:
    return choose_name(table, None, "pkey", taken)


def unique_name(table: str, columns: Sequence[str], taken: Taken = _nothing_taken) -> str:
    return choose_name(table, name_addition(index_column_names(columns)), "key", taken)


def exclusion_name(table: str, columns: Sequence[str], taken: Taken = _nothing_taken) -> str:
    return choose_name(table, name_addition(index_column_names(columns)), "excl", taken)


def index_name(table: str, columns: Sequence[str], taken: Taken = _nothing_taken) -> str:
    return choose_name(table, name_addition(index_column_names(columns)), "idx", taken)


def foreign_key_name(table: str, columns: Sequence[str], taken: Taken = _nothing_taken) -> str:
    return choose_name(table, name_addition(columns), "fkey", taken)


def check_name(table: str, column: str | None, taken: Taken = _nothing_taken) -> str:
    """``<table>_<col>_check`` when the expression uses exactly one column, else ``<table>_check``."""
    return choose_name(table, column, "check", taken)


def not_null_name(table: str, column: str) -> str:
    """``<table>_<col>_not_null``: PostgreSQL 18's name for a column's NOT NULL constraint
    (a clash gets a counter, which this leaves out: such a name shows as chosen)."""
    return make_object_name(table, column, "not_null")


def sequence_name(table: str, column: str, taken: Taken = _nothing_taken) -> str:
    return choose_name(table, column, "seq", taken)


# --------------------------------------------------------------------------- drizzle-kit


def kit_foreign_key(
    table: str, columns: Sequence[str], ref_table: str, ref_columns: Sequence[str]
) -> str:
    return f"{table}_{'_'.join(columns)}_{ref_table}_{'_'.join(ref_columns)}_fk"


def kit_unique(table: str, columns: Sequence[str]) -> str:
    return f"{table}_{'_'.join(columns)}_unique"


def kit_index(table: str, columns: Sequence[str]) -> str:
    return f"{table}_{'_'.join(columns)}_index"


def kit_primary_key(table: str, columns: Sequence[str]) -> str:
    return f"{table}_{'_'.join(columns)}_pk"
