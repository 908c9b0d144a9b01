"""The collector is put back as it was found, whatever the caller had set."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from schema_catalog import collector


@pytest.fixture(autouse=True)
def _restore() -> Iterator[None]:
    enabled = gc.isenabled()
    yield
    gc.unfreeze()
    if enabled:
        gc.enable()


def test_paused_disables_and_restores() -> None:
    gc.enable()
    with collector.paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_paused_leaves_a_disabled_collector_disabled() -> None:
    gc.disable()
    with collector.paused():
        assert not gc.isenabled()
    assert not gc.isenabled()


def test_paused_restores_on_error() -> None:
    gc.enable()
    with pytest.raises(ValueError), collector.paused():
        raise ValueError
    assert gc.isenabled()


def test_frozen_freezes_what_exists_then_unfreezes() -> None:
    gc.unfreeze()
    kept: list[object] = [object()]

    def seen(value: object) -> bool:  # among what a collection walks
        return any(x is value for x in gc.get_objects())

    with collector.frozen():
        assert gc.get_freeze_count() > 0
        new: list[object] = [object()]
        assert seen(new)
        assert not seen(kept)
    assert gc.get_freeze_count() == 0
    assert seen(kept)


def test_frozen_leaves_someone_elses_freeze() -> None:
    gc.unfreeze()
    gc.freeze()
    before = gc.get_freeze_count()
    with collector.frozen():
        pass
    # Still frozen (an unfreeze would leave 0); a frozen object that other threads'
    # objects let go of may be freed meanwhile, so the count may drop by a few.
    assert before - 100 <= gc.get_freeze_count() <= before


def test_paused_ages_what_it_made() -> None:
    """Made during the pause: already in the oldest generation when it ends, so the
    next young collection does not walk it."""
    gc.unfreeze()
    gc.enable()
    with collector.paused():
        made: list[object] = [object()]
    assert any(x is made for x in gc.get_objects(generation=2))
    assert gc.get_count()[0] < 10


def test_paused_leaves_someone_elses_freeze() -> None:
    gc.unfreeze()
    gc.enable()
    gc.freeze()
    before = gc.get_freeze_count()
    with collector.paused():
        pass
    # As above: kept frozen (an unfreeze would leave 0), less what was freed meanwhile.
    assert before - 100 <= gc.get_freeze_count() <= before
