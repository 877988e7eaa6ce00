"""HiGHS's one global thread scheduler per process.

HiGHS sizes a global scheduler at its first run; a later run asking for another number of
threads ends with status "Not Set" unless the scheduler is reset first. Every Highs object
the engine runs is made through ``use_threads`` first (the MIP, the LP bound, the sub-MIPs
of the search and of the decomposition), so that a process can mix thread counts (a sweep's
one-thread solves after a default one, tests in one worker)."""

from __future__ import annotations

import highspy

_SIZED_FOR: list[int | str | None] = ["unset"]


def use_threads(threads: int | None) -> None:
    """Reset HiGHS's global scheduler when ``threads`` differs from the last run's."""
    if threads != _SIZED_FOR[0]:
        if _SIZED_FOR[0] != "unset":
            highspy.Highs.resetGlobalScheduler(True)
        _SIZED_FOR[0] = threads
