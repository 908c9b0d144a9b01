"""The garbage collector around the steps that build or walk a whole catalog.

A 2,000-table catalog is some 300,000 objects, and none of them is cyclic
garbage. CPython's full collections walk every live object, and they start when
enough new objects have survived a younger generation. A load that builds the
catalog therefore walks it several times while it grows. A render allocates rows
by the hundred thousand and walks it again. At 2,000 tables those passes cost
0.3–0.4 s of CPU in each step. The steps run with them out of the way:

- `paused`: no collection at all while a source builds its catalog (the live
  database's rows, a Drizzle read: reading 3,000 Drizzle tables spent 1.1 s of
  6.5 s in eight full collections) or a snapshot is loaded and analysed (the
  load and the analysis leave no cyclic garbage: `gc.collect()` after them finds
  none). What the step made then joins the oldest generation at once, as it
  would have after surviving the collections it skipped: otherwise the first
  allocation after the pause walks all of it as young objects (0.5 s after a
  3,000-table Drizzle read);
- `frozen`: what exists when a render starts is left out of every collection
  until it ends (`gc.freeze`). The rows the render allocates are still collected,
  and workers forked meanwhile do not walk the inherited catalog either.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    """No collection inside; the collector is left as it was found (a caller may
    have disabled it)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            _age_survivors()
            gc.enable()


def _age_survivors() -> None:
    """Move every tracked object to the oldest generation, without walking any:
    `gc.freeze` splices the generations' lists onto the permanent one and `gc.unfreeze`
    splices that onto the oldest. Someone else's freeze is theirs: then nothing moves."""
    if gc.get_freeze_count():
        return
    gc.freeze()
    gc.unfreeze()


@contextmanager
def frozen() -> Iterator[None]:
    """The objects alive now are left out of collections inside. Someone else's freeze
    (`gc.get_freeze_count`) is theirs to undo: then nothing changes."""
    if gc.get_freeze_count():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
