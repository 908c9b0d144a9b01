"""Progress for long phases: a spinner while it runs, then its duration.

Shown on stderr only when stderr is a terminal and not ``--quiet``, so CI logs
and piped output stay clean and deterministic.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console


class Progress:
    def __init__(self, *, quiet: bool = False, console: Console | None = None) -> None:
        self.console = console or Console(stderr=True)
        self.enabled = not quiet and self.console.is_terminal
        self.quiet = quiet

    @contextmanager
    def phase(self, title: str) -> Iterator[None]:
        started = time.perf_counter()
        if self.enabled:
            with self.console.status(f"{title}…"):
                yield
            elapsed = time.perf_counter() - started
            self.console.print(f"[green]✓[/] {title} [dim]({elapsed:.2f} s)[/]")
        else:
            yield

    def note(self, text: str) -> None:
        """A line for the user (stderr), unless quiet."""
        if not self.quiet:
            print(text, file=sys.stderr)


SILENT = Progress(quiet=True)
