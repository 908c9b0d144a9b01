"""Progress for long phases: a spinner while it runs, then its duration.

Shown on stderr only when stderr is a terminal and not ``--quiet``, so CI logs
and piped output stay clean and deterministic. ``--verbose`` shows every phase,
terminal or not, with what a long run needs to be understood: its wall time,
its CPU time (the render's worker processes included) and the peak memory so far.
"""

from __future__ import annotations

import resource
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.markup import escape


class Progress:
    def __init__(
        self, *, quiet: bool = False, verbose: bool = False, console: Console | None = None
    ) -> None:
        self.console = console or Console(stderr=True)
        self.quiet = quiet
        self.verbose = verbose and not quiet
        self.enabled = not quiet and (self.console.is_terminal or self.verbose)

    @contextmanager
    def phase(self, title: str) -> Iterator[None]:
        if not self.enabled:
            yield
            return
        started, cpu = time.perf_counter(), cpu_seconds()
        if self.console.is_terminal:
            with self.console.status(f"{escape(title)}…"):
                yield
        else:
            yield
        figures = f"{time.perf_counter() - started:.2f} s"
        if self.verbose:
            figures += f", {cpu_seconds() - cpu:.2f} s CPU, peak {peak_mb():.0f} MB"
        self.console.print(f"[green]✓[/] {escape(title)} [dim]({figures})[/]", highlight=False)

    def note(self, text: str) -> None:
        """A line for the user (stderr), unless quiet."""
        if not self.quiet:
            print(text, file=sys.stderr)


def cpu_seconds() -> float:
    """CPU time of this process and of its children that ended (the render's workers)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def peak_mb() -> float:
    """The largest resident set of this process or any child that ended, in MB."""
    # ru_maxrss is in kilobytes on Linux, in bytes on macOS.
    unit = 1 if sys.platform == "darwin" else 1024
    largest = max(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
    )
    return largest * unit / 1e6


SILENT = Progress(quiet=True)
