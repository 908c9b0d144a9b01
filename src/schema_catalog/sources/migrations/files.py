"""Finding migration files and putting them in the order they are applied.

Accepted layouts (a path may be a file or a folder; folders are not searched
recursively, except that a folder holding ``supabase/migrations`` or
``migrations`` but no .sql of its own is followed into it):

* Supabase: ``supabase/migrations/<timestamp>_<name>.sql``; the version the
  CLI records in ``supabase_migrations.schema_migrations.version`` is the
  leading digits.
* drizzle-kit 0.x: ``<out>/NNNN_<name>.sql`` with ``meta/_journal.json`` (its
  order wins when present); drizzle-orm records ``sha256(file text)`` in
  ``drizzle.__drizzle_migrations.hash``.
* drizzle-kit 1.0: ``<out>/<timestamp>_<name>/migration.sql`` (beside its
  ``snapshot.json``), one folder per migration. drizzle-orm 1.0's migrator
  applies every subfolder holding a ``migration.sql``, sorted by folder name
  with JavaScript's ``localeCompare`` (`kit1_key`); the 14-digit UTC timestamp
  leads, so in practice the order is the timestamps'. It records the folder
  name in ``__drizzle_migrations.name`` and the file's sha256 in ``hash``.
* Anything else: files in natural order of their names (``2_x`` before ``10_x``).

Files given one by one keep the order given; each folder contributes its own
files in the order above. A folder that holds no migration in any of these
layouts, or both loose .sql files and kit 1.0 folders, is a `MigrationError`:
naming it and reading nothing would look like an empty schema.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from schema_catalog.errors import MigrationError

_VERSION = re.compile(r"^(\d+)")
KIT1_FILE = "migration.sql"
"""The SQL file in each of drizzle-kit 1.0's ``<timestamp>_<name>/`` migration folders."""
LAYOUTS = (
    "name a folder of .sql files, supabase/migrations, or drizzle-kit's `out` folder"
    " (NNNN_<name>.sql with meta/, or kit 1.0's <timestamp>_<name>/migration.sql)"
)


@dataclass(frozen=True)
class MigrationFile:
    path: Path
    text: str

    @property
    def tag(self) -> str:
        """The migration's name: the file stem, or for kit 1.0's ``<folder>/migration.sql``
        the folder's name (what drizzle-orm 1.0 records as ``name``)."""
        return self.path.parent.name if self.path.name == KIT1_FILE else self.path.stem

    @property
    def version(self) -> str:
        """The leading digits of the tag (Supabase or kit 1.0 timestamp, drizzle index), else the tag."""
        match = _VERSION.match(self.tag)
        return match.group(1) if match else self.tag

    @property
    def sha256(self) -> str:
        """What drizzle-orm's migrator stores as the migration ``hash``."""
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    def is_applied(self, applied: frozenset[str]) -> bool:
        return self.version in applied or self.sha256 in applied or self.tag in applied


def discover(paths: Sequence[Path]) -> list[MigrationFile]:
    """Every migration file under ``paths``, in apply order."""
    ordered: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = migration_paths(path)
            if not found:
                raise MigrationError("no migration files here", where=str(path), fix=LAYOUTS)
            ordered.extend(found)
        elif path.is_file():
            ordered.append(path)
        else:
            raise MigrationError("no such file or folder", where=str(path))
    unique = list(dict.fromkeys(ordered))  # a file named twice is replayed once
    return [MigrationFile(p, _read(p)) for p in unique]


def natural_key(name: str) -> tuple[tuple[int, str], ...]:
    """Sort key where digit runs compare as numbers: ``2_x`` < ``10_x``."""
    return tuple(
        (int(part), "") if part.isdigit() else (0, part) for part in re.split(r"(\d+)", name)
    )


def kit1_key(name: str) -> tuple[tuple[tuple[int, str], ...], str]:
    """Sort key for folder names that follows JavaScript's ``a.localeCompare(b)`` (ICU's
    root collation), which drizzle-orm 1.0's migrator sorts by, on the names drizzle-kit
    writes: punctuation before digits before letters, letters case-insensitively first,
    then lowercase before uppercase (``_`` < ``a`` < ``B``; code points: ``B`` < ``_`` < ``a``)."""
    primary = tuple((2 if c.isalpha() else 1 if c.isdigit() else 0, c.casefold()) for c in name)
    return primary, name.swapcase()


def migration_paths(folder: Path) -> list[Path]:
    """The migration files of one folder, in apply order ([] when it holds none)."""
    files = [p for p in folder.iterdir() if p.is_file() and p.suffix == ".sql"]
    kit1 = [p / KIT1_FILE for p in folder.iterdir() if (p / KIT1_FILE).is_file()]
    if files and kit1:
        raise MigrationError(
            f"holds both .sql files and drizzle-kit 1.0 migration folders ({kit1[0].parent.name}/"
            f"{KIT1_FILE}): which of them are the migrations is unclear",
            where=str(folder),
            fix="keep one layout; `drizzle-kit up` moves 0.x files into folders",
        )
    if kit1:
        return sorted(kit1, key=lambda p: kit1_key(p.parent.name))
    if not files:
        for nested in (folder / "supabase" / "migrations", folder / "migrations"):
            if nested.is_dir():
                return migration_paths(nested)
        return []
    journal = _journal_order(folder)
    if journal:
        by_stem = {p.stem: p for p in files}
        listed = [by_stem[tag] for tag in journal if tag in by_stem]
        rest = sorted(
            (p for p in files if p.stem not in journal), key=lambda p: natural_key(p.name)
        )
        return listed + rest
    return sorted(files, key=lambda p: natural_key(p.name))


def _journal_order(folder: Path) -> list[str]:
    """Tags in drizzle-kit's ``meta/_journal.json``, in journal order ([] if absent)."""
    journal = folder / "meta" / "_journal.json"
    if not journal.is_file():
        return []
    try:
        data = json.loads(_read(journal))
    except json.JSONDecodeError as error:
        raise MigrationError(
            f"unreadable drizzle journal: {error.msg}", where=f"{journal}:{error.lineno}"
        ) from None
    entries = data.get("entries") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise MigrationError(
            "unreadable drizzle journal: no `entries` list",
            where=str(journal),
            fix="regenerate it with `drizzle-kit generate`",
        )
    ordered = sorted(_entries(entries), key=lambda e: e[0])
    return [tag for _, tag in ordered]


def _entries(entries: Iterable[object]) -> Iterable[tuple[int, str]]:
    for position, entry in enumerate(entries):
        if isinstance(entry, dict) and isinstance(entry.get("tag"), str):
            idx = entry.get("idx")
            # A hand-edited entry without a numeric idx keeps its place in the list.
            yield (idx if isinstance(idx, int) else position), entry["tag"]


def _read(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise MigrationError(f"cannot read: {error.strerror}", where=str(path)) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise MigrationError(f"not UTF-8 text ({error.reason})", where=f"{path}:{line}") from None
