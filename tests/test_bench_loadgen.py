"""The load generator measures the servers, not its own collector."""
from __future__ import annotations

import gc
import weakref

import pytest

from bench.loadgen import no_collector_pauses


class _Node:
    """Something a reference cycle can be made of."""

    def __init__(self) -> None:
        self.other: _Node | None = None


def test_no_collector_pauses_collects_before_and_switches_the_collector_off_inside() -> None:
    """Garbage made before is gone on entry; inside, cycles wait; after, the collector is back."""
    a, b = _Node(), _Node()
    a.other, b.other = b, a
    before = weakref.ref(a)
    del a, b
    with no_collector_pauses():
        assert before() is None  # collected on the way in, outside the measurement
        assert not gc.isenabled()
        c, d = _Node(), _Node()
        c.other, d.other = d, c
        inside = weakref.ref(c)
        del c, d
        assert inside() is not None  # no collection mid-run
    assert gc.isenabled()
    gc.collect()
    assert inside() is None


def test_the_collector_comes_back_when_the_run_fails() -> None:
    """A run that raises leaves the collector on."""
    with pytest.raises(RuntimeError), no_collector_pauses():
        raise RuntimeError("the server went away")
    assert gc.isenabled()
