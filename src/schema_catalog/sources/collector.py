"""Pausing Python's cyclic garbage collector while a source builds a catalog."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off while a catalog is built.

    A build makes hundreds of thousands of small objects that all survive it; the
    collector would walk them again and again and free nothing (reading 3,000 Drizzle
    tables, 1.1 s of 6.5 s went to eight full collections).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
