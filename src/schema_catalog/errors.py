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
    └── RenderError               templates or the site build failed

Findings about the schema are never exceptions: they are `model.Finding` values.
Messages are built in ``__init__`` so every raise site reads the same way, and they
never contain a password (see ``sources.dsn.redact``).
"""

from __future__ import annotations


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
