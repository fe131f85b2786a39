"""The status's lines: made with the cycle collector paused, which comes back on owing
no collection over them."""

from __future__ import annotations

import gc

from flowkit.tracking.alerting import paused_collector


def test_the_collector_comes_back_on_with_nothing_frozen_and_nothing_owed() -> None:
    assert gc.isenabled()
    with paused_collector():
        assert not gc.isenabled()
        made = [[i] for i in range(20_000)]  # as many young objects as a status makes
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0
    assert gc.get_count()[0] < gc.get_threshold()[0]  # no collection due over `made`
    assert len(made) == 20_000


def test_a_pause_inside_a_pause_leaves_it_paused() -> None:
    with paused_collector():
        with paused_collector():
            pass
        assert not gc.isenabled()
    assert gc.isenabled()


def test_what_the_program_froze_stays_frozen() -> None:
    gc.freeze()
    frozen = gc.get_freeze_count()
    try:
        with paused_collector():
            pass
        # still frozen (an unfreeze would empty it); not `== frozen`: a frozen object that
        # another thread lets go of leaves the count, as pytest-xdist's own thread may
        assert frozen > 1000 and gc.get_freeze_count() > frozen // 2 and gc.isenabled()
    finally:
        gc.unfreeze()
