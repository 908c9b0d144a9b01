"""Every error schema-catalog raises on purpose, in one tree.

    CatalogError                  base: bad input the user can fix; CLI prints one line, exits 2
    ├── ConfigError               catalog.yml is invalid (file and key named)
    ├── SourceError               a source cannot be read
    │   ├── ConnectionFailed      database unreachable, bad password, bad DSN
    │   ├── ExtractionFailed      the catalog read failed (timeout, lock, concurrent DDL)
    │   ├── DrizzleError          a Drizzle file or snapshot cannot be read (file:line)
    │   └── MigrationError        a migration SQL file cannot be parsed (file:line)
    ├── SnapshotError             a catalog JSON snapshot is unreadable or from a newer format
    ├── BaselineError             a findings baseline (check --baseline) is unreadable
    ├── RenderError               templates or the site build failed
    └── FileSystemError           the OS refused a read or write (read-only, full, a file in the way)

Findings about the schema are never exceptions: they are `model.Finding` values.
Messages are built in ``__init__`` so every raise site reads the same way, and they
never contain a password (see ``dsn.redact``).
"""

from __future__ import annotations

import errno


class CatalogError(Exception):
    """Bad input the user can fix. The CLI prints ``str(error)`` and exits 2."""

    def __init__(self, what: str, *, where: str | None = None, fix: str | None = None) -> None:
        self.what = what
        self.where = where
        self.fix = fix
        super().__init__(self.line())

    def line(self) -> str:
        """The one line shown to the user: where, what, and how to fix it."""
        text = f"{self.where}: {self.what}" if self.where else self.what
        return f"{text} ({self.fix})" if self.fix else text


class ConfigError(CatalogError):
    """The catalog configuration is invalid."""


class SourceError(CatalogError):
    """A source of schema facts cannot be read."""


class ConnectionFailed(SourceError):
    """The database cannot be reached or refuses the login."""


class ExtractionFailed(SourceError):
    """The catalog read started but could not finish."""


class DrizzleError(SourceError):
    """A Drizzle schema file, config or snapshot cannot be read."""


class MigrationError(SourceError):
    """A migration SQL file cannot be parsed."""


class SnapshotError(CatalogError):
    """A catalog snapshot is unreadable or written by a newer schema-catalog."""


class BaselineError(CatalogError):
    """A findings baseline file is missing, not JSON, or not a baseline."""


class RenderError(CatalogError):
    """Rendering the pages or building the site failed."""


class FileSystemError(CatalogError):
    """The operating system refused to read or write a path."""


# How to fix what the OS said, by errno.
_OS_FIXES = {
    errno.EROFS: "the filesystem is read-only: choose a writable path",
    errno.ENOSPC: "free some space or choose another path; the previous outputs are intact",
    errno.EDQUOT: "free some space or choose another path; the previous outputs are intact",
    errno.EISDIR: "a folder stands where a file is needed: choose a file path",
    errno.ENOTDIR: "a file stands where a folder is needed: remove it or choose another path",
    errno.EEXIST: "a file stands in the way: remove it or choose another path",
    errno.EACCES: "check the permissions of the path",
    errno.EPERM: "check the permissions of the path",
    errno.ENAMETOOLONG: "choose a shorter path",
}


def from_os_error(error: OSError, where: object = None) -> FileSystemError:
    """An OS error as one line: the path (``where`` when the OS names none), what the
    OS said, how to fix it."""
    reason = error.strerror or str(error)
    path = error.filename if error.filename is not None else where
    return FileSystemError(
        reason,
        where=str(path) if path is not None else None,
        fix=_OS_FIXES.get(error.errno or 0, "check the path and try again"),
    )
